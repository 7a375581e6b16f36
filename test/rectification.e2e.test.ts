import { seedCounty } from '../demo';
import { withSql } from './fixtures';
import { EXIT_LEAVE_REASON } from '../subgraphs/union/union.service';
import { allocationOwed } from '../subgraphs/lib/allocation.rules';
import { expectCode, ok } from './support/expect';
import { startStack, type Stack } from './support/stack';

/**
 * Issue 14, rectification (整改) and the start of exit (退出) on the demo county, through the gateway:
 * the county opens one after a C or D rating of Q2 2026 and the cooperative becomes RECTIFYING in
 * members by saga (no new loans, no new allocations; repayments go on); it closes only on a rating of
 * B or better for a later period; past the deadline without it the exit starts and the cooperative is
 * EXITED. Every refusal with nothing written; who reads and decides, at the union subgraph too.
 */
jest.setTimeout(120_000);

let stack: Stack;
let county: string;
afterAll(() => stack?.stop());
beforeAll(async () => {
  stack = await startStack();
  await seedCounty(stack.urls);
  // the story starts in July, before the county rated the third quarter (the seed's rating of it is rateCounty's, test/rating.e2e.test.ts)
  await withSql(stack.urls.union!, (c) => c.query(`delete from rating where period_start = '2026-07-01'`));
  county = await stack.token({ sub: 'county:1:officer', role: 'COUNTY', counties: [1] });
});

const Q2 = { kind: 'QUARTER', year: 2026, quarter: 2 };
const Q3 = { kind: 'QUARTER', year: 2026, quarter: 3 };
const RECT = `id status openedOn deadline daysLeft points note closedOn exitedOn refusalCode cooperative { id } rating { id ratingClass periodEnd } closingRating { id ratingClass }`;
const OPEN = `mutation($i: OpenRectificationInput!) { openRectification(input: $i) { ${RECT} } }`;
const CLOSE = `mutation($i: RectificationDecisionInput!) { closeRectification(input: $i) { ${RECT} } }`;
const EXIT = `mutation($i: RectificationDecisionInput!) { startExit(input: $i) { ${RECT} } }`;
const RATE = `mutation($i: RateCountyInput!) { rateCounty(input: $i) { ranking { id cooperative { id } ratingClass indicators { name ratingClass } } } }`;
const COOP = `query($id: ID!) { cooperative(id: $id) { id status rectification { ${RECT} } } }`;

let key = 0;
const k = () => `rect-${++key}`;
const open = (ratingId: string, o: { openedOn?: string; deadline?: string; points?: string[]; key?: string } = {}, token = county) =>
  stack.gql(OPEN, { i: { idempotencyKey: o.key ?? k(), ratingId, openedOn: o.openedOn ?? '2026-07-10', deadline: o.deadline ?? '2026-09-30', points: o.points, note: '盐扶发〔2026〕31号:限期清收逾期借款' } }, token);
const decide = (q: string, id: string, token = county, idempotencyKey = k()) => stack.gql(q, { i: { idempotencyKey, rectificationId: id } }, token);
const membersStatus = async (coop: number) => (await withSql(stack.urls.members, (c) => c.query(`select status from cooperative where id = $1`, [coop]))).rows[0].status as string;
/** The rectifications this test opened (not the demo's two, opened by the seed as the county). */
const rows = () => withSql(stack.urls.union!, async (c) => (await c.query(`select id, status, cooperative_id from rectification where opened_by <> 'county:1' order by id`)).rows);

let q2: { id: string; cooperative: { id: string }; ratingClass: string; indicators: { name: string; ratingClass: string }[] }[];
/** cooperatives failing Q2 that are open for business and have a loan being repaid */
let failing: number[];
let byCoop: Map<number, string>;

it('Q2 2026 rated: the C and D cooperatives to rectify', async () => {
  q2 = ok(await stack.gql(RATE, { i: { countyId: '1', period: Q2 } }, county)).rateCounty.ranking;
  byCoop = new Map(q2.map((r) => [Number(r.cooperative.id), r.id]));
  const cd = q2.filter((r) => r.ratingClass === 'C' || r.ratingClass === 'D').map((r) => Number(r.cooperative.id));
  const withLoans = (await withSql(stack.urls.loans, (c) => c.query(`select distinct cooperative_id from loan where status in ('DISBURSED', 'OVERDUE') and cooperative_id = any($1)`, [cd]))).rows.map((r) => r.cooperative_id);
  const active = (await withSql(stack.urls.members, (c) => c.query(`select id from cooperative where status = 'ACTIVE' and id = any($1) order by id`, [withLoans]))).rows.map((r) => r.id as number);
  // the one to exit borrows an allocation still open (the demo's 上马沟村 and 大水坑村 do): the exit settles it first
  const borrowing = new Set((await withSql(stack.urls.union!, (c) => c.query(`select borrower_cooperative_id id from allocation where status = 'ACTIVE'`))).rows.map((r) => r.id as number));
  const exit = active.find((id) => borrowing.has(id))!;
  expect(exit).toBeDefined();
  const others = active.filter((id) => id !== exit && !borrowing.has(id));
  failing = [others[0]!, exit, others[1]!];
  expect(failing.every((x) => x !== undefined)).toBe(true);
});

let first: any;

it('the county opens one after a C or D rating: RECTIFYING in members by saga, the rating\'s points by default, safe to repeat', async () => {
  const coop = failing[0]!;
  const rating = q2.find((r) => Number(r.cooperative.id) === coop)!;
  const once = k();
  first = ok(await open(rating.id, { key: once })).openRectification;
  expect(first).toMatchObject({ status: 'OPEN', openedOn: '2026-07-10', deadline: '2026-09-30', cooperative: { id: String(coop) }, rating: { id: rating.id, periodEnd: '2026-06-30' }, closingRating: null });
  expect(first.daysLeft).toBeLessThan(0);
  // the points the rating asks for: one per C or D indicator
  const asked = new Set(rating.indicators.filter((i) => i.ratingClass === 'C' || i.ratingClass === 'D').map((i) => i.name));
  expect(first.points.length).toBeGreaterThan(0);
  if (asked.has('parBp') || asked.has('repaymentRateBp')) expect(first.points).toContain('COLLECT_OVERDUE');
  expect(await membersStatus(coop)).toBe('RECTIFYING');
  expect(ok(await stack.gql(COOP, { id: String(coop) }, county)).cooperative).toMatchObject({ status: 'RECTIFYING', rectification: { id: first.id, status: 'OPEN' } });
  // the same key again: the same rectification, nothing new
  expect(ok(await open(rating.id, { key: once })).openRectification.id).toBe(first.id);
  expect((await rows()).length).toBe(1);
});

it('RECTIFYING: no new loan, no new allocation; repayments go on', async () => {
  const coop = failing[0]!;
  const board = await stack.token({ sub: `board:${coop}:clerk`, role: 'COOPERATIVE', cooperatives: [coop] });
  const [member] = (await withSql(stack.urls.members, (c) => c.query(`select id from member where cooperative_id = $1 and status = 'ACTIVE' order by id limit 1`, [coop]))).rows;
  expectCode(await stack.gql(`mutation($i: ApplyForLoanInput!) { applyForLoan(input: $i) { id } }`, { i: {
    idempotencyKey: k(), cooperativeId: String(coop), memberId: String(member.id), amount: '300000', termMonths: 12, repaymentMode: 'BULLET', purpose: 'SHEEP', appliedOn: '2026-12-01',
  } }, board), 'COOPERATIVE_RECTIFYING');
  // the county union, of which every cooperative of the demo is a member: another member lends
  const [other] = (await withSql(stack.urls.union!, (c) => c.query(
    `select cooperative_id from union_membership where union_id = 1 and left_on is null and cooperative_id <> $1 order by cooperative_id limit 1`, [coop]))).rows;
  const request = await stack.gql(`mutation($i: RequestAllocationInput!) { requestAllocation(input: $i) { id } }`, { i: {
    idempotencyKey: k(), unionId: '1', borrowerCooperativeId: String(coop), lenderCooperativeId: String(other.cooperative_id), amount: '1000000',
    termDays: 60, feeRateBp: 400, purpose: '春耕借款高峰 / spring lending peak', on: '2026-12-01',
  } }, board);
  expectCode(request, 'COOPERATIVE_RECTIFYING');
  // a repayment of a loan already out is taken
  const [loan] = (await withSql(stack.urls.loans, (c) => c.query(`select id from loan where cooperative_id = $1 and status in ('DISBURSED', 'OVERDUE') order by id limit 1`, [coop]))).rows;
  const paid = ok(await stack.gql(`mutation($i: RecordRepaymentInput!) { recordRepayment(input: $i) { principal fee } }`, { i: {
    idempotencyKey: k(), loanId: String(loan.id), amount: '10000', channel: 'BANK', bankRef: `R-RECT-${loan.id}`, paidOn: '2026-12-01',
  } }, board)).recordRepayment;
  expect(BigInt(paid.principal) + BigInt(paid.fee)).toBe(10_000n);
});

it('refusals, each with nothing written', async () => {
  const before = await rows();
  const b = q2.find((r) => r.ratingClass === 'B')!;
  const second = q2.find((r) => Number(r.cooperative.id) === failing[1])!;
  expectCode(await open(b.id), 'RECTIFICATION_NOT_WARRANTED');
  expectCode(await open(byCoop.get(failing[0]!)!), 'RECTIFICATION_ALREADY_OPEN');
  expectCode(await open(second.id, { openedOn: '2026-06-30' }), 'RECTIFICATION_INVALID');
  expectCode(await open(second.id, { deadline: '2026-07-10' }), 'RECTIFICATION_INVALID');
  expectCode(await open(second.id, { deadline: '2027-07-11' }), 'RECTIFICATION_INVALID');
  expectCode(await open(second.id, { points: ['BANK_ONLY', 'BANK_ONLY'] }), 'RECTIFICATION_INVALID');
  expectCode(await open('999999'), 'NOT_FOUND');
  expectCode(await open(second.id, {}, await stack.token({ sub: 'county:2', role: 'COUNTY', counties: [2] })), 'OUT_OF_SCOPE');
  expectCode(await open(second.id, {}, await stack.token({ sub: `board:${failing[1]}`, role: 'COOPERATIVE', cooperatives: [failing[1]!] })), 'FORBIDDEN');
  expectCode(await open(second.id, {}, await stack.token({ sub: 'union:1', role: 'UNION', union: 1 })), 'FORBIDDEN');
  // the exited cooperative of the demo (二步坑村) takes no rectification; it was not rated, so its last rating is older
  // no rating of a later period yet: nothing closes it, and the deadline has passed but the exit is the county's to start
  expectCode(await decide(CLOSE, first.id), 'RECTIFICATION_NOT_RECTIFIED');
  expectCode(await decide(CLOSE, first.id, await stack.token({ sub: `board:${failing[0]}`, role: 'COOPERATIVE', cooperatives: [failing[0]!] })), 'FORBIDDEN');
  expectCode(await decide(EXIT, '999999'), 'NOT_FOUND');
  expect(await rows()).toEqual(before);
  expect(await membersStatus(failing[0]!)).toBe('RECTIFYING');
});

let q3: Map<number, { id: string; ratingClass: string }>;
let exiting: any;
let later: any;

it('Q3 rated after opening: a rating still C or D keeps it open, a B closes it and the cooperative is ACTIVE again', async () => {
  // two more before Q3 is rated: one to exit, one with a deadline not yet passed
  exiting = ok(await open(byCoop.get(failing[1]!)!, { deadline: '2026-09-30' })).openRectification;
  later = ok(await open(byCoop.get(failing[2]!)!, { deadline: '2027-01-31', points: ['COLLECT_OVERDUE', 'GROUPS_COMPLETE'] })).openRectification;
  expect(later.points).toEqual(['COLLECT_OVERDUE', 'GROUPS_COMPLETE']);
  // a later period's rating now exists: the Q2 one can no longer open anything
  const ranking = ok(await stack.gql(RATE, { i: { countyId: '1', period: Q3 } }, county)).rateCounty.ranking;
  q3 = new Map(ranking.map((r: any) => [Number(r.cooperative.id), r]));
  expect(q3.has(failing[0]!)).toBe(true); // a rectifying cooperative is rated like the others
  const r = q3.get(failing[0]!)!;
  if (r.ratingClass === 'C' || r.ratingClass === 'D') {
    expectCode(await decide(CLOSE, first.id), 'RECTIFICATION_NOT_RECTIFIED');
    ok(await stack.gql(`mutation($i: OverrideRatingInput!) { overrideRating(input: $i) { id } }`, { i: { ratingId: r.id, ratingClass: 'B', reason: '县扶贫办核查:逾期借款已于九月底全部清收' } }, county));
  }
  const closed = ok(await decide(CLOSE, first.id)).closeRectification;
  expect(closed).toMatchObject({ status: 'CLOSED', closingRating: { id: r.id, ratingClass: expect.stringMatching(/^[AB]$/) } });
  expect(await membersStatus(failing[0]!)).toBe('ACTIVE');
  expectCode(await decide(CLOSE, first.id), 'RECTIFICATION_INVALID_TRANSITION');
  expectCode(await decide(EXIT, first.id), 'RECTIFICATION_INVALID_TRANSITION');
  // closed, the cooperative may be rectified again only on a new C or D rating
  expectCode(await open(byCoop.get(failing[0]!)!), 'RECTIFICATION_NOT_WARRANTED');
});

it('past the deadline without a B the county starts the exit: EXITED, final; before the deadline it is refused', async () => {
  const r = q3.get(failing[1]!)!;
  if (r.ratingClass === 'A' || r.ratingClass === 'B') {
    ok(await stack.gql(`mutation($i: OverrideRatingInput!) { overrideRating(input: $i) { id } }`, { i: { ratingId: r.id, ratingClass: 'C', reason: '县扶贫办核查:逾期借款仍未清收到位' } }, county));
  }
  expectCode(await decide(EXIT, later.id), 'EXIT_NOT_WARRANTED');
  const exited = ok(await decide(EXIT, exiting.id)).startExit;
  expect(exited).toMatchObject({ status: 'EXITED', exitedOn: expect.any(String) });
  expect(await membersStatus(failing[1]!)).toBe('EXITED');
  expectCode(await decide(EXIT, exiting.id), 'RECTIFICATION_INVALID_TRANSITION');
  // an exited cooperative is not rated again, and takes no rectification
  expectCode(await open(r.id, { openedOn: '2026-10-08', deadline: '2026-12-31' }), 'COOPERATIVE_EXITED');
  const audit = (await withSql(stack.urls.union!, (c) => c.query(`select action from audit_log where entity = 'Rectification' order by id`))).rows.map((a) => a.action);
  expect(audit).toEqual(['openRectification', 'openRectification', 'openRectification', 'closeRectification', 'startExit']);
  const status = (await withSql(stack.urls.members, (c) => c.query(`select after ->> 'status' s, after ->> 'reason' r from audit_log where action = 'setCooperativeStatus' order by id`))).rows;
  expect(status.map((s) => s.s)).toEqual(['RECTIFYING', 'RECTIFYING', 'RECTIFYING', 'ACTIVE', 'EXITED']);
  expect(status.every((s) => /整改/.test(s.r))).toBe(true);
  // it leaves the unions where it has no open allocation now, and their grants in members and loans go; the one it owes keeps it
  const m = await memberships(failing[1]!);
  expect([m.some((x) => x.open), m.some((x) => !x.open)]).toEqual([true, true]);
  for (const x of m) expect([x.union_id, x.left_on !== null, x.leave_reason]).toEqual([x.union_id, !x.open, x.open ? null : EXIT_LEAVE_REASON]);
  expect(await granted(failing[1]!)).toEqual(m.filter((x) => x.open).map((x) => x.union_id));
});

/** The cooperative's union memberships, each with whether it has an open allocation in that union. */
const memberships = async (coop: number) => (await withSql(stack.urls.union!, (c) => c.query(
  `select m.union_id, m.left_on::text, m.leave_reason, exists (select 1 from allocation a where a.union_id = m.union_id and $1 in (a.lender_cooperative_id, a.borrower_cooperative_id)
          and a.status in ('REQUESTED', 'CONSENTED', 'COUNTY_APPROVED', 'POSTING', 'ACTIVE')) open
     from union_membership m where m.cooperative_id = $1 order by m.union_id`, [coop]))).rows as { union_id: number; left_on: string | null; leave_reason: string | null; open: boolean }[];
/** The unions granted the cooperative's rows, the same in members and loans. */
const granted = async (coop: number) => {
  const [m, l] = await Promise.all([stack.urls.members, stack.urls.loans].map((url) => withSql(url, async (c) => (await c.query(
    `select grantee_id from access_grant where grantee_kind = 'UNION' and cooperative_id = $1 order by grantee_id`, [coop])).rows.map((r) => r.grantee_id as number))));
  expect(l).toEqual(m);
  return m!;
};

const RUN = `mutation($i: RectificationDecisionInput!) { runExitRecovery(input: $i) { id runOn bank allocations households householdCount county left status refusalCode } }`;
const service = () => stack.token({ sub: 'service:test', role: 'SERVICE' });
const fundFacts = async (coop: number) => ok(await stack.subgraphGql('loans', `query($c: Int!) { _exitFundFacts(cooperativeId: $c) { bank households county loansOutstanding } }`, { c: coop }, await service()))._exitFundFacts;
const owedHouseholds = async (coop: number) => (ok(await stack.subgraphGql('members', `query($c: Int!) { _exitHouseholds(cooperativeId: $c) { memberId contributed returned } }`, { c: coop }, await service()))._exitHouseholds as { memberId: number; contributed: string; returned: string }[])
  .map((h) => ({ memberId: h.memberId, owed: BigInt(h.contributed) - BigInt(h.returned) }));
const balanced = async (coop: number) => {
  const tb = ok(await stack.gql(`query($c: ID!) { trialBalance(cooperativeId: $c) { net balancesMatchEntries } }`, { c: String(coop) }, county)).trialBalance;
  expect(tb).toEqual({ net: '0', balancesMatchEntries: true });
};

it('recovery runs after the exit: the open allocation first, the households\' own part pro rata, the county last; again after a collection, until nothing is left', async () => {
  const coop = failing[1]!;
  expectCode(await decide(RUN, later.id), 'RECTIFICATION_INVALID_TRANSITION'); // not exited
  const before = await fundFacts(coop);
  const owedBefore = await owedHouseholds(coop);
  const [allocation] = (await withSql(stack.urls.union!, (c) => c.query(`select id, amount_fen - principal_repaid_fen outstanding from allocation where borrower_cooperative_id = $1 and status = 'ACTIVE'`, [coop]))).rows;
  const run = ok(await decide(RUN, exiting.id)).runExitRecovery;
  expect(run).toMatchObject({ status: 'DONE', bank: before.bank, refusalCode: null });
  // every fen of the bank accounted for, in the policy's order
  expect(BigInt(run.allocations) + BigInt(run.households) + BigInt(run.county) + BigInt(run.left)).toBe(BigInt(before.bank));
  expect(BigInt(run.allocations)).toBeGreaterThanOrEqual(BigInt(allocation.outstanding) > BigInt(before.bank) ? BigInt(before.bank) : BigInt(allocation.outstanding));
  const totalOwed = owedBefore.reduce((x, h) => x + h.owed, 0n);
  if (BigInt(run.households) < totalOwed) expect(run.county).toBe('0'); // the county waits until every household is whole
  // the allocation is settled through the union's own repayment, both ledgers at once
  const [a] = (await withSql(stack.urls.union!, (c) => c.query(`select status, principal_repaid_fen from allocation where id = $1`, [allocation.id]))).rows;
  if (BigInt(run.allocations) > BigInt(allocation.outstanding)) expect(a.status).toBe('REPAID');
  // members' rows of the run are what the ledger moved, none above what a household was owed
  const rows = (await withSql(stack.urls.members, (c) => c.query(`select member_id, amount_fen::text amount from exit_return where run_id = $1`, [Number(run.id)]))).rows;
  expect(rows.length).toBe(run.householdCount);
  expect(rows.reduce((x, r) => x + BigInt(r.amount), 0n)).toBe(BigInt(run.households));
  const owedOf = new Map(owedBefore.map((h) => [h.memberId, h.owed]));
  for (const r of rows) expect(BigInt(r.amount)).toBeLessThanOrEqual(owedOf.get(r.member_id)!);
  const txns = (await withSql(stack.urls.loans, (c) => c.query(
    `select t.kind, sum(l.amount_fen) filter (where l.account = 'BANK')::text bank from ledger_txn t join ledger_line l on l.txn_id = t.id
      where t.cooperative_id = $1 and t.kind like 'EXIT_RETURN_%' group by t.kind order by t.kind`, [coop]))).rows;
  expect(Object.fromEntries(txns.map((t) => [t.kind, -BigInt(t.bank)]))).toEqual(Object.fromEntries([
    ...(run.county !== '0' ? [['EXIT_RETURN_COUNTY', BigInt(run.county)]] : []), ...(run.households !== '0' ? [['EXIT_RETURN_HOUSEHOLDS', BigInt(run.households)]] : []),
  ]));
  await balanced(coop);
  // on the public board, no household named
  const board = ok(await stack.gql(`query($c: ID!) { disclosureBoard(cooperativeId: $c, first: 20) { edges { node { kind amount nameMasked } } } }`, { c: String(coop) })).disclosureBoard.edges.map((e: any) => e.node);
  expect(board.filter((x: any) => x.kind.startsWith('EXIT_RETURN')).every((x: any) => x.nameMasked === null)).toBe(true);
  expect(board.some((x: any) => x.kind.startsWith('EXIT_RETURN'))).toBe(true);

  // a loan still out is collected as before; the next run divides it
  const [loan] = (await withSql(stack.urls.loans, (c) => c.query(`select id from loan where cooperative_id = $1 and status in ('DISBURSED', 'OVERDUE') order by id limit 1`, [coop]))).rows;
  const board2 = await stack.token({ sub: `board:${coop}:clerk`, role: 'COOPERATIVE', cooperatives: [coop] });
  ok(await stack.gql(`mutation($i: RecordRepaymentInput!) { recordRepayment(input: $i) { principal } }`, { i: {
    idempotencyKey: k(), loanId: String(loan.id), amount: '20000', channel: 'BANK', bankRef: `R-EXIT-${loan.id}`, paidOn: '2026-12-01',
  } }, board2));
  // what it borrowed settled, it has left every union it owed nothing more
  const left = await memberships(coop);
  for (const x of left) expect([x.union_id, x.left_on !== null]).toEqual([x.union_id, !x.open]);
  expect(await granted(coop)).toEqual(left.filter((x) => x.open).map((x) => x.union_id));
  if (a.status === 'REPAID') expect(left.every((x) => x.left_on !== null)).toBe(true);
  const second = ok(await decide(RUN, exiting.id)).runExitRecovery;
  expect(second.status).toBe('DONE');
  expect(BigInt(second.bank)).toBe(BigInt(run.left) + 20_000n);
  const owedAfter = await owedHouseholds(coop);
  const returned = (await withSql(stack.urls.members, (c) => c.query(`select member_id, sum(amount_fen)::text s from exit_return where cooperative_id = $1 group by member_id`, [coop]))).rows;
  for (const r of returned) expect(owedAfter.find((h) => h.memberId === r.member_id)!.owed).toBe(owedOf.get(r.member_id)! - BigInt(r.s));
  await balanced(coop);
  // nothing came in since: nothing to recover, nothing written
  const runs = async () => (await withSql(stack.urls.union!, (c) => c.query(`select count(*)::int n from exit_run`))).rows[0].n;
  const n = await runs();
  expectCode(await decide(RUN, exiting.id), 'EXIT_NOTHING_TO_RECOVER');
  expect(await runs()).toBe(n);
  // the runs on the rectification, and an exit posting is never reversed alone
  const listed = ok(await stack.gql(`query($id: ID!) { cooperative(id: $id) { rectification { recoveryRuns { id status } } } }`, { id: String(coop) }, county)).cooperative.rectification.recoveryRuns;
  expect(listed).toEqual([{ id: run.id, status: 'DONE' }, { id: second.id, status: 'DONE' }]);
  const [exitTxn] = (await withSql(stack.urls.loans, (c) => c.query(`select id from ledger_txn where cooperative_id = $1 and kind like 'EXIT_RETURN_%' limit 1`, [coop]))).rows;
  const other = await stack.token({ sub: 'county:1:checker', role: 'COUNTY', counties: [1] });
  expectCode(await stack.gql(`mutation($i: ReverseLedgerTransactionInput!) { reverseLedgerTransaction(input: $i) }`, { i: { idempotencyKey: k(), txnId: String(exitTxn.id), reason: '录入错误,冲销重做', on: '2026-12-01' } }, other), 'EXIT_POSTING_NOT_REVERSIBLE');
  expectCode(await decide(RUN, exiting.id, await stack.token({ sub: `board:${coop}`, role: 'COOPERATIVE', cooperatives: [coop] })), 'FORBIDDEN');
});

it('an exited lender leaves the union once its borrower has repaid the last allocation it lent there', async () => {
  const OPEN = `b.status in ('REQUESTED', 'CONSENTED', 'COUNTY_APPROVED', 'POSTING', 'ACTIVE')`;
  const [a] = (await withSql(stack.urls.union!, (c) => c.query(
    `select a.id, a.union_id, a.lender_cooperative_id lender, a.borrower_cooperative_id borrower, a.county_id, (a.amount_fen - a.principal_repaid_fen)::text outstanding,
            a.fee_rate_bp, to_char(a.fee_from, 'YYYY-MM-DD') fee_from
       from allocation a where a.status = 'ACTIVE' and $1 not in (a.lender_cooperative_id, a.borrower_cooperative_id)
        and not exists (select 1 from allocation b where b.union_id = a.union_id and b.id <> a.id and a.lender_cooperative_id in (b.lender_cooperative_id, b.borrower_cooperative_id) and ${OPEN})
      order by a.id limit 1`, [failing[1]]))).rows;
  expect(a).toBeDefined();
  // the lender's exit, decided on paper as the demo's exited cooperative's was (the exit itself is the test above)
  await withSql(stack.urls.union!, (c) => c.query(
    `insert into rectification (cooperative_id, township_id, county_id, opened_on, deadline, points, note, status, opened_by, exited_on, exited_by)
     select m.cooperative_id, m.township_id, m.county_id, date '2026-01-05', date '2026-06-30', '["COLLECT_OVERDUE"]', '纸质台账:退出', 'EXITED', 'county:1', date '2026-07-01', 'county:1'
       from union_membership m where m.cooperative_id = $1 limit 1`, [a.lender]));
  const before = await memberships(a.lender);
  expect(before.find((x) => x.union_id === a.union_id)).toMatchObject({ left_on: null, open: true });
  const owed = allocationOwed({ outstandingFen: BigInt(a.outstanding), feeRateBp: a.fee_rate_bp, feeFrom: a.fee_from }, '2026-12-01');
  const board = await stack.token({ sub: `board:${a.borrower}:treasurer`, role: 'COOPERATIVE', cooperatives: [a.borrower] });
  const repaid = ok(await stack.gql(`mutation($i: RepayAllocationInput!) { repayAllocation(input: $i) { status } }`,
    { i: { idempotencyKey: k(), allocationId: String(a.id), amount: String(owed.principalFen + owed.feeFen), paidOn: '2026-12-01' } }, board)).repayAllocation;
  expect(repaid.status).toBe('REPAID');
  const after = await memberships(a.lender);
  expect(after.find((x) => x.union_id === a.union_id)).toMatchObject({ left_on: '2026-12-01', leave_reason: EXIT_LEAVE_REASON, open: false });
  expect(await granted(a.lender)).not.toContain(a.union_id);
});

it('the county\'s deadlines: open ones due within the days asked, soonest first', async () => {
  const list = async (days: number, token = county) => ok(await stack.gql(`query($d: Int!) { rectificationDeadlines(countyId: "1", withinDays: $d) { id deadline daysLeft cooperative { id } } }`, { d: days }, token)).rectificationDeadlines;
  const soon = await list(366);
  // the demo's rectifying cooperative (opened in May after its C or D of the first quarter, due at the year's end) comes first
  const [paper] = (await withSql(stack.urls.union!, (c) => c.query(`select id::text, cooperative_id from rectification where opened_by = 'county:1' and status = 'OPEN'`))).rows;
  expect(soon.map((x: any) => x.id)).toEqual([paper.id, later.id]);
  expect(soon.every((x: any) => x.daysLeft > 0)).toBe(true);
  expect(await list(0)).toEqual([]);
  expectCode(await stack.gql(`{ rectificationDeadlines(countyId: "1", withinDays: 400) { id } }`, {}, county), 'INVALID_INPUT');
  // union 2 reads its members' only; a household reads none
  const union2Members = (await withSql(stack.urls.union!, (c) => c.query(`select cooperative_id from union_membership where union_id = 2 and left_on is null`))).rows.map((r) => r.cooperative_id);
  expect((await list(366, await stack.token({ sub: 'union:2', role: 'UNION', union: 2 }))).map((x: any) => Number(x.cooperative.id)))
    .toEqual([paper.cooperative_id, failing[2]].filter((c) => union2Members.includes(c)));
});

it('who reads a cooperative\'s rectification: the county, its board, its households, a union of its; at the union subgraph too', async () => {
  const coop = failing[2]!;
  const [m] = (await withSql(stack.urls.members, (c) => c.query(`select id from member where cooperative_id = $1 and status = 'ACTIVE' order by id limit 1`, [coop]))).rows;
  const household = await stack.token({ sub: `member:${m.id}`, role: 'MEMBER', member: m.id, cooperatives: [coop] });
  const other = failing[0]!;
  const seen = async (token: string, id = coop) => ok(await stack.gql(COOP, { id: String(id) }, token)).cooperative?.rectification?.id ?? null;
  expect(await seen(county)).toBe(later.id);
  expect(await seen(household)).toBe(later.id);
  expect(await seen(await stack.token({ sub: `board:${coop}`, role: 'COOPERATIVE', cooperatives: [coop] }))).toBe(later.id);
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Cooperative { id rectification { id } } } }`;
  const reps = [{ __typename: 'Cooperative', id: String(coop) }, { __typename: 'Cooperative', id: String(other) }];
  const direct = async (token: string) => ok(await stack.subgraphGql('union', ENTITIES, { r: reps }, token))._entities.map((e: any) => e.rectification !== null);
  expect(await direct(county)).toEqual([true, true]);
  expect(await direct(household)).toEqual([true, false]);
  expect(await direct(await stack.token({ sub: `board:${other}`, role: 'COOPERATIVE', cooperatives: [other] }))).toEqual([false, true]);
  expect(await direct(await stack.token({ sub: 'county:2', role: 'COUNTY', counties: [2] }))).toEqual([false, false]);
});

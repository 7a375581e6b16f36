import { seedCounty } from '../demo';
import { withSql } from './fixtures';
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
const rows = () => withSql(stack.urls.union!, async (c) => (await c.query(`select id, status, cooperative_id from rectification order by id`)).rows);

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
  failing = active;
  expect(failing.length).toBeGreaterThanOrEqual(3);
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
});

it('the county\'s deadlines: open ones due within the days asked, soonest first', async () => {
  const list = async (days: number, token = county) => ok(await stack.gql(`query($d: Int!) { rectificationDeadlines(countyId: "1", withinDays: $d) { id deadline daysLeft cooperative { id } } }`, { d: days }, token)).rectificationDeadlines;
  const soon = await list(366);
  expect(soon.map((x: any) => x.id)).toEqual([later.id]);
  expect(soon[0].daysLeft).toBeGreaterThan(0);
  expect(await list(0)).toEqual([]);
  expectCode(await stack.gql(`{ rectificationDeadlines(countyId: "1", withinDays: 400) { id } }`, {}, county), 'INVALID_INPUT');
  // union 2 reads its members' only; a household reads none
  const union2Members = (await withSql(stack.urls.union!, (c) => c.query(`select cooperative_id from union_membership where union_id = 2 and left_on is null`))).rows.map((r) => r.cooperative_id);
  expect((await list(366, await stack.token({ sub: 'union:2', role: 'UNION', union: 2 }))).length).toBe(union2Members.includes(failing[2]) ? 1 : 0);
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

import { createWorld, inject, setPolicy, tokens, withSql, WORLD } from './fixtures';
import { expectCode, ok } from './support/expect';
import { startStack, type Stack } from './support/stack';

/**
 * Issue 13, allocations between a union's members (有偿调剂), through the gateway: the whole life
 * with both ledgers and the union's books after every step, each refusal with both ledgers
 * unchanged, two approvals at once against one lender's idle money, and who sees what.
 */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
let unionId: string;
let unionToken: string;
let otherUnionToken: string;
afterAll(() => stack?.stop());

const A = WORLD.coopA; // the lender
const B = WORLD.coopB; // the borrower
const FOUND = `mutation($i: FoundUnionInput!) { foundCooperativeUnion(input: $i) { id } }`;
const JOIN = `mutation($i: JoinUnionInput!) { joinCooperativeUnion(input: $i) { id } }`;
const LEAVE = `mutation($i: LeaveUnionInput!) { leaveCooperativeUnion(input: $i) { id } }`;
const FIELDS = `id status amount outstanding principalRepaid feePaid madeOn dueOn overdue refusalCode lender { id } borrower { id } union { id }
  repayments { principal fee lenderFee unionFee status }`;
const REQUEST = `mutation($i: RequestAllocationInput!) { requestAllocation(input: $i) { ${FIELDS} } }`;
const CONSENT = `mutation($i: AllocationDecisionInput!) { consentAllocation(input: $i) { ${FIELDS} } }`;
const COUNTY_APPROVE = `mutation($i: AllocationDecisionInput!) { countyApproveAllocation(input: $i) { ${FIELDS} } }`;
const APPROVE = `mutation($i: AllocationDecisionInput!) { approveAllocation(input: $i) { ${FIELDS} } }`;
const REPAY = `mutation($i: RepayAllocationInput!) { repayAllocation(input: $i) { ${FIELDS} } }`;
const BOOKS = `query($a: ID!, $b: ID!, $u: ID!, $asOf: LocalDate) {
  a: cooperative(id: $a) { fund { bankDeposit unionReceivable unionPayable riskReserve welfareFund managementFund retainedCapital allocationFeesPaid lendableFund } }
  b: cooperative(id: $b) { fund { bankDeposit unionReceivable unionPayable allocationFeesPaid } }
  ta: trialBalance(cooperativeId: $a) { net balancesMatchEntries }
  tb: trialBalance(cooperativeId: $b) { net balancesMatchEntries }
  cooperativeUnion(id: $u) { position(asOf: $asOf) { receivable payable feeIncome bank activeCount overdueCount overdueOutstanding } }
}`;

let key = 0;
const k = () => `alloc-${++key}`;
const request = (o: { amount: string; term?: number; rate?: number; lender?: number; borrower?: number; on?: string }, token = t.boardB) =>
  stack.gql(REQUEST, { i: {
    idempotencyKey: k(), unionId, borrowerCooperativeId: String(o.borrower ?? B), lenderCooperativeId: String(o.lender ?? A), amount: o.amount,
    termDays: o.term ?? 60, feeRateBp: o.rate ?? 400, purpose: '春耕借款高峰 / spring lending peak', on: o.on ?? '2026-10-20',
  } }, token);
const decide = (q: string, id: string, on: string, token: string) => stack.gql(q, { i: { idempotencyKey: k(), allocationId: id, on } }, token);
const books = async (asOf?: string) => ok(await stack.gql(BOOKS, { a: String(A), b: String(B), u: unionId, asOf }, t.county1));

/** Both trial balances net to zero and the principal lent and borrowed across the members nets to zero. */
async function balanced(asOf?: string) {
  const r = await books(asOf);
  expect([r.ta, r.tb]).toEqual([{ net: '0', balancesMatchEntries: true }, { net: '0', balancesMatchEntries: true }]);
  expect(BigInt(r.a.fund.unionReceivable) + BigInt(r.b.fund.unionReceivable)).toBe(BigInt(r.a.fund.unionPayable) + BigInt(r.b.fund.unionPayable));
  // the union's books say the same: what members owe it equals what it owes members, equals the net lent
  const p = r.cooperativeUnion.position;
  expect(p.receivable).toBe(p.payable);
  // the funds' balances are today's: at an earlier date only the union's own books are compared
  if (asOf === undefined) expect(BigInt(p.receivable)).toBe(BigInt(r.a.fund.unionReceivable) + BigInt(r.b.fund.unionReceivable));
  return r;
}

/** The lender's idle money now, as loans computes it (its internal query, with a service token). */
async function idleOfA(): Promise<bigint> {
  const service = await stack.token({ sub: 'service:test', role: 'SERVICE' });
  return BigInt(ok(await stack.subgraphGql('loans', `{ _fundIdleMoney(cooperativeIds: [${A}]) { idle } }`, {}, service))._fundIdleMoney[0].idle);
}

/** Request, consent and (below the county limit) approve; returns the approved allocation. */
async function made(amount: string, on: string, term = 60) {
  const a = ok(await request({ amount, term, on })).requestAllocation;
  ok(await decide(CONSENT, a.id, on, t.boardA));
  return ok(await decide(APPROVE, a.id, on, unionToken)).approveAllocation;
}

beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  await inject(stack, t.county1, A, 10_000_000n, 'alloc-cap-A', '2026-01-02');
  await inject(stack, t.county1, B, 1_000_000n, 'alloc-cap-B', '2026-01-02');
  unionId = ok(await stack.gql(FOUND, { i: {
    level: 'COUNTY', countyId: '1', nameZh: '盐池县互助资金联合社', nameEn: 'Yanchi County Mutual-Aid Union', foundedOn: '2020-01-01',
    policy: { feeRateMinBp: 300, feeRateMaxBp: 500, maxLenderShareBp: 8000, maxTermDays: 180, countyApprovalAbove: '3000000', lenderFeeShareBp: 7000 },
  } }, t.county1)).foundCooperativeUnion.id;
  const other = ok(await stack.gql(FOUND, { i: { level: 'TOWNSHIP', countyId: '1', townshipId: '11', nameZh: '花马池镇互助资金联合社', nameEn: 'Huamachi Town Union', foundedOn: '2020-01-01' } }, t.county1)).foundCooperativeUnion.id;
  for (const c of [A, B]) ok(await stack.gql(JOIN, { i: { unionId, cooperativeId: String(c), joinedOn: '2021-01-01', documentNo: '盐扶发〔2021〕1号' } }, t.county1));
  unionToken = await stack.token({ sub: `union:${unionId}:officer`, role: 'UNION', union: Number(unionId) });
  otherUnionToken = await stack.token({ sub: `union:${other}:officer`, role: 'UNION', union: Number(other) });
});

it('an allocation\'s whole life: both ledgers and the union\'s books balance after every step; the fee by days, split to the fen', async () => {
  await balanced();
  const req = ok(await request({ amount: '2000000', on: '2026-11-01' })).requestAllocation;
  expect(req).toMatchObject({ status: 'REQUESTED', madeOn: null, lender: { id: String(A) }, borrower: { id: String(B) }, union: { id: unionId } });
  ok(await decide(CONSENT, req.id, '2026-11-01', t.boardA));
  const act = ok(await decide(APPROVE, req.id, '2026-11-01', unionToken)).approveAllocation;
  expect(act).toMatchObject({ status: 'ACTIVE', madeOn: '2026-11-01', dueOn: '2026-12-31', outstanding: '2000000', overdue: false });
  let r = await balanced();
  expect(r.a.fund).toMatchObject({ bankDeposit: '8000000', unionReceivable: '2000000', lendableFund: '10000000' });
  expect(r.b.fund).toMatchObject({ bankDeposit: '3000000', unionPayable: '2000000' });
  // the principal lent and borrowed nets to zero at the dates before and after the money moved
  expect((await balanced('2026-10-31')).cooperativeUnion.position).toMatchObject({ receivable: '0', activeCount: 0 });

  // 15 days at 400 bp on 2,000,000: round(2,000,000 × 400 × 15 / 3,650,000) = 3,288; lender 70 % floored
  const p1 = ok(await stack.gql(REPAY, { i: { idempotencyKey: k(), allocationId: req.id, amount: '503288', paidOn: '2026-11-16' } }, t.boardB)).repayAllocation;
  expect(p1).toMatchObject({ status: 'ACTIVE', outstanding: '1500000', principalRepaid: '500000', feePaid: '3288' });
  expect(p1.repayments).toEqual([{ principal: '500000', fee: '3288', lenderFee: '2301', unionFee: '987', status: 'POSTED' }]);
  r = await balanced();
  expect(r.b.fund).toMatchObject({ unionPayable: '1500000', allocationFeesPaid: '3288', bankDeposit: String(3_000_000 - 503_288) });
  expect(r.a.fund.bankDeposit).toBe(String(8_000_000 + 500_000 + 2301));
  const split = BigInt(r.a.fund.riskReserve) + BigInt(r.a.fund.welfareFund) + BigInt(r.a.fund.managementFund) + BigInt(r.a.fund.retainedCapital);
  expect(split).toBe(2301n); // the lender's part is fee income, split into its four policy funds
  expect(r.cooperativeUnion.position).toMatchObject({ feeIncome: '987', bank: '987', receivable: '1500000', activeCount: 1 });

  // the rest on 2026-12-01: 15 days on 1,500,000 = round(1,500,000 × 400 × 15 / 3,650,000) = 2,466
  expectCode(await stack.gql(REPAY, { i: { idempotencyKey: k(), allocationId: req.id, amount: '1502467', paidOn: '2026-12-01' } }, t.boardB), 'REPAYMENT_EXCEEDS_OWED');
  const p2 = ok(await stack.gql(REPAY, { i: { idempotencyKey: k(), allocationId: req.id, amount: '1502466', paidOn: '2026-12-01' } }, t.boardB)).repayAllocation;
  expect(p2).toMatchObject({ status: 'REPAID', outstanding: '0', feePaid: String(3288 + 2466) });
  const fees = p2.repayments.map((x: any) => [BigInt(x.lenderFee), BigInt(x.unionFee), BigInt(x.fee)]);
  for (const [l, u, f] of fees) expect(l + u).toBe(f);
  r = await balanced();
  expect(r.a.fund).toMatchObject({ unionReceivable: '0', bankDeposit: String(10_000_000 + 2301 + 1726) });
  expect(r.b.fund).toMatchObject({ unionPayable: '0', allocationFeesPaid: '5754' });
  expect(r.cooperativeUnion.position).toMatchObject({ feeIncome: String(987 + 740), receivable: '0', activeCount: 0 });
  // the union's fee income is exactly the fees less the lenders' parts
  expect(BigInt(r.cooperativeUnion.position.feeIncome)).toBe(5754n - (2301n + 1726n));

  // both boards show it: lent and repaid on A's, borrowed and repaid on B's
  const board = async (c: number) => ok(await stack.gql(`query($c: ID!) { disclosureBoard(cooperativeId: $c) { edges { node { kind amount } } } }`, { c: String(c) })).disclosureBoard.edges.map((e: any) => e.node.kind);
  expect(await board(A)).toEqual(expect.arrayContaining(['ALLOCATION_LENT', 'ALLOCATION_REPAYMENT_RECEIVED']));
  expect(await board(B)).toEqual(expect.arrayContaining(['ALLOCATION_BORROWED', 'ALLOCATION_REPAID']));
  // a repeated approval with its key changes nothing
});

it('every refusal has its code, and neither ledger nor the union\'s books change', async () => {
  const before = await books();
  const check = async () => expect(await books()).toEqual(before);
  expectCode(await request({ amount: '100000', lender: WORLD.coopC }), 'NOT_SAME_UNION');
  expectCode(await request({ amount: '100000', term: 181 }), 'ALLOCATION_TERM_TOO_LONG');
  expectCode(await request({ amount: '100000', rate: 501 }), 'ALLOCATION_FEE_RATE_OUT_OF_RANGE');
  const idle = await idleOfA();
  expectCode(await request({ amount: String((idle * 8000n) / 10_000n + 1n) }), 'ABOVE_LENDER_SHARE'); // the union's 80 %, floored
  expectCode(await request({ amount: String(idle + 1n) }), 'LENDER_IDLE_MONEY_SHORT');
  expectCode(await request({ amount: '100000' }, t.boardA), 'NOT_ALLOCATION_PARTY');
  expectCode(await request({ amount: '0' }), 'INVALID_INPUT');
  await setPolicy(stack, B, { status: 'RECTIFYING' });
  expectCode(await request({ amount: '100000' }), 'COOPERATIVE_RECTIFYING');
  await setPolicy(stack, B, { status: 'ACTIVE' });

  // approval: the requester never approves; above the limit the county approves first
  const self = ok(await request({ amount: '100000' })).requestAllocation;
  expectCode(await decide(APPROVE, self.id, '2026-10-20', unionToken), 'ALLOCATION_INVALID_TRANSITION'); // not consented yet
  ok(await decide(CONSENT, self.id, '2026-10-20', t.boardA));
  expectCode(await decide(CONSENT, self.id, '2026-10-20', t.boardA), 'ALLOCATION_INVALID_TRANSITION');
  const selfUnion = await stack.token({ sub: 'board:102:clerk', role: 'UNION', union: Number(unionId) });
  expectCode(await decide(APPROVE, self.id, '2026-10-20', selfUnion), 'SELF_APPROVAL');
  expectCode(await decide(APPROVE, self.id, '2026-10-20', otherUnionToken), 'NOT_FOUND'); // another union's is not visible
  const big = ok(await request({ amount: '3000001' })).requestAllocation;
  ok(await decide(CONSENT, big.id, '2026-10-20', t.boardA));
  expectCode(await decide(APPROVE, big.id, '2026-10-20', unionToken), 'ALLOCATION_COUNTY_APPROVAL_REQUIRED');
  expectCode(await decide(COUNTY_APPROVE, big.id, '2026-10-20', t.county2), 'OUT_OF_SCOPE');
  expectCode(await decide(COUNTY_APPROVE, self.id, '2026-10-20', t.county1), 'ALLOCATION_INVALID_TRANSITION'); // not above the limit
  await check();

  // a reversal of an allocation posting alone is refused; the ledger ids come from loans
  const txn = await withSql(stack.urls.loans!, async (c) => (await c.query(`select id::text from ledger_txn where kind = 'ALLOCATION_LENT' order by id limit 1`)).rows[0].id);
  expectCode(await stack.gql(`mutation($i: ReverseLedgerTransactionInput!) { reverseLedgerTransaction(input: $i) }`, { i: { idempotencyKey: k(), txnId: txn, reason: '录入错误', on: '2026-12-01' } }, t.county1), 'ALLOCATION_POSTING_NOT_REVERSIBLE');
  await check();

  // the county-approved one goes through; then an overdue allocation blocks the borrower, and leaving waits for repayment
  ok(await decide(COUNTY_APPROVE, big.id, '2026-10-21', t.county1));
  expect(ok(await decide(APPROVE, big.id, '2026-10-22', unionToken)).approveAllocation).toMatchObject({ status: 'ACTIVE', dueOn: '2026-12-21' });
  await balanced();
  const late = await made('100000', '2026-06-01', 30);
  expect(late).toMatchObject({ status: 'ACTIVE', overdue: true, dueOn: '2026-07-01' });
  expectCode(await request({ amount: '100000' }), 'BORROWER_ALLOCATION_OVERDUE');
  expect((await books()).cooperativeUnion.position).toMatchObject({ overdueCount: 1, overdueOutstanding: '100000', activeCount: 2 });
  expectCode(await stack.gql(LEAVE, { i: { unionId, cooperativeId: String(B), leftOn: '2026-12-01', reason: '并入他社' } }, t.county1), 'OPEN_ALLOCATIONS');
  // repaid, the borrower may ask again (the 30-day fee at 400 bp on 100,000 is 329)
  expect(ok(await stack.gql(REPAY, { i: { idempotencyKey: k(), allocationId: late.id, amount: String(100_000 + 329), paidOn: '2026-07-01' } }, t.boardB)).repayAllocation.status).toBe('REPAID');
  await balanced();
});

it('two approvals at once against one lender\'s idle money: exactly the covered one moves money, the other is REFUSED with loans\' code', async () => {
  const before = await books();
  const idle = await idleOfA();
  // money on hand less the reserves kept (the lender's fee parts that went to them)
  expect(idle).toBeLessThan(BigInt(before.a.fund.bankDeposit));
  const each = String((idle * 6n) / 10n); // each within the 80 % share, together above the idle money
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const a = ok(await request({ amount: each, on: '2026-11-20', term: 30 })).requestAllocation;
    ok(await decide(CONSENT, a.id, '2026-11-20', t.boardA));
    if (BigInt(each) > 3_000_000n) ok(await decide(COUNTY_APPROVE, a.id, '2026-11-20', t.county1));
    ids.push(a.id);
  }
  const results = await Promise.all(ids.map((id) => decide(APPROVE, id, '2026-11-21', unionToken)));
  const approved = results.filter((r) => !r.errors && r.data?.approveAllocation?.status === 'ACTIVE');
  expect(approved.length === 1 ? 1 : JSON.stringify(results)).toBe(1);
  const refused = results.find((r) => r.errors)!;
  expectCode(refused, 'LENDER_IDLE_MONEY_SHORT');
  const states = await withSql(stack.urls.union!, async (c) => (await c.query(`select status, refusal_code from allocation where id = any($1::int[]) order by status`, [ids])).rows);
  expect(states.map((s: any) => s.status).sort()).toEqual(['ACTIVE', expect.stringMatching(/^(REFUSED|CONSENTED)$/)].sort());
  const r = await balanced();
  expect(BigInt(r.a.fund.unionReceivable)).toBe(BigInt(before.a.fund.unionReceivable) + BigInt(each));
});

it('who sees allocations: the union its own, the county its county, a board its own, a household nothing; at the subgraphs directly too', async () => {
  const Q = `query($u: ID!, $c: ID!) { cooperativeUnion(id: $u) { allocations { totalCount } } cooperative(id: $c) { allocations { totalCount } } }`;
  const count = async (token: string, c = A) => {
    const r = await stack.gql(Q, { u: unionId, c: String(c) }, token);
    return [r.data?.cooperativeUnion?.allocations?.totalCount ?? null, r.data?.cooperative?.allocations?.totalCount ?? null];
  };
  const [all] = await count(t.county1);
  expect(all).toBeGreaterThan(3);
  expect(await count(unionToken)).toEqual([all, all]);
  expect(await count(t.boardA)).toEqual([all, all]); // A is a party to each of them
  expect((await count(otherUnionToken))[0]).toBeNull(); // the other union sees neither the union nor its allocations
  expect(await count(t.county2)).toEqual([null, null]);
  expect(await count(t.boardC)).toEqual([null, null]);
  const member = await stack.token({ sub: 'member:1', role: 'MEMBER', member: 1, cooperatives: [A] });
  const m = await stack.gql(`query($c: ID!) { cooperative(id: $c) { allocations { totalCount } } }`, { c: String(A) }, member);
  expect(m.data?.cooperative?.allocations ?? null).toBeNull();
  // straight at the union subgraph, past the gateway
  const E = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Cooperative { id allocations { totalCount } } } }`;
  const reps = { r: [{ __typename: 'Cooperative', id: String(A) }] };
  expect(ok(await stack.subgraphGql('union', E, reps, unionToken))._entities[0].allocations.totalCount).toBe(all);
  expect(ok(await stack.subgraphGql('union', E, reps, t.boardC))._entities[0].allocations.totalCount).toBe(0);
  expect((await stack.subgraphGql('union', E, reps, member)).data?._entities[0]?.allocations ?? null).toBeNull();
  // loans: the union receivable on the fund, for the union's token and not another's
  const F = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Cooperative { fund { unionReceivable } } } }`;
  expect(ok(await stack.subgraphGql('loans', F, reps, unionToken))._entities[0].fund.unionReceivable).not.toBe('0');
  expect((await stack.subgraphGql('loans', F, reps, otherUnionToken)).data?._entities[0]?.fund ?? null).toBeNull();
  // a household cannot move money between cooperatives
  expectCode(await request({ amount: '100000' }, member), 'FORBIDDEN');
});

import { addGroup, addMembers, createWorld, inject, loanThrough, tokens, withSql, WORLD } from './fixtures';
import { expectCode, ok } from './support/expect';
import { startStack, type Stack } from './support/stack';
import { REGISTRY } from '../subgraphs/registry';

/**
 * Reversals (红字冲销, issue 11 done-when 1): a capital injection reversed (balances back, the books
 * net to zero, volumes equal a rescan); a repayment reversed with its loan restored; twice refused;
 * the poster refused; roles other than COUNTY refused; loan postings refused by the generic
 * mutation; both on the disclosure board with the original kept; audited before and after.
 */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
let deputy: string; // a second county officer: the reverser of what county1 posted
afterAll(() => stack?.stop());

const REVERSE = `mutation($i: ReverseLedgerTransactionInput!) { reverseLedgerTransaction(input: $i) }`;
const REVERSE_REPAYMENT = `mutation($i: ReverseRepaymentInput!) { reverseRepayment(input: $i) }`;
const REPAY = `mutation($i: RecordRepaymentInput!) { recordRepayment(input: $i) { id principal fee } }`;
const LEDGER = `query($c: ID!) { fundLedger(cooperativeId: $c, first: 100) { edges { node { id kind eventRef reverses reversedBy reason lines { account debit credit } } } } }`;
const FUND = `query($c: ID!) { trialBalance(cooperativeId: $c) { totalDebits totalCredits net balancesMatchEntries } }`;
const coop = String(WORLD.coopA);
let keyN = 0;
const reverse = (txnId: string, token: string, reason = '重复录入 / entered twice', on = '2024-06-01') =>
  stack.gql(REVERSE, { i: { idempotencyKey: `rv${++keyN}`, txnId, reason, on } }, token);
const reverseRepayment = (repaymentId: string, token: string, on = '2024-06-01') =>
  stack.gql(REVERSE_REPAYMENT, { i: { idempotencyKey: `rr${++keyN}`, repaymentId, reason: '银行退票 / bank returned the payment', on } }, token);
const ledger = async () => ok(await stack.gql(LEDGER, { c: coop }, t.county1)).fundLedger.edges.map((e: any) => e.node);
const txnOf = async (eventRef: string) => (await ledger()).find((n: any) => n.eventRef === eventRef);
const bank = async () => BigInt((await withSql(stack.urls.loans, (c) => c.query(`select balance_fen from fund_balance where cooperative_id = $1 and account = 'BANK'`, [WORLD.coopA]))).rows[0].balance_fen);
const rescanMismatches = async () => {
  const inv = REGISTRY.flatMap((d) => d.invariants ?? []);
  let n = 0;
  for (const i of inv) n += (await withSql(stack.urls.loans, (c) => c.query(i.sql))).rowCount ?? 0;
  return n;
};
const repay = (loanId: string, amount: string, key: string, paidOn: string) =>
  stack.gql(REPAY, { i: { idempotencyKey: key, loanId, amount, channel: 'BANK', bankRef: `R-${key}`, paidOn } }, t.township11);
/** Repay whatever is owed (REPAYMENT_EXCEEDS_OWED names it). */
async function repayAll(loanId: string, key: string, paidOn: string): Promise<string> {
  const over = await repay(loanId, '100000000', `${key}-probe`, paidOn);
  const owed = over.errors![0]!.extensions!.details.owed as string;
  return ok(await repay(loanId, owed, key, paidOn)).recordRepayment.id;
}

let members: number[];
beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  deputy = await stack.token({ sub: 'county:1:deputy', role: 'COUNTY', counties: [1] });
  members = await addMembers(stack, WORLD.coopA, [{ name: '马成林' }, { name: '杨志华', party: true }, { name: '李凤英' }, { name: '田玉霞' }, { name: '丁福贵' }], '2022-01-01');
  await addGroup(stack, WORLD.coopA, members);
  await inject(stack, t.county1, WORLD.coopA, 20_000_000n, 'cap-1');
  await inject(stack, t.county1, WORLD.coopA, 1_000_000n, 'cap-2', '2024-02-01');
});

describe('reversing a capital injection', () => {
  it('refuses the poster, other roles, then reverses it once: balances back, books net to zero, volumes equal a rescan', async () => {
    const cap = await txnOf('capital:cap-2');
    expect(cap).toMatchObject({ kind: 'CAPITAL', reverses: null, reversedBy: null });
    expectCode(await reverse(cap.id, t.county1), 'SELF_REVERSAL');
    expectCode(await reverse(cap.id, t.boardA), 'FORBIDDEN');
    expectCode(await reverse(cap.id, t.township11), 'FORBIDDEN');
    expectCode(await reverse(cap.id, await stack.token({ sub: 'county:2:officer', role: 'COUNTY', counties: [2] })), 'OUT_OF_SCOPE');
    expectCode(await reverse(cap.id, deputy, '   '), 'INVALID_INPUT');
    expectCode(await reverse(cap.id, deputy, '重复', '2024-01-15'), 'INVALID_INPUT'); // before the original
    expect(await bank()).toBe(21_000_000n);
    const rev = ok(await reverse(cap.id, deputy)).reverseLedgerTransaction as string;
    expect(await bank()).toBe(20_000_000n);
    const after = await ledger();
    expect(after.find((n: any) => n.id === cap.id)).toMatchObject({ reversedBy: rev });
    expect(after.find((n: any) => n.id === rev)).toMatchObject({
      kind: 'REVERSAL', eventRef: `reversal:${cap.id}`, reverses: cap.id, reason: '重复录入 / entered twice',
      lines: expect.arrayContaining([{ account: 'BANK', debit: '0', credit: '1000000' }, { account: 'GOVERNMENT_CAPITAL', debit: '1000000', credit: '0' }]),
    });
    const tb = ok(await stack.gql(FUND, { c: coop }, t.county1)).trialBalance;
    expect(tb).toEqual({ totalDebits: '22000000', totalCredits: '22000000', net: '0', balancesMatchEntries: true });
    expect(await rescanMismatches()).toBe(0);
    expectCode(await reverse(cap.id, deputy), 'ALREADY_REVERSED');
    expectCode(await reverse(rev, t.county1), 'REVERSAL_NOT_REVERSIBLE');
    const audit = (await withSql(stack.urls.loans, (c) => c.query(`select actor, before, after from audit_log where action = 'reverseLedgerTransaction'`))).rows;
    expect(audit).toEqual([{ actor: 'county:1:deputy', before: { reversedBy: null }, after: { reversedBy: rev, on: '2024-06-01', reason: '重复录入 / entered twice' } }]);
  });
});

describe('reversing a repayment restores the loan', () => {
  let loanId: string;
  let r1: string;
  let r2: string;
  beforeAll(async () => {
    loanId = await loanThrough(stack, t, { coop: WORLD.coopA, member: members[0]!, amount: '300000', key: 'L1' });
    r1 = ok(await repay(loanId, '100000', 'r1', '2024-04-01')).recordRepayment.id;
    r2 = await repayAll(loanId, 'r2', '2024-05-01');
  });
  const LOAN = `query($id: ID!) { loan(id: $id) { status outstanding closedOn repayments { id principal fee reversedOn } } }`;
  it('refuses the generic mutation for loan postings, an earlier repayment, other roles', async () => {
    expectCode(await reverse((await txnOf(`repayment:${r2}`)).id, deputy), 'LOAN_POSTING_NEEDS_LOAN_REVERSAL');
    expectCode(await reverse((await txnOf(`disbursement:${loanId}`)).id, deputy), 'LOAN_POSTING_NEEDS_LOAN_REVERSAL');
    expectCode(await reverseRepayment(r1, deputy), 'NOT_LATEST_REPAYMENT');
    expectCode(await reverseRepayment(r2, t.boardA), 'FORBIDDEN');
    expectCode(await reverseRepayment(r2, t.township11), 'FORBIDDEN');
    expectCode(await reverseRepayment('99999', deputy), 'NOT_FOUND');
  });
  it('posts the reversal, owes the repayment again, reopens the loan; twice refused', async () => {
    const before = ok(await stack.gql(LOAN, { id: loanId }, t.county1)).loan;
    expect(before).toMatchObject({ status: 'CLOSED', outstanding: '0', closedOn: '2024-05-01' });
    const p2 = before.repayments.find((r: any) => r.id === r2);
    const bankBefore = await bank();
    const rev = ok(await reverseRepayment(r2, deputy)).reverseRepayment as string;
    const after = ok(await stack.gql(LOAN, { id: loanId }, t.county1)).loan;
    expect(after).toMatchObject({ status: 'DISBURSED', outstanding: p2.principal, closedOn: null });
    expect(after.repayments.find((r: any) => r.id === r2).reversedOn).toBe('2024-06-01');
    expect(await bank()).toBe(bankBefore - BigInt(p2.principal) - BigInt(p2.fee));
    expect((await txnOf(`reversal:${(await txnOf(`repayment:${r2}`)).id}`))).toMatchObject({ id: rev, kind: 'REPAYMENT_REVERSAL' });
    expect(await rescanMismatches()).toBe(0);
    expectCode(await reverseRepayment(r2, deputy), 'ALREADY_REVERSED');
    // the reversed repayment counts nowhere: the portfolio's outstanding as of after it includes it again
    const pf = ok(await stack.gql(`query($c: ID!) { cooperative(id: $c) { portfolio(asOf: "2024-06-02") { outstanding } } }`, { c: coop }, t.county1));
    expect(pf.cooperative.portfolio.outstanding).toBe(p2.principal);
    const audit = (await withSql(stack.urls.loans, (c) => c.query(`select before, after from audit_log where action = 'reverseRepayment' and entity_id = $1`, [loanId]))).rows;
    expect(audit).toEqual([{
      before: { status: 'CLOSED', principalRepaid: '300000', feePaid: before.repayments.reduce((s: bigint, r: any) => s + BigInt(r.fee), 0n).toString(), closedOn: '2024-05-01', repaymentId: r2 },
      after: expect.objectContaining({ status: 'DISBURSED', principalRepaid: String(300000n - BigInt(p2.principal)), closedOn: null, reversal: rev }),
    }]);
    // the loan is repaid again from where the standing repayments left it
    await repayAll(loanId, 'r3', '2024-06-15');
    expect(ok(await stack.gql(LOAN, { id: loanId }, t.county1)).loan).toMatchObject({ status: 'CLOSED', outstanding: '0' });
  });
  it('shows both reversals on the disclosure board, the originals kept', async () => {
    const board = ok(await stack.gql(`query($c: ID!) { disclosureBoard(cooperativeId: $c, first: 50) { edges { node { kind on nameMasked amount } } } }`, { c: coop })).disclosureBoard.edges.map((e: any) => e.node);
    const kinds = board.map((n: any) => n.kind);
    expect(kinds.filter((k: string) => k === 'CAPITAL')).toHaveLength(2);
    expect(board).toContainEqual({ kind: 'REVERSAL', on: '2024-06-01', nameMasked: null, amount: '1000000' });
    expect(kinds.filter((k: string) => k === 'REPAYMENT')).toHaveLength(3);
    const rr = board.find((n: any) => n.kind === 'REPAYMENT_REVERSED');
    expect(rr).toMatchObject({ on: '2024-06-01', nameMasked: '马*林' });
    expect(BigInt(rr.amount)).toBeGreaterThan(200_000n);
  });
});

describe('what cannot be reversed', () => {
  it('a contribution posting belongs to the members record; capital already lent out overdraws', async () => {
    ok(await stack.gql(`mutation($i: RecordContributionInput!) { recordContribution(input: $i) { id } }`, { i: { idempotencyKey: 'c-1', memberId: String(members[1]), paidOn: '2024-02-01', source: 'HOUSEHOLD' } }, t.boardA));
    const c = (await ledger()).find((n: any) => n.kind === 'CONTRIBUTION');
    expect(c.eventRef).toMatch(/^contribution:\d+$/);
    expectCode(await reverse(c.id, deputy), 'CONTRIBUTION_POSTING_NOT_REVERSIBLE');
    // cooperative 102: 5,000 yuan injected, 4,000 lent out
    await withSql(stack.urls.members, (q) => q.query(`update cooperative set concentration_bp = 10000 where id = $1`, [WORLD.coopB]));
    const b = await addMembers(stack, WORLD.coopB, [{ name: '苏学礼' }, { name: '苏学文' }, { name: '苏学武' }, { name: '苏学明' }, { name: '苏学军' }], '2022-01-01');
    await addGroup(stack, WORLD.coopB, b);
    await inject(stack, t.county1, WORLD.coopB, 500_000n, 'cap-B');
    await loanThrough(stack, t, { coop: WORLD.coopB, member: b[0]!, amount: '400000', key: 'LB', board: t.boardB, approver: await stack.token({ sub: 'board:102:chair', role: 'COOPERATIVE', cooperatives: [102] }), bookkeeper: t.township12 });
    const capB = ok(await stack.gql(LEDGER, { c: String(WORLD.coopB) }, t.county1)).fundLedger.edges.map((e: any) => e.node).find((n: any) => n.kind === 'CAPITAL');
    expectCode(await reverse(capB.id, deputy), 'INSUFFICIENT_FUND');
    expect(await rescanMismatches()).toBe(0);
  });
});

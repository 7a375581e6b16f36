import { addGroup, addMembers, createWorld, inject, setPolicy, tokens, withSql, WORLD } from './fixtures';
import { ok } from './support/expect';
import { startStack, type Stack } from './support/stack';

/**
 * 50 disbursements at once against one fund that covers only 20 of them: the fund never goes
 * negative, each accepted disbursement is in the ledger once, repeated keys change nothing,
 * and the trial balance nets to zero.
 */
let stack: Stack;
afterAll(() => stack?.stop());

it('never overdraws a fund under 50 parallel disbursements', async () => {
  stack = await startStack();
  await createWorld(stack);
  const t = await tokens(stack);
  await setPolicy(stack, WORLD.coopA, { concentration_bp: 10000 });
  const ids = await addMembers(stack, WORLD.coopA, Array.from({ length: 50 }, (_, i) => ({ name: `马${'一二三四五六七八九十'[i % 10]}${i}` })));
  for (let g = 0; g < 10; g++) await addGroup(stack, WORLD.coopA, ids.slice(g * 5, g * 5 + 5));
  await inject(stack, t.county1, WORLD.coopA, 10_000_000n, 'cap'); // 100,000 yuan = 20 loans of 5,000

  const loanIds: string[] = [];
  for (const [i, m] of ids.entries()) {
    const a = ok(await stack.gql(`mutation($i: ApplyForLoanInput!) { applyForLoan(input: $i) { id } }`, {
      i: { idempotencyKey: `app-${i}`, cooperativeId: String(WORLD.coopA), memberId: String(m), amount: '500000', termMonths: 12, repaymentMode: 'BULLET', purpose: 'CATTLE', purposeNote: '购买基础母牛2头', appliedOn: '2024-04-01' },
    }, t.boardA)).applyForLoan;
    for (const [mut, tok] of [['endorseLoan', t.boardA], ['approveLoan', t.boardA2], ['publishLoan', t.boardA], ['signLoanContract', t.boardA]] as const) {
      ok(await stack.gql(`mutation($i: LoanStepInput!) { ${mut}(input: $i) { id } }`, { i: { loanId: a.id, on: '2024-04-02' } }, tok));
    }
    loanIds.push(a.id);
  }

  const disburse = (loanId: string, i: number) =>
    stack.gql(`mutation($i: DisburseLoanInput!) { disburseLoan(input: $i) { id status } }`, {
      i: { idempotencyKey: `disb-${i}`, loanId, channel: 'BANK', bankRef: `HHNS2024040300${i}`, on: '2024-04-03' },
    }, t.township11);
  const results = await Promise.all(loanIds.map((id, i) => disburse(id, i)));
  const accepted = results.filter((r) => !r.errors);
  const refused = results.filter((r) => r.errors);
  expect(accepted).toHaveLength(20);
  expect(refused.every((r) => r.errors![0]!.extensions!.code === 'INSUFFICIENT_FUND')).toBe(true);

  // repeat every accepted request, in parallel, with its key: same answer, nothing moves
  const acceptedIdx = results.map((r, i) => (r.errors ? -1 : i)).filter((i) => i >= 0);
  const repeats = await Promise.all(acceptedIdx.map((i) => disburse(loanIds[i]!, i)));
  expect(repeats.every((r) => !r.errors && r.data.disburseLoan.status === 'DISBURSED')).toBe(true);

  await withSql(stack.urls.loans, async (c) => {
    const bank = await c.query(`select balance_fen from fund_balance where cooperative_id = $1 and account = 'BANK'`, [WORLD.coopA]);
    expect(BigInt(bank.rows[0].balance_fen)).toBe(0n);
    const perLoan = await c.query(`select ref_id, count(*)::int n from ledger_txn where kind = 'DISBURSEMENT' group by ref_id`);
    expect(perLoan.rows).toHaveLength(20);
    expect(perLoan.rows.every((r) => r.n === 1)).toBe(true);
    const transfers = await c.query(`select count(*)::int n from bank_transfer where direction = 'OUT'`);
    expect(transfers.rows[0].n).toBe(20);
    // the bank balance after each transaction in order never went below zero
    const running = await c.query(`select min(run)::text m from (select sum(l.amount_fen) over (order by l.txn_id) run from ledger_line l where l.account = 'BANK') x`);
    expect(BigInt(running.rows[0].m)).toBeGreaterThanOrEqual(0n);
  });
  // newest first by numeric id (ids cross 9 → 10 here; text ordering would put "9" before "10")
  const ledger = ok(await stack.gql(`query($c: ID!) { fundLedger(cooperativeId: $c, first: 100) { edges { node { id } } } }`, { c: String(WORLD.coopA) }, t.county1)).fundLedger;
  const ledgerIds = ledger.edges.map((e: { node: { id: string } }) => Number(e.node.id));
  expect(ledgerIds.length).toBe(21);
  expect(ledgerIds).toEqual([...ledgerIds].sort((a, b) => b - a));
  const tb = ok(await stack.gql(`query($c: ID!) { trialBalance(cooperativeId: $c) { net balancesMatchEntries } }`, { c: String(WORLD.coopA) }, t.county1)).trialBalance;
  expect(tb).toEqual({ net: '0', balancesMatchEntries: true });
});

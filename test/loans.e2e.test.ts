import { addGroup, addMembers, createWorld, inject, loanThrough, tokens, withSql, WORLD } from './fixtures';
import { expectCode, ok } from './support/expect';
import { startStack, type Stack } from './support/stack';

/** The loan lifecycle through the gateway, with the ledger checked after every step. */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
let members: number[];

beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  members = await addMembers(stack, WORLD.coopA, [
    { name: '马金花' }, { name: '杨建国', party: true }, { name: '李秀英' }, { name: '王德明', poverty: 'ORDINARY' }, { name: '张玉兰' },
  ]);
  await addGroup(stack, WORLD.coopA, members);
  await inject(stack, t.county1, WORLD.coopA, 20_000_000n, 'cap-A');
});
afterAll(() => stack?.stop());

async function trialBalance(coop = WORLD.coopA) {
  return ok(await stack.gql(`query($c: ID!) { trialBalance(cooperativeId: $c) { net totalDebits totalCredits balancesMatchEntries } }`, { c: String(coop) }, t.county1)).trialBalance;
}

const LOAN_FIELDS = `id status amount outstanding principalRepaid feePaid dueOn disbursedOn isFirstLoan borrowerNameMasked
  instalments { seq dueOn principal fee } repayments { principal fee paidOn } transfers { direction amount bankRef accountMasked }
  member { id } cooperative { id }`;

it('takes a loan from application to closing, fee first then principal, ledger balanced at every step', async () => {
  const id = await loanThrough(stack, t, { coop: WORLD.coopA, member: members[0]!, amount: '300000', on: '2024-03-01', key: 'L1' });
  let loan = ok(await stack.gql(`query($id: ID!) { loan(id: $id) { ${LOAN_FIELDS} } }`, { id }, t.county1)).loan;
  expect(loan).toMatchObject({ status: 'DISBURSED', amount: '300000', outstanding: '300000', dueOn: '2025-03-01', isFirstLoan: true, borrowerNameMasked: '马*花' });
  expect(loan.instalments).toHaveLength(1);
  expect(loan.transfers).toEqual([{ direction: 'OUT', amount: '300000', bankRef: 'HHNSL1', accountMasked: expect.stringMatching(/^\*{4}\d{4}$/) }]);
  expect(await trialBalance()).toMatchObject({ net: '0', balancesMatchEntries: true });

  // 2024-03-01 → 2024-09-01 is 184 days: fee = round(300000 × 600 × 184 / 3,650,000) = 9074
  const r1 = ok(await stack.gql(`mutation($i: RecordRepaymentInput!) { recordRepayment(input: $i) { principal fee } }`, {
    i: { idempotencyKey: 'L1:r1', loanId: id, amount: '100000', channel: 'BANK', bankRef: 'HHNS-R1', paidOn: '2024-09-01' },
  }, t.township11)).recordRepayment;
  expect(r1).toEqual({ principal: '90926', fee: '9074' });

  // the same key again changes nothing and returns the first result
  const again = ok(await stack.gql(`mutation($i: RecordRepaymentInput!) { recordRepayment(input: $i) { principal fee } }`, {
    i: { idempotencyKey: 'L1:r1', loanId: id, amount: '100000', channel: 'BANK', bankRef: 'HHNS-R1', paidOn: '2024-09-01' },
  }, t.township11)).recordRepayment;
  expect(again).toEqual(r1);

  // remaining principal 209074, 181 days to 2025-03-01: fee = round(209074 × 600 × 181 / 3,650,000) = 6221
  const r2 = ok(await stack.gql(`mutation($i: RecordRepaymentInput!) { recordRepayment(input: $i) { principal fee } }`, {
    i: { idempotencyKey: 'L1:r2', loanId: id, amount: String(209074 + 6221), channel: 'BANK', bankRef: 'HHNS-R2', paidOn: '2025-03-01' },
  }, t.township11)).recordRepayment;
  expect(r2).toEqual({ principal: '209074', fee: '6221' });
  loan = ok(await stack.gql(`query($id: ID!) { loan(id: $id) { ${LOAN_FIELDS} } }`, { id }, t.county1)).loan;
  expect(loan).toMatchObject({ status: 'CLOSED', outstanding: '0', principalRepaid: '300000', feePaid: String(9074 + 6221) });
  expect(loan.repayments).toHaveLength(2);
  expect(await trialBalance()).toMatchObject({ net: '0', balancesMatchEntries: true });

  // fee income went to the four policy funds (30/10/20/40 %)
  const fund = ok(await stack.gql(`query { cooperative(id: "${WORLD.coopA}") { fund { bankDeposit loansReceivable riskReserve welfareFund managementFund retainedCapital } } }`, {}, t.county1)).cooperative.fund;
  const fee = 9074n + 6221n;
  expect(BigInt(fund.riskReserve) + BigInt(fund.welfareFund) + BigInt(fund.managementFund) + BigInt(fund.retainedCapital)).toBe(fee);
  expect(fund.loansReceivable).toBe('0');
  expect(fund.bankDeposit).toBe(String(20_000_000n + fee));

  // every write left an audit row: who, what, before, after
  const audits = await withSql(stack.urls.loans, (c) => c.query(`select action, actor from audit_log where entity = 'loan' and entity_id = $1 order by id`, [id]));
  expect(audits.rows.map((r) => r.action)).toEqual(['applyForLoan', 'endorse', 'approve', 'publish', 'sign', 'disburseLoan', 'recordRepayment', 'recordRepayment']);
  expect(audits.rows[2].actor).toBe('board:101:chair');
});

it('serves Member.loans and Member.outstanding through the gateway, and the monthly schedule', async () => {
  const id = await loanThrough(stack, t, { coop: WORLD.coopA, member: members[1]!, amount: '120000', term: 6, mode: 'MONTHLY', on: '2024-05-31', key: 'L2' });
  const data = ok(await stack.gql(`query($m: ID!) { member(id: $m) { headName outstanding loans { id status instalments { seq dueOn principal } daysOverdue(asOf: "2024-08-15") } } }`, { m: String(members[1]) }, t.county1));
  expect(data.member.outstanding).toBe('120000');
  const loan = data.member.loans.find((l: { id: string }) => l.id === id);
  expect(loan.instalments.map((i: { dueOn: string }) => i.dueOn)).toEqual(['2024-06-30', '2024-07-31', '2024-08-31', '2024-09-30', '2024-10-31', '2024-11-30']);
  expect(loan.instalments.every((i: { principal: string }) => i.principal === '20000')).toBe(true);
  expect(loan.daysOverdue).toBe(46); // nothing repaid, first instalment due 2024-06-30
});

it('publishes a masked disclosure board to anyone, without a token', async () => {
  const board = ok(await stack.gql(`query($c: ID!) { disclosureBoard(cooperativeId: $c, first: 50) { totalCount edges { node { kind on nameMasked amount purpose purposeZh } } } }`, { c: String(WORLD.coopA) }));
  const kinds = board.disclosureBoard.edges.map((e: { node: { kind: string } }) => e.node.kind);
  expect(kinds).toEqual(expect.arrayContaining(['LOAN_DISBURSED', 'REPAYMENT', 'CAPITAL']));
  const text = JSON.stringify(board);
  expect(text).toContain('马*花');
  expect(text).not.toContain('马金花');
  expect(text).not.toMatch(/622947\d+/);
  // a loan item names its purpose from the closed list, never a typed text
  expect(board.disclosureBoard.edges.map((e: { node: object }) => e.node)).toContainEqual(expect.objectContaining({ kind: 'LOAN_DISBURSED', purpose: 'SHEEP', purposeZh: '养羊' }));
  // and an anonymous caller is told it must sign in for anything else
  const hidden = await stack.gql(`query($id: ID!) { loan(id: $id) { id } }`, { id: '1' });
  expect(hidden.data?.loan).toBeNull();
  expectCode(hidden, 'UNAUTHENTICATED');
});

it('exports the credit reference of a period as JSON Lines and CSV', async () => {
  const jsonl = ok(await stack.gql(`query { creditReferenceExport(from: "2024-01-01", to: "2025-12-31", format: JSONL, cooperativeId: "${WORLD.coopA}") }`, {}, t.county1)).creditReferenceExport as string;
  const events = jsonl.trim().split('\n').map((l) => JSON.parse(l));
  expect(events.filter((e) => e.memberId === members[0])).toEqual([
    expect.objectContaining({ event: 'DISBURSEMENT', date: '2024-03-01', amountFen: '300000' }),
    expect.objectContaining({ event: 'REPAYMENT', date: '2024-09-01', principalFen: '90926', feeFen: '9074' }),
    expect.objectContaining({ event: 'REPAYMENT', date: '2025-03-01', principalFen: '209074' }),
  ]);
  const csv = ok(await stack.gql(`query { creditReferenceExport(from: "2024-01-01", to: "2025-12-31", format: CSV) }`, {}, t.county1)).creditReferenceExport as string;
  const lines = csv.trim().split('\n');
  expect(lines[0]).toBe('memberId,borrowerName,loanId,cooperativeId,event,date,amountFen,principalFen,feeFen,overdue,daysOverdue');
  expect(lines.length).toBe(events.length + 1);
});

it('pages the ledger newest first with Relay cursors', async () => {
  const p1 = ok(await stack.gql(`query($c: ID!) { fundLedger(cooperativeId: $c, first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { id kind lines { account debit credit } } } } }`, { c: String(WORLD.coopA) }, t.boardA)).fundLedger;
  expect(p1.edges).toHaveLength(2);
  expect(p1.pageInfo.hasNextPage).toBe(true);
  const p2 = ok(await stack.gql(`query($c: ID!, $a: String) { fundLedger(cooperativeId: $c, first: 100, after: $a) { edges { node { id } } pageInfo { hasNextPage } } }`, { c: String(WORLD.coopA), a: p1.pageInfo.endCursor }, t.boardA)).fundLedger;
  expect(p2.edges.length + 2).toBe(p1.totalCount);
  expect(p2.pageInfo.hasNextPage).toBe(false);
  for (const e of p1.edges) {
    const debit = e.node.lines.reduce((s: bigint, l: { debit: string }) => s + BigInt(l.debit), 0n);
    const credit = e.node.lines.reduce((s: bigint, l: { credit: string }) => s + BigInt(l.credit), 0n);
    expect(debit).toBe(credit);
  }
});

it('shows the audit trail of a loan to supervisors, not to the household', async () => {
  const id = ok(await stack.gql(`query($m: ID!) { member(id: $m) { loans { id } } }`, { m: String(members[0]) }, t.county1)).member.loans[0].id;
  const trail = ok(await stack.gql(`query($id: ID!) { loan(id: $id) { auditTrail { action actor role before after requestId at } } }`, { id }, t.auditor1)).loan.auditTrail;
  expect(trail.map((e: { action: string }) => e.action)).toEqual(['applyForLoan', 'endorse', 'approve', 'publish', 'sign', 'disburseLoan', 'recordRepayment', 'recordRepayment']);
  expect(trail[1]).toMatchObject({ actor: 'board:101:clerk', role: 'COOPERATIVE', before: { status: 'APPLIED' }, after: { status: 'ENDORSED' } });
  expect(trail[0].at).toMatch(/^\d{4}-\d\d-\d\dT/);
  const member = await stack.token({ sub: `member:${members[0]}`, role: 'MEMBER', member: members[0], cooperatives: [WORLD.coopA] });
  const refused = await stack.gql(`query($id: ID!) { loan(id: $id) { id auditTrail { action } } }`, { id }, member);
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});

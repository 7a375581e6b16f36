import { addGroup, addMembers, createWorld, inject, loanThrough, tokens, withSql, WORLD } from './fixtures';
import { expectCode, ok } from './support/expect';
import { startStack, type Stack } from './support/stack';

/**
 * 社财乡管: the county puts a cooperative's money under the township's keeping, bank-only. Only the
 * county of the cooperative, only that way, with its document; the audit trail keeps before and
 * after; from then on the loans subgraph refuses cash for that cooperative.
 */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
let loanId: string;

const SET = `mutation($i: SetManagementModeInput!) { setManagementMode(input: $i) { id managementMode } }`;
const REPAY = `mutation($i: RecordRepaymentInput!) { recordRepayment(input: $i) { principal fee } }`;
const input = (o: Partial<{ mode: string; documentNo: string; cooperativeId: string }> = {}) => ({
  cooperativeId: String(WORLD.coopA), mode: 'TOWNSHIP_BANK_ONLY', documentNo: '盐扶发〔2024〕12号', effectiveOn: '2024-04-01', ...o,
});
const modeOf = (coop: number) =>
  withSql(stack.urls.members, async (c) => (await c.query(`select management_mode from cooperative where id = $1`, [coop])).rows[0].management_mode as string);

beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  // a village that still keeps its own money (new cooperatives start bank-only, the reform's default)
  await withSql(stack.urls.members, (c) => c.query(`update cooperative set management_mode = 'VILLAGE_CASH' where id = $1`, [WORLD.coopA]));
  await inject(stack, t.county1, WORLD.coopA, 10_000_000n, 'mm-capital');
  const members = await addMembers(stack, WORLD.coopA, [{ name: '马学军' }, { name: '马玉兰' }, { name: '马志刚' }, { name: '马春花' }, { name: '马德福' }]);
  await addGroup(stack, WORLD.coopA, members);
  loanId = await loanThrough(stack, t, { coop: WORLD.coopA, member: members[0]!, amount: '300000', on: '2024-03-01', key: 'mm-loan' });
});
afterAll(() => stack?.stop());

it('before the change the village may take a repayment in cash', async () => {
  ok(await stack.gql(REPAY, { i: { idempotencyKey: 'mm-cash-1', loanId, amount: '10000', channel: 'CASH', paidOn: '2024-03-15' } }, t.township11));
});

it('only the county of the cooperative may change it; nothing changes on a refusal', async () => {
  for (const token of [t.boardA, t.township11, t.region, t.auditor1, t.bank]) expectCode(await stack.gql(SET, { i: input() }, token), 'FORBIDDEN');
  expectCode(await stack.gql(SET, { i: input() }), 'UNAUTHENTICATED');
  expectCode(await stack.gql(SET, { i: input() }, t.county2), 'OUT_OF_SCOPE');
  expectCode(await stack.gql(SET, { i: input({ documentNo: '   ' }) }, t.county1), 'INVALID_INPUT');
  expectCode(await stack.gql(SET, { i: input({ mode: 'VILLAGE_CASH' }) }, t.county1), 'INVALID_INPUT'); // already
  expect(await modeOf(WORLD.coopA)).toBe('VILLAGE_CASH');
});

it('the county moves it to township-managed bank-only, with before and after in the audit trail, and never back', async () => {
  const changed = ok(await stack.gql(SET, { i: input() }, t.county1)).setManagementMode;
  expect(changed).toEqual({ id: String(WORLD.coopA), managementMode: 'TOWNSHIP_BANK_ONLY' });
  const trail = ok(await stack.gql(`query($id: ID!) { cooperative(id: $id) { auditTrail { action actor before after } } }`, { id: String(WORLD.coopA) }, t.county1))
    .cooperative.auditTrail.filter((e: { action: string }) => e.action === 'setManagementMode');
  expect(trail).toEqual([{
    action: 'setManagementMode', actor: 'county:1:officer', before: { managementMode: 'VILLAGE_CASH' },
    after: { managementMode: 'TOWNSHIP_BANK_ONLY', documentNo: '盐扶发〔2024〕12号', effectiveOn: '2024-04-01' },
  }]);
  const back = await stack.gql(SET, { i: input({ mode: 'VILLAGE_CASH' }) }, t.county1);
  expectCode(back, 'INVALID_INPUT');
  expect(back.errors![0]!.extensions!.messageEn).toMatch(/never back/);
  expectCode(await stack.gql(SET, { i: input() }, t.county1), 'INVALID_INPUT'); // already
  expect(await modeOf(WORLD.coopA)).toBe('TOWNSHIP_BANK_ONLY');
});

it('from then on loans refuses cash for the cooperative; the bank still works', async () => {
  expectCode(await stack.gql(REPAY, { i: { idempotencyKey: 'mm-cash-2', loanId, amount: '10000', channel: 'CASH', paidOn: '2024-04-15' } }, t.township11), 'CASH_REFUSED');
  ok(await stack.gql(REPAY, { i: { idempotencyKey: 'mm-bank-1', loanId, amount: '10000', channel: 'BANK', bankRef: 'HHNS-MM-1', paidOn: '2024-04-15' } }, t.township11));
});

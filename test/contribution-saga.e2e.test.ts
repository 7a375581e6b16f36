import { openDatabase } from '../subgraphs/lib/db';
import { reconcileSagas } from '../subgraphs/lib/saga-operators';
import { CONTRIBUTION_STEPS } from '../subgraphs/members/contribution.saga';
import { subgraphNamed } from '../subgraphs/registry';
import { addGroup, addMembers, createWorld, inject, loanThrough, tokens, withSql, WORLD } from './fixtures';
import { expectCode, ok } from './support/expect';
import { createTestDatabases } from './support/db';
import { startStack, type Stack } from './support/stack';

/**
 * The contribution saga on lib's outbox, with each subgraph's background runner on (as under
 * `npm start`): what the request could not finish is finished without anyone running reconcile, a
 * refusal found later is compensated, a step whose target stays down ends FAILED and is shown to
 * county and region officers, and old PENDING rows get their steps from a migration.
 * (The same under `npm start` with loans SIGKILLed: test/saga-fault.e2e.test.ts.)
 */
jest.setTimeout(60_000);

const CONTRIBUTE = `mutation($i: RecordContributionInput!) { recordContribution(input: $i) { id kind amount ledgerStatus } }`;
const WITHDRAW = `mutation($i: WithdrawContributionInput!) { withdrawContribution(input: $i) { id status } }`;
const STEPS = `query($s: SagaStepStatus) { membersSagaSteps(status: $s, first: 100) { totalCount edges { node {
  id sagaId seq event target countyId status attempts nextAttemptAt lastErrorCode lastErrorZh lastErrorEn createdAt updatedAt } } } }`;

let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
const POLICY = { SAGA_MAX_ATTEMPTS: '4', SAGA_BACKOFF_MS: '200', SAGA_BACKOFF_MAX_MS: '400' };

beforeAll(async () => {
  Object.assign(process.env, POLICY); // read by the runners when they start: four attempts over about a second
  stack = await startStack({ sagaRunners: true });
  await createWorld(stack);
  t = await tokens(stack);
  await inject(stack, t.county1, WORLD.coopA, 50_000_000n, 'saga-capital-A');
});
afterAll(async () => {
  await stack?.stop();
  for (const k of Object.keys(POLICY)) delete process.env[k];
});

/** Run `f` while the ledger cannot be reached (the loans subgraph's URL points at a closed port). */
async function loansDown<T>(f: () => Promise<T>): Promise<T> {
  const real = process.env.LOANS_URL;
  process.env.LOANS_URL = 'http://127.0.0.1:9/graphql';
  try {
    return await f();
  } finally {
    process.env.LOANS_URL = real;
  }
}

async function eventually<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const rowsOf = (member: number) =>
  withSql(stack.urls.members, async (c) => (await c.query(`select id::int, kind, ledger_status from contribution where member_id = $1 order by id`, [member])).rows);
/** The saga steps written since step `after` (rows a compensation deleted keep their steps). */
const stepsSince = (after: number) =>
  withSql(stack.urls.members, async (c) => (await c.query(
    `select s.id::int, s.seq, s.event, s.status, s.attempts, s.last_error ->> 'code' code from saga_step s where s.id > $1 order by s.id`, [after],
  )).rows);
const lastStep = () => withSql(stack.urls.members, async (c) => Number((await c.query(`select coalesce(max(id), 0) n from saga_step`)).rows[0].n));
const ledgerTxnsFor = (ids: number[]) =>
  withSql(stack.urls.loans, async (c) => (await c.query(`select ref_id, kind from ledger_txn where ref_type = 'contribution' and ref_id = any($1) order by ref_id`, [ids.map((i) => `contribution:${i}`)])).rows);

it('a contribution the ledger could not take at once is posted by the background runner, exactly once, with no manual step', async () => {
  const [m] = await addMembers(stack, WORLD.coopA, [{ name: '马福军' }]);
  const input = { idempotencyKey: 'bg-1', memberId: String(m), paidOn: '2024-03-01', source: 'HOUSEHOLD' };
  const before = await lastStep();
  expectCode(await loansDown(() => stack.gql(CONTRIBUTE, { i: input }, t.boardA)), 'SAGA_STEP_FAILED');
  const rows = await eventually('contribution rows', () => rowsOf(m!), (rs) => rs.length === 2 && rs.every((r) => r.ledger_status === 'POSTED'));
  expect(await ledgerTxnsFor(rows.map((r) => r.id))).toEqual(rows.map((r) => ({ ref_id: `contribution:${r.id}`, kind: 'CONTRIBUTION' })));
  const steps = await stepsSince(before);
  expect(steps.map((s) => [s.seq, s.event, s.status])).toEqual([[1, 'CONTRIBUTION_RECEIVED', 'DONE'], [2, 'CONTRIBUTION_RECEIVED', 'DONE']]);
  expect(steps[0]!.attempts).toBeGreaterThanOrEqual(2); // the request's failed try, then the runner's
  // the client repeats its request after the error: the same rows, nothing posted twice
  const again = ok(await stack.gql(CONTRIBUTE, { i: input }, t.boardA)).recordContribution;
  expect(again.map((c: { id: string; ledgerStatus: string }) => [Number(c.id), c.ledgerStatus])).toEqual(rows.map((r) => [r.id, 'POSTED']));
  expect((await ledgerTxnsFor(rows.map((r) => r.id))).length).toBe(2);
});

it('a step the ledger refuses when the runner sends it is compensated: the withdrawal is gone, the household stays', async () => {
  const members = await addMembers(stack, WORLD.coopA, [{ name: '马玉梅' }, { name: '马建国' }, { name: '马秀兰' }, { name: '马占山' }, { name: '马海燕' }], '2022-01-01');
  const w = members[0]!;
  await addGroup(stack, WORLD.coopA, members);
  ok(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'cw-1', memberId: String(w), paidOn: '2022-06-01', source: 'HOUSEHOLD' } }, t.boardA));
  await loanThrough(stack, t, { coop: WORLD.coopA, member: w, amount: '100000', on: '2024-03-01', key: 'saga-w-loan' });
  const input = { idempotencyKey: 'ww-1', memberId: String(w), on: '2024-06-01' };
  const before = await lastStep();
  expectCode(await loansDown(() => stack.gql(WITHDRAW, { i: input }, t.boardA)), 'SAGA_STEP_FAILED');
  const steps = await eventually('withdrawal step', () => stepsSince(before), (ss) => ss[0]?.status === 'COMPENSATED');
  expect(steps).toEqual([expect.objectContaining({ event: 'CONTRIBUTION_RETURNED', status: 'COMPENSATED', code: 'MEMBER_HAS_OUTSTANDING' })]);
  expect((await rowsOf(w)).map((r) => r.kind)).toEqual(['HOUSEHOLD', 'GOVERNMENT_SUBSIDY']); // the pending withdrawal row is deleted
  const member = ok(await stack.gql(`query($m: ID!) { member(id: $m) { status contributionTotals { withdrawn } } }`, { m: String(w) }, t.county1)).member;
  expect(member).toEqual({ status: 'ACTIVE', contributionTotals: { withdrawn: '0' } });
  const returned = await withSql(stack.urls.loans, (c) => c.query(`select count(*)::int n from ledger_txn where kind = 'CONTRIBUTION_RETURN' and cooperative_id = $1`, [WORLD.coopA]));
  expect(returned.rows[0].n).toBe(0);
  // officers see why; the key is free again, and the same request now meets the refusal at once
  const listed = ok(await stack.gql(STEPS, { s: 'COMPENSATED' }, t.county1)).membersSagaSteps;
  expect(listed.edges.map((e: any) => e.node)).toContainEqual(expect.objectContaining({ event: 'CONTRIBUTION_RETURNED', target: 'loans', countyId: 1, lastErrorCode: 'MEMBER_HAS_OUTSTANDING', lastErrorZh: '社员尚有未还借款' }));
  expectCode(await stack.gql(WITHDRAW, { i: input }, t.boardA), 'MEMBER_HAS_OUTSTANDING');
});

it('a step whose target stays down ends FAILED, is listed for its county and the region, and reconcile --retry-failed completes it', async () => {
  const [m] = await addMembers(stack, WORLD.coopB, [{ name: '田秀英' }]);
  const before = await lastStep();
  const real = process.env.LOANS_URL;
  process.env.LOANS_URL = 'http://127.0.0.1:9/graphql';
  let failed: { id: number; seq: number; status: string; attempts: number; code: string | null }[];
  try {
    expectCode(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'fl-1', memberId: String(m), paidOn: '2024-03-01', source: 'HOUSEHOLD' } }, t.township12), 'SAGA_STEP_FAILED');
    failed = await eventually('steps', () => stepsSince(before), (ss) => ss[0]?.status === 'FAILED');
  } finally {
    process.env.LOANS_URL = real;
  }
  // four attempts, then FAILED; the saga's later step waits behind it, never sent out of order
  expect(failed.map((s) => [s.seq, s.status, s.attempts, s.code])).toEqual([[1, 'FAILED', 4, 'SAGA_STEP_FAILED'], [2, 'PENDING', 0, null]]);
  expect((await rowsOf(m!)).map((r) => r.ledger_status)).toEqual(['PENDING', 'PENDING']);

  const ids = (r: any) => r.membersSagaSteps.edges.map((e: any) => Number(e.node.id));
  const county1 = ok(await stack.gql(STEPS, {}, t.county1)); // FAILED by default
  expect(ids(county1)).toContain(failed[0]!.id);
  expect(county1.membersSagaSteps.edges.find((e: any) => Number(e.node.id) === failed[0]!.id).node).toMatchObject({
    status: 'FAILED', attempts: 4, event: 'CONTRIBUTION_RECEIVED', countyId: 1, lastErrorCode: 'SAGA_STEP_FAILED', lastErrorEn: expect.stringContaining('queued'),
  });
  expect(ids(ok(await stack.gql(STEPS, {}, t.region)))).toContain(failed[0]!.id);
  expect(ids(ok(await stack.gql(STEPS, { s: 'PENDING' }, t.county1)))).toContain(failed[1]!.id);
  expect(ok(await stack.gql(STEPS, {}, t.county2)).membersSagaSteps).toMatchObject({ totalCount: 0, edges: [] }); // another county's officer
  expectCode(await stack.gql(STEPS, {}, t.township12), 'FORBIDDEN');
  expectCode(await stack.gql(STEPS, {}, t.boardB), 'FORBIDDEN');
  expectCode(await stack.gql(STEPS, {}), 'UNAUTHENTICATED');

  // the runner leaves a FAILED step alone; an operator's reconcile gives it a fresh start
  await new Promise((r) => setTimeout(r, 600));
  expect((await stepsSince(before))[0]!.status).toBe('FAILED');
  const report = await reconcileSagas(stack.subgraphs.members!.orm, CONTRIBUTION_STEPS, { retryFailed: true });
  // reconcile and the runner, which sees the step due again, share the two steps: never one twice
  expect(report).toMatchObject({ retriedFailed: 1, compensated: 0, failed: 0, failedSteps: [] });
  await eventually('rows', () => rowsOf(m!), (rs) => rs.every((r) => r.ledger_status === 'POSTED'));
  const steps = await stepsSince(before);
  expect(steps.map((s) => s.status)).toEqual(['DONE', 'DONE']);
  expect((await ledgerTxnsFor((await rowsOf(m!)).map((r) => r.id))).length).toBe(2);
});

it('contributions left PENDING before the outbox existed get their steps from the migration, for the runner to post', async () => {
  const urls = await createTestDatabases();
  const members = subgraphNamed('members');
  await createWorld({ urls } as Stack);
  const [m] = await addMembers({ urls } as Stack, WORLD.coopA, [{ name: '苏海军' }]);
  const ids = await withSql(urls.members!, async (c) => {
    const r = await c.query(`insert into contribution (member_id, cooperative_id, kind, amount_fen, paid_on, ledger_status)
      values ($1, $2, 'HOUSEHOLD', 40000, '2024-03-01', 'PENDING'), ($1, $2, 'GOVERNMENT_SUBSIDY', 60000, '2024-03-01', 'POSTED') returning id::int`, [m, WORLD.coopA]);
    await c.query(`update contribution set idempotency_key = 'contribution:' || id where member_id = $1`, [m]);
    // as a database of before the outbox: no steps, and the migration not applied yet
    await c.query(`delete from mikro_orm_migrations where name = 'Migration0005ContributionSteps'`);
    return r.rows.map((x) => x.id as number);
  });
  const orm = await openDatabase({ url: urls.members!, entities: members.entities, migrations: members.migrations, poolMax: 2 });
  try {
    const steps = await withSql(urls.members!, async (c) => (await c.query(`select saga_id, seq, event, target, county_id, idempotency_key, payload, status from saga_step`)).rows);
    expect(steps).toEqual([{
      saga_id: `contribution:${ids[0]}`, seq: 1, event: 'CONTRIBUTION_RECEIVED', target: 'loans', county_id: 1,
      idempotency_key: `contribution:${ids[0]}`, payload: { contributionId: ids[0] }, status: 'PENDING',
    }]);
  } finally {
    await orm.close(true);
  }
});

describe("loans' internal _postLedgerEvent: one named event from the closed list, each with its own input", () => {
  const POST = `mutation($e: LedgerEventInput!) { _postLedgerEvent(event: $e) }`;
  const facts = { cooperativeId: WORLD.coopA, countyId: 1, townshipId: 11, memberId: 1, amount: '40000', nameMasked: '马*军' };
  const txnCount = () => withSql(stack.urls.loans, async (c) => Number((await c.query(`select count(*) n from ledger_txn`)).rows[0].n));

  it('refuses no event, two events, an unknown source and a non-positive amount, writing nothing', async () => {
    const service = await stack.token({ sub: 'service:test', role: 'SERVICE' });
    const before = await txnCount();
    for (const [event, field] of [
      [{ idempotencyKey: 'ev-none' }, undefined],
      [{ idempotencyKey: 'ev-two', contributionReceived: { ...facts, source: 'HOUSEHOLD', paidOn: '2024-03-01' }, contributionReturned: { ...facts, returnedOn: '2024-03-01' } }, undefined],
      [{ idempotencyKey: 'ev-source', contributionReceived: { ...facts, source: 'LOTTERY', paidOn: '2024-03-01' } }, 'source'],
      [{ idempotencyKey: 'ev-zero', contributionReturned: { ...facts, amount: '0', returnedOn: '2024-03-01' } }, 'amount'],
    ] as const) {
      const r = await stack.subgraphGql('loans', POST, { e: event }, service);
      expectCode(r, 'INVALID_INPUT');
      if (field) expect(r.errors![0]!.extensions!.details.field).toBe(field);
    }
    expect(await txnCount()).toBe(before);
  });

  it('is for services only, and posts what ledger.rules derives for the event, once per key', async () => {
    const e = { idempotencyKey: 'ev-ok', contributionReceived: { ...facts, source: 'SHUANGDAO', paidOn: '2024-03-01' } };
    expectCode(await stack.subgraphGql('loans', POST, { e }, t.county1), 'FORBIDDEN');
    const service = await stack.token({ sub: 'service:test', role: 'SERVICE' });
    const txn = ok(await stack.subgraphGql('loans', POST, { e }, service))._postLedgerEvent;
    expect(ok(await stack.subgraphGql('loans', POST, { e }, service))._postLedgerEvent).toBe(txn);
    const lines = await withSql(stack.urls.loans, async (c) => (await c.query(
      `select t.kind, t.name_masked, l.account, l.amount_fen::text amount from ledger_txn t join ledger_line l on l.txn_id = t.id where t.id = $1 order by l.account`, [txn])).rows);
    expect(lines).toEqual([
      { kind: 'CONTRIBUTION', name_masked: '马*军', account: 'BANK', amount: '40000' },
      { kind: 'CONTRIBUTION', name_masked: '马*军', account: 'SHUANGDAO_CAPITAL', amount: '-40000' },
    ]);
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { envVariable, ROOT } from '../subgraphs/lib/config';
import { dayInChina } from '../subgraphs/lib/dates';
import { subgraphNamed } from '../subgraphs/registry';
import { ensureBuilt, freeStartPorts, portOpen, startNpm, type NpmStart, type StartPorts } from './support/npm-start';

/**
 * The saga mechanism under `npm start`, with real processes: the loans subgraph is SIGKILLed while
 * 20 contributions are in flight. Nobody runs anything by hand: npm start restarts loans, members'
 * background saga runner posts each contribution exactly once within 30 s (an `npm run reconcile`
 * started at the same moment works alongside it and never the same step), the ledger balances, a
 * withdrawal loans refuses is compensated. Then loans is crashed until npm start gives up on it: a
 * step sent to it ends FAILED and is listed for officers and by reconcile. Between the two, members is
 * killed as the county opens a rectification: the union's runner sets the status once it is back.
 */
jest.setTimeout(240_000);

const CONTRIBUTE = `mutation($i: RecordContributionInput!) { recordContribution(input: $i) { id ledgerStatus } }`;
const WITHDRAW = `mutation($i: WithdrawContributionInput!) { withdrawContribution(input: $i) { id status } }`;
const FAILED_STEPS = `{ membersSagaSteps(status: FAILED) { totalCount edges { node { id event target status attempts lastErrorCode countyId } } } }`;

const dir = mkdtempSync(join(tmpdir(), 'ningxia-saga-'));
let ports: StartPorts;
let run: NpmStart;
const loansPort = () => ports.subgraphs[subgraphNamed('loans').name]!;

beforeAll(async () => {
  ensureBuilt();
  ports = await freeStartPorts();
  // backoff capped at 4 s: eight attempts span about 16 s, still far longer than a restart of loans
  run = startNpm(dir, ports, { SAGA_BACKOFF_MAX_MS: '4000' });
  await run.ready;
});
afterAll(async () => {
  if (run) expect(await run.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

async function query<T extends Record<string, unknown>>(subgraph: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: `postgres://postgres@127.0.0.1:${ports.pg}/${subgraphNamed(subgraph).database}` });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** `npm run reconcile` against this npm start (its databases, its loans, its signing key). */
function reconcile(): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'dist', 'infra', 'reconcile.js')], {
      env: {
        ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'silent', DATA_DIR: join(dir, 'data'), PG_PORT: String(ports.pg),
        ...Object.fromEntries(Object.entries(ports.subgraphs).map(([n, p]) => [envVariable(n, 'URL'), `http://127.0.0.1:${p}/graphql`])),
      },
    }, (e, stdout) => resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout }));
  });
}

async function eventually<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`${what}: still ${JSON.stringify(v).slice(0, 2000)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The runner's own reports ("saga steps worked") in members' log, summed. */
function runnerReports(from: number): { done: number; compensated: number } {
  const sum = { done: 0, compensated: 0 };
  for (const m of run.output().slice(from).matchAll(/^\[members\]\s+(\{.*"msg":"saga steps worked".*\})$/gm)) {
    const r = JSON.parse(m[1]!) as { done: number; compensated: number };
    sum.done += r.done;
    sum.compensated += r.compensated;
  }
  return sum;
}

it('loans killed with 20 contributions in flight: restarted, each posted exactly once by the runner, reconcile alongside, ledger balanced, a refusal compensated', async () => {
  const today = dayInChina(Date.now());
  // 20 households of one township of the demo county, in cooperatives open for business
  const households = await query<{ id: number; township_id: number; cooperative_id: number }>('members',
    `select m.id, m.township_id, m.cooperative_id from member m join cooperative c on c.id = m.cooperative_id
      where m.status = 'ACTIVE' and c.status = 'ACTIVE' and m.township_id = (select min(township_id) from cooperative where status = 'ACTIVE')
      order by m.id limit 20`);
  expect(households).toHaveLength(20);
  // and a borrower with a loan still open, whose withdrawal loans will refuse
  const open = (await query<{ member_id: number }>('loans', `select distinct member_id from loan where status in ('DISBURSED', 'OVERDUE') order by member_id limit 500`)).map((r) => r.member_id);
  const [borrower] = await query<{ id: number; township_id: number }>('members',
    `select m.id, m.township_id from member m join cooperative c on c.id = m.cooperative_id
      where m.id = any($1) and m.status = 'ACTIVE' and c.status <> 'EXITED' and m.joined_on < now() - interval '2 years'
        and exists (select 1 from contribution ct where ct.member_id = m.id and ct.kind = 'HOUSEHOLD')
        and not exists (select 1 from contribution ct where ct.member_id = m.id and ct.kind = 'HOUSEHOLD_WITHDRAWAL')
      order by m.id limit 1`, [open]);
  expect(borrower).toBeDefined();
  const township = await run.token({ sub: 'township:fault-test', role: 'TOWNSHIP', townships: [households[0]!.township_id, borrower!.township_id] });
  const stepsBefore = Number((await query<{ n: string }>('members', `select coalesce(max(id), 0) n from saga_step`))[0]!.n);

  const loansPid = await run.pidOf(loansPort());
  const logFrom = run.output().length;
  const requests = households.map((h, i) =>
    run.gql(CONTRIBUTE, { i: { idempotencyKey: `fault-${i}`, memberId: String(h.id), paidOn: today, source: 'HOUSEHOLD' } }, township));
  const withdrawal = run.gql(WITHDRAW, { i: { idempotencyKey: 'fault-withdraw', memberId: String(borrower!.id), on: today } }, township);
  await new Promise((r) => setTimeout(r, 30));
  process.kill(loansPid, 'SIGKILL');
  const killedAt = Date.now();
  const answers = await Promise.all(requests);
  const codes = answers.map((a) => a.errors?.[0]?.extensions?.code ?? 'OK');
  expect(answers.filter((a) => !['SAGA_STEP_FAILED', undefined].includes(a.errors?.[0]?.extensions?.code)).map((a) => a.errors)).toEqual([]);
  expect(codes.filter((c) => c === 'SAGA_STEP_FAILED').length).toBeGreaterThan(0); // they were in flight when loans died
  expect(['SAGA_STEP_FAILED', 'MEMBER_HAS_OUTSTANDING']).toContain((await withdrawal).errors?.[0]?.extensions?.code);

  await run.waitFor(/loans restarted, healthy/, 30_000);
  expect((await run.gql(`{ __typename }`)).data).toEqual({ __typename: 'Query' }); // the gateway answers again
  const reconciling = reconcile(); // at the same moment as the runner

  const memberIds = households.map((h) => h.id);
  const rows = await eventually('contributions', () => query<{ id: string; member_id: number; ledger_status: string }>('members',
    `select id::text, member_id, ledger_status from contribution where member_id = any($1) and paid_on = $2 and kind <> 'HOUSEHOLD_WITHDRAWAL' order by id`, [memberIds, today]),
  (rs) => rs.length >= 20 && rs.every((r) => r.ledger_status === 'POSTED'), 30_000 - (Date.now() - killedAt));
  expect(Date.now() - killedAt).toBeLessThan(30_000);
  expect(new Set(rows.map((r) => r.member_id)).size).toBe(20);

  // exactly once on the ledger: one transaction per row, none for anything else
  const txns = await query<{ ref_id: string; n: string }>('loans',
    `select ref_id, count(*)::text n from ledger_txn where ref_type = 'contribution' and ref_id = any($1) group by ref_id`, [rows.map((r) => `contribution:${r.id}`)]);
  expect(txns.length).toBe(rows.length);
  expect(txns.every((t) => t.n === '1')).toBe(true);
  // the books of every cooperative touched still balance, entries and stored balances alike
  const coops = [...new Set(households.map((h) => h.cooperative_id))];
  const county = await run.token({ sub: 'county:fault-test', role: 'COUNTY', counties: [1] });
  for (const c of coops) {
    const tb = (await run.gql(`query($c: ID!) { trialBalance(cooperativeId: $c) { net totalDebits balancesMatchEntries } }`, { c: String(c) }, county)).data.trialBalance;
    expect([c, tb.net, tb.balancesMatchEntries]).toEqual([c, '0', true]);
  }

  // the refused withdrawal: compensated (its row deleted), the household still a member
  const steps = await eventually('saga steps', () => query<{ id: string; event: string; status: string; code: string | null; attempts: number }>('members',
    `select id::text, event, status, last_error ->> 'code' code, attempts from saga_step where id > $1 order by id`, [stepsBefore]),
  (ss) => ss.every((s) => s.status === 'DONE' || s.status === 'COMPENSATED'), 20_000);
  expect(steps.filter((s) => s.event === 'CONTRIBUTION_RETURNED')).toEqual([expect.objectContaining({ status: 'COMPENSATED', code: 'MEMBER_HAS_OUTSTANDING' })]);
  expect(await query('members', `select 1 from contribution where member_id = $1 and kind = 'HOUSEHOLD_WITHDRAWAL'`, [borrower!.id])).toEqual([]);
  expect((await query<{ status: string }>('members', `select status from member where id = $1`, [borrower!.id]))[0]!.status).toBe('ACTIVE');

  // reconcile and the runner shared the work: what each reports adds up to the steps finished
  // after the kill, so no step was worked by both
  const r = await reconciling;
  const m = /members: (\d+) done, (\d+) compensated/.exec(r.stdout);
  expect(m).not.toBeNull();
  const byRequests = Number((await query<{ n: string }>('members',
    `select count(*) n from audit_log where action in ('postContribution', 'compensateContribution') and request_id not like 'saga-%' and entity_id in (
       select payload ->> 'contributionId' from saga_step where id > $1)`, [stepsBefore]))[0]!.n);
  const runner = runnerReports(logFrom);
  expect(byRequests + runner.done + runner.compensated + Number(m![1]) + Number(m![2])).toBe(steps.length);
});

it('members killed as the county opens a rectification: the union keeps it and its status step, and its runner sets RECTIFYING once members is back', async () => {
  const county = await run.token({ sub: 'county:1:fault-test', role: 'COUNTY', counties: [1] });
  // in July, before the county rated the third quarter (the demo's rating of it is what rateCounty gives)
  await query('union', `delete from rating where period_start = '2026-07-01'`);
  const rated = await run.gql(`mutation { rateCounty(input: { countyId: "1", period: { kind: QUARTER, year: 2026, quarter: 2 } }) { ranking { id ratingClass cooperative { id } } } }`, {}, county);
  const failing = (rated.data.rateCounty.ranking as { id: string; ratingClass: string; cooperative: { id: string } }[]).filter((r) => r.ratingClass === 'C' || r.ratingClass === 'D');
  const active = (await query<{ id: number }>('members', `select id from cooperative where status = 'ACTIVE' and id = any($1) order by id`, [failing.map((r) => Number(r.cooperative.id))])).map((r) => r.id);
  const rating = failing.find((r) => Number(r.cooperative.id) === active[0])!;
  expect(rating).toBeDefined();
  const coop = Number(rating.cooperative.id);
  const membersPort = ports.subgraphs[subgraphNamed('members').name]!;
  process.kill(await run.pidOf(membersPort), 'SIGKILL');
  await eventually('members down', () => portOpen(membersPort), (open) => !open, 10_000);
  const answer = await run.gql(`mutation($i: OpenRectificationInput!) { openRectification(input: $i) { id } }`, { i: {
    idempotencyKey: 'fault-rectification', ratingId: rating.id, openedOn: '2026-07-10', deadline: '2026-12-31', note: '盐扶发〔2026〕40号:限期整改',
  } }, county);
  expect(answer.errors?.[0]?.extensions?.code).toBe('SAGA_STEP_FAILED');
  const [row] = await query<{ id: number; status: string }>('union', `select id, status from rectification where cooperative_id = $1`, [coop]);
  expect(row).toMatchObject({ status: 'OPEN' });
  await run.waitFor(/members restarted, healthy/, 30_000);
  await eventually('members\' status', () => query<{ status: string }>('members', `select status from cooperative where id = $1`, [coop]), (r) => r[0]?.status === 'RECTIFYING', 30_000);
  const steps = await eventually('the step', () => query<{ status: string; attempts: number }>('union', `select status, attempts from saga_step where saga_id = $1`, [`rectification:${row!.id}:open`]),
    (r) => r[0]?.status === 'DONE', 10_000);
  expect(steps[0]!.attempts).toBeGreaterThan(1);
  // set once: one audit entry in members, whatever the attempts
  expect(await query('members', `select 1 from audit_log where action = 'setCooperativeStatus' and entity_id = $1`, [String(coop)])).toHaveLength(1);
  // the same key again is the same decision: nothing new
  const again = await run.gql(`mutation($i: OpenRectificationInput!) { openRectification(input: $i) { id status } }`, { i: {
    idempotencyKey: 'fault-rectification', ratingId: rating.id, openedOn: '2026-07-10', deadline: '2026-12-31', note: '盐扶发〔2026〕40号:限期整改',
  } }, county);
  expect(again.data.openRectification).toEqual({ id: String(row!.id), status: 'OPEN' });
});

it('a step whose target stays down ends FAILED, is listed for county and region officers and by reconcile', async () => {
  // crash loans until npm start stops restarting it (5 crashes in 60 s)
  const givenUp = () => /loans crashed \d+ times in 60 s .*not restarting it/.test(run.output());
  for (let i = 0; i < 8 && !givenUp(); i++) {
    const pid = await eventually('loans up again', () => run.pidOf(loansPort()).catch(() => 0), (p) => p > 0 || givenUp(), 30_000);
    if (givenUp()) break;
    process.kill(pid, 'SIGKILL');
    await eventually('loans down', () => portOpen(loansPort()), (open) => !open, 10_000);
  }
  await run.waitFor(/not restarting it/, 10_000);
  expect(await portOpen(loansPort())).toBe(false);
  const [h] = await query<{ id: number; township_id: number }>('members',
    `select m.id, m.township_id from member m join cooperative c on c.id = m.cooperative_id
      where m.status = 'ACTIVE' and c.status = 'ACTIVE' and not exists (select 1 from contribution ct where ct.member_id = m.id and ct.paid_on = $1)
      order by m.id desc limit 1`, [dayInChina(Date.now())]);
  const township = await run.token({ sub: 'township:fault-test', role: 'TOWNSHIP', townships: [h!.township_id] });
  const answer = await run.gql(CONTRIBUTE, { i: { idempotencyKey: 'fault-down', memberId: String(h!.id), paidOn: dayInChina(Date.now()), source: 'HOUSEHOLD' } }, township);
  expect(answer.errors?.[0]?.extensions?.code).toBe('SAGA_STEP_FAILED');
  const [row] = await query<{ id: string }>('members', `select min(id)::text id from contribution where member_id = $1 and idempotency_key is not null and ledger_status = 'PENDING'`, [h!.id]);
  const step = await eventually('the step', () => query<{ id: string; status: string; attempts: number }>('members',
    `select id::text, status, attempts from saga_step where idempotency_key = $1`, [`contribution:${row!.id}`]), (s) => s[0]?.status === 'FAILED', 60_000);
  expect(step[0]).toMatchObject({ status: 'FAILED', attempts: 8 });

  for (const token of [await run.token({ sub: 'county:1', role: 'COUNTY', counties: [1] }), await run.token({ sub: 'region', role: 'REGION' })]) {
    const listed = (await run.gql(FAILED_STEPS, {}, token)).data.membersSagaSteps;
    expect(listed.edges.map((e: any) => e.node)).toContainEqual(expect.objectContaining({ id: step[0]!.id, event: 'CONTRIBUTION_RECEIVED', target: 'loans', status: 'FAILED', attempts: 8, lastErrorCode: 'SAGA_STEP_FAILED' }));
  }
  const r = await reconcile();
  expect(r.code).toBe(1); // something is left for an operator
  expect(r.stdout).toMatch(new RegExp(`members: 1 step\\(s\\) FAILED[^\\n]*\\n(.*\\n)*  #${step[0]!.id} CONTRIBUTION_RECEIVED → loans .*8 attempts\\): SAGA_STEP_FAILED`));
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { spawn } from 'node:child_process';
import { freePort, startPostgres, type PgHandle } from '../infra/postgres';
import { envVariable, ROOT } from '../subgraphs/lib/config';
import { REGISTRY } from '../subgraphs/registry';
import { ensureBuilt } from './support/npm-start';
import { readRetryStats } from '../subgraphs/lib/read-retry';
import { sql } from './support/db';
import { expectCode, ok } from './support/expect';
import { addMembers, createWorld, tokens, validIdNumber, withSql, WORLD } from './fixtures';
import { startStack, type GqlResult, type Stack } from './support/stack';

/**
 * A PostgreSQL server of this file's own, really stopped and started again under a running
 * federation: coded, retryable errors (503 + Retry-After when nothing came back), one retry of a
 * read whose connection dropped, never of a write, and pools that recover without a restart.
 */
let dir: string;
let port: number;
let pg: PgHandle | undefined;
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
let memberId: number;

const startServer = () => startPostgres({ port, dataDir: join(dir, 'pg'), ephemeral: true });

beforeAll(async () => {
  port = await freePort();
  dir = mkdtempSync(join(tmpdir(), 'ningxia-restart-'));
  pg = await startServer();
  stack = await startStack({ pgBaseUrl: pg.baseUrl });
  await createWorld(stack);
  t = await tokens(stack);
  [memberId] = (await addMembers(stack, WORLD.coopA, [{ name: '马成林' }])) as [number];
});

afterAll(async () => {
  await stack?.stop();
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Raw {
  status: number;
  retryAfter: string | null;
  body: GqlResult<any>;
}
async function raw(query: string, variables: object = {}, token = t.county1): Promise<Raw> {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as GqlResult<any> };
}

const MEMBER = `query($id: ID!) { member(id: $id) { id headName } }`;
const readMember = () => raw(MEMBER, { id: String(memberId) });
const ADMIT = `mutation($i: AdmitMemberInput!) { admitMember(input: $i) { id headName } }`;
let idSeq = 0;
const admit = (name: string) =>
  raw(ADMIT, {
    i: {
      cooperativeId: String(WORLD.coopA), householdNo: `R-${++idSeq}`, headName: name, idNumber: validIdNumber(`64032319850101${String(100 + idSeq)}`),
      residenceVillageId: String(WORLD.villageA), householdSize: 3, povertyStatus: 'REGISTERED_POOR', joinedOn: '2024-01-01',
      cardBank: '宁夏黄河农村商业银行', cardAccount: '6229470000000054321',
    },
  }, t.boardA);

const memberCount = () => withSql(stack.urls.members, async (c) => Number((await c.query(`select count(*) as n from member`)).rows[0].n));
const dbName = (url: string) => new URL(url).pathname.slice(1);

/** Backends of the subgraphs on `db` (not ours). */
async function backends(admin: Client, db: string, waitingOnLock = false): Promise<number[]> {
  const r = await admin.query(
    `select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() ${waitingOnLock ? `and wait_event_type = 'Lock'` : ''}`,
    [db],
  );
  return r.rows.map((x: { pid: number }) => x.pid);
}

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Holds `table` under an exclusive lock, starts `request`, terminates the subgraph backend that waits
 * for the lock (its connection drops in the middle of a statement), then lets go of the lock.
 */
async function dropMidFlight<T>(db: string, table: string, request: () => Promise<T>): Promise<T> {
  const locker = await sql(`${pg!.baseUrl}/${db}`);
  const admin = await sql(`${pg!.baseUrl}/postgres`);
  try {
    await locker.query('begin');
    await locker.query(`lock table ${table} in access exclusive mode`);
    const pending = request();
    const lockerPid = (await locker.query('select pg_backend_pid() as pid')).rows[0].pid as number;
    const waiting = await until('a subgraph statement waiting for the lock', async () => {
      const pids = (await backends(admin, db, true)).filter((p) => p !== lockerPid);
      return pids.length ? pids : undefined;
    });
    for (const pid of waiting) await admin.query('select pg_terminate_backend($1)', [pid]);
    await locker.query('rollback');
    return await pending;
  } finally {
    await locker.end().catch(() => undefined);
    await admin.end();
  }
}

function expectUnavailable(r: Raw): void {
  expectCode(r.body, 'DATABASE_UNAVAILABLE');
  const e = r.body.errors![0]!;
  expect(e.extensions).toMatchObject({
    messageZh: '数据库暂时不可用,请稍后重试',
    messageEn: 'The database is temporarily unavailable; retry shortly',
    details: { retryable: true, retryAfterSeconds: 5 },
  });
  expect(JSON.stringify(r.body)).not.toMatch(/ECONNREFUSED|terminat|127\.0\.0\.1|knex|pg_/i);
}

describe('connections dropped under a running server', () => {
  it('idle connections the server terminated are discarded, not handed out again (no retry needed)', async () => {
    expect(ok((await readMember()).body).member.headName).toBe('马成林');
    ok((await raw(`{ loan(id: "1") { id } }`)).body); // a pooled connection in loans too
    const admin = await sql(`${pg!.baseUrl}/postgres`);
    try {
      const dbs = [dbName(stack.urls.members), dbName(stack.urls.loans)];
      const before = (await Promise.all(dbs.map((d) => backends(admin, d)))).flat();
      expect(before.length).toBeGreaterThan(0);
      for (const pid of before) await admin.query('select pg_terminate_backend($1)', [pid]);
      await until('the terminated backends to exit', async () => (await Promise.all(dbs.map((d) => backends(admin, d)))).flat().length === 0);
    } finally {
      await admin.end();
    }
    await new Promise((r) => setTimeout(r, 50)); // the clients' 'end' events
    const retries = readRetryStats.retries;
    const r = await readMember();
    expect(r.status).toBe(200);
    expect(ok(r.body).member.headName).toBe('马成林');
    expect(readRetryStats.retries).toBe(retries);
  });

  it('a read whose connection drops in the middle of a statement succeeds through one retry', async () => {
    const retries = readRetryStats.retries;
    const r = await dropMidFlight(dbName(stack.urls.members), 'member', readMember);
    expect(r.status).toBe(200);
    expect(ok(r.body).member).toEqual({ id: String(memberId), headName: '马成林' });
    expect(readRetryStats.retries).toBe(retries + 1);
  });

  it('a write whose connection drops in the middle is not retried: coded error, nothing written', async () => {
    const retries = readRetryStats.retries;
    const count = await memberCount();
    const r = await dropMidFlight(dbName(stack.urls.members), 'member', () => admit('海兰英'));
    expectUnavailable(r);
    expect(readRetryStats.retries).toBe(retries);
    expect(await memberCount()).toBe(count);
  });

  it('a server that accepts connections but never answers: a read fails with the coded error within the connect timeout', async () => {
    const admin = await sql(`${pg!.baseUrl}/postgres`);
    const postmaster = Number(readFileSync(join(pg!.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    try {
      const dbs = [dbName(stack.urls.members), dbName(stack.urls.loans)];
      // no pooled connection left: the next request must connect
      for (const pid of (await Promise.all(dbs.map((d) => backends(admin, d)))).flat()) await admin.query('select pg_terminate_backend($1)', [pid]);
      await until('the terminated backends to exit', async () => (await Promise.all(dbs.map((d) => backends(admin, d)))).flat().length === 0);
      await new Promise((r) => setTimeout(r, 50));
      process.kill(postmaster, 'SIGSTOP'); // the kernel still accepts TCP connections; nobody answers them
      const started = Date.now();
      const r = await readMember();
      const ms = Date.now() - started;
      expect(ms).toBeGreaterThanOrEqual(2_500);
      expect(ms).toBeLessThan(5_000);
      expect(r.status).toBe(503);
      expectUnavailable(r);
    } finally {
      process.kill(postmaster, 'SIGCONT');
      await admin.end();
    }
    expect(ok((await readMember()).body).member.headName).toBe('马成林');
  });

  it('one database of two refusing connections: a partial answer stays 200 with the coded error', async () => {
    const loansDb = dbName(stack.urls.loans);
    await withSql(`${pg!.baseUrl}/postgres`, async (admin) => {
      await admin.query(`alter database ${loansDb} allow_connections false`);
      for (const pid of await backends(admin, loansDb)) await admin.query('select pg_terminate_backend($1)', [pid]);
    });
    try {
      const r = await raw(`query($id: ID!) { member(id: $id) { headName } loan(id: "1") { id } }`, { id: String(memberId) });
      expect(r.status).toBe(200);
      expect(r.retryAfter).toBeNull();
      expect(r.body.data).toEqual({ member: { headName: '马成林' }, loan: null });
      expectUnavailable(r);
      expect(r.body.errors![0]!.path).toEqual(['loan']);
    } finally {
      await withSql(`${pg!.baseUrl}/postgres`, (admin) => admin.query(`alter database ${loansDb} allow_connections true`));
    }
  });
});

describe('the server stopped and started again', () => {
  it('during the outage a read answers 503 with Retry-After and DATABASE_UNAVAILABLE, within seconds', async () => {
    ok((await readMember()).body);
    await pg!.stop();
    const started = Date.now();
    const r = await readMember();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(r.status).toBe(503);
    expect(r.retryAfter).toBe('5');
    expectUnavailable(r);
    const list = await raw(`{ counties { id } }`); // only a null root field: nothing to show
    expect(list.status).toBe(503);
    expect(list.body.data ?? { counties: null }).toEqual({ counties: null });
    expectUnavailable(list);
  });

  it('a mutation during the outage is not retried and answers the coded error', async () => {
    const retries = readRetryStats.retries;
    const r = await admit('白春梅');
    expect(r.status).toBe(503);
    expectUnavailable(r);
    expect(readRetryStats.retries).toBe(retries);
  });

  it('a service started while its database is down waits for it instead of exiting, and serves once it is back', async () => {
    ensureBuilt();
    const name = REGISTRY[0]!.name;
    const servicePort = await freePort();
    let out = '';
    const proc = spawn(process.execPath, [join(ROOT, 'dist', 'infra', 'service.js'), name], {
      env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', PORT: String(servicePort), [envVariable(name, 'DATABASE_URL')]: stack.urls[name] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    try {
      // start-up (loading the registry, building the schema) takes seconds on a loaded machine: wait for the message, not a fixed time
      const waitUntil = Date.now() + 20_000;
      while (!out.includes('database not reachable yet; waiting for it') && proc.exitCode === null && Date.now() < waitUntil) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect([proc.exitCode, out.includes('database not reachable yet; waiting for it')]).toEqual([null, true]);
      pg = await startServer();
      const until = Date.now() + 30_000;
      let healthy = false;
      while (!healthy && Date.now() < until && proc.exitCode === null) {
        healthy = await fetch(`http://127.0.0.1:${servicePort}/health`).then((r) => r.ok, () => false);
        if (!healthy) await new Promise((r) => setTimeout(r, 200));
      }
      expect([healthy, proc.exitCode]).toEqual([true, null]);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
    }
  });

  it('after the server is back on the same port and data, the next read and write succeed without restarting a service', async () => {
    const r = await readMember();
    expect(r.status).toBe(200);
    expect(ok(r.body).member.headName).toBe('马成林');
    const w = await admit('田玉霞');
    expect(w.status).toBe(200);
    expect(ok(w.body).admitMember.headName).toBe('田玉霞');
  });
});

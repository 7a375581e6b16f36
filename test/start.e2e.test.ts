import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../subgraphs/lib/config';
import { freePort } from '../infra/postgres';
import { loadKey, signToken } from '../subgraphs/lib/auth';
import { operation } from './support/operations';

/**
 * `npm start` for real, from the built output: embedded PostgreSQL, migrations, the demo county,
 * both subgraphs and the gateway as separate processes; the README's query answers through the
 * gateway; Ctrl-C (SIGINT) leaves no process and no open port; a second start reuses the data.
 */
jest.setTimeout(240_000);

const dir = mkdtempSync(join(tmpdir(), 'ningxia-start-'));
let ports: Record<string, number>;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startOnce(): { proc: ChildProcess; output: () => string; ready: Promise<void> } {
  let out = '';
  const proc = spawn(process.execPath, [join(ROOT, 'dist', 'infra', 'start.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATA_DIR: join(dir, 'data'),
      PGDATA_DIR: join(dir, 'pg'),
      PG_PORT: String(ports.pg),
      MEMBERS_PORT: String(ports.members),
      LOANS_PORT: String(ports.loans),
      GATEWAY_PORT: String(ports.gateway),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    const on = (c: Buffer) => {
      out += c.toString();
      if (out.includes('[start]    ready:')) resolve();
    };
    proc.stdout!.on('data', on);
    proc.stderr!.on('data', on);
    proc.once('exit', (code) => reject(new Error(`start exited (${code}):\n${out.slice(-3000)}`)));
  });
  return { proc, output: () => out, ready };
}

const portOpen = (port: number) =>
  new Promise<boolean>((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), res(true)));
    s.once('error', () => res(false));
  });

async function stop(proc: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  proc.kill('SIGINT');
  return exited;
}

function processesUsing(path: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(path) && !l.includes('ps -eo'));
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'infra', 'start.js'))) execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')]);
  ports = { pg: await freePort(), members: await freePort(), loans: await freePort(), gateway: await freePort() };
});

it('starts the whole federation with the demo county, answers the README query, and stops cleanly', async () => {
  const first = startOnce();
  try {
    await first.ready;
  } catch (e) {
    first.proc.kill('SIGKILL');
    throw e;
  }
  expect(first.output()).toContain('loading the demo county');
  const token = await signToken(loadKey(join(dir, 'data')), { sub: 'test', role: 'COUNTY', counties: [1] });
  const res = await fetch(`http://127.0.0.1:${ports.gateway}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: operation('CountyDashboard'), variables: { countyId: '1', asOf: '2026-11-27' } }),
  });
  const body = (await res.json()) as any;
  expect(body.errors).toBeUndefined();
  expect(body.data.county.nameZh).toBe('盐池县');
  expect(body.data.county.cooperatives.totalCount).toBeGreaterThanOrEqual(40);
  expect(body.data.county.cooperatives.edges[0].node.portfolio.outstanding).toMatch(/^\d+$/);
  const page = await fetch(`http://127.0.0.1:${ports.gateway}/`);
  expect(await page.text()).toContain('/explorer/graphiql.js');
  expect((await fetch(`http://127.0.0.1:${ports.gateway}/explorer/graphiql.js`)).status).toBe(200);

  expect(await stop(first.proc)).toBe(0);
  for (const p of Object.values(ports)) expect(await portOpen(p)).toBe(false);
  expect(processesUsing(join(dir, 'pg'))).toEqual([]);

  // a second start reuses the data: no second seed
  const second = startOnce();
  await second.ready;
  expect(second.output()).not.toContain('loading the demo county');
  expect(await stop(second.proc)).toBe(0);
  for (const p of Object.values(ports)) expect(await portOpen(p)).toBe(false);
});

it('restarts a service that dies (SIGKILL) while the others keep serving, and the gateway answers again', async () => {
  const run = startOnce();
  await run.ready;
  try {
    const token = await signToken(loadKey(join(dir, 'data')), { sub: 'test', role: 'COUNTY', counties: [1] });
    const dashboard = async () => {
      const res = await fetch(`http://127.0.0.1:${ports.gateway}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: operation('CountyDashboard'), variables: { countyId: '1', asOf: '2026-11-27' } }),
      });
      return (await res.json()) as any;
    };
    const pidOf = async (port: number) => ((await (await fetch(`http://127.0.0.1:${port}/metrics`)).json()) as { pid: number }).pid;
    const before = await pidOf(ports.loans);
    const membersPid = await pidOf(ports.members);
    process.kill(before, 'SIGKILL');
    const until = Date.now() + 30_000;
    while (!run.output().includes('loans restarted, healthy') && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(run.output()).toMatch(/loans stopped unexpectedly \(SIGKILL\); restarting in \d+ ms/);
    expect(run.output()).toContain('loans restarted, healthy');
    expect(await pidOf(ports.loans)).not.toBe(before);
    expect(await pidOf(ports.members)).toBe(membersPid); // the rest was never stopped
    const body = await dashboard();
    expect(body.errors).toBeUndefined();
    expect(body.data.county.cooperatives.edges[0].node.portfolio.outstanding).toMatch(/^\d+$/);
  } finally {
    expect(await stop(run.proc)).toBe(0);
  }
  for (const p of Object.values(ports)) expect(await portOpen(p)).toBe(false);
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subgraphNamed } from '../subgraphs/registry';
import { allPorts, ensureBuilt, freeStartPorts, portOpen, startNpm, type StartPorts } from './support/npm-start';
import { operation } from './support/operations';

/**
 * `npm start` for real, from the built output: embedded PostgreSQL, migrations, the demo county,
 * both subgraphs and the gateway as separate processes; the README's query answers through the
 * gateway; Ctrl-C (SIGINT) leaves no process and no open port; a second start reuses the data.
 */
jest.setTimeout(240_000);

const dir = mkdtempSync(join(tmpdir(), 'ningxia-start-'));
let ports: StartPorts;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function processesUsing(path: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(path) && !l.includes('ps -eo'));
}

beforeAll(async () => {
  ensureBuilt();
  ports = await freeStartPorts();
});

it('starts the whole federation with the demo county, answers the README query, and stops cleanly', async () => {
  const first = startNpm(dir, ports);
  try {
    await first.ready;
  } catch (e) {
    first.proc.kill('SIGKILL');
    throw e;
  }
  expect(first.output()).toContain('loading the demo county');
  const token = await first.token({ sub: 'test', role: 'COUNTY', counties: [1] });
  const body = await first.gql(operation('CountyDashboard'), { countyId: '1', asOf: '2026-11-27' }, token);
  expect(body.errors).toBeUndefined();
  expect(body.data.county.nameZh).toBe('盐池县');
  expect(body.data.county.cooperatives.totalCount).toBeGreaterThanOrEqual(40);
  expect(body.data.county.cooperatives.edges[0].node.portfolio.outstanding).toMatch(/^\d+$/);
  const page = await fetch(`http://127.0.0.1:${ports.gateway}/`);
  expect(await page.text()).toContain('/explorer/graphiql.js');
  expect((await fetch(`http://127.0.0.1:${ports.gateway}/explorer/graphiql.js`)).status).toBe(200);

  expect(await first.stop()).toBe(0);
  for (const p of allPorts(ports)) expect(await portOpen(p)).toBe(false);
  expect(processesUsing(join(dir, 'pg'))).toEqual([]);

  // a second start reuses the data: no second seed
  const second = startNpm(dir, ports);
  await second.ready;
  expect(second.output()).not.toContain('loading the demo county');
  expect(await second.stop()).toBe(0);
  for (const p of allPorts(ports)) expect(await portOpen(p)).toBe(false);
});

it('restarts a service that dies (SIGKILL) while the others keep serving, and the gateway answers again', async () => {
  const run = startNpm(dir, ports);
  await run.ready;
  try {
    const token = await run.token({ sub: 'test', role: 'COUNTY', counties: [1] });
    const dashboard = () => run.gql(operation('CountyDashboard'), { countyId: '1', asOf: '2026-11-27' }, token);
    const pidOf = run.pidOf;
    const loans = ports.subgraphs[subgraphNamed('loans').name]!;
    const members = ports.subgraphs[subgraphNamed('members').name]!;
    const before = await pidOf(loans);
    const membersPid = await pidOf(members);
    process.kill(before, 'SIGKILL');
    const until = Date.now() + 30_000;
    while (!run.output().includes('loans restarted, healthy') && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(run.output()).toMatch(/loans stopped unexpectedly \(SIGKILL\); restarting in \d+ ms/);
    expect(run.output()).toContain('loans restarted, healthy');
    expect(await pidOf(loans)).not.toBe(before);
    expect(await pidOf(members)).toBe(membersPid); // the rest was never stopped
    const body = await dashboard();
    expect(body.errors).toBeUndefined();
    expect(body.data!.county.cooperatives.edges[0].node.portfolio.outstanding).toMatch(/^\d+$/);
  } finally {
    expect(await run.stop()).toBe(0);
  }
  for (const p of allPorts(ports)) expect(await portOpen(p)).toBe(false);
});

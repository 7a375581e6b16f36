import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DATA_DIR, ROOT, databaseUrl, envVariable, subgraphPort } from '../subgraphs/lib/config';
import { openDatabase } from '../subgraphs/lib/db';
import { portFree, portInUseLine } from '../subgraphs/lib/ports';
import { startPostgres, type PgHandle } from './postgres';
import { REGISTRY } from '../subgraphs/registry';
import { SERVICE_NODE_FLAGS } from './services';
import { isEmpty, seedCounty } from '../demo';
import { RESTART_POLICY, restartDecision } from './restart.rules';

/**
 * `npm start`: embedded PostgreSQL (unless *_DATABASE_URL / DATABASE_URL point elsewhere),
 * migrations, demo data when empty, then every subgraph and the gateway as their own Node
 * processes, each health-checked before the next; Ctrl-C / SIGTERM stops them all and the database.
 * Once everything is up, a service that dies is restarted with backoff (`restart.rules`) while the
 * others keep serving; after repeated crashes in a short time the runner stops trying and says so.
 */
const say = (svc: string, line: string) => process.stdout.write(`${`[${svc}]`.padEnd(10)} ${line}\n`);

interface Child {
  name: string;
  /** The built script and its arguments. */
  script: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  proc: ChildProcess;
  crashes: number[];
}
const children: Child[] = [];
let pg: PgHandle | null = null;
let stopping = false;
/** Until every service is up a death fails the start (as before); after, it is restarted. */
let ready = false;

/** A start-up failure whose message says it all (the child's own output, relayed above, has the details). */
class StartFailure extends Error {}

async function waitHealthy(name: string, port: number, proc: ChildProcess): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new StartFailure(`${name} exited during start-up (code ${proc.exitCode})`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new StartFailure(`${name} did not become healthy on :${port}`);
}

function spawnService(c: Omit<Child, 'proc'>): ChildProcess {
  // CHILD_NODE_ARGS: extra Node flags for the services only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  // (Node refuses --cpu-prof in NODE_OPTIONS); see test/bench/README.md.
  const extra = (process.env.CHILD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const proc = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...extra, join(ROOT, 'dist', c.script[0]!), ...c.script.slice(1)], { env: c.env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [proc.stdout!, proc.stderr!]) createInterface({ input: stream }).on('line', (l) => say(c.name, l));
  proc.on('exit', (code, signal) => void died(c.name, proc, signal ?? code));
  return proc;
}

function launch(name: string, script: string[], env: NodeJS.ProcessEnv, port: number): ChildProcess {
  const c: Child = { name, script, env, port, crashes: [], proc: null as unknown as ChildProcess };
  c.proc = spawnService(c);
  children.push(c);
  return c.proc;
}

async function died(name: string, proc: ChildProcess, how: string | number | null): Promise<void> {
  const c = children.find((x) => x.name === name);
  if (stopping || !c || c.proc !== proc) return;
  if (!ready) {
    say('start', `${name} stopped unexpectedly during start-up (${how}); shutting everything down`);
    return shutdown(1);
  }
  c.crashes.push(Date.now());
  const d = restartDecision(c.crashes, Date.now());
  if (!d.restart) {
    say('start', `${name} 在 ${RESTART_POLICY.windowMs / 1000} 秒内崩溃 ${d.crashesInWindow} 次,不再重启 / ${name} crashed ${d.crashesInWindow} times in ${RESTART_POLICY.windowMs / 1000} s (last: ${how}); not restarting it — the other services keep running, see its log above, then restart npm start`);
    return;
  }
  say('start', `${name} stopped unexpectedly (${how}); restarting in ${d.delayMs} ms (crash ${d.crashesInWindow} in ${RESTART_POLICY.windowMs / 1000} s)`);
  await new Promise((r) => setTimeout(r, d.delayMs));
  if (stopping) return;
  c.proc = spawnService(c);
  try {
    await waitHealthy(name, c.port, c.proc);
    say('start', `${name} restarted, healthy on :${c.port}`);
  } catch (e) {
    // it died again while starting: its exit handler decides the next step
    say('start', `${name} did not come back: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('start', 'stopping…');
  await Promise.all(
    [...children].reverse().map(
      ({ proc }) =>
        new Promise<void>((r) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return r();
          const t = setTimeout(() => proc.kill('SIGKILL'), 8000);
          proc.once('exit', () => {
            clearTimeout(t);
            r();
          });
          proc.kill('SIGTERM');
        }),
    ),
  );
  if (pg) await pg.stop();
  say('start', 'stopped');
  process.exit(code);
}

interface PortUse {
  variable: string;
  port: number;
  host: string;
}

/**
 * Every port `npm start` will listen on, tried before anything starts: a taken one is then one
 * line naming the variable to set, not PostgreSQL and the seed started for nothing and a failure
 * half-way. (A port taken in the seconds between is still reported by the service itself.)
 */
async function portProblem(uses: PortUse[]): Promise<string | null> {
  const seen = new Map<number, string>();
  for (const u of uses) {
    const other = seen.get(u.port);
    if (other) return `端口 ${u.port} 重复 / port ${u.port} is set for both ${other} and ${u.variable}: set ${u.variable} to another port`;
    seen.set(u.port, u.variable);
    if (!(await portFree(u.port, u.host))) return portInUseLine(u.port, u.variable);
  }
  return null;
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  const names = REGISTRY.map((d) => d.name);
  const external = !!process.env.DATABASE_URL || names.every((n) => process.env[envVariable(n, 'DATABASE_URL')]);
  const gwPort = Number(process.env.GATEWAY_PORT ?? 4000);
  const problem = await portProblem([
    ...(external ? [] : [{ variable: 'PG_PORT', port: Number(process.env.PG_PORT ?? 5433), host: '127.0.0.1' }]),
    ...names.map((n) => ({ variable: envVariable(n, 'PORT'), port: subgraphPort(n), host: '127.0.0.1' })),
    { variable: 'GATEWAY_PORT', port: gwPort, host: process.env.GATEWAY_HOST ?? '127.0.0.1' },
  ]);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  const urls: Record<string, string> = {};
  if (external) {
    for (const n of names) urls[n] = databaseUrl(n);
  } else {
    const port = Number(process.env.PG_PORT ?? 5433);
    say('postgres', `starting embedded PostgreSQL on :${port}`);
    pg = await startPostgres({ port, dataDir: process.env.PGDATA_DIR, log: (l) => (process.env.PG_LOG ? say('postgres', l) : undefined) });
    say('postgres', `ready, data in ${pg.dataDir}`);
    await pg.ensureDatabases(REGISTRY.map((d) => d.database));
    for (const d of REGISTRY) urls[d.name] = pg.url(d.database);
  }
  for (const d of REGISTRY) {
    const orm = await openDatabase({ url: urls[d.name]!, entities: [], migrations: d.migrations, poolMax: 2 });
    await orm.close(true);
  }
  say('start', 'migrations applied');
  if (await isEmpty(urls)) {
    say('seed', '数据库为空,正在生成盐池县演示数据 / empty databases: loading the demo county…');
    const stats = await seedCounty(urls, { log: (m) => say('seed', m) });
    say('seed', `done in ${stats.ms} ms: ${stats.cooperatives} cooperatives, ${stats.members} members, ${stats.loans} loans`);
  }
  const common: NodeJS.ProcessEnv = { ...process.env, DATA_DIR };
  for (const n of names) common[envVariable(n, 'URL')] = `http://127.0.0.1:${subgraphPort(n)}/graphql`;
  for (const n of names) {
    const port = subgraphPort(n);
    const env = { ...common, SERVICE_NAME: n, PORT: String(port), PORT_VARIABLE: envVariable(n, 'PORT'), [envVariable(n, 'DATABASE_URL')]: urls[n] };
    const proc = launch(n, ['infra/service.js', n], env, port);
    await waitHealthy(n, port, proc);
    say('start', `${n} healthy on :${port}`);
  }
  const gw = launch('gateway', ['gateway/index.js'], { ...common, SERVICE_NAME: 'gateway', PORT: String(gwPort), PORT_VARIABLE: 'GATEWAY_PORT' }, gwPort);
  await waitHealthy('gateway', gwPort, gw);
  ready = true;
  say('start', `ready: GraphQL at http://localhost:${gwPort}/graphql, explorer at http://localhost:${gwPort}/`);
  say('start', 'a token: npm run token -- --role COUNTY --county 1   (Ctrl-C stops everything)');
}

main().catch(async (e) => {
  say('start', `failed: ${e instanceof StartFailure ? e.message : e instanceof Error ? e.stack ?? e.message : String(e)}`);
  await shutdown(1);
});

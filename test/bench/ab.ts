import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadKey, signToken } from '../../subgraphs/lib/auth';
import { REGISTRY } from '../../subgraphs/registry';
import { LOAD_GENERATOR, cpuTotal, type CpuProcess } from './cpu';
import { claimsFor, discover } from './discover';
import { phase, requestsFor, type Phase, type Request, type Target } from './measure';
import { readOperations, readVariables, resolveVariables } from './operations';
import { Args, Refusal, portFree, postmasterPid, spawnNode, stopChild, type Child } from './processes';

/**
 * `npm run bench:ab -- <checkout A> <checkout B>`: the same operations against two built checkouts of
 * this system (say a change and its parent, each in its own git worktree), started in turn on the
 * normal ports and measured alternately (A B, B A, A B, …) so the machine's drift falls on both.
 * Per operation and side: p50 with one connection, and a fixed number of requests at 10 connections
 * with the CPU each process used (cpu.ts), the same count on both sides. Each side keeps its own data
 * directory (`<checkout>/.data`, or PGDATA_DIR_A / PGDATA_DIR_B), seeded by its own start.js.
 */

interface Options {
  sides: [string, string];
  rounds: number;
  durationS: number;
  warmupS: number;
  ops: string[] | null;
}

const log = (line: string) => process.stdout.write(`[ab]       ${line}\n`);

function parseOptions(argv: string[]): Options {
  const o: Options = { sides: ['', ''], rounds: 3, durationS: 5, warmupS: 2, ops: null };
  const dirs: string[] = [];
  const args = new Args(argv);
  for (let a = args.next(); a !== undefined; a = args.next()) {
    if (a === '--rounds') o.rounds = Math.round(args.number(a, 1, 100));
    else if (a === '--duration') o.durationS = args.number(a, 0.1, 600);
    else if (a === '--warmup') o.warmupS = args.number(a, 0.1, 600);
    else if (a === '--ops') o.ops = args.list(a);
    else if (a.startsWith('--')) throw new Refusal(`unknown option ${a}`);
    else dirs.push(resolve(a));
  }
  if (dirs.length !== 2) throw new Refusal('npm run bench:ab -- <checkout A> <checkout B> [--rounds 3] [--duration 5] [--warmup 2] [--ops A,B]');
  for (const d of dirs) {
    if (!existsSync(join(d, 'dist', 'infra', 'start.js'))) throw new Refusal(`${d} is not a built checkout (no dist/infra/start.js): run npm ci && npm run build there`);
  }
  o.sides = [dirs[0]!, dirs[1]!];
  return o;
}

const SERVICE_PORTS: [string, number][] = [['gateway', 4000], ...REGISTRY.map((d): [string, number] => [d.name, d.port])];
const PG_PORT = Number(process.env.PG_PORT ?? 5433);

interface Running {
  system: Child;
  processes: CpuProcess[];
}

const children: Child[] = [];
const logDir = join(tmpdir(), `ningxia-ab-${process.pid}`);

/** Start one checkout's start.js with nothing of ours in its environment but what it needs. */
async function startSide(side: 'A' | 'B', dir: string, round: number): Promise<Running> {
  for (const [name, port] of [...SERVICE_PORTS, ['postgres', PG_PORT] as [string, number]]) {
    if (!(await portFree(port))) throw new Refusal(`port ${port} (${name}) is in use: stop npm start or the bench first`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', SNAPSHOT_PRECOMPUTE: '0' };
  delete env.DATA_DIR;
  delete env.PGDATA_DIR;
  const pgdata = process.env[`PGDATA_DIR_${side}`];
  if (pgdata) env.PGDATA_DIR = pgdata;
  let dataDir: string | null = null;
  const system = await spawnNode(`system-${side}-${round}`, 'infra/start.js', {
    root: dir, logDir, env, ready: /^\[start\]\s+ready:/, timeoutMs: 600_000, serviceFlags: false, track: children,
    onLine: (l) => {
      const m = /^\[postgres\]\s+ready, data in (.+)$/.exec(l);
      if (m) dataDir = m[1]!.trim();
      if (/^\[seed\]/.test(l)) log(`  ${side}: ${l}`);
    },
  });
  const processes: CpuProcess[] = [];
  for (const [name, port] of SERVICE_PORTS) {
    const m = (await (await fetch(`http://127.0.0.1:${port}/metrics`)).json()) as { pid: number };
    processes.push({ name, pid: m.pid });
  }
  const pg = postmasterPid(dataDir);
  if (pg) processes.push({ name: 'postgres', pid: pg, tree: true });
  return { system, processes };
}

async function stopSide(r: Running): Promise<void> {
  if (!(await stopChild(r.system, 'SIGINT', 45_000))) log('  the system did not stop in 45 s and was killed');
  for (const [name, port] of [...SERVICE_PORTS, ['postgres', PG_PORT] as [string, number]]) {
    for (let i = 0; i < 50 && !(await portFree(port)); i++) await new Promise((res) => setTimeout(res, 100));
    if (!(await portFree(port))) throw new Error(`port ${port} (${name}) still in use after stopping`);
  }
}

interface Sample {
  p50: number;
  requestsPerSecond: number;
  cpuTotal: number;
  cpu: Record<string, number>;
  failed: number;
}

const summary = (p: Phase, latency: Phase): Sample => ({
  p50: latency.latencyMs.p50,
  requestsPerSecond: p.requestsPerSecond,
  cpuTotal: cpuTotal(p.cpuMsPerRequest) ?? NaN,
  cpu: p.cpuMsPerRequest ?? {},
  failed: p.non2xx + p.errors + p.timeouts + latency.non2xx + latency.errors,
});

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const spread = (xs: number[], d: number): string => (xs.length ? `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)} (${median(xs).toFixed(d)})` : '–');
const change = (a: number[], b: number[]): string => {
  if (!a.length || !b.length) return '–';
  const pct = (median(b) / median(a) - 1) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(0)} %`;
};

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const names = (dir: string) => new Set(readOperations(join(dir, 'schema', 'operations')).map((x) => x.name));
  const [inA, inB] = o.sides.map(names) as [Set<string>, Set<string>];
  const common = [...inA].filter((n) => inB.has(n) && (!o.ops || o.ops.includes(n)));
  if (common.length === 0) throw new Refusal('no operation named in both checkouts (and in --ops)');
  const variables = readVariables();
  const results = new Map<string, { A: Sample[]; B: Sample[]; requests: number | null; same: boolean | null; answers: Partial<Record<'A' | 'B', string>> }>();
  log(`A = ${o.sides[0]}, B = ${o.sides[1]}; ${o.rounds} rounds alternating; operations: ${common.join(', ')}`);

  for (let round = 0; round < o.rounds; round++) {
    const order: ('A' | 'B')[] = round % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
    for (const side of order) {
      const dir = o.sides[side === 'A' ? 0 : 1];
      log(`round ${round + 1}, ${side}: starting ${dir}…`);
      const running = await startSide(side, dir, round);
      try {
        const found = await discover();
        const key = loadKey(join(dir, '.data'));
        const ops = readOperations(join(dir, 'schema', 'operations')).filter((x) => common.includes(x.name));
        for (const op of ops) {
          for (const c of variables[op.name] ?? [{ label: null, variables: {} }]) {
            const vars = resolveVariables(c.variables, found);
            const name = c.label ? `${op.name} (${c.label})` : op.name;
            const req: Request = {
              body: JSON.stringify({ query: op.text, operationName: op.name, variables: vars }),
              headers: { 'content-type': 'application/json', authorization: `Bearer ${await signToken(key, claimsFor(op, found), '2h')}` },
            };
            const entry = results.get(name) ?? { A: [], B: [], requests: null, same: null, answers: {} };
            results.set(name, entry);
            const target: Target = { name: 'ours', url: 'http://127.0.0.1:4000/graphql', sqlMetrics: [], processes: running.processes };
            const first = await fetch(target.url, { method: 'POST', headers: req.headers, body: req.body });
            const text = await first.text();
            const body = JSON.parse(text) as { data?: unknown; errors?: { message: string }[] };
            if (!first.ok || body.errors?.length) {
              log(`  ${name}: not measured on ${side}: ${body.errors?.[0]?.message ?? `HTTP ${first.status}`}`);
              continue;
            }
            entry.answers[side] ??= JSON.stringify(body.data);
            if (entry.answers.A !== undefined && entry.answers.B !== undefined) entry.same = entry.answers.A === entry.answers.B;
            await phase(target, req, 1, { durationS: o.warmupS });
            const latency = await phase(target, req, 1, { durationS: o.durationS });
            // the count is fixed on the first side's first measurement and kept for every later one
            entry.requests ??= requestsFor(2 * latency.requestsPerSecond, o.durationS);
            const s = summary(await phase(target, req, 10, { requests: entry.requests }), latency);
            entry[side].push(s);
            log(`  ${side} ${name}: p50 ${s.p50} ms, ${s.requestsPerSecond} req/s at 10, CPU ${s.cpuTotal} ms/req${s.failed ? `, ${s.failed} failed` : ''}`);
          }
        }
      } finally {
        await stopSide(running);
      }
    }
  }

  const out: string[] = ['# A/B', '', `A = \`${o.sides[0]}\` · B = \`${o.sides[1]}\` · ${o.rounds} rounds, alternating · ` +
    `p50: 1 connection, ${o.durationS} s · req/s and CPU: a fixed number of requests at 10 connections (utime+stime from /proc; ` +
    `total = the system's processes, the load generator apart) · min–max (median) over rounds; change = B's median against A's`, ''];
  out.push('| operation | requests | A p50 ms | B p50 ms | change | A req/s | B req/s | change | A CPU ms/req | B CPU ms/req | change | same answer |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const [name, e] of results) {
    const f = (side: 'A' | 'B', k: 'p50' | 'requestsPerSecond' | 'cpuTotal') => e[side].map((s) => s[k]);
    out.push(`| ${name} | ${e.requests ?? '–'} | ${spread(f('A', 'p50'), 2)} | ${spread(f('B', 'p50'), 2)} | ${change(f('A', 'p50'), f('B', 'p50'))} | ` +
      `${spread(f('A', 'requestsPerSecond'), 0)} | ${spread(f('B', 'requestsPerSecond'), 0)} | ${change(f('A', 'requestsPerSecond'), f('B', 'requestsPerSecond'))} | ` +
      `${spread(f('A', 'cpuTotal'), 2)} | ${spread(f('B', 'cpuTotal'), 2)} | ${change(f('A', 'cpuTotal'), f('B', 'cpuTotal'))} | ${e.same === null ? '–' : e.same ? 'yes' : 'no'} |`);
  }
  out.push('', 'CPU ms per request by process, median over rounds (A → B):', '');
  for (const [name, e] of results) {
    const procs = [...new Set([...e.A, ...e.B].flatMap((s) => Object.keys(s.cpu)))];
    const per = procs.map((p) => `${p === LOAD_GENERATOR ? 'load generator' : p} ${median(e.A.map((s) => s.cpu[p] ?? NaN)).toFixed(2)} → ${median(e.B.map((s) => s.cpu[p] ?? NaN)).toFixed(2)}`);
    out.push(`- ${name}: ${per.join(' · ')}`);
  }
  const md = `${out.join('\n')}\n`;
  mkdirSync(logDir, { recursive: true });
  const file = join(logDir, 'ab.md');
  writeFileSync(file, md);
  process.stdout.write(`\n${md}\n`);
  log(`wrote ${file}; logs of the runs in ${logDir}`);
  const failed = [...results.values()].some((e) => [...e.A, ...e.B].some((s) => s.failed > 0) || e.A.length !== o.rounds || e.B.length !== o.rounds);
  return failed ? 2 : 0;
}

main()
  .then((code) => process.exit(code))
  .catch(async (e) => {
    process.stderr.write(`[ab]       ${e instanceof Refusal ? e.message : (e as Error).stack ?? String(e)}\n`);
    for (const c of children) await stopChild(c, 'SIGINT', 45_000);
    process.exit(1);
  });

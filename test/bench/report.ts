import { cpuBreakdown, cpuTotal } from './cpu';
import type { Report, TargetResult } from './run';

/** Markdown for results/latest-<scale>.md: one table per operation, then memory and the machine. */

const MB = 1024 * 1024;
const num = (x: number | null | undefined, d = 1): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const ratio = (a: number | null | undefined, b: number | null | undefined): string =>
  a === null || a === undefined || b === null || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? '–' : `${(a / b).toFixed(2)}×`;

function row(label: string, f: (t: TargetResult) => string, r: Report['operations'][number]): string {
  const alone = r.targets.alone ? f(r.targets.alone) : '–';
  const router = r.targets.router ? f(r.targets.router) : '–';
  return `| ${label} | ${f(r.targets.ours)} | ${f(r.targets.floor)} | ${f(r.targets.peer)} | ${router} | ${alone} |`;
}

export function markdownReport(rep: Report): string {
  const out: string[] = [];
  out.push(`# Benchmark, ${rep.scale} scale`, '');
  out.push(
    `${rep.date.slice(0, 19).replace('T', ' ')} UTC · ${rep.cooperatives} cooperatives · ${rep.durationS} s per measurement after ${rep.warmupS} s warm-up · ` +
      `${rep.machine.nproc} CPUs (${rep.machine.cpu ?? '?'}) · ${(rep.machine.memTotalBytes / 1024 ** 3).toFixed(0)} GB · Node ${rep.machine.node} · ` +
      `commit ${rep.versions.commit ?? '?'}`,
    '',
    `**ours** = @apollo/gateway ${rep.versions['@apollo/gateway']} → members + loans (type-graphql, MikroORM) · ` +
      `**limit** = test/bench/floor.ts, one hand-written SQL statement per database · ` +
      `**peer** = Hive Gateway ${rep.versions['@graphql-hive/gateway']} → the same subgraphs · ` +
      `**peer, router runtime** = the same Hive Gateway with @graphql-hive/router-runtime ${rep.versions['@graphql-hive/router-runtime'] ?? '?'} (Rust query planner) · ` +
      `**gateway alone** = our gateway (same code and flags) in front of subgraphs that replay recorded answers (test/bench/replay.ts): ` +
      `what the gateway and its HTTP hops cost by themselves, a lower bound for ours whatever the subgraphs and SQL do. ` +
      `Latency: 1 connection, one request at a time; req/s: 10 connections (autocannon ${rep.versions.autocannon}). ` +
      `Variables: test/bench/variables.json with county ${rep.discovered.county} (the largest) and ${rep.discovered.countyAverage} (nearest the mean size), cooperative ${rep.discovered.cooperative}, member ${rep.discovered.member}, union ${rep.discovered.union}. ` +
      `Columns explained in test/bench/README.md.`,
    '',
  );
  for (const r of rep.operations) {
    out.push(`## ${r.name} (${r.role} token)`, '');
    out.push('| | ours | limit | peer | peer, router runtime | gateway alone |', '|---|---:|---:|---:|---:|---:|');
    out.push(row('p50 ms', (t) => num(t.latency?.latencyMs.p50, 2), r));
    out.push(row('p95 ms', (t) => num(t.latency?.latencyMs.p95, 2), r));
    out.push(row('p99 ms', (t) => num(t.latency?.latencyMs.p99, 2), r));
    out.push(row('req/s at 10 connections', (t) => num(t.throughput?.requestsPerSecond, 0), r));
    out.push(row('CPU ms / request, processes summed', (t) => num(cpuTotal(t.throughput?.cpuMsPerRequest), 2), r));
    out.push(row('SQL statements / request', (t) => num(t.sqlPerRequest, 2), r));
    out.push(row('response bytes', (t) => (t.responseBytes === null ? '–' : String(t.responseBytes)), r));
    const o = r.targets;
    out.push('');
    out.push(
      `ours/limit p50: **${ratio(o.ours.latency?.latencyMs.p50, o.floor.latency?.latencyMs.p50)}** · ` +
        `ours/peer req/s: **${ratio(o.ours.throughput?.requestsPerSecond, o.peer.throughput?.requestsPerSecond)}** · ` +
        `same numbers as the limit: ${r.checks.floorEqualsOurs === null ? 'not checked' : r.checks.floorEqualsOurs ? 'yes' : '**no**'}` +
        ` (from raw tables: ${r.checks.floorFreshEqualsOurs === null ? 'not checked' : r.checks.floorFreshEqualsOurs ? 'yes' : '**no**'})` +
        ` · ours/router-runtime peer req/s: ${ratio(o.ours.throughput?.requestsPerSecond, o.router?.throughput?.requestsPerSecond)}` +
        ` · peer: ${r.checks.peerEqualsOurs === null ? 'not checked' : r.checks.peerEqualsOurs ? 'same' : '**differs**'}` +
        `, router-runtime peer: ${r.checks.routerEqualsOurs == null ? 'not checked' : r.checks.routerEqualsOurs ? 'same' : '**differs**'}` +
        ` · gateway alone / limit p50: ${ratio(o.alone?.latency?.latencyMs.p50, o.floor.latency?.latencyMs.p50)}` +
        ` · subgraphs + SQL (ours − gateway alone, p50): ${
          o.ours.latency && o.alone?.latency ? `${num(o.ours.latency.latencyMs.p50 - o.alone.latency.latencyMs.p50, 2)} ms` : '–'
        }`,
    );
    out.push('', `CPU ms per request at 10 connections (${o.ours.throughput?.requests ?? '–'} requests for ours, utime+stime from /proc):`);
    for (const [n, t] of Object.entries(o)) if (t.throughput?.cpuMsPerRequest) out.push(`- ${n}: ${cpuBreakdown(t.throughput.cpuMsPerRequest)}`);
    const errors = Object.entries(o).filter(([, t]) => t.error).map(([n, t]) => `${n}: ${t.error}`);
    const failed = Object.entries(o)
      .map(([n, t]) => [n, (t.latency?.non2xx ?? 0) + (t.latency?.errors ?? 0) + (t.throughput?.non2xx ?? 0) + (t.throughput?.errors ?? 0)] as const)
      .filter(([, k]) => k > 0);
    const notes = [
      ...errors.map((e) => `- not measured: ${e}`),
      ...failed.map(([n, k]) => `- ${n}: ${k} failed requests (non-2xx or connection errors) during the measurement`),
      ...r.checks.mismatches.map((m) => `- mismatch: ${m}`),
    ];
    if (notes.length) out.push('', ...notes);
    out.push('');
  }
  if (rep.cold) {
    const c = rep.cold;
    const worst = Math.max(...c.firstMs);
    const then = c.thenMs ? [...c.thenMs].sort((a, b) => a - b)[c.thenMs.length >> 1]! : null;
    out.push(`## First request after ${c.idleS} s idle (ours, ${c.operation})`, '',
      `${c.firstMs.map((x) => `${num(x, 2)} ms`).join(', ')} against a warm p50 of ${num(c.warmP50Ms, 2)} ms: ` +
        `the slowest is **${ratio(worst, c.warmP50Ms)}** the warm median. Each is one request on a new connection (as a returning user's browser opens)` +
        (then === null ? '.' : `; sent the same way right after, the median is ${(c.thenMs ?? []).map((x) => `${num(x, 2)}`).join(', ')} ms, so the pause itself adds ` +
          `${ratio(worst, then)} at worst (the rest is the new connection and a client that sends one request at a time).`), '');
  }
  out.push('## Peak memory (max RSS of each process over the whole run)', '', '| process | peak RSS MB |', '|---|---:|');
  for (const [name, m] of Object.entries(rep.memory)) {
    if (name === 'postgres') continue;
    const v = m as { maxRssBytes: number } | null;
    out.push(`| ${name} | ${v ? num(v.maxRssBytes / MB, 0) : '–'} |`);
  }
  const pg = rep.memory.postgres as { processes: number; vmHwmSumBytes: number; postmasterVmHwmBytes: number } | null;
  if (pg) out.push(`| PostgreSQL (sum of VmHWM over ${pg.processes} live processes; shared buffers counted in each) | ${num(pg.vmHwmSumBytes / MB, 0)} |`);
  out.push('', 'gateway, members and loans serve "ours" and both peers; floor, the peers and the gateway alone (with its replay process) are separate processes.', '');
  return out.join('\n');
}

export function printTable(md: string): void {
  process.stdout.write(`\n${md}\n`);
}

import autocannon from 'autocannon';
import { cpuPerRequest, sampleCpu, type CpuProcess } from './cpu';

/** One HTTP target of the benchmark: our gateway, the floor, the peer, or our gateway alone (replayed subgraphs). */
export interface Target {
  name: 'ours' | 'floor' | 'peer' | 'router' | 'alone';
  url: string;
  /** /metrics URLs whose sqlStatements are summed around a measured phase. */
  sqlMetrics: string[];
  /** the processes that answer its requests, whose CPU is measured per request */
  processes: CpuProcess[];
}

export interface Request {
  body: string;
  headers: Record<string, string>;
}

export interface Phase {
  connections: number;
  durationS: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  sqlStatements: number | null;
  /** CPU ms per request of each of the target's processes and of the load generator (phases with a fixed number of requests) */
  cpuMsPerRequest: Record<string, number> | null;
}

/** A phase runs for a time, or for exactly a number of requests (the way CPU per request is measured). */
export type Limit = { durationS: number } | { requests: number };

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

export async function sqlCount(urls: string[]): Promise<number | null> {
  if (urls.length === 0) return null;
  let n = 0;
  for (const u of urls) {
    const m = (await (await fetch(u)).json()) as { sqlStatements?: number };
    n += m.sqlStatements ?? 0;
  }
  return n;
}

/** Run autocannon with `connections` until the limit, keeping every response time for exact percentiles. */
export async function phase(target: Target, req: Request, connections: number, limit: Limit): Promise<Phase> {
  const times: number[] = [];
  const byCount = 'requests' in limit;
  const before = await sqlCount(target.sqlMetrics);
  const cpuBefore = byCount ? sampleCpu(target.processes) : null;
  const started = process.hrtime.bigint();
  // autocannon ends a fixed-count run on its next one-second tick: the rate is taken up to the last response
  let last = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: 'POST',
        headers: req.headers,
        body: req.body,
        connections,
        pipelining: 1,
        ...(byCount ? { amount: limit.requests } : { duration: limit.durationS }),
        timeout: 60,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      times.push(responseTime);
      last = process.hrtime.bigint();
    });
  });
  const seconds = Number((byCount ? last : process.hrtime.bigint()) - started) / 1e9;
  const cpuAfter = byCount ? sampleCpu(target.processes) : null;
  const after = await sqlCount(target.sqlMetrics);
  times.sort((a, b) => a - b);
  const requests = result.requests.total;
  return {
    connections,
    durationS: round(seconds),
    requests,
    requestsPerSecond: round(requests / seconds, 1),
    latencyMs: {
      p50: round(percentile(times, 50)),
      p95: round(percentile(times, 95)),
      p99: round(percentile(times, 99)),
      max: round(times.at(-1) ?? NaN),
      mean: round(times.reduce((s, x) => s + x, 0) / Math.max(1, times.length)),
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    sqlStatements: before === null || after === null ? null : after - before,
    cpuMsPerRequest: cpuBefore && cpuAfter ? cpuPerRequest(cpuBefore, cpuAfter, requests) : null,
  };
}

/** Requests for a fixed-count phase that lasts about `durationS` at `perSecond`: two significant digits, at least 50. */
export function requestsFor(perSecond: number, durationS: number): number {
  const n = Math.max(50, perSecond * durationS);
  const scale = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.ceil(n / scale) * scale;
}

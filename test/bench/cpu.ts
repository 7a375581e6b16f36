import { execFileSync } from 'node:child_process';
import { childrenOf, procStat } from './processes';

/**
 * CPU per request, measured one way for every figure: a fixed number of requests at a fixed number of
 * connections, and the utime+stime each process used meanwhile, from /proc/<pid>/stat. CPU time moves
 * between machines far better than latency on this shared 2-core VM.
 */

const CLOCK_TICK_MS = (() => {
  try {
    return 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  } catch {
    return 10;
  }
})();

/** A measured process. `tree`: PostgreSQL, the postmaster with every backend and worker, live or already exited. */
export interface CpuProcess {
  name: string;
  pid: number;
  tree?: boolean;
}

/** The load generator runs in the measuring process itself. */
export const LOAD_GENERATOR = 'load generator';

/** CPU used so far, ms per process name, plus the load generator. */
export function sampleCpu(procs: readonly CpuProcess[]): Record<string, number> {
  const out: Record<string, number> = {};
  const ticks = (pid: number, reaped: boolean): number => {
    const f = procStat(pid);
    if (!f) return 0;
    // fields 14-17 of stat: utime, stime, cutime, cstime (reaped children, which is where an exited backend's CPU goes)
    return Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0);
  };
  for (const p of procs) {
    let t = ticks(p.pid, p.tree === true);
    if (p.tree) for (const c of childrenOf(p.pid)) t += ticks(c, false);
    out[p.name] = t * CLOCK_TICK_MS;
  }
  const own = process.cpuUsage();
  out[LOAD_GENERATOR] = (own.user + own.system) / 1000;
  return out;
}

/** CPU ms per request per process between two samples. */
export function cpuPerRequest(before: Record<string, number>, after: Record<string, number>, requests: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(after)) out[k] = Math.round(((after[k]! - (before[k] ?? 0)) / Math.max(1, requests)) * 1000) / 1000;
  return out;
}

/** CPU ms per request summed over the answering processes, the load generator left out; null when not measured. */
export function cpuTotal(msPerRequest: Record<string, number> | null | undefined): number | null {
  if (!msPerRequest) return null;
  return Math.round(Object.entries(msPerRequest).reduce((s, [k, v]) => (k === LOAD_GENERATOR ? s : s + v), 0) * 1000) / 1000;
}

/** "gateway 1.20 · members 0.95 · …" for a report line. */
export function cpuBreakdown(msPerRequest: Record<string, number> | null | undefined): string {
  if (!msPerRequest) return '–';
  return Object.entries(msPerRequest).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(' · ');
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SERVICE_NODE_FLAGS } from '../../infra/services';

/** Process handling shared by the bench (run.ts) and the A/B comparison (ab.ts). */

/** A reason the bench will not run, told to the user without a stack trace. */
export class Refusal extends Error {}

/** Command-line options read one by one, refusing a missing or out-of-range value with the flag's name. */
export class Args {
  private i = -1;
  constructor(private readonly argv: readonly string[]) {}
  next(): string | undefined {
    return this.argv[++this.i];
  }
  value(flag: string): string {
    const v = this.argv[++this.i];
    if (v === undefined) throw new Refusal(`${flag} needs a value`);
    return v;
  }
  number(flag: string, min: number, max: number): number {
    const n = Number(this.value(flag));
    if (!Number.isFinite(n) || n < min || n > max) throw new Refusal(`${flag} must be a number between ${min} and ${max}`);
    return n;
  }
  list(flag: string): string[] {
    return this.value(flag).split(',').map((s) => s.trim()).filter(Boolean);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export interface Child {
  name: string;
  proc: ChildProcess;
  logFile: string;
  exited: Promise<void>;
}

export interface SpawnOptions {
  /** the checkout whose dist/ holds the script (the A/B comparison runs two) */
  root: string;
  logDir: string;
  env: NodeJS.ProcessEnv;
  /** resolves when a line of its output matches */
  ready: RegExp;
  timeoutMs: number;
  /** our service flags; start.js adds them to its own children, so it runs without */
  serviceFlags: boolean;
  onLine?: (line: string) => void;
  /** the child is added here as soon as it is spawned, so whoever stops everything finds it even if it never became ready */
  track: Child[];
}

/** Spawn a Node script of `<root>/dist/`, its output into a log file under `logDir`. */
export function spawnNode(name: string, script: string, o: SpawnOptions): Promise<Child> {
  mkdirSync(o.logDir, { recursive: true });
  const logFile = join(o.logDir, `${name}.log`);
  const out = createWriteStream(logFile);
  const flags = o.serviceFlags ? SERVICE_NODE_FLAGS : [];
  const proc = spawn(process.execPath, [...flags, join(o.root, 'dist', script)], { cwd: o.root, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const child: Child = { name, proc, logFile, exited };
  o.track.push(child);
  const last: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready after ${o.timeoutMs / 1000} s (log: ${logFile})`)), o.timeoutMs);
    for (const stream of [proc.stdout!, proc.stderr!]) {
      createInterface({ input: stream }).on('line', (l) => {
        out.write(`${l}\n`);
        last.push(l);
        if (last.length > 15) last.shift();
        o.onLine?.(l);
        if (o.ready.test(l)) {
          clearTimeout(timer);
          resolve(child);
        }
      });
    }
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during start-up (${signal ?? code}); last lines:\n${last.join('\n')}`));
    });
  });
}

/** Stop a child with `signal`, killing it after `timeoutMs`; true when it stopped by itself. */
export async function stopChild(c: Child, signal: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return true;
  c.proc.kill(signal);
  const done = await Promise.race([c.exited.then(() => true), sleep(timeoutMs).then(() => false)]);
  if (!done) {
    c.proc.kill('SIGKILL');
    await c.exited;
  }
  return done;
}

/** The postmaster's pid from its data directory, or null. */
export function postmasterPid(dataDir: string | null): number | null {
  if (!dataDir) return null;
  try {
    return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
}

/** One line of /proc/<pid>/stat split after the command name (which may hold spaces): index 0 is field 3, the state. */
export function procStat(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Live children of a process (PostgreSQL's backends and workers under the postmaster). */
export function childrenOf(parent: number): number[] {
  if (!existsSync('/proc')) return [];
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const f = procStat(Number(d));
    if (f && Number(f[1]) === parent) out.push(Number(d));
  }
  return out;
}

/** Sum of VmHWM (peak resident set) over the postmaster and its live children; shared buffers counted in each. */
export function postgresMemory(root: number | null): { processes: number; vmHwmSumBytes: number; postmasterVmHwmBytes: number } | null {
  if (!root || !existsSync('/proc')) return null;
  const hwm = (pid: number): number => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  };
  const pids = [root, ...childrenOf(root)];
  return { processes: pids.length, vmHwmSumBytes: pids.reduce((s, p) => s + hwm(p), 0), postmasterVmHwmBytes: hwm(root) };
}

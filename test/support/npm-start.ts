import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { loadKey, signToken, type TokenClaims } from '../../subgraphs/lib/auth';
import { envVariable, ROOT } from '../../subgraphs/lib/config';
import { REGISTRY } from '../../subgraphs/registry';
import { freePort } from '../../infra/postgres';
import { Client } from 'pg';
import type { GqlResult } from './stack';

/** The ports of one `npm start`: PostgreSQL, the gateway, and each registry subgraph by name. */
export interface StartPorts { pg: number; gateway: number; subgraphs: Record<string, number> }

/** The built output npm start runs (`npm test` builds it with its tsc; a single file run with jest may not have). */
export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'infra', 'start.js'))) execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')]);
}

export async function freeStartPorts(): Promise<StartPorts> {
  const subgraphs: Record<string, number> = {};
  for (const d of REGISTRY) subgraphs[d.name] = await freePort();
  return { pg: await freePort(), gateway: await freePort(), subgraphs };
}

export const allPorts = (p: StartPorts): number[] => [p.pg, p.gateway, ...Object.values(p.subgraphs)];

export interface NpmStart {
  proc: ChildProcess;
  /** Everything it printed so far (its own lines and each service's, prefixed `[name]`). */
  output(): string;
  /** Resolves on its "ready" line; rejects if it exits first. */
  ready: Promise<void>;
  /** Waits until the output matches (or throws after `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  gql<T = any>(query: string, variables?: object, token?: string): Promise<GqlResult<T>>;
  token(claims: TokenClaims): Promise<string>;
  /** The pid a service reports on /metrics. */
  pidOf(port: number): Promise<number>;
  /** Ctrl-C; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * `npm start` for real, from the built output (`dist/`, built by `npm test`'s tsc): embedded
 * PostgreSQL under `dir`, the demo county on first start, every service its own process.
 */
export function startNpm(dir: string, ports: StartPorts, env: NodeJS.ProcessEnv = {}): NpmStart {
  let out = '';
  const subgraphPorts = Object.fromEntries(Object.entries(ports.subgraphs).map(([n, p]) => [envVariable(n, 'PORT'), String(p)]));
  const proc = spawn(process.execPath, [join(ROOT, 'dist', 'infra', 'start.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATA_DIR: join(dir, 'data'),
      PGDATA_DIR: join(dir, 'pg'),
      PG_PORT: String(ports.pg),
      GATEWAY_PORT: String(ports.gateway),
      ...subgraphPorts,
      ...env,
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
  ready.catch(() => undefined); // the test awaits it; an exit after ready is not a failure of ready
  return {
    proc,
    output: () => out,
    ready,
    async waitFor(pattern, ms = 30_000) {
      const until = Date.now() + ms;
      while (!pattern.test(out)) {
        if (Date.now() > until) throw new Error(`no ${pattern} in npm start's output after ${ms} ms:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async gql(query, variables, token) {
      const res = await fetch(`http://127.0.0.1:${ports.gateway}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GqlResult<any>;
    },
    token: (claims) => signToken(loadKey(join(dir, 'data')), claims),
    pidOf: async (port) => ((await (await fetch(`http://127.0.0.1:${port}/metrics`)).json()) as { pid: number }).pid,
    async stop() {
      const broken = proc.exitCode === null ? await invariantsBroken(ports.pg) : [];
      const exited = new Promise<number | null>((r) => (proc.exitCode !== null ? r(proc.exitCode) : proc.once('exit', (code) => r(code))));
      proc.kill('SIGINT');
      const code = await exited;
      if (broken.length) throw new Error(broken.join('\n'));
      return code;
    },
  };
}

/**
 * Every subgraph's invariants on the databases of a running `npm start` (one statement each), as
 * the test stack checks them; a database it cannot reach (a start that never got that far) is skipped.
 */
async function invariantsBroken(pgPort: number): Promise<string[]> {
  const broken: string[] = [];
  for (const def of REGISTRY) {
    if (!def.invariants?.length) continue;
    const c = new Client({ connectionString: `postgres://postgres@127.0.0.1:${pgPort}/${def.database}` });
    try {
      await c.connect();
    } catch {
      continue;
    }
    try {
      for (const inv of def.invariants) {
        const rows = (await c.query(inv.sql)).rows;
        if (rows.length) broken.push(`${def.name}: ${inv.name}:\n${JSON.stringify(rows, null, 1)}`);
      }
    } finally {
      await c.end();
    }
  }
  return broken;
}

export const portOpen = (port: number) =>
  new Promise<boolean>((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), res(true)));
    s.once('error', () => res(false));
  });

import { resolve } from 'node:path';

/** Project root (works from the TypeScript sources and from dist/). */
export const ROOT = resolve(__dirname, __dirname.includes(`${'/'}dist${'/'}`) ? '../../..' : '../..');

export const DATA_DIR = process.env.DATA_DIR ?? resolve(ROOT, '.data');

/** Where a subgraph lives by default; declared in its folder, gathered by `subgraphs/registry.ts`. */
export interface SubgraphAddress {
  name: string;
  /** Default port (`<NAME>_PORT` overrides it). */
  port: number;
  /** Database name on the shared server (`<NAME>_DATABASE_URL` overrides the whole URL). */
  database: string;
}

/**
 * The federation's address book. lib knows no subgraph by name: the registry fills this when it is
 * imported, so a service calling another (`callSubgraph(ctx, name, …)`) finds its default port.
 */
const directory = new Map<string, SubgraphAddress>();

export function registerAddresses(list: readonly SubgraphAddress[]): void {
  for (const a of list) {
    const known = directory.get(a.name);
    if (known && (known.port !== a.port || known.database !== a.database)) throw new Error(`subgraph ${a.name} registered twice with different addresses`);
    directory.set(a.name, { name: a.name, port: a.port, database: a.database });
  }
}

function address(name: string): SubgraphAddress {
  const a = directory.get(name);
  if (!a) throw new Error(`unknown subgraph "${name}" (is subgraphs/registry imported?)`);
  return a;
}

/** A subgraph name as an environment variable prefix: upper case, every other character an underscore. */
export const envName = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** The environment variable a subgraph's setting is read from: `envVariable(name, 'PORT')` is `<NAME>_PORT`. */
export function envVariable(name: string, what: 'PORT' | 'URL' | 'DATABASE_URL'): string {
  return `${envName(name)}_${what}`;
}

export function databaseUrl(name: string): string {
  const v = process.env[envVariable(name, 'DATABASE_URL')];
  if (v) return v;
  const base = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5433';
  return `${base.replace(/\/[^/]*$/, (m) => (m.includes(':') || m === '/' ? m : ''))}/${address(name).database}`;
}

/** A subgraph's port: `<NAME>_PORT` or its declared default. */
export function subgraphPort(name: string): number {
  return Number(process.env[envVariable(name, 'PORT')] ?? address(name).port);
}

export function subgraphUrl(name: string): string {
  return process.env[envVariable(name, 'URL')] ?? `http://127.0.0.1:${subgraphPort(name)}/graphql`;
}

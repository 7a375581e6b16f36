import { resolve } from 'node:path';

/** Project root (works from the TypeScript sources and from dist/). */
export const ROOT = resolve(__dirname, __dirname.includes(`${'/'}dist${'/'}`) ? '../../..' : '../..');

export const DATA_DIR = process.env.DATA_DIR ?? resolve(ROOT, '.data');

export const SUBGRAPHS = {
  members: { port: 4001, db: 'members' },
  loans: { port: 4002, db: 'loans' },
} as const;
export type SubgraphName = keyof typeof SUBGRAPHS;

export function databaseUrl(name: SubgraphName): string {
  const v = process.env[`${name.toUpperCase()}_DATABASE_URL`];
  if (v) return v;
  const base = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5433';
  return `${base.replace(/\/[^/]*$/, (m) => (m.includes(':') || m === '/' ? m : ''))}/${SUBGRAPHS[name].db}`;
}

/** A subgraph's port: `<NAME>_PORT` or its default (4001, 4002, …). */
export function subgraphPort(name: SubgraphName): number {
  return Number(process.env[`${name.toUpperCase()}_PORT`] ?? SUBGRAPHS[name].port);
}

export function subgraphUrl(name: SubgraphName): string {
  return process.env[`${name.toUpperCase()}_URL`] ?? `http://127.0.0.1:${subgraphPort(name)}/graphql`;
}

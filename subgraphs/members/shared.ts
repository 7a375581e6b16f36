/**
 * Helpers shared by the members subgraph's services: id parsing, Relay cursors, scope fragments
 * and the batched page query behind every connection.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import { intArray } from '../lib/db';
import { fail } from '../lib/error-codes';
import { readScope, type Sql } from '../lib/scope';

/** Scope columns for cooperative-level rows: alias `c` is the cooperative. */
export const coopScope = (ctx: Ctx): Sql =>
  readScope(ctx.caller, { county: 'c.county_id', township: 'c.township_id', cooperative: 'c.id' });

/** Scope columns for member-level rows: `c` the cooperative, `m` the member. */
export const memberScope = (ctx: Ctx): Sql =>
  readScope(ctx.caller, { county: 'c.county_id', township: 'c.township_id', cooperative: 'c.id', member: 'm.id' });

/** A GraphQL `ID` (or Int) → positive safe integer, else INVALID_INPUT. */
export function parseId(value: string | number, what = 'id'): number {
  const n = typeof value === 'number' ? value : /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > 2_147_483_647) return fail('INVALID_INPUT', { reason: `${what} is not a valid id` });
  return n;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/** Opaque cursor: base64 of `id:<n>`. */
export const encodeCursor = (id: number): string => Buffer.from(`id:${id}`, 'utf8').toString('base64');

export function decodeCursor(cursor: string): number {
  const m = /^id:(\d{1,10})$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!m) return fail('INVALID_INPUT', { reason: 'after is not a cursor from this API' });
  return Number(m[1]);
}

export interface PageArgs {
  first: number;
  afterId: number;
}

/** `first` defaults to 50 and must be 0..500; `after` an opaque cursor. */
export function pageArgs(first: number | null | undefined, after: string | null | undefined): PageArgs {
  const f = first ?? DEFAULT_PAGE;
  if (!Number.isInteger(f) || f < 0 || f > MAX_PAGE) fail('INVALID_INPUT', { reason: `first must be between 0 and ${MAX_PAGE}` });
  return { first: f, afterId: after ? decodeCursor(after) : 0 };
}

export interface Page<R> {
  rows: R[];
  hasNextPage: boolean;
  totalCount: number;
}

/**
 * One query for the pages of many parents at once (a connection field under a list): rows of
 * `from` (which must select an `id` column through `select`) filtered by `where`, partitioned by
 * `keyCol` (one page per key, in key order), ordered by `idCol`. totalCount ignores `after`.
 * With `keys` null there is a single partition (top-level connections).
 */
export async function pagesByKey<R extends { id: number }>(
  em: EntityManager,
  q: { select: string; from: string; idCol: string; keyCol: string | null; keys: readonly number[] | null; where: Sql[] },
  page: PageArgs,
): Promise<Page<R>[]> {
  const key = q.keyCol ?? '0';
  const where: string[] = [];
  const params: unknown[] = [page.afterId];
  if (q.keys) {
    where.push(`${key} = any(?::int[])`);
    params.push(intArray(q.keys));
  }
  for (const w of q.where) {
    where.push(`(${w.sql})`);
    params.push(...w.params);
  }
  params.push(page.afterId, page.first + 1);
  const rows = await em.execute<(R & { __key: number; __total: string })[]>(
    `select * from (
       select ${q.select}, ${key} as "__key",
              count(*) over (partition by ${key}) as "__total",
              count(*) filter (where ${q.idCol} > ?) over (partition by ${key} order by ${q.idCol}) as "__rn"
       from ${q.from}
       where ${where.length ? where.join(' and ') : 'true'}
     ) x
     where x.id > ? and x."__rn" <= ?
     order by x."__key", x.id`,
    params,
  );
  // Totals must be known even for partitions whose page is empty (after the last row).
  const totals = new Map<string, number>();
  const byKey = new Map<string, R[]>();
  for (const r of rows) {
    const k = String(r.__key);
    totals.set(k, Number(r.__total));
    let list = byKey.get(k);
    if (!list) byKey.set(k, (list = []));
    list.push(r);
  }
  const keys = q.keys ?? [0];
  const missing = keys.filter((k) => !totals.has(String(k)));
  if (missing.length) {
    const cw: string[] = [];
    const cp: unknown[] = [];
    if (q.keys) {
      cw.push(`${key} = any(?::int[])`);
      cp.push(intArray(missing));
    }
    for (const w of q.where) {
      cw.push(`(${w.sql})`);
      cp.push(...w.params);
    }
    // with a single partition (no keyCol) there is nothing to group by
    const counts = await em.execute<{ k: number; n: string }[]>(
      q.keyCol
        ? `select ${q.keyCol} as k, count(*) as n from ${q.from} where ${cw.join(' and ')} group by ${q.keyCol}`
        : `select 0 as k, count(*) as n from ${q.from} where ${cw.length ? cw.join(' and ') : 'true'}`,
      cp,
    );
    for (const c of counts) totals.set(String(c.k), Number(c.n));
  }
  return keys.map((k) => {
    const list = byKey.get(String(k)) ?? [];
    const hasNextPage = list.length > page.first;
    return { rows: list.slice(0, page.first), hasNextPage, totalCount: totals.get(String(k)) ?? 0 };
  });
}

/** Postgres unique-violation (23505) on the given constraint / index, from a MikroORM or pg error. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as { code?: string; constraint?: string; name?: string };
  if (err?.code !== '23505' && err?.name !== 'UniqueConstraintViolationException') return false;
  return !constraint || err.constraint === constraint || String((e as Error).message ?? '').includes(constraint);
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** A page of rows → Relay connection object. */
export function toConnection<R extends { id: number }, T>(page: Page<R>, map: (r: R) => T): ConnectionShape<T> {
  const edges = page.rows.map((r) => ({ cursor: encodeCursor(Number(r.id)), node: map(r) }));
  return {
    edges,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1]!.cursor : null },
    totalCount: page.totalCount,
  };
}

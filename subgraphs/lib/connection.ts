import 'reflect-metadata';
import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Ctx } from './context';
import { intArray } from './db';
import { invalid } from './error-codes';
import { MaxChars } from './input-check';
import type { Sql } from './scope';

/** Relay page info (分页信息); a value type every subgraph declares identically, hence @shareable. */
@Directive('@shareable')
@ObjectType({ simpleResolvers: true, description: 'Relay page information (分页信息)' })
export class PageInfo {
  @Field({ description: 'Whether more items follow (是否有下一页)' }) hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Cursor of the last item of this page (本页末游标)' }) endCursor!: string | null;
}

/** `first` / `after` arguments shared by every connection field. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1–500, default 50 (每页条数)' }) first?: number;
  @MaxChars(100) @Field(() => String, { nullable: true, description: 'Cursor to continue after (起始游标)' }) after?: string;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/** Opaque cursor: base64url of `c:<id>`. */
export const encodeCursor = (id: string | number | bigint): string => Buffer.from(`c:${id}`).toString('base64url');
export function decodeCursor(cursor: string | undefined | null): string | null {
  if (!cursor) return null;
  const s = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^c:\d{1,19}$/.test(s)) return invalid('分页游标无效', 'bad cursor');
  return s.slice(2);
}

export interface Page {
  limit: number;
  afterId: string | null;
}

/** `first` defaults to 50 and must be 1..500, else INVALID_INPUT; `after` an opaque cursor (bad → INVALID_INPUT). */
export function pageOf(args: { first?: number | null; after?: string | null }): Page {
  const first = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) invalid(`每页条数须为1–${MAX_PAGE}`, `first must be 1–${MAX_PAGE}`);
  return { limit: first, afterId: decodeCursor(args.after) };
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Build a connection from rows fetched with `limit + 1` (the extra row tells hasNextPage). */
export function toConnection<T extends { id: string | number }>(rows: T[], page: Page, totalCount: number): ConnectionShape<T> {
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  const edges = items.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return { edges, pageInfo: { hasNextPage: more, endCursor: edges.at(-1)?.cursor ?? null }, totalCount };
}

/** One partition of a keyed page query: up to `limit + 1` rows (for {@link toConnection}) and the partition's total. */
export interface KeyedPage<R> {
  rows: R[];
  totalCount: number;
}

/** What {@link pagesByKey} reads: see there. */
export interface KeyedPageQuery {
  /** select list; must yield an `id` column */
  select: string;
  from: string;
  /** the ordering id column (ascending), compared with the cursor */
  idCol: string;
  /** the integer partition column, or null for a single partition (top-level connections) */
  keyCol: string | null;
  /** the partitions wanted, in answer order; null with keyCol null */
  keys: readonly number[] | null;
  where: Sql[];
}

/**
 * One query for the pages of many parents at once (a connection field under a list, e.g. behind a
 * DataLoader): rows of `from` filtered by `where`, partitioned by `keyCol` (one page per key, in key
 * order), ordered by `idCol` ascending, after `page.afterId`. totalCount ignores `after`.
 * Turn each result into a connection with `toConnection(rows.map(f), page, totalCount)`.
 *
 * Per key, a lateral sub-select takes the first `limit + 1` rows in id order and another counts
 * the key's rows: the database stops after the page (a window over every row of the partition,
 * as before, read and numbered all 478 members of a cooperative to return 101), and a key with an
 * empty page still gets its total from the same statement.
 */
export async function pagesByKey<R extends { id: number | string }>(read: Ctx['read'], q: KeyedPageQuery, page: Page): Promise<KeyedPage<R>[]> {
  const keys = q.keys ?? [0];
  const where = [...(q.keyCol ? [{ sql: `${q.keyCol} = page_key__.key`, params: [] }] : []), ...q.where];
  const cond = where.length ? where.map((w) => `(${w.sql})`).join(' and ') : 'true';
  const params = where.flatMap((w) => w.params);
  const rows = await read<(R & { __key: number; __total: string })[]>(
    `select p.*, page_key__.key as "__key", t.n as "__total"
     from unnest(?::int[]) as page_key__(key)
     cross join lateral (select count(*) as n from ${q.from} where ${cond}) t
     left join lateral (
       select ${q.select} from ${q.from} where ${cond} and ${q.idCol} > ? order by ${q.idCol} limit ?
     ) p on true
     order by page_key__.key, p.id`,
    [intArray(keys), ...params, ...params, page.afterId ?? '0', page.limit + 1],
  );
  const totals = new Map<string, number>();
  const byKey = new Map<string, R[]>();
  for (const r of rows) {
    const k = String(r.__key);
    totals.set(k, Number(r.__total));
    if (r.id === null) continue; // the key's page is empty (after its last row): only its total
    let list = byKey.get(k);
    if (!list) byKey.set(k, (list = []));
    list.push(r);
  }
  return keys.map((k) => ({ rows: byKey.get(String(k)) ?? [], totalCount: totals.get(String(k)) ?? 0 }));
}

/** Descriptions of the generated types and fields, where a subgraph words them its own way. */
export interface ConnectionDescriptions {
  connection?: string;
  edge?: string;
  cursor?: string;
  node?: string;
  totalCount?: string;
}

/** Generic Relay connection type: `Connection(Loan, 'Loan', '借款')` → LoanConnection + LoanEdge. */
export function Connection<T extends object>(node: ClassType<T>, name: string, zh: string, d: ConnectionDescriptions = {}) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: d.edge ?? `One ${name} in a page (${zh})` })
  class Edge {
    @Field({ description: d.cursor ?? 'Opaque cursor (游标)' }) cursor!: string;
    @Field(() => node, { description: d.node ?? `The ${name} (${zh})` }) node!: T;
  }
  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: d.connection ?? `A page of ${name} items (${zh}列表)` })
  class Conn {
    @Field(() => [Edge], { description: 'Items of this page (本页条目)' }) edges!: Edge[];
    @Field(() => PageInfo, { description: 'Paging information (分页信息)' }) pageInfo!: PageInfo;
    @Field(() => Int, { description: d.totalCount ?? 'Total items matching, across pages (总数)' }) totalCount!: number;
  }
  return Conn;
}

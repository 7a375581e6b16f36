import 'reflect-metadata';
import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { fail } from './error-codes';

/** Relay page info (分页信息); a value type every subgraph declares identically, hence @shareable. */
@Directive('@shareable')
@ObjectType({ description: 'Relay page information (分页信息)' })
export class PageInfo {
  @Field({ description: 'Whether more items follow (是否有下一页)' }) hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Cursor of the last item of this page (本页末游标)' }) endCursor!: string | null;
}

/** `first` / `after` arguments shared by every connection field. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1–500, default 50 (每页条数)' }) first?: number;
  @Field(() => String, { nullable: true, description: 'Cursor to continue after (起始游标)' }) after?: string;
}

export const encodeCursor = (id: string | number | bigint): string => Buffer.from(`c:${id}`).toString('base64url');
export function decodeCursor(cursor: string | undefined | null): string | null {
  if (!cursor) return null;
  const s = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^c:\d{1,19}$/.test(s)) return fail('INVALID_INPUT', { reason: 'bad cursor' });
  return s.slice(2);
}

export interface Page {
  limit: number;
  afterId: string | null;
}

export function pageOf(args: PageArgs): Page {
  const first = args.first ?? 50;
  if (!Number.isInteger(first) || first < 1 || first > 500) fail('INVALID_INPUT', { reason: 'first must be 1–500' });
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

/** Generic Relay connection type: `Connection(Loan, 'Loan', '借款')` → LoanConnection + LoanEdge. */
export function Connection<T extends object>(node: ClassType<T>, name: string, zh: string) {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a page (${zh})` })
  class Edge {
    @Field({ description: 'Opaque cursor (游标)' }) cursor!: string;
    @Field(() => node, { description: `The ${name} (${zh})` }) node!: T;
  }
  @ObjectType(`${name}Connection`, { description: `A page of ${name} items (${zh}列表)` })
  class Conn {
    @Field(() => [Edge], { description: 'Items of this page (本页条目)' }) edges!: Edge[];
    @Field(() => PageInfo, { description: 'Paging information (分页信息)' }) pageInfo!: PageInfo;
    @Field(() => Int, { description: 'Total items matching, across pages (总数)' }) totalCount!: number;
  }
  return Conn;
}

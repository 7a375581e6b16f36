import type { Caller, Role } from './auth';
import { checkRoles, runningAccess } from './access';
import type { Ctx } from './context';
import { intArray, Migration } from './db';
import { fail, invalid } from './error-codes';

/** A WHERE fragment with knex `?` bindings. */
export interface Sql {
  sql: string;
  params: unknown[];
}

export interface ScopeColumns {
  county: string;
  township: string;
  cooperative: string;
  /** Member-id column, for rows that belong to one household; omit for cooperative-level rows. */
  member?: string;
  /**
   * Union-id column, for rows a union owns (the union itself, its memberships, its allocations): a
   * UNION caller reads them by its own id, not through the grants, which name cooperatives and would
   * also reach the rows of the other union a cooperative belongs to.
   */
  union?: string;
  /**
   * For the subgraph that owns the union relation (it keeps no grants, it has the memberships): a
   * select of the union's current member cooperatives, matched against `cooperative` for a UNION
   * caller instead of the grants.
   */
  unionMembers?: (unionId: number) => Sql;
}

const NONE: Sql = { sql: 'false', params: [] };
const ALL: Sql = { sql: 'true', params: [] };

/**
 * Organisations outside the cooperatives' own hierarchy reach cooperatives through a relation that
 * another subgraph owns (a union's member cooperatives; later a bank's borrowers, an enterprise's
 * contract households). The owner pushes each grant by saga into `access_grant` of every subgraph
 * that needs it, so the scope stays a WHERE clause here: a sub-select on the grants, not a column.
 */
export type GranteeKind = 'UNION' | 'BANK' | 'ENTERPRISE';
export const GRANTEE_KINDS: readonly GranteeKind[] = ['UNION', 'BANK', 'ENTERPRISE'];

/** A scope fragment that follows a relation: `column in (sub-select)`. */
export interface RelationScope {
  /** Which column of `ScopeColumns` the sub-select is matched against. */
  on: keyof ScopeColumns;
  /** A select of one id column, with its bindings. */
  select: Sql;
}

/** The cooperatives granted to an organisation (a union's member cooperatives). */
export function grantedCooperatives(kind: GranteeKind, granteeId: number | null): RelationScope {
  if (granteeId == null) return { on: 'cooperative', select: { sql: 'select null::int where false', params: [] } };
  return {
    on: 'cooperative',
    select: { sql: `select g.cooperative_id from access_grant g where g.grantee_kind = ? and g.grantee_id = ?`, params: [kind, granteeId] },
  };
}

/** A relation fragment against the caller's columns as a WHERE fragment. */
export function relationWhere(cols: ScopeColumns, r: RelationScope): Sql {
  const column = cols[r.on];
  if (!column || column === 'null') return NONE;
  return { sql: `${column} in (${r.select.sql})`, params: r.select.params };
}

/**
 * The grant table every subgraph that scopes by grants carries (a shared migration, like the saga
 * outbox). One row per organisation and cooperative; `member_id` narrows a grant to one household
 * (an enterprise's contract households, later). Filled by the owning subgraph's saga, never by hand.
 */
export class SharedAccessGrant0003 extends Migration {
  async up(): Promise<void> {
    this.addSql(`create table access_grant (
      grantee_kind text not null check (grantee_kind in ('UNION', 'BANK', 'ENTERPRISE')),
      grantee_id int not null,
      cooperative_id int not null,
      member_id int,
      granted_at timestamptz not null default now()
    )`);
    this.addSql(`create unique index access_grant_key on access_grant (grantee_kind, grantee_id, cooperative_id, coalesce(member_id, 0))`);
  }
}

/**
 * Which rows a caller may READ, as SQL, so scope is applied by the database and never by
 * filtering fetched rows. Cooperative-level rows (cooperatives, funds, portfolios) and
 * member-level rows (members, loans) use the same rule, except that a MEMBER sees
 * member-level rows only for itself.
 */
export function readScope(caller: Caller | null, cols: ScopeColumns): Sql {
  // Silence would read as "nothing there": a caller without a token is told to sign in, per field,
  // so a query that mixes the public board with protected fields still gets the board.
  if (!caller) return fail('UNAUTHENTICATED');
  switch (caller.role) {
    case 'REGION':
    case 'SERVICE':
      return ALL;
    case 'COUNTY':
      return { sql: `${cols.county} = any(?::int[])`, params: [intArray(caller.counties)] };
    case 'TOWNSHIP':
      return { sql: `${cols.township} = any(?::int[])`, params: [intArray(caller.townships)] };
    case 'COOPERATIVE':
      return { sql: `${cols.cooperative} = any(?::int[])`, params: [intArray(caller.cooperatives)] };
    case 'UNION':
      if (cols.union) return caller.union == null ? NONE : { sql: `${cols.union} = ?`, params: [caller.union] };
      if (cols.unionMembers) return caller.union == null ? NONE : relationWhere(cols, { on: 'cooperative', select: cols.unionMembers(caller.union) });
      // the token names the union only: which cooperatives it federates is the grants' business
      return relationWhere(cols, grantedCooperatives('UNION', caller.union));
    case 'AUDITOR':
      return {
        sql: `(${cols.county} = any(?::int[]) or ${cols.cooperative} = any(?::int[]))`,
        params: [intArray(caller.counties), intArray(caller.cooperatives)],
      };
    case 'MEMBER':
      if (cols.member) return caller.member == null ? NONE : { sql: `${cols.member} = ?`, params: [caller.member] };
      return { sql: `${cols.cooperative} = any(?::int[])`, params: [intArray(caller.cooperatives)] };
    case 'BANK':
    case 'ENTERPRISE':
      // Banks and enterprises will reach cooperatives and members only through their own
      // contracts (wholesale / enterprises subgraphs, by grants); until then they are told so
      // instead of reading empty lists.
      return fail('FORBIDDEN', { role: caller.role });
  }
}

/**
 * The one county a county-level operation runs on (a county office's filing): `countyId` when given,
 * OUT_OF_SCOPE unless the caller's scope holds the whole county (REGION, SERVICE, or a COUNTY or
 * AUDITOR token naming it); without it, the token's only county (INVALID_INPUT when it names several
 * or none).
 */
export function oneCounty(caller: Caller | null, countyId: number | null): number {
  if (!caller) return fail('UNAUTHENTICATED');
  const own = caller.role === 'COUNTY' || caller.role === 'AUDITOR' ? caller.counties : [];
  if (countyId === null) {
    if (own.length === 1) return own[0]!;
    return invalid('请指定县', 'countyId is required unless the token names exactly one county');
  }
  if (caller.role !== 'REGION' && caller.role !== 'SERVICE' && !own.includes(countyId)) fail('OUT_OF_SCOPE', { countyId });
  return countyId;
}

/** A household's own token: its scope on household rows is itself (`member-self`). */
export function isHousehold(caller: Caller | null): caller is Caller & { role: 'MEMBER' } {
  return caller?.role === 'MEMBER';
}

/**
 * Whether the caller's read scope names counties only, or everything, or nothing (a FORBIDDEN role):
 * a county-level row is then checked on its own id, without joining down to the cooperatives.
 */
export function scopedByCountyAlone(caller: Caller | null): boolean {
  return !caller || COUNTY_LEVEL.has(caller.role);
}
const COUNTY_LEVEL: ReadonlySet<Role> = new Set<Role>(['REGION', 'SERVICE', 'COUNTY', 'BANK', 'ENTERPRISE']);

/** Whether the caller's read scope names townships (a township-level row is checked on its own id). */
export const scopedByTownship = (caller: Caller | null): boolean => caller?.role === 'TOWNSHIP';

/** Where a cooperative-level write may happen: the row's location against the caller's write scope. */
export interface CoopLocation {
  cooperativeId: number;
  countyId: number;
  townshipId: number;
}

/**
 * Whether a location is inside the caller's token scope, without a statement: for writes and for
 * loader priming. Grant-scoped callers (UNION) get false: they only read, through `readScope`.
 */
export function canRead(caller: Caller | null, loc: CoopLocation): boolean {
  if (!caller) return false;
  switch (caller.role) {
    case 'REGION':
    case 'SERVICE':
      return true;
    case 'COUNTY':
      return caller.counties.includes(loc.countyId);
    case 'TOWNSHIP':
      return caller.townships.includes(loc.townshipId);
    case 'COOPERATIVE':
    case 'MEMBER':
      return caller.cooperatives.includes(loc.cooperativeId);
    case 'AUDITOR':
      return caller.counties.includes(loc.countyId) || caller.cooperatives.includes(loc.cooperativeId);
    default:
      return false;
  }
}

/**
 * Check a write on its target: the role must be one of the running root field's catalogue entry
 * (else FORBIDDEN; the catalogue's wrapper has checked it already, this keeps the two together) and
 * the target cooperative inside the caller's scope (else OUT_OF_SCOPE). Returns the caller.
 */
export function requireWrite(ctx: Ctx, loc: CoopLocation): Caller {
  const c = checkRoles(ctx.caller, runningAccess(ctx)) ?? fail('UNAUTHENTICATED');
  if (!canRead(c, loc)) fail('OUT_OF_SCOPE', { cooperativeId: loc.cooperativeId });
  return c;
}

/** The union a UNION token acts for; null for every other caller (who acts for no union). */
export function actingUnion(ctx: Ctx): number | null {
  return ctx.caller?.role === 'UNION' ? (ctx.caller.union ?? null) : null;
}

/** The running root field's roles, for a service that branches on them (never a list of its own). */
export function runningRoles(ctx: Ctx): readonly Role[] | 'PUBLIC' {
  return runningAccess(ctx).roles;
}

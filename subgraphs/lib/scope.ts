import type { Caller } from './auth';
import { intArray } from './db';
import { requireRole } from './auth';
import { fail } from './error-codes';

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
}

const NONE: Sql = { sql: 'false', params: [] };
const ALL: Sql = { sql: 'true', params: [] };

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
    case 'UNION':
      return { sql: `${cols.cooperative} = any(?::int[])`, params: [intArray(caller.cooperatives)] };
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
 * Whether the caller may see a household's identity and one-card numbers, even masked: those
 * who serve the household (its board, the township and county offices, the region) and the
 * household itself. A union or an auditor judges a cooperative's books, not its people's papers.
 */
export function seesPersonalNumbers(caller: Caller | null): boolean {
  return !!caller && caller.role !== 'UNION' && caller.role !== 'AUDITOR';
}

/** Where a cooperative-level write may happen: the row's location against the caller's write scope. */
export interface CoopLocation {
  cooperativeId: number;
  countyId: number;
  townshipId: number;
}

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
    case 'UNION':
    case 'MEMBER':
      return caller.cooperatives.includes(loc.cooperativeId);
    case 'AUDITOR':
      return caller.counties.includes(loc.countyId) || caller.cooperatives.includes(loc.cooperativeId);
    default:
      return false;
  }
}

/**
 * Check a write: the role must be one of `roles` (else FORBIDDEN) and the target cooperative
 * must be inside the caller's scope (else OUT_OF_SCOPE). Returns the caller.
 */
export function requireWrite(caller: Caller | null, roles: readonly Caller['role'][], loc: CoopLocation): Caller {
  const c = requireRole(caller, roles);
  if (!canRead(c, loc)) fail('OUT_OF_SCOPE', { cooperativeId: loc.cooperativeId });
  return c;
}

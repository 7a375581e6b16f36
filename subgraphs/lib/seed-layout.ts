import { columnList, type Columns, type TableShape } from './table';
/**
 * What a subgraph contributes to the bulk seed (`npm run seed`, the demo county of `npm start`):
 * the tables the loader COPYs into its database and what has to be redone afterwards. Declared in
 * the subgraph's own folder (`seed.layout.ts`) because only the subgraph knows its tables, columns
 * and triggers; the loader (infra/seed/load.ts) reads it from the registry and names no table itself.
 */
export interface SeedTable {
  name: string;
  /** The COPY column list, in the order the generator writes the cells. */
  columns: string;
  /** The table has an identity `id`: its sequence is moved past the loaded ids, so later inserts do not collide. */
  identity?: boolean;
  /**
   * The same rows go into every subgraph whose layout lists the table: lib's tables that each
   * subgraph keeps its own copy of (the access grants an owner pushes to all of them by saga).
   */
  shared?: boolean;
}

export interface SeedLayout {
  /**
   * In load order: a referenced table before the tables referencing it, because without the
   * privilege to switch triggers off the foreign keys are checked row by row during the load.
   * The first table is the one every other row hangs off: rows there mean the database holds data.
   */
  tables: readonly SeedTable[];
  /** Further tables emptied before the load: derived from the loaded ones, stale once they change. */
  alsoTruncate?: readonly string[];
  /**
   * Statements run after the load when it ran with `session_replication_role = replica` (triggers
   * off): they compute from the loaded rows what the statement-level triggers would have maintained.
   * Not run when the triggers fired during the load.
   */
  recompute?: readonly string[];
}

/**
 * A seed table from its definition (lib/table): the COPY columns checked against it, and its
 * identity sequence moved when it has a database-assigned id.
 */
export function seedTable<C extends Columns>(table: TableShape<C>, columns: readonly (keyof C & string)[]): SeedTable {
  const identity = Object.values(table.columns).some((c) => c.kind === 'serial' || c.kind === 'bigserial');
  return { name: table.name, columns: columnList(table, columns), ...(identity ? { identity: true } : {}) };
}

/**
 * The grant table (lib/scope) as the seed writes it: lib adds it to the layout of every subgraph
 * that scopes by grants, so the seeded relations reach each of them as their owner's sagas would.
 */
export const ACCESS_GRANT_SEED: SeedTable = { name: 'access_grant', columns: 'grantee_kind, grantee_id, cooperative_id, granted_at', shared: true };

import { REGISTRY } from '../subgraphs/registry';
import { COLUMN_TYPES, type ColumnSpec, type Table } from '../subgraphs/lib/table';
import { createTestDatabases, sql } from './support/db';

/** Tables lib creates in every database (their rows are lib's, declared beside their migrations). */
const LIB_TABLES = ['mikro_orm_migrations', 'idempotency_key', 'audit_log', 'saga_step', 'access_grant'];


interface DbColumn { table_name: string; column_name: string; data_type: string; nullable: boolean; has_default: boolean; identity: boolean; primary: boolean }

/** What a definition says, in the words of information_schema. */
function declared(t: Table<any>) {
  return Object.entries(t.columns as Record<string, ColumnSpec>).map(([column, s]) => ({
    column,
    type: COLUMN_TYPES[s.kind].pg,
    nullable: s.nullable ?? false,
    // filled by the database when left out: a default or an identity
    generated: (s.generated ?? false) || s.kind === 'serial' || s.kind === 'bigserial',
    identity: s.kind === 'serial' || s.kind === 'bigserial',
    primary: s.primary ?? false,
  }));
}

let urls: Record<string, string>;
beforeAll(async () => {
  urls = await createTestDatabases();
});

describe.each(REGISTRY.map((d) => [d.name, d] as const))('the %s tables, each declared once', (_name, def) => {
  let columns: DbColumn[];
  beforeAll(async () => {
    const c = await sql(urls[def.name]!);
    try {
      columns = (
        await c.query<DbColumn>(`
          select c.table_name, c.column_name, c.data_type, c.is_nullable = 'YES' nullable, c.column_default is not null has_default,
                 c.is_identity = 'YES' identity,
                 exists (select 1 from information_schema.key_column_usage k join information_schema.table_constraints tc
                           on tc.constraint_name = k.constraint_name and tc.table_name = k.table_name
                          where tc.constraint_type = 'PRIMARY KEY' and k.table_name = c.table_name and k.column_name = c.column_name) primary
            from information_schema.columns c join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema
           where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
           order by c.table_name, c.ordinal_position`)
      ).rows;
    } finally {
      await c.end();
    }
  });

  it('declares every table its migrations create', () => {
    const inDb = [...new Set(columns.map((c) => c.table_name))].filter((t) => !LIB_TABLES.includes(t)).sort();
    expect(def.tables.map((t) => t.name).sort()).toEqual(inDb);
  });

  it.each(def.tables.map((t) => [t.name, t] as const))('%s: the definition is the migrated table, column by column', (name, t) => {
    const actual = columns
      .filter((c) => c.table_name === name)
      .map((c) => ({ column: c.column_name, type: c.data_type, nullable: c.nullable, generated: c.has_default || c.identity, identity: c.identity, primary: c.primary }));
    expect(declared(t)).toEqual(actual);
  });
});

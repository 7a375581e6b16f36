import { BigIntType, EntitySchema, OptionalProps } from '@mikro-orm/core';

/**
 * One definition per table: its columns, once. From it come the row type raw SQL reads return
 * (`RowOf`), the entity type and MikroORM mapping the writes use (`EntityOf`, `.entity`), the
 * column list a read selects (`selectList`), the COPY columns of the seed (`columnList`) and the
 * fixtures' inserts (`insertSql`). The migrations stay history, written by hand, and a test
 * (test/tables.test.ts) holds every definition against the migrated database, column by column.
 */
export type ColumnKind =
  /** integer; `serial` when the database assigns it */
  | 'int'
  | 'serial'
  /** bigint ids (read as strings, like every bigint) */
  | 'bigid'
  | 'bigserial'
  /** money in fen, bigint in the database; read as a decimal string, written as bigint */
  | 'fen'
  /** a counter or version, bigint in the database */
  | 'bigint'
  | 'text'
  | 'bool'
  /** a calendar day, read as YYYY-MM-DD */
  | 'date'
  /** a moment, read as an ISO string */
  | 'timestamptz'
  | 'jsonb';

export interface ColumnSpec {
  kind: ColumnKind;
  nullable?: boolean;
  /** The database fills it when an insert leaves it out (a default, a sequence, a trigger). */
  generated?: boolean;
  primary?: boolean;
  /** A bigint id the code handles as a JS number (ids far below 2^53; saga payloads carry it as a number). */
  jsNumber?: boolean;
  /** The TypeScript type of a text column restricted to a closed list (an enum as text). */
  values?: readonly string[];
}

export type Columns = Record<string, ColumnSpec>;

/** What the SQL helpers need of a table (its entity's type varies with the columns). */
export interface TableShape<C extends Columns = Columns> {
  name: string;
  columns: C;
}

export interface Table<C extends Columns = Columns> extends TableShape<C> {
  /** The MikroORM mapping (properties in camelCase), generated from the columns. */
  entity: EntitySchema<EntityOf<C>>;
}

type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

type ReadValue<S extends ColumnSpec> = S['values'] extends readonly (infer V)[]
  ? V
  : S['kind'] extends 'int' | 'serial'
    ? number
    : S['kind'] extends 'bool'
      ? boolean
      : S['kind'] extends 'jsonb'
        ? unknown
        : string;
type Nullable<S extends ColumnSpec, T> = S['nullable'] extends true ? T | null : T;

/** A row as `em.execute` returns it for `select ${selectList(table)}`: snake_case, bigints as strings. */
export type RowOf<T extends TableShape | Columns> = T extends TableShape<infer C> ? RowOfColumns<C> : T extends Columns ? RowOfColumns<T> : never;
type RowOfColumns<C extends Columns> = { -readonly [K in keyof C & string]: Nullable<C[K], ReadValue<C[K]>> };

type WriteValue<S extends ColumnSpec> = S['jsNumber'] extends true
  ? number
  : S['kind'] extends 'fen'
    ? bigint
    : S['kind'] extends 'bigid' | 'bigserial' | 'bigint'
      ? string
      : S['kind'] extends 'timestamptz'
        ? Date
        : ReadValue<S>;
type Optional<C extends Columns> = { [K in keyof C]: C[K]['nullable'] extends true ? K : C[K]['generated'] extends true ? K : C[K]['kind'] extends 'serial' | 'bigserial' ? K : never }[keyof C];
/**
 * The entity MikroORM loads and writes: camelCase, money as bigint. Columns the database fills or
 * that may be null are optional when creating one (MikroORM's `OptionalProps`), present once loaded.
 */
export type EntityOf<C extends Columns> = { -readonly [K in keyof C & string as Camel<K>]: Nullable<C[K], WriteValue<C[K]>> } & {
  [OptionalProps]?: Camel<Optional<C> & string>;
};

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Each kind's MikroORM type and PostgreSQL type (as information_schema names it; test/tables.test.ts compares). */
export const COLUMN_TYPES: Record<ColumnKind, { orm: string; pg: string }> = {
  int: { orm: 'integer', pg: 'integer' },
  serial: { orm: 'integer', pg: 'integer' },
  bigid: { orm: 'bigint', pg: 'bigint' },
  bigserial: { orm: 'bigint', pg: 'bigint' },
  fen: { orm: 'bigint', pg: 'bigint' },
  bigint: { orm: 'bigint', pg: 'bigint' },
  text: { orm: 'text', pg: 'text' },
  bool: { orm: 'boolean', pg: 'boolean' },
  date: { orm: 'date', pg: 'date' },
  timestamptz: { orm: 'Date', pg: 'timestamp with time zone' },
  jsonb: { orm: 'json', pg: 'jsonb' },
};

/** Declare a table (see the file comment). `const` keeps the column specs literal for the row types. */
export function defineTable<const C extends Columns>(name: string, columns: C): Table<C> {
  const properties: Record<string, object> = {};
  for (const [column, spec] of Object.entries(columns)) {
    properties[camel(column)] = {
      fieldName: column,
      primary: spec.primary ?? false,
      // a column the database fills is not required of an insert (not null is the database's to enforce)
      nullable: (spec.nullable ?? false) || (spec.generated ?? false),
      // money keeps full precision as a JS bigint; other bigints (ids, versions) travel as strings
      type: spec.kind === 'fen' ? (new BigIntType('bigint') as never) : spec.jsNumber ? (new BigIntType('number') as never) : COLUMN_TYPES[spec.kind].orm,
      ...(spec.kind === 'date' ? { columnType: 'date' } : {}),
      ...(spec.kind === 'serial' || spec.kind === 'bigserial' ? { autoincrement: true } : { autoincrement: false }),
    };
  }
  const className = camel(`_${name}`).replace(/^_/, '').replace(/^./, (c) => c.toUpperCase());
  const entity = new EntitySchema<EntityOf<C>>({ name: className, tableName: name, properties: properties as never });
  return { name, columns, entity };
}

/** The select list of a table's columns under `alias`: days as YYYY-MM-DD, moments as ISO text, bigints as text. */
export function selectList(table: TableShape, alias: string, only?: readonly string[]): string {
  return (only ?? Object.keys(table.columns))
    .map((c) => {
      const kind = table.columns[c]!.kind;
      if (kind === 'date') return `to_char(${alias}.${c},'YYYY-MM-DD') ${c}`;
      if (kind === 'timestamptz') return `to_char(${alias}.${c} at time zone 'UTC','YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ${c}`;
      // as text also inside json_agg, where a bigint would become a JSON number
      if (kind === 'fen' || kind === 'bigid' || kind === 'bigserial' || kind === 'bigint') return `${alias}.${c}::text ${c}`;
      return `${alias}.${c}`;
    })
    .join(', ');
}

/** A checked column list (COPY, insert): every name is a column of the table. */
export function columnList<C extends Columns>(table: TableShape<C>, columns: readonly (keyof C & string)[]): string {
  for (const c of columns) if (!(c in table.columns)) throw new Error(`${table.name} has no column ${c}`);
  return columns.join(', ');
}

/** `insert into t (…) values ($1…)` for the given columns, returning the named ones (fixtures, raw writes). */
export function insertSql<C extends Columns>(table: TableShape<C>, columns: readonly (keyof C & string)[], returning?: keyof C & string): string {
  const list = columnList(table, columns);
  return `insert into ${table.name} (${list}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})${returning ? ` returning ${returning}` : ''}`;
}

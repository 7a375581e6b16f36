import type { Client } from 'pg';
import { columnList, type Columns, type RowOf, type TableShape } from '../../subgraphs/lib/table';

/**
 * Insert rows straight into a table of its definition (lib/table), as fixtures do: the columns are
 * the first row's keys, checked against the definition and typed by its row type.
 */
export async function insertRows<C extends Columns, R extends keyof C & string = never>(
  c: Client,
  table: TableShape<C>,
  rows: readonly Partial<RowOf<C>>[],
  returning?: R,
): Promise<Pick<RowOf<C>, R>[]> {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!) as (keyof C & string)[];
  const params: unknown[] = [];
  const values = rows.map((r) => {
    if (Object.keys(r).length !== columns.length) throw new Error(`${table.name}: every row needs the same columns`);
    return `(${columns.map((k) => `$${params.push((r as Record<string, unknown>)[k])}`).join(', ')})`;
  });
  const res = await c.query(
    `insert into ${table.name} (${columnList(table, columns)}) values ${values.join(', ')}${returning ? ` returning ${returning}` : ''}`,
    params,
  );
  return res.rows as Pick<RowOf<C>, R>[];
}

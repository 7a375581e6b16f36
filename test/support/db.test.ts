import { createTestDatabases, sql } from './db';

it('creates migrated databases per test file', async () => {
  const dbs = await createTestDatabases();
  const c = await sql(dbs.loans);
  const r = await c.query(`select count(*)::int as n from information_schema.tables where table_name in ('loan','ledger_line','idempotency_key')`);
  await c.end();
  expect(r.rows[0].n).toBe(3);
});

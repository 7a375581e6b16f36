import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase } from '../../subgraphs/lib/db';
import { REGISTRY } from '../../subgraphs/registry';

/** A database URL per registry subgraph, by name. */
export type TestDatabases = Record<string, string>;

/** Fresh, migrated databases for one test file (on the run's throw-away server, or on `baseUrl`'s). */
export async function createTestDatabases(baseUrl?: string): Promise<TestDatabases> {
  const base = baseUrl ?? process.env.TEST_PG_URL;
  if (!base) throw new Error('TEST_PG_URL missing: run through jest (globalSetup starts PostgreSQL)');
  const tag = randomBytes(4).toString('hex');
  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  const out = {} as TestDatabases;
  try {
    for (const { name, database } of REGISTRY) {
      const db = `t_${tag}_${database}`;
      await admin.query(`create database ${db}`);
      out[name] = `${base}/${db}`;
    }
  } finally {
    await admin.end();
  }
  for (const { name, migrations } of REGISTRY) {
    const orm = await openDatabase({ url: out[name]!, entities: [], migrations, poolMax: 2 });
    await orm.close(true);
  }
  return out;
}

/** A plain pg client on one database, for assertions that read tables directly. */
export async function sql(url: string): Promise<Client> {
  const c = new Client({ connectionString: url });
  await c.connect();
  return c;
}

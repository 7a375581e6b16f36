import 'reflect-metadata';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator, Migration } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/postgresql';

export type { EntityManager };
export { Migration };

export interface MigrationEntry {
  name: string;
  class: new (...args: any[]) => Migration;
}

import { logger } from './logger';
import { ReadPath, readPathOptions } from './read-path';
import { sqlStats } from './stats';

export { sqlStats };

export interface DbOptions {
  url: string;
  entities: Options['entities'];
  migrations: MigrationEntry[];
  poolMax?: number;
}

/**
 * How the pool lives through a PostgreSQL restart without restarting the service.
 *
 * Dead connections are never handed out again: knex listens to each pg client's 'error' and 'end'
 * events (an idle client whose backend was terminated gets both) and its tarn `validate` on acquire
 * discards a client so marked, creating a fresh one; the test `test/db-restart.e2e.test.ts` checks
 * that terminated idle clients cost no retry. What knex leaves at defaults made for a healthy server:
 * - `propagateCreateError: true` (stated, knex's default): a failed connect rejects the waiting request
 *   at once with its cause (ECONNREFUSED → DATABASE_UNAVAILABLE, HTTP 503 with Retry-After), instead of
 *   holding every request of the outage for the whole acquire timeout; tarn keeps retrying the create
 *   for requests still waiting, so the first request after the restart gets a connection.
 * - `acquireTimeoutMillis` 5 s instead of 60 s: a request that cannot get a connection (pool full
 *   while connections hang) fails with a coded error within seconds. pg's `connectionTimeoutMillis`
 *   3 s bounds a connect to a server that accepts TCP but does not answer (a frozen postmaster; the
 *   test freezes one); tarn's `createTimeoutMillis` 4 s is only a backstop, so pg's clearer cause wins.
 * - TCP keep-alive on, so a connection whose server vanished without a FIN is found dead by the
 *   kernel rather than by a statement that waits forever.
 */
const OUTAGE_POOL = {
  propagateCreateError: true,
  acquireTimeoutMillis: 5_000,
  createTimeoutMillis: 4_000,
};
const OUTAGE_CONNECTION = { connectionTimeoutMillis: 3_000, keepAlive: true };
/** knex prints to stdout by itself (one "Connection Error" line per discarded client in an outage): into the service's log instead. */
const KNEX_LOG = {
  warn: (m: unknown) => logger.warn({ knex: String(m) }, 'database pool'),
  error: (m: unknown) => logger.error({ knex: String(m) }, 'database pool'),
  deprecate: (m: unknown) => logger.debug({ knex: String(m) }, 'database pool'),
  debug: (m: unknown) => logger.debug({ knex: String(m) }, 'database pool'),
};

/** One MikroORM per subgraph database; migrations are applied before serving. */
export async function openDatabase(opts: DbOptions): Promise<MikroORM> {
  const orm = await MikroORM.init({
    clientUrl: opts.url,
    entities: opts.entities,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true, warnWhenNoEntities: false },
    migrations: { migrationsList: opts.migrations, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    // writes only now (reads go through the read path): no idle minimum, but a burst of writes keeps its connections for minutes
    pool: { min: 0, max: opts.poolMax ?? Number(process.env.DB_POOL_MAX ?? 8), idleTimeoutMillis: 5 * 60_000, ...OUTAGE_POOL },
    driverOptions: { connection: OUTAGE_CONNECTION, log: KNEX_LOG },
    debug: false,
    allowGlobalContext: false,
    forceUndefined: false,
    ensureDatabase: false,
  });
  orm.em.getConnection().getKnex().on('query', () => {
    sqlStats.statements++;
  });
  // whoever holds the ORM closes the read path's pool with the one call it already makes
  const reads = new ReadPath(readPathOptions(opts.url));
  READ_PATHS.set(orm, reads);
  const closeOrm = orm.close.bind(orm);
  orm.close = async (force?: boolean) => {
    await reads.close();
    return closeOrm(force);
  };
  try {
    await orm.getMigrator().up();
  } catch (e) {
    await orm.close(true); // a caller that waits for the database and tries again opens a fresh pool
    throw e;
  }
  return orm;
}

const READ_PATHS = new WeakMap<MikroORM, ReadPath>();

/** The read path opened with this ORM (lib/read-path): the same database, its own pool. */
export function readPathOf(orm: MikroORM): ReadPath {
  const r = READ_PATHS.get(orm);
  if (!r) throw new Error('no read path: the ORM was not opened by openDatabase');
  return r;
}

/** Postgres int[] literal for `= ANY(?::int[])` parameters (knex expands JS arrays otherwise). */
export const intArray = (xs: readonly (number | string)[]): string => `{${xs.map((x) => Number(x)).join(',')}}`;

/** Shared tables every subgraph database has: idempotency keys, audit trail (the saga outbox: saga.ts). */
export class SharedTables0001 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table idempotency_key (
      key text primary key,
      operation text not null,
      request_hash text not null,
      result text,
      created_at timestamptz not null default now())`);
    this.addSql(`create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      actor text not null,
      role text not null,
      request_id text,
      action text not null,
      entity text not null,
      entity_id text not null,
      before jsonb,
      after jsonb)`);
    this.addSql(`create index audit_log_entity on audit_log (entity, entity_id)`);
  }
}

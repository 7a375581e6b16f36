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

import { sqlStats } from './stats';

export { sqlStats };

export interface DbOptions {
  url: string;
  entities: Options['entities'];
  migrations: MigrationEntry[];
  poolMax?: number;
}

/** One MikroORM per subgraph database; migrations are applied before serving. */
export async function openDatabase(opts: DbOptions): Promise<MikroORM> {
  const orm = await MikroORM.init({
    clientUrl: opts.url,
    entities: opts.entities,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true, warnWhenNoEntities: false },
    migrations: { migrationsList: opts.migrations, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: { min: 0, max: opts.poolMax ?? Number(process.env.DB_POOL_MAX ?? 8) },
    debug: false,
    allowGlobalContext: false,
    forceUndefined: false,
    ensureDatabase: false,
  });
  orm.em.getConnection().getKnex().on('query', () => {
    sqlStats.statements++;
  });
  await orm.getMigrator().up();
  return orm;
}

/** Postgres int[] literal for `= ANY(?::int[])` parameters (knex expands JS arrays otherwise). */
export const intArray = (xs: readonly (number | string)[]): string => `{${xs.map((x) => Number(x)).join(',')}}`;

/** Shared tables every subgraph database has: idempotency keys, audit trail, saga steps. */
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

import type { MikroORM } from '@mikro-orm/postgresql';
import type { Page } from './connection';
import type { Ctx } from './context';
import type { EntityManager } from './db';
import { intArray } from './db';
import type { SagaPolicy } from './saga.rules';
import { workDueSteps, type StepKind, type WorkReport } from './saga';
import { COLUMNS, toRow, type DbRow, type SagaStatus, type SagaStepRow } from './saga-table';
import type { Sql } from './scope';

/**
 * What operators get of a service's saga outbox: what is left (FAILED, still PENDING), a fresh start
 * for FAILED steps, `npm run reconcile`'s pass, and the page behind `<name>SagaSteps`.
 */

export interface ReconcileReport extends WorkReport {
  /** FAILED steps given a fresh set of attempts first (`retryFailed` option) */
  retriedFailed: number;
  /** what is still not finished afterwards, for the operator */
  failedSteps: SagaStepRow[];
  pendingSteps: SagaStepRow[];
}

/**
 * `npm run reconcile` on one service's outbox: optionally give FAILED steps a fresh start, work
 * every PENDING step now (backoff ignored; steps a running runner holds are skipped, never worked
 * twice), and list what is left.
 */
export async function reconcileSagas(orm: MikroORM, kinds: readonly StepKind[], opts: { retryFailed?: boolean; policy?: SagaPolicy } = {}): Promise<ReconcileReport> {
  const em = orm.em.fork() as EntityManager;
  const retriedFailed = opts.retryFailed ? await retryFailed(em) : 0;
  const work = await workDueSteps(orm, kinds, { ignoreBackoff: true, policy: opts.policy });
  const failedSteps = await listFailed(em);
  const pendingSteps = (await em.execute<DbRow[]>(`select ${COLUMNS} from saga_step s where s.status = 'PENDING' order by s.id`)).map(toRow);
  return { ...work, retriedFailed, failedSteps, pendingSteps };
}

/** A page of steps with `status` within `scope` (SQL over `s`), oldest first, and how many there are. */
export async function sagaStepRows(read: Ctx['read'], status: SagaStatus, scope: Sql, page: Page): Promise<{ rows: SagaStepRow[]; total: number }> {
  const where = `s.status = ? and ${scope.sql}`;
  const [rows, [count]] = await Promise.all([
    read<DbRow[]>(
      `select ${COLUMNS} from saga_step s where ${where} ${page.afterId ? 'and s.id > ?' : ''} order by s.id limit ?`,
      [status, ...scope.params, ...(page.afterId ? [page.afterId] : []), page.limit + 1],
    ),
    read<{ n: string }[]>(`select count(*) as n from saga_step s where ${where}`, [status, ...scope.params]),
  ]);
  return { rows: rows.map(toRow), total: Number(count?.n ?? 0) };
}

/** Steps that gave up (FAILED), oldest change first. */
export async function listFailed(em: EntityManager): Promise<SagaStepRow[]> {
  const rows = await em.execute<DbRow[]>(`select ${COLUMNS} from saga_step s where s.status = 'FAILED' order by s.updated_at, s.id`);
  return rows.map(toRow);
}

/** Steps still PENDING longer than `olderThanMs` (a minute) after they were written: their target is down, or an earlier step FAILED. */
export async function listStuck(em: EntityManager, olderThanMs = 60_000): Promise<SagaStepRow[]> {
  const rows = await em.execute<DbRow[]>(
    `select ${COLUMNS} from saga_step s where s.status = 'PENDING' and s.created_at < now() - ? * interval '1 millisecond' order by s.created_at, s.id`,
    [olderThanMs],
  );
  return rows.map(toRow);
}

/** Gives FAILED steps (all, or those of `ids`) a fresh set of attempts, due now. Returns how many. */
export async function retryFailed(em: EntityManager, ids?: readonly number[]): Promise<number> {
  const rows = await em.execute<{ id: string }[]>(
    `update saga_step set status = 'PENDING', attempts = 0, next_attempt_at = now(), updated_at = now()
     where status = 'FAILED' ${ids ? 'and id = any(?::bigint[])' : ''} returning id`,
    ids ? [intArray(ids)] : [],
  );
  return rows.length;
}

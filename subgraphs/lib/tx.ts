import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from './context';
import { fail, invalid } from './error-codes';

const stable = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

/**
 * Run a money-moving write exactly once per idempotency key, in one transaction.
 * The key row is inserted first inside the transaction, so a concurrent duplicate waits for
 * the first and then returns its result; a refused attempt rolls back and leaves no key.
 * `work` returns the id of what it created (the resolver loads it afterwards).
 */
export async function once(
  ctx: Ctx,
  key: string,
  operation: string,
  payload: unknown,
  work: (em: EntityManager) => Promise<string>,
): Promise<string> {
  if (!key || key.length > 200) invalid('幂等键须为1–200个字符', 'idempotencyKey must be 1–200 characters');
  const hash = createHash('sha256').update(operation + '\n' + stable(payload)).digest('hex');
  return ctx.em.transactional(async (em) => {
    const inserted = await em.execute<{ key: string }[]>(
      `insert into idempotency_key (key, operation, request_hash) values (?, ?, ?) on conflict (key) do nothing returning key`,
      [key, operation, hash],
    );
    if (inserted.length === 0) {
      const [row] = await em.execute<{ request_hash: string; result: string | null }[]>(
        `select request_hash, result from idempotency_key where key = ?`,
        [key],
      );
      if (!row || row.request_hash !== hash || row.result == null) fail('IDEMPOTENCY_KEY_REUSED', { key });
      return row.result;
    }
    const result = await work(em as EntityManager);
    await em.execute(`update idempotency_key set result = ? where key = ?`, [result, key]);
    return result;
  }) as Promise<string>;
}

/** Append a row to the audit trail inside the caller's transaction. */
export async function audit(
  em: EntityManager,
  ctx: Ctx,
  action: string,
  entity: string,
  entityId: string | number,
  before: unknown,
  after: unknown,
): Promise<void> {
  await em.execute(
    `insert into audit_log (actor, role, request_id, action, entity, entity_id, before, after) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)`,
    [
      ctx.caller?.sub ?? 'anonymous',
      ctx.caller?.role ?? 'PUBLIC',
      ctx.requestId,
      action,
      entity,
      String(entityId),
      before == null ? null : stable(before),
      after == null ? null : stable(after),
    ],
  );
}

/** Run a non-money write in one transaction (audit rows included). */
export function inTransaction<T>(ctx: Ctx, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return ctx.em.transactional((em) => work(em as EntityManager)) as Promise<T>;
}

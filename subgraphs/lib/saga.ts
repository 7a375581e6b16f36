import type { MikroORM } from '@mikro-orm/postgresql';
import type { Caller } from './auth';
import { makeCtx, type Ctx } from './context';
import { intArray, type EntityManager } from './db';
import { fail } from './error-codes';
import { DomainError } from './errors';
import { logger } from './logger';
import { afterFailure, outcomeOf, sagaPolicyFromEnv, type SagaPolicy } from './saga.rules';
import { COLUMNS, PRIOR_DONE, toRow, type DbRow, type SagaStepRow, type StepError } from './saga-table';

/**
 * Sagas as a transactional outbox. A subgraph that needs another one to act writes the steps into
 * its own `saga_step` table in the transaction of its own change (`enqueue`), so either both exist
 * or neither. Then the request works them at once (`runSaga`) and every service's background runner
 * (`startSagaRunner`; `npm run reconcile` through `workDueSteps`) picks up what is left: a step is
 * sent with its idempotency key, so repeating it is harmless; a failure of transport is retried with
 * backoff and ends FAILED for an operator after `maxAttempts`; a refusal by the other side runs the
 * compensation of that step and of every later step of the saga.
 *
 * A step is worked while its row is locked (`for update`) in a transaction that also commits the
 * step's local effect (`done`) and its new status, so two workers never send one step at once and
 * the local effect happens once. The send itself happens inside that transaction: the lock is what
 * keeps a second worker waiting until the first has recorded the answer.
 */

// ---- typed step kinds ------------------------------------------------------------------------

/** A payload as stored in jsonb: bigint and Date become strings, everything else as is. */
export type Encoded<T> = T extends bigint
  ? string
  : T extends Date
    ? string
    : T extends readonly (infer U)[]
      ? Encoded<U>[]
      : T extends object
        ? { [K in keyof T]: Encoded<T[K]> }
        : T;

export interface StepDefinition<P, R> {
  /** the business event, a name from the target's closed list */
  event: string;
  /** the subgraph the step is sent to */
  target: string;
  /** the payload back from jsonb (bigint fields from their decimal strings) */
  decode(json: Encoded<P>): P;
  /** asks the target to act; must pass `idempotencyKey` on, since a step can be sent more than once */
  send(ctx: Ctx, payload: P, idempotencyKey: string): Promise<R>;
  /** the local effect of success, in the transaction that marks the step DONE */
  done(em: EntityManager, ctx: Ctx, payload: P, result: R): Promise<void>;
  /** undoes the caller's change for this step after the target refused this or an earlier step */
  compensate(em: EntityManager, ctx: Ctx, payload: P, refusal: DomainError): Promise<void>;
}

/** What a worker needs of one stored step, its payload type closed over. */
interface BoundStep {
  send(ctx: Ctx, idempotencyKey: string): Promise<{ result: string | null; done(em: EntityManager, ctx: Ctx): Promise<void> }>;
  compensate(em: EntityManager, ctx: Ctx, refusal: DomainError): Promise<void>;
}

/** A step kind with its payload type erased, so one list holds the kinds of a service. */
export interface StepKind {
  readonly event: string;
  readonly target: string;
  bind(json: unknown): BoundStep;
}

export interface SagaStep<P> extends StepKind {
  encode(payload: P): string;
}

const toJson = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));

export function defineStep<P, R>(def: StepDefinition<P, R>): SagaStep<P> {
  return {
    event: def.event,
    target: def.target,
    encode: (payload) => toJson(payload),
    bind(json) {
      // the only unchecked conversion: rows of this event were written by `encode` of this kind
      const payload = def.decode(json as Encoded<P>);
      return {
        async send(ctx, key) {
          const result = await def.send(ctx, payload, key);
          return { result: result === undefined ? null : toJson(result), done: (em, c) => def.done(em, c, payload, result) };
        },
        compensate: (em, ctx, refusal) => def.compensate(em, ctx, payload, refusal),
      };
    },
  };
}

/**
 * Writes the steps of one saga, in order, inside the caller's transaction (the one of the change they
 * complete). `sagaId` names one business operation and is never reused (e.g. the id of the row the
 * saga completes); a later call with the same `sagaId` appends after its last step. `countyId`: the
 * county the change belongs to, so a county officer sees its steps when they fail. Returns the ids.
 */
export async function enqueue<P>(
  em: EntityManager, step: SagaStep<P>, sagaId: string, payloads: readonly P[], keyOf: (i: number, payload: P) => string, countyId: number | null = null,
): Promise<number[]> {
  if (!em.isInTransaction()) throw new Error('enqueue must run inside the transaction of the change its steps complete');
  if (payloads.length === 0) return [];
  const [last] = await em.execute<{ seq: number }[]>(`select coalesce(max(seq), 0) as seq from saga_step where saga_id = ?`, [sagaId]);
  const rows = await em.execute<{ id: string }[]>(
    `insert into saga_step (saga_id, seq, event, target, county_id, idempotency_key, payload)
     values ${payloads.map(() => '(?, ?, ?, ?, ?, ?, ?::jsonb)').join(', ')} returning id`,
    payloads.flatMap((p, i) => [sagaId, (last?.seq ?? 0) + i + 1, step.event, step.target, countyId, keyOf(i, p), step.encode(p)]),
  );
  return rows.map((r) => Number(r.id));
}

// ---- working one step ------------------------------------------------------------------------

interface Locked { row: SagaStepRow; due: boolean; priorDone: boolean; dbNow: Date }

type Worked =
  | { kind: 'skipped'; row: SagaStepRow }
  | { kind: 'done' }
  | { kind: 'compensated'; refusal: DomainError }
  | { kind: 'retried' | 'failed'; error: StepError; target: string };

async function lockStep(em: EntityManager, id: number): Promise<Locked> {
  const [r] = await em.execute<(DbRow & { due: boolean; prior_done: boolean; db_now: string })[]>(
    `select ${COLUMNS}, s.next_attempt_at <= now() as due, ${PRIOR_DONE} as prior_done, to_json(now()) #>> '{}' as db_now
     from saga_step s where s.id = ? for update of s`,
    [id],
  );
  if (!r) throw new Error(`saga step ${id} vanished`);
  return { row: toRow(r), due: r.due, priorDone: r.prior_done, dbNow: new Date(r.db_now) };
}

function stepError(phase: StepError['phase'], e: unknown): StepError {
  if (e instanceof DomainError) return { phase, code: e.code, messageZh: e.messageZh, message: e.messageEn, details: e.details };
  return { phase, code: null, messageZh: null, message: String(e instanceof Error ? e.message : e).slice(0, 500), details: {} };
}

/** A step's kind by its event and target: one business event may be sent to several subgraphs, each its own kind. */
const kindOf = (kinds: readonly StepKind[], row: { event: string; target: string }): StepKind => {
  const kind = kinds.find((k) => k.event === row.event && k.target === row.target);
  if (!kind) throw new Error(`no saga step kind for event ${row.event} to ${row.target}`);
  return kind;
};

async function recordFailure(em: EntityManager, ctx: Ctx, l: Locked, phase: StepError['phase'], e: unknown, policy: SagaPolicy): Promise<Worked> {
  const error = stepError(phase, e);
  const attempts = l.row.attempts + 1;
  const next = afterFailure(attempts, policy, l.dbNow);
  await em.execute(
    `update saga_step set attempts = ?, status = ?, next_attempt_at = coalesce(?::timestamptz, next_attempt_at), last_error = ?::jsonb, updated_at = now() where id = ?`,
    [attempts, next.status, next.status === 'PENDING' ? next.nextAttemptAt.toISOString() : null, JSON.stringify(error), l.row.id],
  );
  const facts = { stepId: l.row.id, sagaId: l.row.sagaId, event: l.row.event, target: l.row.target, attempts, error };
  if (next.status === 'FAILED') ctx.log.error(facts, 'saga step FAILED: an operator has to look (reconcile can retry it)');
  else ctx.log.warn({ ...facts, nextAttemptAt: next.nextAttemptAt }, 'saga step not done; retried later');
  return { kind: next.status === 'FAILED' ? 'failed' : 'retried', error, target: l.row.target };
}

/** Compensate the refused step and every later unfinished step of its saga, in one savepoint. */
async function compensateFrom(em: EntityManager, ctx: Ctx, kinds: readonly StepKind[], l: Locked, refusal: DomainError): Promise<void> {
  const rows = (await em.execute<DbRow[]>(
    `select ${COLUMNS} from saga_step s where s.saga_id = ? and s.seq >= ? and s.status in ('PENDING', 'FAILED') order by s.seq for update of s`,
    [l.row.sagaId, l.row.seq],
  )).map(toRow);
  for (const r of rows) await kindOf(kinds, r).bind(r.payload).compensate(em, ctx, refusal);
  await em.execute(`update saga_step set status = 'COMPENSATED', updated_at = now() where id = any(?::bigint[])`, [intArray(rows.map((r) => r.id))]);
  await em.execute(`update saga_step set attempts = attempts + 1, last_error = ?::jsonb where id = ?`, [JSON.stringify(stepError('send', refusal)), l.row.id]);
  ctx.log.warn({ sagaId: l.row.sagaId, refusedStep: l.row.id, compensated: rows.map((r) => r.id), code: refusal.code }, 'saga refused; compensated');
}

/** Works a locked step if it is PENDING, due (or `ignoreBackoff`) and its earlier steps are DONE. Inside the lock's transaction. */
async function workLocked(em: EntityManager, ctx: Ctx, kinds: readonly StepKind[], l: Locked, policy: SagaPolicy, ignoreBackoff: boolean): Promise<Worked> {
  if (l.row.status !== 'PENDING' || !l.priorDone || !(l.due || ignoreBackoff)) return { kind: 'skipped', row: l.row };
  const kind = kindOf(kinds, l.row);
  let bound: BoundStep;
  try {
    bound = kind.bind(l.row.payload);
  } catch (e) {
    return recordFailure(em, ctx, l, 'decode', e, policy);
  }
  let sent: Awaited<ReturnType<BoundStep['send']>>;
  try {
    // the handler reads through the step's own transaction: a second connection per step in flight
    // would starve the pool when many requests send at once
    sent = await bound.send({ ...ctx, em }, l.row.idempotencyKey);
  } catch (e) {
    if (e instanceof DomainError && outcomeOf(e.code) === 'compensate') {
      try {
        await em.transactional((sp) => compensateFrom(sp as EntityManager, ctx, kinds, l, e));
        return { kind: 'compensated', refusal: e };
      } catch (ce) {
        return recordFailure(em, ctx, l, 'compensate', ce, policy);
      }
    }
    return recordFailure(em, ctx, l, 'send', e, policy);
  }
  try {
    // a savepoint: if `done` fails, its writes go and the failure is still recorded under the same lock
    await em.transactional(async (sp) => {
      await sent.done(sp as EntityManager, ctx);
      await sp.execute(`update saga_step set status = 'DONE', attempts = attempts + 1, result = ?, updated_at = now() where id = ?`, [sent.result, l.row.id]);
    });
    return { kind: 'done' };
  } catch (e) {
    // the target has acted but we do not know it locally: the step is sent again with the same key
    return recordFailure(em, ctx, l, 'done', e, policy);
  }
}

const envPolicy = (): SagaPolicy => sagaPolicyFromEnv(process.env);

// ---- the request path ------------------------------------------------------------------------

const refusalOf = (e: StepError | null): DomainError | null =>
  e?.code && e.messageZh ? new DomainError(e.code, e.messageZh, e.message, e.details) : null;

/**
 * Works the saga's steps now, in order, for the request that enqueued them (call it after that
 * transaction committed). Returns when every step is DONE; throws SAGA_STEP_FAILED when one could
 * not be done now (it stays queued for the runner), or the target's refusal after compensating.
 */
export async function runSaga(ctx: Ctx, kinds: readonly StepKind[], sagaId: string, policy: SagaPolicy = envPolicy()): Promise<void> {
  const ids = await ctx.read<{ id: string }[]>(`select id from saga_step where saga_id = ? order by seq`, [sagaId]);
  for (const { id } of ids) {
    const worked = await ctx.em.transactional(async (em) => workLocked(em as EntityManager, ctx, kinds, await lockStep(em as EntityManager, Number(id)), policy, false));
    if (worked.kind === 'done') continue;
    if (worked.kind === 'compensated') throw worked.refusal;
    if (worked.kind === 'skipped') {
      const { row } = worked;
      if (row.status === 'DONE') continue; // done meanwhile by the runner or reconcile
      if (row.status === 'COMPENSATED') throw refusalOf(row.lastError) ?? fail('SAGA_STEP_FAILED', { service: row.target });
      fail('SAGA_STEP_FAILED', { service: row.target }); // waiting for its next attempt, or FAILED
    }
    fail('SAGA_STEP_FAILED', { service: worked.target });
  }
}

// ---- workers: the background runner and reconcile --------------------------------------------

/** Who a worker's handlers act as: a service, like any service-to-service call. */
export const SAGA_RUNNER: Caller = Object.freeze({
  sub: 'service:saga-runner', role: 'SERVICE', counties: [], townships: [], cooperatives: [], bank: null, enterprise: null, union: null, member: null,
});

export interface WorkReport { done: number; compensated: number; retried: number; failed: number }

export interface WorkOptions {
  /** reconcile: also work PENDING steps whose next attempt is not due yet */
  ignoreBackoff?: boolean;
  /** at most this many steps per call (default 1000) */
  limit?: number;
  policy?: SagaPolicy;
  /** checked between steps: the step in progress is always finished */
  signal?: AbortSignal;
}

const placeholders = (xs: readonly unknown[]) => xs.map(() => '?').join(', ');

/**
 * Works due steps one at a time until none is left (or `limit`), each step at most once per call.
 * A step is due when it is PENDING, its next attempt has come (or `ignoreBackoff`) and every earlier
 * step of its saga is DONE. The claim skips rows another worker holds, so concurrent workers (every
 * service's runner, `npm run reconcile`, a request in `runSaga`) never work the same step. Step
 * failures are counted, not thrown; a failure of this database is thrown.
 */
export async function workDueSteps(orm: MikroORM, kinds: readonly StepKind[], opts: WorkOptions = {}): Promise<WorkReport> {
  const report: WorkReport = { done: 0, compensated: 0, retried: 0, failed: 0 };
  const events = kinds.map((k) => k.event);
  if (events.length === 0) return report;
  const policy = opts.policy ?? envPolicy();
  const ignoreBackoff = opts.ignoreBackoff ?? false;
  const worked: number[] = [];
  while (worked.length < (opts.limit ?? 1000) && !opts.signal?.aborted) {
    const out = await orm.em.fork().transactional(async (tx) => {
      const em = tx as EntityManager;
      const [claimed] = await em.execute<{ id: string }[]>(
        `select s.id from saga_step s
         where s.status = 'PENDING' and (?::boolean or s.next_attempt_at <= now()) and s.event in (${placeholders(events)})
           and s.id <> all(?::bigint[]) and ${PRIOR_DONE}
         order by s.next_attempt_at, s.id limit 1 for update of s skip locked`,
        [ignoreBackoff, ...events, intArray(worked)],
      );
      if (!claimed) return null;
      const locked = await lockStep(em, Number(claimed.id));
      const requestId = `saga-${locked.row.id}-${locked.row.attempts + 1}`;
      return { id: locked.row.id, worked: await workLocked(em, makeCtx(orm, SAGA_RUNNER, requestId, null), kinds, locked, policy, ignoreBackoff) };
    });
    if (!out) break;
    worked.push(out.id);
    if (out.worked.kind !== 'skipped') report[out.worked.kind]++;
  }
  return report;
}

export interface SagaRunner {
  /** stops polling; resolves once the step in progress is finished */
  stop(): Promise<void>;
  /** look now instead of at the next tick (after enqueueing outside a request, say) */
  wake(): void;
}

/**
 * The background loop of a service: every `intervalMs` (500) a cheap look at the partial index, and
 * when something is due, `workDueSteps`. Never throws: a database outage is logged and the next tick
 * tries again. The timer is unref'd, so it never keeps a process alive by itself.
 */
export function startSagaRunner(orm: MikroORM, kinds: readonly StepKind[], opts: { intervalMs?: number; policy?: SagaPolicy } = {}): SagaRunner {
  const intervalMs = opts.intervalMs ?? 500;
  const policy = opts.policy ?? envPolicy(); // a malformed SAGA_* variable stops the service at start, not at the first step
  const events = kinds.map((k) => k.event);
  const log = logger.child({ component: 'saga-runner' });
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | null = null;
  let again = false;

  const schedule = (ms: number) => {
    if (stopping.signal.aborted) return;
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  async function work(): Promise<void> {
    try {
      if (events.length === 0) return;
      const due = await orm.em.fork().execute<unknown[]>(
        `select 1 from saga_step where status = 'PENDING' and next_attempt_at <= now() and event in (${placeholders(events)}) limit 1`,
        events,
      );
      if (due.length === 0) return;
      const report = await workDueSteps(orm, kinds, { policy, signal: stopping.signal });
      if (report.done + report.compensated + report.retried + report.failed > 0) log.info(report, 'saga steps worked');
    } catch (e) {
      log.error({ err: e }, 'saga runner pass failed; trying again at the next tick');
    }
  }
  function tick(): void {
    timer = undefined;
    pass = work().finally(() => {
      pass = null;
      const soon = again;
      again = false;
      schedule(soon ? 0 : intervalMs);
    });
  }
  schedule(0);
  return {
    wake() {
      if (pass) again = true;
      else schedule(0);
    },
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await pass;
    },
  };
}

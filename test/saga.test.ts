import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from 'pg';
import type { Caller } from '../subgraphs/lib/auth';
import { makeCtx } from '../subgraphs/lib/context';
import { openDatabase, type EntityManager } from '../subgraphs/lib/db';
import { domainError } from '../subgraphs/lib/error-codes';
import { DomainError } from '../subgraphs/lib/errors';
import { defineStep, enqueue, runSaga, startSagaRunner, workDueSteps, type SagaStep } from '../subgraphs/lib/saga';
import { listFailed, listStuck, retryFailed } from '../subgraphs/lib/saga-operators';
import type { StepError } from '../subgraphs/lib/saga-table';
import type { SagaPolicy } from '../subgraphs/lib/saga.rules';
import { membersMigrations } from '../subgraphs/members/migrations';
import { createTestDatabases, sql } from './support/db';

/**
 * The saga mechanism on a real database (the members database of a fresh test pair, which has
 * saga_step from the shared migration). The steps are fakes: `send` records what it was asked and
 * answers from a script; `done` and `compensate` write rows into a `probe` table, so the tests see
 * which local effects committed. Each test uses its own event name, so no test works another's steps.
 */

interface Post { tag: string; amount: bigint; parts: bigint[]; memberId: number }

const POLICY: SagaPolicy = { baseMs: 10_000, maxMs: 25_000, maxAttempts: 4 };
const BOARD: Caller = { sub: 'board-1', role: 'COOPERATIVE', counties: [], townships: [], cooperatives: [1], bank: null, enterprise: null, union: null, member: null };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let orm: MikroORM;
let orm2: MikroORM;
let pg: Client;
let n = 0;
const fresh = (name: string) => `${name}_${++n}`;

beforeAll(async () => {
  const dbs = await createTestDatabases();
  orm = await openDatabase({ url: dbs.members, entities: [], migrations: membersMigrations, poolMax: 4 });
  orm2 = await openDatabase({ url: dbs.members, entities: [], migrations: membersMigrations, poolMax: 4 });
  pg = await sql(dbs.members);
  await pg.query(`create table probe (tag text not null, what text not null)`);
});

afterAll(async () => {
  await pg?.end();
  await orm?.close(true);
  await orm2?.close(true);
});

type Script = (tag: string, call: number, payload: Post) => string | Promise<string>;

/** A step kind whose send answers from `script` (by default `txn:<tag>`), and what happened to it. */
function probeKind(opts: { script?: Script; delayMs?: number; failDone?: (tag: string, call: number) => boolean; failCompensate?: boolean } = {}) {
  const seen = {
    sent: [] as string[],
    payloads: [] as Post[],
    keys: [] as string[],
    contexts: [] as { requestId: string; sub: string | undefined }[],
    done: [] as string[],
    compensated: [] as [string, string][],
    sending: 0,
  };
  const calls = new Map<string, number>();
  const kind = defineStep<Post, string>({
    event: fresh('TEST_EVENT'),
    target: 'ledger-test',
    decode: (j) => ({ tag: j.tag, memberId: j.memberId, amount: BigInt(j.amount), parts: j.parts.map((x) => BigInt(x)) }),
    async send(ctx, payload, key) {
      const call = (calls.get(payload.tag) ?? 0) + 1;
      calls.set(payload.tag, call);
      seen.sent.push(payload.tag);
      seen.payloads.push(payload);
      seen.keys.push(key);
      seen.contexts.push({ requestId: ctx.requestId, sub: ctx.caller?.sub });
      seen.sending++;
      try {
        if (opts.delayMs) await sleep(opts.delayMs);
        return opts.script ? await opts.script(payload.tag, call, payload) : `txn:${payload.tag}`;
      } finally {
        seen.sending--;
      }
    },
    async done(em, _ctx, payload, result) {
      await em.execute(`insert into probe (tag, what) values (?, ?)`, [payload.tag, `done ${result}`]);
      const call = seen.done.filter((t) => t === payload.tag).length + 1;
      if (opts.failDone?.(payload.tag, call)) {
        seen.done.push(payload.tag);
        throw new Error('crash between send and commit');
      }
      seen.done.push(payload.tag);
    },
    async compensate(em, _ctx, payload, refusal) {
      await em.execute(`insert into probe (tag, what) values (?, 'compensated')`, [payload.tag]);
      if (opts.failCompensate) throw new Error('compensation broke');
      seen.compensated.push([payload.tag, refusal.code]);
    },
  });
  return { kind, seen };
}

/** The caller's own change and its saga's steps, in one transaction (tags `<saga>/1`, `<saga>/2`, …; the tag is the key). */
async function order(kind: SagaStep<Post>, steps: number, sagaId = fresh('saga')): Promise<{ sagaId: string; tags: string[]; ids: number[] }> {
  const payloads: Post[] = Array.from({ length: steps }, (_, i) => ({ tag: `${sagaId}/${i + 1}`, amount: BigInt(100 * (i + 1)), parts: [1n, 2n], memberId: i + 1 }));
  const ids = await orm.em.fork().transactional(async (em) => {
    await em.execute(`insert into probe (tag, what) values (?, 'order')`, [sagaId]);
    return enqueue(em as EntityManager, kind, sagaId, payloads, (_i, p) => p.tag);
  });
  return { sagaId, tags: payloads.map((p) => p.tag), ids };
}

interface StepDbRow { id: string; seq: number; status: string; attempts: number; last_error: StepError | null; result: string | null; next_attempt_at: Date; updated_at: Date; payload: Record<string, unknown> }
const steps = async (sagaId: string) => (await pg.query<StepDbRow>(`select * from saga_step where saga_id = $1 order by seq`, [sagaId])).rows;
const statuses = async (sagaId: string) => (await steps(sagaId)).map((r) => r.status);
const probe = async (tag: string) => (await pg.query<{ what: string }>(`select what from probe where tag = $1 order by what`, [tag])).rows.map((r) => r.what);
const requestCtx = () => makeCtx(orm, BOARD, fresh('req'), null);

async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(20);
  }
}

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(() => null, (x: unknown) => x);
  if (!(e instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(e)}`);
  return e;
}

describe('enqueue', () => {
  it('writes the steps in order inside the caller transaction, and they roll back with it', async () => {
    const { kind } = probeKind();
    const { sagaId, ids } = await order(kind, 3);
    const rows = await steps(sagaId);
    expect(rows.map((r) => [Number(r.id), r.seq, r.status, r.attempts])).toEqual(ids.map((id, i) => [id, i + 1, 'PENDING', 0]));
    expect(await probe(sagaId)).toEqual(['order']);

    const lost = fresh('saga');
    await expect(orm.em.fork().transactional(async (em) => {
      await em.execute(`insert into probe (tag, what) values (?, 'order')`, [lost]);
      await enqueue(em as EntityManager, kind, lost, [{ tag: `${lost}/1`, amount: 1n, parts: [], memberId: 1 }], (_i, p) => p.tag);
      throw new Error('the caller changed its mind');
    })).rejects.toThrow('the caller changed its mind');
    expect(await steps(lost)).toEqual([]);
    expect(await probe(lost)).toEqual([]);
  });

  it('refuses to run outside a transaction (the outbox would not commit with the change)', async () => {
    const { kind } = probeKind();
    await expect(enqueue(orm.em.fork() as EntityManager, kind, fresh('saga'), [], () => 'k')).rejects.toThrow(/inside the transaction/);
  });

  it('a second enqueue for the same saga appends after its last step', async () => {
    const { kind } = probeKind();
    const sagaId = fresh('saga');
    await order(kind, 2, sagaId);
    await orm.em.fork().transactional((em) => enqueue(em as EntityManager, kind, sagaId, [{ tag: `${sagaId}/extra`, amount: 5n, parts: [], memberId: 9 }], (_i, p) => p.tag));
    expect((await steps(sagaId)).map((r) => r.seq)).toEqual([1, 2, 3]);
  });
});

describe('runSaga (the request path)', () => {
  it('sends each step in order and commits its local effect with DONE', async () => {
    const { kind, seen } = probeKind();
    const { sagaId, tags } = await order(kind, 2);
    const ctx = requestCtx();
    await runSaga(ctx, [kind], sagaId, POLICY);
    expect(seen.sent).toEqual(tags);
    expect(seen.keys).toEqual(tags);
    expect(seen.contexts.map((c) => c.requestId)).toEqual([ctx.requestId, ctx.requestId]);
    const rows = await steps(sagaId);
    expect(rows.map((r) => [r.status, r.attempts, r.result])).toEqual(tags.map((t) => ['DONE', 1, JSON.stringify(`txn:${t}`)]));
    for (const t of tags) expect(await probe(t)).toEqual([`done txn:${t}`]);
    // a repeat (same request again) finds everything DONE and sends nothing
    await runSaga(requestCtx(), [kind], sagaId, POLICY);
    expect(seen.sent).toEqual(tags);
  });

  it.each<[string, () => never]>([
    ['a transport failure (SAGA_STEP_FAILED)', () => { throw domainError('SAGA_STEP_FAILED', { service: 'ledger-test' }); }],
    ['the target database restarting (DATABASE_UNAVAILABLE)', () => { throw domainError('DATABASE_UNAVAILABLE', { retryable: true, retryAfterSeconds: 5 }); }],
    ['an uncoded error', () => { throw new Error('socket hang up'); }],
  ])('retry on %s: SAGA_STEP_FAILED to the caller, attempts and next attempt recorded, later steps untouched', async (_name, boom) => {
    const { kind, seen } = probeKind({ script: (tag) => (tag.endsWith('/1') ? boom() : `txn:${tag}`) });
    const { sagaId, tags } = await order(kind, 2);
    const e = await refusal(runSaga(requestCtx(), [kind], sagaId, POLICY));
    expect([e.code, e.details]).toEqual(['SAGA_STEP_FAILED', { service: 'ledger-test' }]);
    const [first, second] = await steps(sagaId);
    expect([first!.status, first!.attempts, second!.status, second!.attempts]).toEqual(['PENDING', 1, 'PENDING', 0]);
    // both timestamps are the same transaction's now(): the pause is exactly the policy's first one
    expect(first!.next_attempt_at.getTime() - first!.updated_at.getTime()).toBe(POLICY.baseMs);
    expect(first!.last_error).toMatchObject({ phase: 'send' });
    expect(seen.sent).toEqual([tags[0]]);
    // asked again at once, the step is not due yet: still SAGA_STEP_FAILED, nothing sent
    expect((await refusal(runSaga(requestCtx(), [kind], sagaId, POLICY))).code).toBe('SAGA_STEP_FAILED');
    expect(seen.sent).toEqual([tags[0]]);
  });

  it('compensate on a refusal: this and every later step compensated in one go, the refusal re-thrown', async () => {
    const { kind, seen } = probeKind({ script: (tag) => (tag.endsWith('/2') ? (() => { throw domainError('COOPERATIVE_EXITED'); })() : `txn:${tag}`) });
    const { sagaId, tags } = await order(kind, 3);
    const e = await refusal(runSaga(requestCtx(), [kind], sagaId, POLICY));
    expect(e.code).toBe('COOPERATIVE_EXITED');
    expect(await statuses(sagaId)).toEqual(['DONE', 'COMPENSATED', 'COMPENSATED']);
    expect(seen.sent).toEqual([tags[0], tags[1]]); // the third was never sent
    expect(seen.compensated).toEqual([[tags[1], 'COOPERATIVE_EXITED'], [tags[2], 'COOPERATIVE_EXITED']]);
    expect(await probe(tags[1]!)).toEqual(['compensated']);
    expect((await steps(sagaId))[1]!.last_error).toMatchObject({ phase: 'send', code: 'COOPERATIVE_EXITED' });
    // a repeat gets the same refusal back and sends nothing
    const again = await refusal(runSaga(requestCtx(), [kind], sagaId, POLICY));
    expect([again.code, again.messageZh, again.messageEn]).toEqual([e.code, e.messageZh, e.messageEn]);
    expect(seen.sent).toHaveLength(2);
  });

  it('a compensation that fails rolls back whole and leaves the step to be retried', async () => {
    const { kind } = probeKind({ failCompensate: true, script: () => { throw domainError('COOPERATIVE_EXITED'); } });
    const { sagaId, tags } = await order(kind, 2);
    expect((await refusal(runSaga(requestCtx(), [kind], sagaId, POLICY))).code).toBe('SAGA_STEP_FAILED');
    const rows = await steps(sagaId);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([['PENDING', 1], ['PENDING', 0]]);
    expect(rows[0]!.last_error).toMatchObject({ phase: 'compensate', code: null, message: 'compensation broke' });
    expect(await probe(tags[0]!)).toEqual([]);
  });

  it('waits for a worker holding the step, then sees it DONE and does not send it again', async () => {
    const { kind, seen } = probeKind({ delayMs: 300 });
    const { sagaId, tags } = await order(kind, 1);
    const worker = workDueSteps(orm2, [kind], { policy: POLICY });
    await until(async () => seen.sending > 0);
    await runSaga(requestCtx(), [kind], sagaId, POLICY);
    expect(await statuses(sagaId)).toEqual(['DONE']); // DONE when runSaga returned: it waited for the lock
    expect(await worker).toEqual({ done: 1, compensated: 0, retried: 0, failed: 0 });
    expect(seen.sent).toEqual(tags);
  });
});

describe('workDueSteps (runner and reconcile)', () => {
  it('backs off, doubling up to the cap, and ends FAILED after maxAttempts; retryFailed gives it another round', async () => {
    let up = false;
    const { kind, seen } = probeKind({ script: (tag) => (up ? `txn:${tag}` : (() => { throw domainError('SAGA_STEP_FAILED', { service: 'ledger-test' }); })()) });
    const { sagaId, ids } = await order(kind, 1);
    const pauses: number[] = [];
    for (const expected of [{ retried: 1, failed: 0 }, { retried: 1, failed: 0 }, { retried: 1, failed: 0 }, { retried: 0, failed: 1 }]) {
      expect(await workDueSteps(orm, [kind], { policy: POLICY, ignoreBackoff: true })).toEqual({ done: 0, compensated: 0, ...expected });
      const [row] = await steps(sagaId);
      pauses.push(row!.next_attempt_at.getTime() - row!.updated_at.getTime());
    }
    expect(pauses.slice(0, 3)).toEqual([10_000, 20_000, 25_000]);
    const [row] = await steps(sagaId);
    expect([row!.status, row!.attempts]).toEqual(['FAILED', 4]);
    expect(seen.sent).toHaveLength(4);
    // FAILED is final for the workers, even in reconcile mode
    expect(await workDueSteps(orm, [kind], { policy: POLICY, ignoreBackoff: true })).toEqual({ done: 0, compensated: 0, retried: 0, failed: 0 });

    const failed = (await listFailed(orm.em.fork() as EntityManager)).filter((s) => s.sagaId === sagaId);
    expect(failed.map((s) => [s.id, s.event, s.target, s.status, s.attempts, s.lastError?.code])).toEqual([[ids[0], kind.event, 'ledger-test', 'FAILED', 4, 'SAGA_STEP_FAILED']]);
    expect(failed[0]!.nextAttemptAt).toBeInstanceOf(Date);
    expect(await retryFailed(orm.em.fork() as EntityManager, [ids[0]! + 1_000_000])).toBe(0);
    expect(await retryFailed(orm.em.fork() as EntityManager, ids)).toBe(1);
    expect((await steps(sagaId)).map((r) => [r.status, r.attempts])).toEqual([['PENDING', 0]]);
    up = true;
    expect(await workDueSteps(orm, [kind], { policy: POLICY })).toEqual({ done: 1, compensated: 0, retried: 0, failed: 0 });
    expect(await statuses(sagaId)).toEqual(['DONE']);
  });

  it('retryFailed without ids resets every FAILED step', async () => {
    const { kind } = probeKind({ script: () => { throw new Error('down'); } });
    const a = await order(kind, 1);
    const b = await order(kind, 1);
    for (let i = 0; i < POLICY.maxAttempts; i++) await workDueSteps(orm, [kind], { policy: POLICY, ignoreBackoff: true });
    expect([...(await statuses(a.sagaId)), ...(await statuses(b.sagaId))]).toEqual(['FAILED', 'FAILED']);
    expect(await retryFailed(orm.em.fork() as EntityManager)).toBeGreaterThanOrEqual(2);
    expect([...(await statuses(a.sagaId)), ...(await statuses(b.sagaId))]).toEqual(['PENDING', 'PENDING']);
  });

  it('a step in backoff is skipped by the runner and worked by reconcile (ignoreBackoff)', async () => {
    const { kind, seen } = probeKind({ script: (tag, call) => (call === 1 ? (() => { throw new Error('down'); })() : `txn:${tag}`) });
    const { sagaId } = await order(kind, 1);
    expect(await workDueSteps(orm, [kind], { policy: POLICY })).toEqual({ done: 0, compensated: 0, retried: 1, failed: 0 });
    expect(await workDueSteps(orm, [kind], { policy: POLICY })).toEqual({ done: 0, compensated: 0, retried: 0, failed: 0 });
    expect(seen.sent).toHaveLength(1);
    expect(await workDueSteps(orm, [kind], { policy: POLICY, ignoreBackoff: true })).toEqual({ done: 1, compensated: 0, retried: 0, failed: 0 });
    expect(await statuses(sagaId)).toEqual(['DONE']);
  });

  it('works a saga in seq order: a later step is not sent before the earlier one is DONE', async () => {
    let down = true;
    const { kind, seen } = probeKind({ script: (tag) => (down && tag.endsWith('/1') ? (() => { throw new Error('down'); })() : `txn:${tag}`) });
    const { sagaId, tags } = await order(kind, 3);
    // step 1 fails once; within one call it is tried once, and steps 2 and 3 wait although they are due by time
    expect(await workDueSteps(orm, [kind], { policy: POLICY, ignoreBackoff: true })).toEqual({ done: 0, compensated: 0, retried: 1, failed: 0 });
    expect(await workDueSteps(orm, [kind], { policy: POLICY })).toEqual({ done: 0, compensated: 0, retried: 0, failed: 0 });
    expect(seen.sent).toEqual([tags[0]]);
    down = false;
    expect(await workDueSteps(orm, [kind], { policy: POLICY, ignoreBackoff: true })).toEqual({ done: 3, compensated: 0, retried: 0, failed: 0 });
    expect(seen.sent).toEqual([tags[0], ...tags]);
    expect(await statuses(sagaId)).toEqual(['DONE', 'DONE', 'DONE']);
  });

  it('a refusal seen by a worker compensates the rest of the saga', async () => {
    const { kind, seen } = probeKind({ script: () => { throw domainError('NOT_FOUND'); } });
    const { sagaId, tags } = await order(kind, 2);
    expect(await workDueSteps(orm, [kind], { policy: POLICY })).toEqual({ done: 0, compensated: 1, retried: 0, failed: 0 });
    expect(await statuses(sagaId)).toEqual(['COMPENSATED', 'COMPENSATED']);
    expect(seen.compensated).toEqual(tags.map((t) => [t, 'NOT_FOUND']));
  });

  it('two workers at once over 20 steps: each step sent exactly once and its local effect committed once', async () => {
    const { kind, seen } = probeKind({ delayMs: 15 });
    const sagas = [];
    for (let i = 0; i < 10; i++) sagas.push(await order(kind, 2)); // 10 sagas of 2 steps: the order rule is in play too
    const tags = sagas.flatMap((s) => s.tags);
    const [a, b] = await Promise.all([workDueSteps(orm, [kind], { policy: POLICY }), workDueSteps(orm2, [kind], { policy: POLICY })]);
    expect(a.done + b.done).toBe(20);
    expect(a.done).toBeGreaterThan(0); // both really worked
    expect(b.done).toBeGreaterThan(0);
    expect([a.compensated + b.compensated, a.retried + b.retried, a.failed + b.failed]).toEqual([0, 0, 0]);
    expect([...seen.sent].sort()).toEqual([...tags].sort());
    expect([...seen.done].sort()).toEqual([...tags].sort());
    const r = await pg.query<{ tag: string; n: number }>(`select tag, count(*)::int as n from probe where tag = any($1) group by tag`, [tags]);
    expect(r.rows).toHaveLength(20);
    expect(r.rows.every((x) => x.n === 1)).toBe(true);
    for (const s of sagas) {
      expect(await statuses(s.sagaId)).toEqual(['DONE', 'DONE']);
      expect(seen.sent.indexOf(s.tags[0]!)).toBeLessThan(seen.sent.indexOf(s.tags[1]!));
    }
  });

  it('a crash between send and commit (done throws) leaves the step PENDING; next the same key is sent again', async () => {
    const { kind, seen } = probeKind({ failDone: (_tag, call) => call === 1 });
    const { sagaId, tags, ids } = await order(kind, 1);
    expect(await workDueSteps(orm, [kind], { policy: POLICY })).toEqual({ done: 0, compensated: 0, retried: 1, failed: 0 });
    const [row] = await steps(sagaId);
    expect([row!.status, row!.attempts, row!.last_error?.phase, row!.last_error?.message]).toEqual(['PENDING', 1, 'done', 'crash between send and commit']);
    expect(await probe(tags[0]!)).toEqual([]); // what done wrote before it threw went with it
    expect(await workDueSteps(orm, [kind], { policy: POLICY, ignoreBackoff: true })).toEqual({ done: 1, compensated: 0, retried: 0, failed: 0 });
    expect(seen.keys).toEqual([tags[0], tags[0]]);
    expect(await probe(tags[0]!)).toEqual([`done txn:${tags[0]}`]);
    // the handlers ran as the runner, one request id per attempt
    expect(seen.contexts).toEqual([
      { requestId: `saga-${ids[0]}-1`, sub: 'service:saga-runner' },
      { requestId: `saga-${ids[0]}-2`, sub: 'service:saga-runner' },
    ]);
  });

  it('bigint payload fields round-trip through jsonb as decimal strings', async () => {
    const { kind, seen } = probeKind();
    const sagaId = fresh('saga');
    const big: Post = { tag: `${sagaId}/1`, amount: 2n ** 63n - 1n, parts: [-5n, 0n, 12345678901234567890n], memberId: 42 };
    await orm.em.fork().transactional((em) => enqueue(em as EntityManager, kind, sagaId, [big], (_i, p) => p.tag));
    expect((await steps(sagaId))[0]!.payload).toEqual({ tag: big.tag, amount: '9223372036854775807', parts: ['-5', '0', '12345678901234567890'], memberId: 42 });
    await runSaga(requestCtx(), [kind], sagaId, POLICY);
    expect(seen.payloads).toEqual([big]);
    expect(typeof seen.payloads[0]!.amount).toBe('bigint');
  });

  it('listStuck names PENDING steps older than the threshold', async () => {
    const { kind } = probeKind();
    const { sagaId, ids } = await order(kind, 2);
    await pg.query(`update saga_step set created_at = now() - interval '2 minutes' where id = $1`, [ids[0]]);
    const stuck = (await listStuck(orm.em.fork() as EntityManager)).filter((s) => s.sagaId === sagaId);
    expect(stuck.map((s) => [s.id, s.seq, s.status])).toEqual([[ids[0], 1, 'PENDING']]);
    expect((await listStuck(orm.em.fork() as EntityManager, 0)).filter((s) => s.sagaId === sagaId).map((s) => s.id)).toEqual(ids);
  });
});

describe('startSagaRunner', () => {
  it('works what is enqueued without being asked; stop() waits for the step in progress, then nothing more runs', async () => {
    const { kind, seen } = probeKind({ delayMs: 300 });
    const runner = startSagaRunner(orm, [kind], { intervalMs: 50, policy: POLICY });
    try {
      const first = await order(kind, 1);
      await until(async () => (await statuses(first.sagaId))[0] === 'DONE');
      const second = await order(kind, 1);
      runner.wake();
      await until(async () => seen.sending > 0);
      await runner.stop(); // while the second step is being sent
      expect(await statuses(second.sagaId)).toEqual(['DONE']);
      const third = await order(kind, 1);
      runner.wake(); // stopped: no effect
      await sleep(300);
      expect(await statuses(third.sagaId)).toEqual(['PENDING']);
      expect(seen.sent).toEqual([...first.tags, ...second.tags]);
    } finally {
      await runner.stop();
    }
  });

  it('survives a broken database: the ticks fail and are logged, the step is done once it is back', async () => {
    const { kind } = probeKind();
    const { sagaId } = await order(kind, 1);
    await pg.query(`alter table saga_step rename to saga_step_away`);
    const runner = startSagaRunner(orm, [kind], { intervalMs: 30, policy: POLICY });
    try {
      await sleep(200); // several failing ticks
      await pg.query(`alter table saga_step_away rename to saga_step`);
      await until(async () => (await statuses(sagaId))[0] === 'DONE');
    } finally {
      await runner.stop();
    }
  });
});

import type { MikroORM } from '@mikro-orm/postgresql';
import type { Caller } from '../lib/auth';
import { makeCtx } from '../lib/context';
import { dayInChina } from '../lib/dates';
import { logger } from '../lib/logger';
import { precomputeSnapshots } from './portfolio.service';
import { pruneSnapshotsSql } from './portfolio.rules';

const SYSTEM: Caller = Object.freeze({
  sub: 'system:portfolio-snapshots', role: 'SERVICE', counties: [], townships: [], cooperatives: [], bank: null, enterprise: null, union: null, member: null,
});

/**
 * Delete the snapshots the retention rule (portfolio.rules' keepSnapshot) no longer keeps on
 * `today`, `batch` rows per statement with `pause` between batches, so a first run over a long
 * history does not hold locks or bloat one transaction; returns how many were deleted.
 */
export async function pruneSnapshots(orm: MikroORM, today: string, batch = 5_000, pause: () => Promise<void> = async () => {}): Promise<number> {
  let done = 0;
  for (;;) {
    const [row] = await orm.em.fork().execute<{ n: number }[]>(pruneSnapshotsSql({ today: '?::date', limit: '?::int' }), [today, today, batch]);
    const n = row?.n ?? 0;
    done += n;
    if (n < batch) return done;
    await pause();
  }
}

/**
 * Keeps today's portfolio snapshots computed: shortly after start and every ten minutes (so also
 * just after midnight, Ningxia time), every fund without a current snapshot for today is computed,
 * 50 cooperatives per statement with a short pause between batches so readers are not starved.
 * Money moved later invalidates only that cooperative's snapshot (its fund version changes), which
 * the next reader or the next run recomputes. Once a day (the first run of each Ningxia day) it
 * also prunes what the retention rule no longer keeps. Off with SNAPSHOT_PRECOMPUTE=0 (the benchmark).
 */
export function startSnapshotJob(orm: MikroORM, opts: { firstDelayMs?: number; everyMs?: number } = {}): () => void {
  let running = false;
  let stopped = false;
  let prunedOn: string | null = null;
  // between batches; once stopped (the service is shutting down) the next batch is not started
  const between = () => (stopped ? Promise.reject(new Error('snapshot job stopped')) : new Promise<void>((r) => setTimeout(r, 50)));
  const run = async () => {
    if (running || stopped) return;
    running = true;
    const asOf = dayInChina(Date.now());
    const started = Date.now();
    try {
      const n = await precomputeSnapshots(
        () => makeCtx(orm, SYSTEM, `snapshots:${asOf}`, null),
        asOf,
        50,
        between,
      );
      if (n > 0) logger.info({ asOf, cooperatives: n, ms: Date.now() - started }, 'portfolio snapshots computed');
      if (prunedOn !== asOf) {
        const pruned = await pruneSnapshots(orm, asOf, 5_000, between);
        prunedOn = asOf;
        if (pruned > 0) logger.info({ asOf, pruned }, 'old portfolio snapshots pruned');
      }
    } catch (e) {
      if (!stopped) logger.error({ err: e, asOf }, 'portfolio snapshot job failed');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void run(), opts.firstDelayMs ?? 2_000);
  const every = setInterval(() => void run(), opts.everyMs ?? 10 * 60_000);
  first.unref();
  every.unref();
  return () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(every);
  };
}

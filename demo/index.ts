/**
 * The demo data of the federation: what `npm start` loads into empty databases (the county) and
 * `npm run seed` loads at either scale. The simulation (./county.ts) is domain content and knows
 * every subgraph's rules; ./rows.ts turns it into COPY text per table name; the generic loader
 * (infra/seed/load.ts) writes each table into the subgraph whose seed layout lists it.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { load, type BatchSource, type LoadReport, type SeedBatch, type SeedUrls } from '../infra/seed/load';
import { planSeed, type PlanOptions, type SeedStats } from './county';
import { batches, toWire } from './rows';

export { isEmpty, type SeedUrls } from '../infra/seed/load';
export { DEFAULT_AS_OF, DEFAULT_SEED, type ScaleName, type SeedStats } from './county';

export interface SeedOptions extends PlanOptions {
  log?: (msg: string) => void;
  /** Progress line on stderr. */
  progress?: boolean;
  /** Generate in a worker thread (default: when running the compiled build). */
  worker?: boolean;
  /** Approximate size of one COPY batch (bytes), default 8 MB. */
  batchChars?: number;
}

export interface SeedReport extends LoadReport {
  stats: SeedStats;
}

/** The tables the progress line follows, with their short labels. */
const PROGRESS_LABELS: Readonly<Record<string, string>> = {
  member: 'mem', contribution: 'contrib', guarantee_group_member: 'grp', insurance_policy: 'ins', ledger_txn: 'txn', ledger_line: 'line',
  loan: 'loan', loan_instalment: 'inst', repayment: 'repay', bank_transfer: 'xfer',
};

/** Source of batches: a worker thread (compiled build) or this thread. */
function batchSource(planOpts: PlanOptions, batchChars: number, useWorker: boolean): BatchSource {
  if (!useWorker) {
    return {
      async *[Symbol.asyncIterator]() {
        for (const b of batches(planOpts, batchChars)) {
          yield toWire(b);
          await new Promise((r) => setImmediate(r)); // let the sockets drain
        }
      },
      async close() {},
    };
  }
  const worker = new Worker(join(__dirname, 'worker.js'), { workerData: { planOpts, batchChars } });
  const queue: SeedBatch[] = [];
  let done = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (m: { type: 'batch'; batch: SeedBatch } | { type: 'done' }) => {
    if (m.type === 'batch') queue.push(m.batch);
    else done = true;
    notify();
  });
  worker.on('error', (e) => {
    failure = e;
    notify();
  });
  worker.on('exit', (code) => {
    if (!done && !failure) failure = new Error(`seed worker exited (${code})`);
    notify();
  });
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (queue.length > 0) {
          const b = queue.shift()!;
          worker.postMessage('ack'); // one more batch may be generated
          yield b;
          continue;
        }
        if (failure) throw failure;
        if (done) return;
        await new Promise<void>((r) => (wake = r));
      }
    },
    async close() {
      await worker.terminate();
    },
  };
}


/**
 * Generates the scale and loads it into the migrated, empty databases. Returns counts, per-table
 * COPY and index times, and the process' peak memory.
 */
export async function seed(urls: SeedUrls, opts: SeedOptions = {}): Promise<SeedReport> {
  const t0 = Date.now();
  const planOpts: PlanOptions = { scale: opts.scale, seed: opts.seed, asOf: opts.asOf, cooperatives: opts.cooperatives };
  const plan = planSeed(planOpts);
  const source = batchSource(planOpts, opts.batchChars ?? 8_000_000, opts.worker ?? __filename.endsWith('.js'));
  const report = await load(urls, source, {
    log: opts.log,
    progress: opts.progress ? { unit: 'coops', total: plan.coops.length, labels: PROGRESS_LABELS } : undefined,
  });
  const rows = (table: string): number => report.tables.find((t) => t.table === table)?.rows ?? 0;
  const stats: SeedStats = {
    counties: plan.counties.length,
    townships: plan.townships.length,
    cooperatives: rows('cooperative'),
    members: rows('member'),
    loans: rows('loan'),
    repayments: rows('repayment'),
    ledgerTxns: rows('ledger_txn'),
    ms: Date.now() - t0,
  };
  opts.log?.(`seed: ${JSON.stringify(stats)}`);
  return { ...report, stats };
}

/** The county demo (what `npm start` loads into empty databases). */
export async function seedCounty(urls: SeedUrls, opts: SeedOptions = {}): Promise<SeedStats> {
  const r = await seed(urls, { ...opts, scale: 'county' });
  opts.log?.(`seed: ${r.tables.filter((t) => t.rows > 0).map((t) => `${t.table} ${t.rows} rows ${t.copyMs} ms`).join(', ')}`);
  return r.stats;
}

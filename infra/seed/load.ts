/**
 * Loads generated rows into the (migrated, empty) databases of every registry subgraph that declares
 * a seed layout (`seed` in its definition, `subgraphs/lib/seed-layout.ts`), with PostgreSQL COPY: one
 * connection and one transaction per database, all committed only when every load succeeded. The
 * rows come as batches of COPY text per table name (the generator, e.g. demo/, knows the domain; this
 * file knows only the layouts); each table's subgraph is found in the layouts.
 *
 * Each connection works through the batches on its own (one database's share may be much larger than
 * another's); a batch is let go once every connection has loaded it and at most a few are held, so
 * memory stays bounded whatever the scale.
 *
 * Load mode, inside each transaction:
 * - the loaded tables are truncated first, so COPY can write frozen rows (`FREEZE`): no hint-bit
 *   rewrites nor anti-wraparound vacuum of millions of fresh rows later;
 * - secondary indexes, and the primary keys and unique constraints no foreign key depends on, are
 *   dropped and recreated after the load from their own catalog definitions (`pg_get_indexdef`,
 *   `pg_get_constraintdef`), i.e. exactly as the migrations made them; indexes are built once from
 *   sorted data instead of row by row (keys referenced by foreign keys stay);
 * - as superuser, `session_replication_role = replica` turns off trigger firing for the load: the
 *   per-row foreign-key checks (the generator's rows are consistent by construction; its tests check
 *   every reference) and the statement-level triggers, whose effects the layout's `recompute`
 *   statements then derive from the loaded rows before commit. Without the privilege the triggers
 *   simply run.
 */
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SeedLayout, SeedTable } from '../../subgraphs/lib/seed-layout';
import { REGISTRY } from '../../subgraphs/registry';

/** A database URL per registry subgraph, by name. */
export type SeedUrls = Record<string, string>;

/** Rows for some tables: per table name, its rows as COPY text in UTF-8 (an own ArrayBuffer, transferable between threads). */
export interface SeedBatch {
  tables: { table: string; rows: number; data: Uint8Array }[];
  /** How many of the generator's units (cooperatives for the demo) the batch completes, for the progress line. */
  units: number;
}

/** Where the batches come from; closed once every batch was taken (or the load failed). */
export interface BatchSource extends AsyncIterable<SeedBatch> {
  close(): Promise<void>;
}

export interface LoadOptions {
  log?: (msg: string) => void;
  /** A progress line on stderr: `total` units, and the row counts of the tables in `labels` under their short label. */
  progress?: { unit: string; total: number; labels: Readonly<Record<string, string>> };
}

export interface TableReport {
  subgraph: string;
  table: string;
  rows: number;
  /** Time spent in this table's COPY statements. */
  copyMs: number;
  /** Time spent recreating its secondary indexes. */
  indexMs: number;
}

export interface LoadReport {
  /** Every layout table, in registry and load order. */
  tables: TableReport[];
  /** Triggers (FK checks, counters) off during the load and their effects recomputed, or left on. */
  triggers: 'disabled' | 'enabled';
  /** Load done (all COPY finished) / indexes, recompute, analyze, commit: ms since start. */
  phases: { loadedMs: number; finishedMs: number };
  peakRssMb: number;
}

interface Seeded {
  subgraph: string;
  layout: SeedLayout;
}

/**
 * The registry subgraphs with a seed layout, in registry order. Batches name tables, not subgraphs: a
 * table name belongs to one layout only, unless every layout listing it marks it `shared` (then each
 * of those databases loads the same rows).
 */
function seededSubgraphs(): Seeded[] {
  const out: Seeded[] = [];
  const owner = new Map<string, string>();
  const shared = new Set<string>();
  for (const d of REGISTRY) {
    if (!d.seed) continue;
    if (d.seed.tables.length === 0) throw new Error(`seed: the seed layout of ${d.name} has no table`);
    for (const t of d.seed.tables) {
      const other = owner.get(t.name);
      if (other !== undefined && !(t.shared && shared.has(t.name))) throw new Error(`seed: table ${t.name} is in the seed layouts of both ${other} and ${d.name}`);
      owner.set(t.name, d.name);
      if (t.shared) shared.add(t.name);
    }
    out.push({ subgraph: d.name, layout: d.seed });
  }
  return out;
}

function urlOf(urls: SeedUrls, subgraph: string): string {
  const url = urls[subgraph];
  if (!url) throw new Error(`seed: no database URL for ${subgraph}`);
  return url;
}

async function withClient<T>(url: string, f: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/**
 * True when the first seeded subgraph's first table has no row: that database commits last, so the
 * whole seed is in once it has rows (the county seed of `npm start` runs only when this is true).
 */
export async function isEmpty(urls: SeedUrls): Promise<boolean> {
  const first = seededSubgraphs()[0];
  if (!first) return false; // nothing to seed
  return withClient(urlOf(urls, first.subgraph), async (c) => {
    const r = await c.query<{ empty: boolean }>(`select not exists (select 1 from ${first.layout.tables[0]!.name}) as empty`);
    return r.rows[0]!.empty;
  });
}

/**
 * Rows in each seeded subgraph's first table, which every other row of its layout hangs off (the seed
 * truncates the layout's tables, so it refuses to run over any of these).
 */
export async function existingRows(urls: SeedUrls): Promise<{ subgraph: string; table: string; rows: number }[]> {
  return Promise.all(
    seededSubgraphs().map(({ subgraph, layout }) =>
      withClient(urlOf(urls, subgraph), async (c) => {
        const table = layout.tables[0]!.name;
        const r = await c.query<{ n: number }>(`select count(*)::int as n from ${table}`);
        return { subgraph, table, rows: r.rows[0]!.n };
      }),
    ),
  );
}

/** `<subgraph>.<table> N rows, …` for the rows `existingRows` found, or null when there are none. */
export function describeExisting(rows: readonly { subgraph: string; table: string; rows: number }[]): string | null {
  const held = rows.filter((r) => r.rows > 0);
  return held.length === 0 ? null : held.map((r) => `${r.subgraph}.${r.table} ${r.rows} rows`).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------------------------

class Progress {
  private timer: NodeJS.Timeout | null = null;
  private readonly tty = !!process.stderr.isTTY;
  private phase = 'loading';
  private lastLen = 0;
  constructor(
    private readonly t0: number,
    private readonly rows: Map<string, number>,
    private readonly units: { done: number },
    private readonly spec: NonNullable<LoadOptions['progress']>,
  ) {}
  start(): void {
    this.timer = setInterval(() => this.draw(), this.tty ? 250 : 5000);
    this.timer.unref();
  }
  setPhase(p: string): void {
    this.phase = p;
    this.draw();
  }
  private line(): string {
    const secs = ((Date.now() - this.t0) / 1000).toFixed(0);
    const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)}k` : String(n));
    const parts = Object.entries(this.spec.labels).map(([t, s]) => `${s} ${fmt(this.rows.get(t) ?? 0)}`);
    return `seed ${secs}s ${this.phase} ${this.spec.unit} ${this.units.done}/${this.spec.total} | ${parts.join(' ')}`;
  }
  draw(): void {
    const l = this.line();
    if (this.tty) {
      process.stderr.write(`\r${l}${' '.repeat(Math.max(0, this.lastLen - l.length))}`);
      this.lastLen = l.length;
    } else process.stderr.write(`${l}\n`);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (!this.tty) return;
    this.draw();
    process.stderr.write('\n');
  }
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

function copyInto(client: Client, sql: string, data: Uint8Array | string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end(data);
  });
}

interface Target extends Seeded {
  client: Client;
  /** Position of each of its tables in the layout: a batch's parts are loaded in this order. */
  order: Map<string, number>;
  /** Constraints and secondary indexes dropped for the load: table, name, statement recreating it. */
  indexes: { table: string; name: string; def: string }[];
  replica: boolean;
}

async function prepare(s: Seeded, url: string): Promise<Target> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('set local synchronous_commit = off');
    let replica = true;
    await client.query('savepoint replica_role');
    try {
      await client.query('set local session_replication_role = replica');
      await client.query('release savepoint replica_role');
    } catch {
      await client.query('rollback to savepoint replica_role');
      replica = false;
    }
    const tables = s.layout.tables.map((t) => t.name);
    await client.query(`truncate ${[...tables, ...(s.layout.alsoTruncate ?? [])].join(', ')}`);
    const r = await client.query<{ table: string; name: string; def: string }>(
      `select c.relname as table, quote_ident(ic.relname) as name, pg_get_indexdef(i.indexrelid) as def
         from pg_index i join pg_class c on c.oid = i.indrelid join pg_class ic on ic.oid = i.indexrelid
         join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relname = any($1)
          and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid)
        order by c.relname, ic.relname`,
      [tables],
    );
    for (const ix of r.rows) await client.query(`drop index ${ix.name}`);
    // Primary keys and unique constraints no foreign key depends on: dropped too, added back after the load.
    const k = await client.query<{ table: string; name: string; def: string }>(
      `select c.relname as table, quote_ident(k.conname) as name, pg_get_constraintdef(k.oid) as def
         from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relname = any($1) and k.contype in ('p', 'u')
          and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = k.conindid)
        order by c.relname, k.conname`,
      [tables],
    );
    for (const x of k.rows) await client.query(`alter table ${x.table} drop constraint ${x.name}`);
    const indexes = [
      ...k.rows.map((x) => ({ table: x.table, name: x.name, def: `alter table ${x.table} add constraint ${x.name} ${x.def}` })),
      ...r.rows,
    ];
    return { ...s, client, order: new Map(tables.map((t, i) => [t, i])), indexes, replica };
  } catch (e) {
    await client.end();
    throw e;
  }
}

/**
 * Loads the batches into every seeded subgraph's database (which must hold no rows in its layout's
 * tables). Returns per-table rows, COPY and index times, and the process' peak memory.
 */
export async function load(urls: SeedUrls, source: BatchSource, opts: LoadOptions = {}): Promise<LoadReport> {
  const t0 = Date.now();
  const log = opts.log ?? (() => undefined);
  const seeded = seededSubgraphs();
  const rows = new Map<string, number>();
  const copyMs = new Map<string, number>();
  const indexMs = new Map<string, number>();
  const units = { done: 0 };
  const progress = opts.progress ? new Progress(t0, rows, units, opts.progress) : null;
  const targets: Target[] = [];
  let sourceOpen = true;
  const closeSource = async () => {
    if (!sourceOpen) return;
    sourceOpen = false;
    await source.close();
  };
  try {
    const held = describeExisting(await existingRows(urls));
    if (held) throw new Error(`seed: the databases are not empty (${held})`);
    for (const s of seeded) targets.push(await prepare(s, urlOf(urls, s.subgraph)));
    const replica = targets.every((t) => t.replica);
    if (!replica) log('seed: no privilege to switch triggers off; loading with triggers and foreign-key checks on (slower)');
    const specs = new Map<string, { target: Target; spec: SeedTable }>();
    for (const target of targets) for (const spec of target.layout.tables) specs.set(spec.name, { target, spec });
    progress?.start();

    const loadPart = async (t: Target, b: SeedBatch): Promise<void> => {
      const mine = b.tables.filter((p) => t.order.has(p.table)).sort((x, y) => t.order.get(x.table)! - t.order.get(y.table)!);
      for (const part of mine) {
        const { spec } = specs.get(part.table)!;
        const s = Date.now();
        await copyInto(t.client, `copy ${spec.name} (${spec.columns}) from stdin with (freeze)`, part.data);
        copyMs.set(spec.name, (copyMs.get(spec.name) ?? 0) + Date.now() - s);
        rows.set(spec.name, (rows.get(spec.name) ?? 0) + part.rows);
      }
    };
    const chains: Promise<void>[] = targets.map(() => Promise.resolve());
    const pending: Promise<void>[] = [];
    try {
      for await (const b of source) {
        const unknown = b.tables.find((p) => !specs.has(p.table));
        if (unknown) throw new Error(`seed: rows for table ${unknown.table}, which no subgraph's seed layout lists`);
        while (pending.length >= 3) await pending.shift();
        targets.forEach((t, i) => (chains[i] = chains[i]!.then(() => loadPart(t, b))));
        const all = Promise.all(chains).then(() => {
          units.done += b.units;
        });
        all.catch(() => undefined); // handled when awaited
        pending.push(all);
      }
      await Promise.all(pending);
    } finally {
      await closeSource();
    }
    const loadedMs = Date.now() - t0;
    log(`seed: rows loaded in ${loadedMs} ms; recreating indexes`);
    progress?.setPhase('indexing');

    const finish = async (t: Target): Promise<void> => {
      for (const ix of t.indexes) {
        const s = Date.now();
        // Parallel builds pay off for multi-column keys (costly comparisons), not for single columns.
        const multi = /\([^)]*,[^)]*\)/.test(ix.def);
        await t.client.query(`set local max_parallel_maintenance_workers = ${multi ? 2 : 0}`);
        await t.client.query(ix.def);
        indexMs.set(ix.table, (indexMs.get(ix.table) ?? 0) + Date.now() - s);
      }
      const s0 = Date.now();
      if (t.replica) for (const statement of t.layout.recompute ?? []) await t.client.query(statement);
      for (const { name } of t.layout.tables.filter((x) => x.identity)) {
        await t.client.query(`select setval(pg_get_serial_sequence('${name}', 'id'), (select coalesce(max(id), 0) + 1 from ${name}), false)`);
      }
      const s1 = Date.now();
      await t.client.query(`analyze ${t.layout.tables.map((x) => x.name).join(', ')}`);
      log(`seed: ${t.subgraph}: recompute/sequences ${s1 - s0} ms, analyze ${Date.now() - s1} ms`);
    };
    await Promise.all(targets.map(finish));
    progress?.setPhase('committing');
    // The first subgraph's database last: isEmpty() looks at it.
    for (const t of [...targets].reverse()) await t.client.query('commit');
    const finishedMs = Date.now() - t0;
    progress?.stop();

    return {
      tables: targets.flatMap((t) =>
        t.layout.tables.map((x) => ({ subgraph: t.subgraph, table: x.name, rows: rows.get(x.name) ?? 0, copyMs: copyMs.get(x.name) ?? 0, indexMs: indexMs.get(x.name) ?? 0 })),
      ),
      triggers: replica ? 'disabled' : 'enabled',
      phases: { loadedMs, finishedMs },
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } catch (e) {
    progress?.stop();
    await Promise.allSettled(targets.map((t) => t.client.query('rollback')));
    throw e;
  } finally {
    await closeSource().catch(() => undefined);
    await Promise.allSettled(targets.map((t) => t.client.end()));
  }
}

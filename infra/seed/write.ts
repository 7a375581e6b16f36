/**
 * Writes a generated scale into the two (migrated, empty) databases with PostgreSQL COPY, one
 * transaction per database (both commit only when both loads succeeded).
 *
 * Rows are produced cooperative by cooperative (./county.ts `generateCoops`), turned into COPY
 * text, gathered into batches of a few megabytes and streamed table by table, so memory stays
 * bounded whatever the scale. From the compiled build the generation runs in a worker thread,
 * so the main thread is free to feed both connections while the next batch is generated.
 *
 * Load mode, inside each transaction:
 * - the loaded tables are truncated first, so COPY can write frozen rows (`FREEZE`): no hint-bit
 *   rewrites nor anti-wraparound vacuum of millions of fresh rows later;
 * - secondary indexes, and the primary keys and unique constraints no foreign key depends on, are
 *   dropped and recreated after the load from their own catalog definitions (`pg_get_indexdef`,
 *   `pg_get_constraintdef`), i.e. exactly as the migrations made them; indexes are built once from
 *   sorted data instead of row by row (keys referenced by foreign keys stay: member, loan, ledger_txn...);
 * - as superuser, `session_replication_role = replica` turns off trigger firing for the load: the
 *   per-row foreign-key checks (the rows are consistent by construction; the tests check every
 *   reference) and the statement-level counter / fund-version triggers, whose columns are then
 *   computed from the loaded rows with the migration's own aggregate before commit. Without the
 *   privilege the triggers simply run.
 */
import { purposeOfText } from '../../subgraphs/loans/purpose.rules';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ACCOUNT_NAMES } from '../../subgraphs/loans/ledger.rules';
import {
  dayStr,
  generateCoops,
  pad,
  planSeed,
  type CoopData,
  type PlanOptions,
  type SeedPlan,
  type SeedStats,
  type TxnRef,
} from './county';
import { BANK_NAME } from './names';

/** A database URL per registry subgraph, by name. */
export type SeedUrls = Record<string, string>;

export interface SeedOptions extends PlanOptions {
  log?: (msg: string) => void;
  /** Progress line on stderr. */
  progress?: boolean;
  /** Generate in a worker thread (default: when running the compiled build). */
  worker?: boolean;
  /** Approximate size of one COPY batch (bytes), default 8 MB. */
  batchChars?: number;
}

export interface TableReport {
  db: Db;
  table: string;
  rows: number;
  /** Time spent in this table's COPY statements. */
  copyMs: number;
  /** Time spent recreating its secondary indexes. */
  indexMs: number;
}

export interface SeedReport {
  stats: SeedStats;
  tables: TableReport[];
  /** Triggers (FK checks, counters) off during the load and counters computed, or left on. */
  triggers: 'disabled' | 'enabled';
  /** Load done (all COPY finished) / indexes, counters, analyze / commit, ms since start. */
  phases: { loadedMs: number; finishedMs: number };
  peakRssMb: number;
}

type Db = 'members' | 'loans';

interface TableSpec {
  db: Db;
  name: string;
  columns: string;
}

/** In load order (referenced tables first, in case the triggers stay on). */
export const TABLES: readonly TableSpec[] = [
  { db: 'members', name: 'county', columns: 'id, code, city_zh, name_zh, name_en' },
  { db: 'members', name: 'township', columns: 'id, county_id, name_zh, name_en' },
  { db: 'members', name: 'village', columns: 'id, township_id, county_id, name_zh, name_en, is_poor, is_migrant' },
  { db: 'members', name: 'cooperative', columns: 'id, village_id, township_id, county_id, name_zh, name_en, status, management_mode, founded_on' },
  {
    db: 'members',
    name: 'member',
    columns:
      'id, cooperative_id, township_id, county_id, household_no, head_name, id_number, residence_village_id, household_size, poverty_status, ' +
      'is_absolute_poor, is_party_member, card_bank, card_account, status, joined_on, left_on',
  },
  { db: 'members', name: 'contribution', columns: 'id, member_id, cooperative_id, kind, amount_fen, paid_on, ledger_status, created_at' },
  { db: 'members', name: 'guarantee_group', columns: 'id, cooperative_id, name, kind, guarantor_member_id, status, formed_on' },
  { db: 'members', name: 'guarantee_group_member', columns: 'group_id, member_id, active' },
  { db: 'members', name: 'insurance_policy', columns: 'id, member_id, cooperative_id, insurer, policy_no, premium_fen, sum_insured_fen, starts_on, ends_on' },
  {
    db: 'members',
    name: 'shareholding',
    columns: 'id, member_id, cooperative_id, farmer_cooperative_zh, farmer_cooperative_en, source, amount_fen, acquired_on, returns_fen',
  },
  { db: 'loans', name: 'fund', columns: 'cooperative_id, county_id, township_id, created_at' },
  { db: 'loans', name: 'ledger_txn', columns: 'id, cooperative_id, kind, occurred_on, memo, ref_type, ref_id, name_masked, created_at' },
  { db: 'loans', name: 'ledger_line', columns: 'id, txn_id, cooperative_id, account, amount_fen' },
  { db: 'loans', name: 'fund_balance', columns: 'cooperative_id, account, balance_fen' },
  {
    db: 'loans',
    name: 'loan',
    columns:
      'id, cooperative_id, county_id, township_id, member_id, borrower_name, card_account, guarantee_group_id, guarantor_member_id, amount_fen, ' +
      'fee_rate_bp, term_months, repayment_mode, purpose, purpose_note, status, is_first_loan, is_shuangdao, requested_by, approved_by, applied_on, ' +
      'endorsed_on, approved_on, published_on, contracted_on, disbursed_on, due_on, closed_on, written_off_on, principal_repaid_fen, ' +
      'fee_paid_fen, written_off_fen, created_at',
  },
  { db: 'loans', name: 'loan_instalment', columns: 'loan_id, seq, due_on, principal_fen, fee_fen' },
  { db: 'loans', name: 'repayment', columns: 'id, loan_id, cooperative_id, member_id, paid_on, principal_fen, fee_fen, channel, bank_ref, created_at' },
  {
    db: 'loans',
    name: 'bank_transfer',
    columns: 'id, cooperative_id, loan_id, member_id, direction, amount_fen, channel, account_masked, bank_ref, executed_on, created_at',
  },
];
const TABLE_INDEX = new Map(TABLES.map((t, i) => [t.name, i]));

/** Tables with an identity id whose sequence continues after the loaded ids. */
const IDENTITIES: Record<Db, readonly string[]> = {
  members: ['cooperative', 'member', 'contribution', 'guarantee_group', 'insurance_policy', 'shareholding'],
  loans: ['ledger_txn', 'ledger_line', 'loan', 'repayment', 'bank_transfer'],
};
/** Truncated before the load (with the tables that reference them). */
const TRUNCATE: Record<Db, readonly string[]> = {
  members: TABLES.filter((t) => t.db === 'members').map((t) => t.name),
  loans: [...TABLES.filter((t) => t.db === 'loans').map((t) => t.name), 'portfolio_snapshot'],
};

// ---------------------------------------------------------------------------------------------
// COPY text
// ---------------------------------------------------------------------------------------------

type Cell = string | number | bigint | boolean | null;

const NEEDS_ESCAPE = /[\\\t\n\r]/;
function text(v: string): string {
  return NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;
}
function cell(v: Cell): string {
  if (v === null) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'string') return text(v);
  return String(v);
}
const row = (cells: readonly Cell[]): string => cells.map(cell).join('\t') + '\n';

/** A local (China Standard Time) time of a day ('HH:MM', from 08:00), written in UTC: cheaper for COPY to parse. */
const UTC = new Map<string, string>();
const at = (day: number, time: string): string => {
  let utc = UTC.get(time);
  if (utc === undefined) UTC.set(time, (utc = `${pad(Number(time.slice(0, 2)) - 8, 2)}${time.slice(2)}:00Z`));
  return `${dayStr(day)} ${utc}`;
};
const refOf = (r: TxnRef): [string, string] =>
  r.type === 'loan' ? ['loan', String(r.loan.id)] : r.type === 'contribution' ? ['contribution', String(r.c.id)] : ['cooperative', String(r.id)];

/** A growable byte buffer with its own ArrayBuffer (so it can be handed to the main thread without a copy). */
class Bytes {
  len = 0;
  constructor(public buf: Buffer) {}
  append(s: string): void {
    const need = this.len + s.length * 3; // UTF-8: at most three bytes per UTF-16 unit
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const b = Buffer.allocUnsafeSlow(size);
      this.buf.copy(b, 0, 0, this.len);
      this.buf = b;
    }
    this.len += this.buf.write(s, this.len);
  }
}

/**
 * Rows of a batch: COPY text per table, written straight into bytes row by row (no big strings:
 * every row string dies young, which keeps the garbage collector out of the way).
 */
export class Batch {
  readonly data = new Map<string, Bytes>();
  readonly rows = new Map<string, number>();
  bytes = 0;
  coops = 0;
  /** Size of each table's part of the previous batch: the next one starts with that capacity. */
  private static last = new Map<string, number>();
  private sink(table: string): Bytes {
    let b = this.data.get(table);
    if (!b) this.data.set(table, (b = new Bytes(Buffer.allocUnsafeSlow(Math.max(1 << 16, Math.ceil((Batch.last.get(table) ?? 0) * 1.2))))));
    return b;
  }
  /** Done adding: remember the sizes. */
  seal(): this {
    for (const [t, b] of this.data) Batch.last.set(t, b.len);
    return this;
  }
  /** Rows already in COPY text (each ending with a newline). */
  add(table: string, text: string, n: number): void {
    if (n === 0) return;
    const b = this.sink(table);
    const before = b.len;
    b.append(text);
    this.bytes += b.len - before;
    this.rows.set(table, (this.rows.get(table) ?? 0) + n);
  }
}

/** Numbering of rows that get their id only when written. */
interface WriteIds {
  line: number;
  insurance: number;
  shareholding: number;
}

function geographyRows(plan: SeedPlan, b: Batch): void {
  b.add('county', plan.counties.map((c) => row([c.id, c.code, c.cityZh, c.nameZh, c.nameEn])).join(''), plan.counties.length);
  b.add('township', plan.townships.map((t) => row([t.id, t.countyId, t.zh, t.en])).join(''), plan.townships.length);
  b.add('village', plan.villages.map((v) => row([v.id, v.townshipId, v.countyId, `${v.zh}村`, `${v.en} Village`, v.poor, v.migrant])).join(''), plan.villages.length);
  b.add(
    'cooperative',
    plan.coops.map((c) => row([c.id, c.village.id, c.village.townshipId, c.county.id, c.nameZh, c.nameEn, c.status, c.mode, dayStr(c.foundedOn)])).join(''),
    plan.coops.length,
  );
  b.add('fund', plan.coops.map((c) => row([c.id, c.county.id, c.village.townshipId, at(c.foundedOn, '09:00')])).join(''), plan.coops.length);
}

const N = '\\N';
/** The seed draws a few dozen purpose texts over and over; classify each once. */
const purposeCodes = new Map<string, string>();
const purposeCode = (text: string): string => {
  let c = purposeCodes.get(text);
  if (c === undefined) purposeCodes.set(text, (c = purposeOfText(text)));
  return c;
};
const dn = (n: number | null): string => (n === null ? N : dayStr(n));
const tf = (v: boolean): string => (v ? 't' : 'f');

function coopRows(d: CoopData, ids: WriteIds, b: Batch): void {
  const coop = d.coop;
  const countyId = coop.county.id;
  // Row by row into the batch's bytes: short-lived row strings (building bigger strings costs more).
  const add = (table: string, text: string, n: number): void => b.add(table, text, n);
  for (const m of d.members) {
    add(
      'member',
      `${m.id}\t${m.coopId}\t${m.townshipId}\t${countyId}\t${m.householdNo}\t${text(m.headName)}\t${m.idNumber}\t${m.villageId}\t${m.householdSize}\t` +
        `${m.poverty}\t${tf(m.absolutePoor)}\t${tf(m.party)}\t${BANK_NAME}\t${m.cardAccount}\t${m.status}\t${dayStr(m.joinedOn)}\t${dn(m.leftOn)}\n`,
      1,
    );
  }
  for (const c of d.contributions) {
    add('contribution', `${c.id}\t${c.memberId}\t${c.coopId}\t${c.kind}\t${c.amountFen}\t${dayStr(c.paidOn)}\tPOSTED\t${at(c.paidOn, '09:30')}\n`, 1);
  }
  for (const g of d.groups) {
    add('guarantee_group', row([g.id, g.coopId, g.name, g.kind, g.guarantorId, 'ACTIVE', dayStr(g.formedOn)]), 1);
    for (const m of g.memberIds) add('guarantee_group_member', `${g.id}\t${m}\tt\n`, 1);
  }
  for (const p of d.insurance) {
    add(
      'insurance_policy',
      `${ids.insurance++}\t${p.memberId}\t${p.coopId}\t${text(p.insurer)}\t${p.policyNo}\t5000\t3000000\t${dayStr(p.startsOn)}\t${dayStr(p.endsOn)}\n`,
      1,
    );
  }
  for (const h of d.shareholdings) {
    add('shareholding', row([ids.shareholding++, h.memberId, h.coopId, h.zh, h.en, h.source, h.amountFen, dayStr(h.acquiredOn), h.returnsFen]), 1);
  }

  // loans database
  for (const t of d.txns) {
    const [refType, refId] = refOf(t.ref);
    add('ledger_txn', `${t.id}\t${t.coopId}\t${t.kind}\t${dayStr(t.day)}\t${text(t.memo)}\t${refType}\t${refId}\t${t.nameMasked === null ? N : text(t.nameMasked)}\t${at(t.day, '10:00')}\n`, 1);
    let lines = '';
    for (const l of t.lines) lines += `${ids.line++}\t${t.id}\t${t.coopId}\t${l.account}\t${l.amountFen}\n`;
    add('ledger_line', lines, t.lines.length);
  }
  for (const a of ACCOUNT_NAMES) {
    const v = d.balances.get(a);
    if (v !== undefined) add('fund_balance', `${coop.id}\t${a}\t${v}\n`, 1);
  }
  for (const l of d.loans) {
    add(
      'loan',
      `${l.id}\t${l.coopId}\t${countyId}\t${l.townshipId}\t${l.member.id}\t${text(l.member.headName)}\t${l.member.cardAccount}\t${l.groupId}\t` +
        `${l.guarantorId ?? N}\t${l.amountFen}\t${l.feeRateBp}\t${l.termMonths}\t${l.mode}\t${purposeCode(l.purpose)}\t${text(l.purpose)}\t${l.status}\t${tf(l.isFirst)}\t` +
        `${tf(l.isShuangdao)}\tboard:${l.coopId}\t${l.approvedOn === null ? N : `board-chair:${l.coopId}`}\t${dayStr(l.appliedOn)}\t` +
        `${dn(l.endorsedOn)}\t${dn(l.approvedOn)}\t${dn(l.publishedOn)}\t${dn(l.contractedOn)}\t${dn(l.disbursedOn)}\t${dn(l.dueOn)}\t` +
        `${dn(l.closedOn)}\t${dn(l.writtenOffOn)}\t${l.principalRepaidFen}\t${l.feePaidFen}\t${l.writtenOffFen}\t${at(l.appliedOn, '09:00')}\n`,
      1,
    );
    if (l.instalments.length > 0) {
      let inst = '';
      for (const i of l.instalments) inst += `${l.id}\t${i.seq}\t${i.dueOn}\t${i.principalFen}\t${i.feeFen}\n`;
      add('loan_instalment', inst, l.instalments.length);
    }
  }
  for (const r of d.repayments) {
    add(
      'repayment',
      `${r.id}\t${r.loan.id}\t${r.loan.coopId}\t${r.loan.member.id}\t${dayStr(r.paidOn)}\t${r.principalFen}\t${r.feeFen}\tBANK\t${r.transfer.bankRef}\t${at(r.paidOn, '11:00')}\n`,
      1,
    );
  }
  for (const t of d.transfers) {
    const card = t.loan.member.cardAccount;
    add(
      'bank_transfer',
      `${t.id}\t${t.coopId}\t${t.loan.id}\t${t.loan.member.id}\t${t.direction}\t${t.amountFen}\tBANK\t****${card.slice(-4)}\t${t.bankRef}\t` +
        `${dayStr(t.executedOn)}\t${at(t.executedOn, '11:00')}\n`,
      1,
    );
  }
  b.coops++;
}

/** The whole load as batches: geography first, then cooperatives, cut every `batchChars` characters. */
export function* batches(opts: PlanOptions, batchChars: number): Generator<Batch> {
  const plan = planSeed(opts);
  const first = new Batch();
  geographyRows(plan, first);
  yield first;
  const ids: WriteIds = { line: 1, insurance: 1, shareholding: 1 };
  let b = new Batch();
  for (const d of generateCoops(plan)) {
    coopRows(d, ids, b);
    if (b.bytes >= batchChars) {
      yield b.seal();
      b = new Batch();
    }
  }
  if (b.coops > 0) yield b.seal();
}

/** A batch as it travels from the worker: per table, its rows as UTF-8 (own ArrayBuffer, transferable). */
export interface WireBatch {
  tables: { table: string; rows: number; data: Uint8Array }[];
  coops: number;
}

export function toWire(b: Batch): WireBatch {
  const tables: WireBatch['tables'] = [];
  for (const [table, bytes] of b.data) tables.push({ table, rows: b.rows.get(table)!, data: new Uint8Array(bytes.buf.buffer, 0, bytes.len) });
  tables.sort((x, y) => TABLE_INDEX.get(x.table)! - TABLE_INDEX.get(y.table)!);
  return { tables, coops: b.coops };
}

// ---------------------------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------------------------

const SHORT: Record<string, string> = {
  member: 'mem', contribution: 'contrib', guarantee_group_member: 'grp', insurance_policy: 'ins', ledger_txn: 'txn', ledger_line: 'line',
  loan: 'loan', loan_instalment: 'inst', repayment: 'repay', bank_transfer: 'xfer',
};

class Progress {
  private timer: NodeJS.Timeout | null = null;
  private readonly tty = !!process.stderr.isTTY;
  private phase = 'loading';
  private lastLen = 0;
  constructor(
    private readonly t0: number,
    private readonly rows: Map<string, number>,
    private readonly coops: { done: number; total: number },
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
    const parts = Object.entries(SHORT).map(([t, s]) => `${s} ${fmt(this.rows.get(t) ?? 0)}`);
    return `seed ${secs}s ${this.phase} coops ${this.coops.done}/${this.coops.total} | ${parts.join(' ')}`;
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

interface Target {
  db: Db;
  client: Client;
  /** Constraints and secondary indexes dropped for the load: table, name, statement recreating it. */
  indexes: { table: string; name: string; def: string }[];
  replica: boolean;
}

async function prepare(db: Db, url: string): Promise<Target> {
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
    await client.query(`truncate ${TRUNCATE[db].join(', ')}`);
    const tables = TABLES.filter((t) => t.db === db).map((t) => t.name);
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
    return { db, client, indexes, replica };
  } catch (e) {
    await client.end();
    throw e;
  }
}

/** True when the members database has no cooperative yet (the county seed of `npm start` runs only then). */
export async function isEmpty(urls: SeedUrls): Promise<boolean> {
  const db = new Client({ connectionString: urls.members });
  await db.connect();
  try {
    const r = await db.query<{ empty: boolean }>('select not exists (select 1 from cooperative) as empty');
    return r.rows[0]!.empty;
  } finally {
    await db.end();
  }
}

/** Rows already in either database (the seed refuses to write over them). */
export async function existingRows(urls: SeedUrls): Promise<{ cooperatives: number; funds: number; loans: number }> {
  const m = new Client({ connectionString: urls.members });
  const l = new Client({ connectionString: urls.loans });
  await m.connect();
  try {
    await l.connect();
    try {
      const a = await m.query<{ n: number }>('select count(*)::int as n from cooperative');
      const b = await l.query<{ funds: number; loans: number }>('select (select count(*)::int from fund) as funds, (select count(*)::int from loan) as loans');
      return { cooperatives: a.rows[0]!.n, funds: b.rows[0]!.funds, loans: b.rows[0]!.loans };
    } finally {
      await l.end();
    }
  } finally {
    await m.end();
  }
}

/** Source of batches: a worker thread (compiled build) or this thread. */
function batchSource(opts: SeedOptions, batchChars: number, useWorker: boolean): AsyncIterable<WireBatch> & { close(): Promise<void> } {
  const planOpts: PlanOptions = { scale: opts.scale, seed: opts.seed, asOf: opts.asOf, cooperatives: opts.cooperatives };
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
  const queue: WireBatch[] = [];
  let done = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (m: { type: 'batch'; batch: WireBatch } | { type: 'done' }) => {
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
 * Generates the scale and loads it into the two migrated, empty databases. Returns counts,
 * per-table COPY and index times, and the process' peak memory.
 */
export async function seed(urls: SeedUrls, opts: SeedOptions = {}): Promise<SeedReport> {
  const t0 = Date.now();
  const log = opts.log ?? (() => undefined);
  const plan = planSeed({ scale: opts.scale, seed: opts.seed, asOf: opts.asOf, cooperatives: opts.cooperatives });
  const existing = await existingRows(urls);
  if (existing.cooperatives + existing.funds + existing.loans > 0) {
    throw new Error(`seed: the databases are not empty (${existing.cooperatives} cooperatives, ${existing.funds} funds, ${existing.loans} loans)`);
  }
  const useWorker = opts.worker ?? __filename.endsWith('.js');
  const rows = new Map<string, number>();
  const copyMs = new Map<string, number>();
  const indexMs = new Map<string, number>();
  const coops = { done: 0, total: plan.coops.length };
  const progress = opts.progress ? new Progress(t0, rows, coops) : null;

  const targets: Partial<Record<Db, Target>> = {};
  try {
    targets.members = await prepare('members', urls.members);
    targets.loans = await prepare('loans', urls.loans);
    const replica = targets.members.replica && targets.loans.replica;
    if (!replica) log('seed: no privilege to switch triggers off; loading with triggers and foreign-key checks on (slower)');
    progress?.start();

    // Both connections work through the batches in order; a batch is released when both loaded it.
    const source = batchSource(opts, opts.batchChars ?? 8_000_000, useWorker);
    const loadPart = async (t: Target, b: WireBatch): Promise<void> => {
      for (const part of b.tables) {
        const spec = TABLES[TABLE_INDEX.get(part.table)!]!;
        if (spec.db !== t.db) continue;
        const s = Date.now();
        await copyInto(t.client, `copy ${spec.name} (${spec.columns}) from stdin with (freeze)`, part.data);
        copyMs.set(spec.name, (copyMs.get(spec.name) ?? 0) + Date.now() - s);
        rows.set(spec.name, (rows.get(spec.name) ?? 0) + part.rows);
      }
    };
    // Each connection works through the batches on its own (the loans side is the long one); a
    // batch is let go when both have loaded it, and at most a few are held.
    let membersChain: Promise<void> = Promise.resolve();
    let loansChain: Promise<void> = Promise.resolve();
    const held: Promise<void>[] = [];
    try {
      for await (const b of source) {
        while (held.length >= 3) await held.shift();
        const { members, loans } = targets;
        membersChain = membersChain.then(() => loadPart(members, b));
        loansChain = loansChain.then(() => loadPart(loans, b));
        const both = Promise.all([membersChain, loansChain]).then(() => {
          coops.done += b.coops;
        });
        both.catch(() => undefined); // handled when awaited
        held.push(both);
      }
      await Promise.all(held);
    } finally {
      await source.close();
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
      if (t.replica && t.db === 'members') {
        // what the member_counts_* triggers would have done (Migration0002Counters' own aggregate)
        await t.client.query(`update cooperative c set
            member_count = coalesce((select count(*) from member m where m.cooperative_id = c.id and m.status = 'ACTIVE'), 0),
            registered_poor_count = coalesce((select count(*) from member m where m.cooperative_id = c.id and m.status = 'ACTIVE' and m.poverty_status = 'REGISTERED_POOR'), 0),
            party_member_count = coalesce((select count(*) from member m where m.cooperative_id = c.id and m.status = 'ACTIVE' and m.is_party_member), 0)`);
      }
      if (t.replica && t.db === 'loans') {
        // what ledger_txn_bumps_fund_version would have done for one bulk insert
        await t.client.query(`update fund f set version = f.version + 1 where exists (select 1 from ledger_txn t where t.cooperative_id = f.cooperative_id)`);
      }
      for (const table of IDENTITIES[t.db]) {
        await t.client.query(`select setval(pg_get_serial_sequence('${table}', 'id'), (select coalesce(max(id), 0) + 1 from ${table}), false)`);
      }
      const s1 = Date.now();
      await t.client.query(`analyze ${TABLES.filter((x) => x.db === t.db).map((x) => x.name).join(', ')}`);
      log(`seed: ${t.db}: counters/sequences ${s1 - s0} ms, analyze ${Date.now() - s1} ms`);
    };
    await Promise.all([finish(targets.members), finish(targets.loans)]);
    progress?.setPhase('committing');
    await targets.loans.client.query('commit');
    await targets.members.client.query('commit'); // last: isEmpty() looks at the members database
    const finishedMs = Date.now() - t0;
    progress?.stop();

    const stats: SeedStats = {
      counties: plan.counties.length,
      townships: plan.townships.length,
      cooperatives: rows.get('cooperative') ?? 0,
      members: rows.get('member') ?? 0,
      loans: rows.get('loan') ?? 0,
      repayments: rows.get('repayment') ?? 0,
      ledgerTxns: rows.get('ledger_txn') ?? 0,
      ms: finishedMs,
    };
    const tables: TableReport[] = TABLES.map((t) => ({ db: t.db, table: t.name, rows: rows.get(t.name) ?? 0, copyMs: copyMs.get(t.name) ?? 0, indexMs: indexMs.get(t.name) ?? 0 }));
    const report: SeedReport = {
      stats,
      tables,
      triggers: replica ? 'disabled' : 'enabled',
      phases: { loadedMs, finishedMs },
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    log(`seed: ${JSON.stringify(stats)}`);
    return report;
  } catch (e) {
    progress?.stop();
    await Promise.allSettled(Object.values(targets).map((t) => t.client.query('rollback')));
    throw e;
  } finally {
    await Promise.allSettled(Object.values(targets).map((t) => t.client.end()));
  }
}

/** The county demo (what `npm start` loads into empty databases). */
export async function seedCounty(urls: SeedUrls, opts: SeedOptions = {}): Promise<SeedStats> {
  const r = await seed(urls, { ...opts, scale: 'county' });
  (opts.log ?? (() => undefined))(`seed: ${r.tables.filter((t) => t.rows > 0).map((t) => `${t.table} ${t.rows} rows ${t.copyMs} ms`).join(', ')}`);
  return r.stats;
}

/**
 * The demo's rows as COPY text: cooperative by cooperative (./county.ts `generateCoops`), written
 * straight into bytes per table name and gathered into batches of a few megabytes, which the
 * generic loader (infra/seed/load.ts) streams into the subgraph whose seed layout lists the table.
 * Memory stays bounded whatever the scale; from the compiled build this runs in a worker thread
 * (./worker.ts), so the main thread feeds the connections while the next batch is generated.
 */
import { purposeOfText } from '../subgraphs/loans/purpose.rules';
import { ACCOUNT_NAMES, ALLOCATION_EVENT_REFS, ALLOCATION_POSTING_KINDS, type Account } from '../subgraphs/loans/ledger.rules';
import { UNION_EVENT_REFS, unionBooksMade, unionBooksRepaid, type UnionLine } from '../subgraphs/union/union.rules';
import type { SeedBatch } from '../infra/seed/load';
import {
  dayStr,
  EXITED_ON,
  generateCoops,
  pad,
  planSeed,
  RECTIFYING_FROM,
  type AllocationRow,
  type CoopData,
  type PlanOptions,
  type SeedPlan,
  type TxnRef,
} from './county';
import { BANK_NAME } from './names';
import { dayNumber } from '../subgraphs/lib/dates';
import { povertyHistory } from './poverty';
import { SeedRatings, type InspectionRow, type RatingRow } from './ratings';
import { DEFAULT_RATING_THRESHOLDS } from '../subgraphs/union/rating.rules';
import { checkOpening, isFailing } from '../subgraphs/union/rectification.rules';

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
/** Who posted the seeded transactions (no officer's token made them). */
export const SEED_POSTER = 'system:seed';

/** The business event of a seeded transaction, as the loans service names it (ids are final by now). */
function eventRefOf(t: { id: number; kind: string; ref: TxnRef }): string {
  const r = t.ref;
  if (r.type === 'allocation') {
    const k = ALLOCATION_POSTING_KINDS;
    if (t.kind === k.lent) return ALLOCATION_EVENT_REFS.lent(r.a.id);
    if (t.kind === k.borrowed) return ALLOCATION_EVENT_REFS.borrowed(r.a.id);
    return (t.kind === k.repaid ? ALLOCATION_EVENT_REFS.repaid : ALLOCATION_EVENT_REFS.received)(r.repayment!.id);
  }
  if (r.type === 'contribution') return `${t.kind === 'CONTRIBUTION_RETURN' ? 'contribution-return' : 'contribution'}:${r.c.id}`;
  if (r.type === 'cooperative') return `capital:txn-${t.id}`;
  if (t.kind === 'REPAYMENT') return r.repayment ? `repayment:${r.repayment.id}` : `repayment:txn-${t.id}`;
  return `${t.kind === 'WRITE_OFF' ? 'write-off' : 'disbursement'}:${r.loan.id}`;
}

const refOf = (r: TxnRef): [string, string] =>
  r.type === 'loan' ? ['loan', String(r.loan.id)] : r.type === 'contribution' ? ['contribution', String(r.c.id)]
    : r.type === 'allocation' ? ['allocation', String(r.a.id)] : ['cooperative', String(r.id)];

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
  /** The plan's as-of date as a day number. */
  asOf: number;
  line: number;
  insurance: number;
  shareholding: number;
  unionEntry: number;
  /**
   * Each fund's balance and debit and credit volume per account, summed from the lines written so
   * far: an allocation's repayment puts lines in the lender's books from the borrower's
   * simulation, so fund_balance is written once every cooperative is.
   */
  books: Map<number, Map<Account, { balance: bigint; debit: bigint; credit: bigint }>>;
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
  const { unions, memberships } = plan.unions;
  b.add('cooperative_union', unions.map((u) => row([
    u.id, u.level, u.countyId, u.townshipId, u.nameZh, u.nameEn, dayStr(u.foundedOn), u.policy.feeRateMinBp, u.policy.feeRateMaxBp,
    u.policy.maxLenderShareBp, u.policy.maxTermDays, u.policy.countyApprovalAboveFen, u.policy.lenderFeeShareBp, at(u.foundedOn, '09:00'),
  ])).join(''), unions.length);
  b.add('union_membership', memberships.map((m) => row([
    m.id, m.union.id, m.union.level, m.coopId, m.townshipId, m.countyId, dayStr(m.joinedOn), m.documentNo, dayOrNull(m.leftOn), m.leaveReason, at(m.joinedOn, '10:00'),
  ])).join(''), memberships.length);
  // a current member's union reaches its rows in members and loans, as the join saga's grant would
  const current = memberships.filter((m) => m.leftOn === null);
  b.add('access_grant', current.map((m) => row(['UNION', m.union.id, m.coopId, at(m.joinedOn, '10:00')])).join(''), current.length);
}

/**
 * A cooperative the county put under rectification, or exited: as the union's rectification, so the
 * status members keeps is the one the union's rectifications give (rectification.rules' statusOf).
 * One under rectification since the spring was opened after its rating for the quarter before, where
 * that was C or D (the points it names, rectification.rules' checkOpening); the exited ones, and any
 * other, were decided before this system, from the paper files (no rating).
 */
function rectificationRows(plan: SeedPlan, ratings: readonly RatingRow[], b: Batch): void {
  const decided = plan.coops.filter((c) => c.status !== 'ACTIVE');
  const openedFrom = dayStr(RECTIFYING_FROM);
  b.add('rectification', decided.map((c, i) => {
    const exited = c.status === 'EXITED';
    const openedOn = exited ? EXITED_ON - 270 : RECTIFYING_FROM;
    const deadline = exited ? EXITED_ON - 60 : dayNumber('2026-12-31');
    const year = dayStr(openedOn).slice(0, 4);
    const doc = `${c.county.nameZh}扶贫办〔${year}〕${20 + (c.id % 60)}号`;
    let rating: RatingRow | undefined;
    for (const r of ratings) if (r.coop.id === c.id && r.quarter.end < openedFrom) rating = r;
    const opening = exited || !rating || !isFailing(rating.ratingClass) ? null : checkOpening({
      rating: { ratingClass: rating.ratingClass, periodEnd: rating.quarter.end, indicatorClasses: rating.classes },
      laterRating: false, open: 'NONE', openedOn: openedFrom, deadline: dayStr(deadline), points: [],
    });
    const points = opening ?? ['COLLECT_OVERDUE', 'BANK_ONLY'];
    const note = opening
      ? `${doc}:${rating!.quarter.year}年第${rating!.quarter.quarter}季度动态评级为${rating!.ratingClass}级,限期整改 / `
        + `rated ${rating!.ratingClass} for ${rating!.quarter.year} Q${rating!.quarter.quarter}: rectify by the deadline`
      : `${doc}:逾期借款清收不力,限期整改(纸质台账录入) / overdue loans not collected: rectify by the deadline (entered from the paper files)`;
    return row([
      i + 1, c.id, c.village.townshipId, c.county.id, opening ? rating!.id : null, dayStr(openedOn), dayStr(deadline), JSON.stringify(points), note,
      exited ? 'EXITED' : 'OPEN', `county:${c.county.id}`, null, null, null, exited ? dayStr(EXITED_ON) : null, exited ? `county:${c.county.id}` : null, null,
      at(openedOn, '10:00'),
    ]);
  }).join(''), decided.length);
}

/** A cooperative's inspections and their findings. */
function inspectionRows(inspections: readonly InspectionRow[], b: Batch): void {
  for (const i of inspections) {
    const c = i.coop;
    b.add('inspection', row([
      i.id, c.id, c.village.townshipId, c.county.id, i.union ? 'UNION' : 'COUNTY', i.union?.id ?? null, dayStr(i.inspectedOn),
      i.union ? `union:${i.union.id}` : `county:${c.county.id}`, i.summary, at(i.inspectedOn, '16:00'),
    ]), 1);
    b.add('inspection_finding', i.findings.map((f) => row([i.id, f.point, f.passed, f.note])).join(''), i.findings.length);
  }
}

/** The ratings, as the county's rateCounty writes them (computed by the seed, no override). */
function ratingRows(ratings: readonly RatingRow[], b: Batch): void {
  const thresholds = JSON.stringify(DEFAULT_RATING_THRESHOLDS);
  b.add('rating', ratings.map((r) => row([
    r.id, r.coop.id, r.coop.village.townshipId, r.coop.county.id, 'QUARTER', r.quarter.start, r.quarter.end, JSON.stringify(r.indicators), JSON.stringify(r.classes),
    JSON.stringify(r.missing), thresholds, 'DEFAULT', r.inspectionId, r.ratingClass, r.score, r.ratingClass, null, null, null, SEED_POSTER,
    at(r.quarter.endDay + 5, '10:00'),
  ])).join(''), ratings.length);
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
/** A day for `row()`, which writes null itself. */
const dayOrNull = (n: number | null): string | null => (n === null ? null : dayStr(n));
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
    for (const c of povertyHistory(m, ids.asOf)) {
      add('poverty_status_change', row([m.id, m.coopId, m.townshipId, countyId, c.status, c.previous, dayStr(c.on), c.reason, c.documentNo, c.by, at(c.on, c.previous ? '10:00' : '09:00')]), 1);
    }
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

  // the ledger and the loans (each fund's balances and volumes summed on the way)
  for (const t of d.txns) {
    const [refType, refId] = refOf(t.ref);
    add(
      'ledger_txn',
      `${t.id}\t${t.coopId}\t${t.kind}\t${dayStr(t.day)}\t${text(t.memo)}\t${refType}\t${refId}\t${t.nameMasked === null ? N : text(t.nameMasked)}\t` +
        `${eventRefOf(t)}\t${SEED_POSTER}\t${at(t.day, '10:00')}\n`,
      1,
    );
    let lines = '';
    let books = ids.books.get(t.coopId);
    if (!books) ids.books.set(t.coopId, (books = new Map()));
    for (const l of t.lines) {
      lines += `${ids.line++}\t${t.id}\t${t.coopId}\t${l.account}\t${l.amountFen}\n`;
      let v = books.get(l.account);
      if (!v) books.set(l.account, (v = { balance: 0n, debit: 0n, credit: 0n }));
      v.balance += l.amountFen;
      if (l.amountFen > 0n) v.debit += l.amountFen;
      else v.credit -= l.amountFen;
    }
    add('ledger_line', lines, t.lines.length);
  }
  allocationRows(d, ids, b);
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

/** The union's rows of the allocations a cooperative borrowed: the allocation, its repayments, the union's books. */
function allocationRows(d: CoopData, ids: WriteIds, b: Batch): void {
  const entries = (a: AllocationRow, eventRef: string, day: number, lines: UnionLine[]): void => {
    for (const l of lines) b.add('union_entry', row([ids.unionEntry++, a.plan.union.id, a.id, eventRef, dayStr(day), l.account, l.amountFen, at(day, '16:00')]), 1);
  };
  for (const a of d.allocations) {
    const p = a.plan;
    const u = p.union;
    b.add('allocation', row([
      a.id, u.id, u.countyId, p.lenderId, p.lenderTownshipId, p.lenderNameZh, p.borrowerId, p.borrowerTownshipId, p.borrowerNameZh, a.amountFen, p.termDays, p.feeRateBp, p.purpose,
      a.repaidOn === null ? 'ACTIVE' : 'REPAID', `board:${p.borrowerId}`, dayStr(p.requestedOn), `board:${p.lenderId}`, dayStr(a.consentedOn),
      a.countyApproved ? `county:${u.countyId}` : null, a.countyApproved ? dayStr(a.countyApprovedOn) : null, `union:${u.id}`,
      dayStr(a.madeOn), dayStr(a.dueOn), a.principalRepaidFen, a.feePaidFen, dayStr(a.feeFrom), dayOrNull(a.repaidOn), at(p.requestedOn, '09:30'),
    ]), 1);
    entries(a, UNION_EVENT_REFS.made(a.id), a.madeOn, unionBooksMade(a.amountFen));
    for (const r of a.repayments) {
      b.add('allocation_repayment', row([
        r.id, a.id, dayStr(r.paidOn), r.principalFen, r.feeFen, r.lenderFeeFen, r.unionFeeFen, dayStr(r.feeFromBefore), 'POSTED', `board:${p.borrowerId}`, at(r.paidOn, '15:00'),
      ]), 1);
      entries(a, UNION_EVENT_REFS.repaid(r.id), r.paidOn, unionBooksRepaid(r.principalFen, r.unionFeeFen));
    }
  }
}

/** Every fund's balances, once all its lines are written. */
function fundBalanceRows(ids: WriteIds, b: Batch): void {
  for (const [coopId, books] of [...ids.books].sort((x, y) => x[0] - y[0])) {
    for (const a of ACCOUNT_NAMES) {
      const v = books.get(a);
      if (v) b.add('fund_balance', `${coopId}\t${a}\t${v.balance}\t${v.debit}\t${v.credit}\n`, 1);
    }
  }
}

/** The whole load as batches: geography first, then cooperatives, cut every `batchChars` characters. */
export function* batches(opts: PlanOptions, batchChars: number): Generator<Batch> {
  const plan = planSeed(opts);
  const first = new Batch();
  geographyRows(plan, first);
  yield first;
  const ids: WriteIds = { asOf: dayNumber(plan.asOf), line: 1, insurance: 1, shareholding: 1, unionEntry: 1, books: new Map() };
  const ratings = new SeedRatings(plan);
  let b = new Batch();
  for (const d of generateCoops(plan)) {
    coopRows(d, ids, b);
    inspectionRows(ratings.observe(d), b);
    if (b.bytes >= batchChars) {
      yield b.seal();
      b = new Batch();
    }
  }
  fundBalanceRows(ids, b);
  const rated = ratings.ratings();
  ratingRows(rated, b);
  rectificationRows(plan, rated, b);
  yield b.seal();
}

/** A batch as it travels from the worker: per table, its rows as UTF-8 (own ArrayBuffer, transferable). */
export function toWire(b: Batch): SeedBatch {
  const tables: SeedBatch['tables'] = [];
  for (const [table, bytes] of b.data) tables.push({ table, rows: b.rows.get(table)!, data: new Uint8Array(bytes.buf.buffer, 0, bytes.len) });
  return { tables, units: b.coops };
}

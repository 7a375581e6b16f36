/**
 * The demo's inspections (检查指导) and dynamic ratings (动态评级): each rated quarter, most
 * cooperatives inspected once by their township union or the county office, and every cooperative
 * that has not exited rated from its indicators on the quarter's end — what the union's
 * `rateCounty` computes from the databases, here computed from the simulation's own rows with the
 * same rules (loans' outstanding, overdue, PAR-N, fund total; members' membership on a day, poverty
 * status as of a day, insurance cover; the rating's classes and score), so that rating a seeded
 * period again gives the same records (demo/region.test.ts and test/rating.e2e.test.ts recompute them).
 *
 * A cooperative's loans and members are its own, but a union allocation's repayment puts lines in
 * the lender's books from the borrower's simulation: the fund totals are summed by book as the
 * cooperatives go by, and the ratings written once all are simulated.
 */
import { FUND_TOTAL_ACCOUNTS, fundTotal, type Account } from '../subgraphs/loans/ledger.rules';
import { isAtRisk, loanOverdueAsOf, principalFallenDue, ratiosWithData, repaidByAsOf } from '../subgraphs/loans/loan.rules';
import { covers } from '../subgraphs/members/insurance.rules';
import { isMemberOn, povertyStatusAsOf, type PovertyEntry } from '../subgraphs/members/member.rules';
import type { InspectionPoint } from '../subgraphs/union/inspection.rules';
import {
  classify, DEFAULT_RATING_THRESHOLDS, indicatorsOf, periodBounds, rankingScore, type Indicators, type IndicatorName, type RatingClass,
} from '../subgraphs/union/rating.rules';
import { addDays, dayNumber } from '../subgraphs/lib/dates';
import { dayStr, type CoopData, type CoopRow, type SeedPlan } from './county';
import { povertyHistory } from './poverty';
import { Random } from './random';
import type { MembershipRow } from './unions';

/** The region's PAR days the demo is rated with: loans' `region_policy.par_days` as migrated (the seed does not change it). */
export const SEED_PAR_DAYS = 30;

export interface RatedQuarter { year: number; quarter: number; start: string; end: string; endDay: number }

/**
 * The quarters the demo rates: at region scale every whole quarter of the five simulated years
 * (starting once the simulation has, ended before its as-of day; a quarter the simulation entered
 * halfway would rate every fund D for its month of lending); the demo county its last four.
 */
export function ratedQuarters(plan: Pick<SeedPlan, 'scale' | 'asOf' | 'years'>): RatedQuarter[] {
  const asOf = plan.asOf;
  const from = addDays(asOf, -plan.years * 365);
  const out: RatedQuarter[] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(asOf.slice(0, 4)); year++) {
    for (let quarter = 1; quarter <= 4; quarter++) {
      const { start, end } = periodBounds('QUARTER', year, quarter);
      if (start >= from && end < asOf) out.push({ year, quarter, start, end, endDay: dayNumber(end) });
    }
  }
  return plan.scale === 'county' ? out.slice(-4) : out;
}

export interface InspectionRow {
  id: number;
  coop: CoopRow;
  union: MembershipRow['union'] | null;
  inspectedOn: number;
  summary: string;
  findings: { point: InspectionPoint; passed: boolean; note: string }[];
}

export interface RatingRow {
  id: number;
  coop: CoopRow;
  quarter: RatedQuarter;
  indicators: Indicators;
  classes: Record<IndicatorName, RatingClass>;
  missing: IndicatorName[];
  inspectionId: number | null;
  ratingClass: RatingClass;
  score: number | null;
}

/** The findings of a point that failed, as an inspector writes them (Chinese, English alongside). */
const FAILED: Record<InspectionPoint, string> = {
  BOOKS_BY_TOWNSHIP: '账务仍由村里自记,未交乡镇代管 / the village still keeps its own books, not the township',
  BANK_ONLY: '本季度有借款或还款以现金收付,未走银行账户 / loans or repayments paid in cash this quarter, not through the bank',
  DISCLOSURE_UP_TO_DATE: '公示栏未更新本季度的借款和还款 / the disclosure board does not show this quarter\'s loans and repayments',
  GROUPS_COMPLETE: '有联保小组不足五户,借款人未补齐担保 / a guarantee group is short of five households',
  INSURANCE_BOUGHT: '部分社员当年意外伤害保险未购买 / some members have no accident insurance this year',
};

/** Per quarter, one cooperative's loan figures (rateCounty reads them from loans) and member counts (from members). */
interface CoopQuarterFacts {
  principalDue: bigint;
  repaidOnDue: bigint;
  outstanding: bigint;
  parOutstanding: bigint;
  members: number;
  poorMembers: number;
  insuredMembers: number;
  borrowers: number;
  poorBorrowers: number;
  inspection: InspectionRow | null;
}

export class SeedRatings {
  readonly quarters: RatedQuarter[];
  private readonly ends: string[];
  private readonly rng: Random;
  private nextInspection = 1;
  /** Per book (cooperative), the fund total's lines summed per quarter (the lines dated in it, or before the first). */
  private readonly fundLines = new Map<number, Partial<Record<Account, bigint>>[]>();
  private readonly facts = new Map<number, { coop: CoopRow; quarters: CoopQuarterFacts[] }>();
  /** Each cooperative's union memberships, its township union's first. */
  private readonly memberships = new Map<number, MembershipRow[]>();

  constructor(private readonly plan: SeedPlan) {
    this.quarters = ratedQuarters(plan);
    this.ends = this.quarters.map((q) => q.end);
    this.rng = new Random(plan.seed).fork('inspections');
    for (const m of plan.unions.memberships) {
      let list = this.memberships.get(m.coopId);
      if (!list) this.memberships.set(m.coopId, (list = []));
      list.push(m);
    }
    for (const list of this.memberships.values()) list.sort((a, b) => Number(b.union.level === 'TOWNSHIP') - Number(a.union.level === 'TOWNSHIP') || a.id - b.id);
  }

  /** The first rated quarter whose end is on or after `day` (quarters.length when none). */
  private quarterOf(day: number): number {
    let q = 0;
    while (q < this.quarters.length && this.quarters[q]!.endDay < day) q++;
    return q;
  }

  /** One cooperative as simulated: its books' lines, its loans and members on each quarter's end, its inspections. Returns the inspections to write. */
  observe(d: CoopData): InspectionRow[] {
    const Q = this.quarters.length;
    for (const t of d.txns) {
      const q = this.quarterOf(t.day);
      if (q === Q) continue;
      let book = this.fundLines.get(t.coopId);
      if (!book) this.fundLines.set(t.coopId, (book = Array.from({ length: Q }, () => ({}))));
      const sums = book[q]!;
      for (const l of t.lines) if (FUND_TOTAL_ACCOUNTS.includes(l.account)) sums[l.account] = (sums[l.account] ?? 0n) + l.amountFen;
    }
    const inspections = this.inspect(d.coop);
    if (d.coop.status === 'EXITED') return inspections; // rateCounty rates no exited cooperative
    const facts: CoopQuarterFacts[] = this.quarters.map(() => ({
      principalDue: 0n, repaidOnDue: 0n, outstanding: 0n, parOutstanding: 0n, members: 0, poorMembers: 0, insuredMembers: 0, borrowers: 0, poorBorrowers: 0, inspection: null,
    }));
    // the period's latest inspection (inspections come in date order)
    for (const i of inspections) facts[this.quarterOf(i.inspectedOn)]!.inspection = i;
    const borrowers = this.loanFacts(d, facts);
    this.memberFacts(d, facts, borrowers);
    this.facts.set(d.coop.id, { coop: d.coop, quarters: facts });
    return inspections;
  }

  /** The loans' figures per quarter end (loan.rules' terms, as loans' figures SQL sums them); returns each quarter's borrowers. */
  private loanFacts(d: CoopData, facts: CoopQuarterFacts[]): Set<number>[] {
    const Q = this.quarters.length;
    const borrowers = this.quarters.map(() => new Set<number>());
    const paid = new Map<number, { paidOn: string; principalFen: bigint; reversed: boolean }[]>();
    for (const r of d.repayments) {
      let list = paid.get(r.loan.id);
      if (!list) paid.set(r.loan.id, (list = []));
      list.push({ paidOn: dayStr(r.paidOn), principalFen: r.principalFen, reversed: false });
    }
    // a finished loan's figures stop changing once its last instalment fell due, its last repayment came in and any write-off was made
    const settled = this.quarters.map(() => ({ due: 0n, repaidOnDue: 0n }));
    for (const l of d.loans) {
      if (l.disbursedOn === null) continue;
      const repayments = paid.get(l.id) ?? [];
      const loan = { amountFen: l.amountFen, disbursedOn: dayStr(l.disbursedOn), writtenOffOn: l.writtenOffOn === null ? null : dayStr(l.writtenOffOn) };
      let until = Q;
      if (l.status === 'CLOSED' || l.status === 'WRITTEN_OFF') {
        const lastDue = l.instalments.reduce((m, i) => Math.max(m, i.due), 0);
        const lastPaid = repayments.length ? dayNumber(repayments[repayments.length - 1]!.paidOn) : 0;
        until = this.quarterOf(Math.max(lastDue + 1, lastPaid, l.writtenOffOn ?? 0, l.disbursedOn));
      }
      for (let q = this.quarterOf(l.disbursedOn); q < Q; q++) {
        const end = this.ends[q]!;
        const repaid = repaidByAsOf(repayments, end);
        const due = principalFallenDue(l.instalments, end);
        const onDue = repaid < due ? repaid : due;
        const o = loanOverdueAsOf(loan, l.instalments, repaid, end);
        if (q === until) {
          if (o.outstandingFen !== 0n) throw new Error(`seed ratings: loan ${l.id} settled with principal outstanding`);
          settled[q]!.due += due;
          settled[q]!.repaidOnDue += onDue;
          break;
        }
        const f = facts[q]!;
        f.principalDue += due;
        f.repaidOnDue += onDue;
        if (o.outstandingFen > 0n) {
          f.outstanding += o.outstandingFen;
          borrowers[q]!.add(l.member.id);
          if (o.overdue && isAtRisk(o.daysOverdue, SEED_PAR_DAYS)) f.parOutstanding += o.outstandingFen;
        }
      }
    }
    let due = 0n;
    let onDue = 0n;
    for (let q = 0; q < Q; q++) {
      due += settled[q]!.due;
      onDue += settled[q]!.repaidOnDue;
      facts[q]!.principalDue += due;
      facts[q]!.repaidOnDue += onDue;
    }
    return borrowers;
  }

  /** Members on each quarter end, their poverty status then, insurance in force, and the borrowers among them (members' rating facts). */
  private memberFacts(d: CoopData, facts: CoopQuarterFacts[], borrowers: Set<number>[]): void {
    const asOf = dayNumber(this.plan.asOf);
    const policies = new Map<number, { startsOn: string; endsOn: string }[]>();
    for (const p of d.insurance) {
      let list = policies.get(p.memberId);
      if (!list) policies.set(p.memberId, (list = []));
      list.push({ startsOn: dayStr(p.startsOn), endsOn: dayStr(p.endsOn) });
    }
    for (const m of d.members) {
      const history: PovertyEntry[] = povertyHistory(m, asOf).map((h, seq) => ({ status: h.status as PovertyEntry['status'], effectiveOn: dayStr(h.on), seq }));
      const span = { joinedOn: dayStr(m.joinedOn), leftOn: m.leftOn === null ? null : dayStr(m.leftOn) };
      const own = policies.get(m.id) ?? [];
      this.quarters.forEach((_, q) => {
        const end = this.ends[q]!;
        const f = facts[q]!;
        const poor = povertyStatusAsOf(history, end) === 'REGISTERED_POOR';
        if (isMemberOn(span, end)) {
          f.members++;
          if (poor) f.poorMembers++;
          if (own.some((p) => covers(p, end))) f.insuredMembers++;
        }
        if (borrowers[q]!.has(m.id)) {
          f.borrowers++;
          if (poor) f.poorBorrowers++;
        }
      });
    }
  }

  /**
   * A cooperative's inspections: in most rated quarters one, by a union it was a member of that day
   * (its township union first), else by the county office, late in the quarter. A village still paying cash
   * fails the books and bank-only points; a troubled cooperative fails the other points more often.
   */
  private inspect(coop: CoopRow): InspectionRow[] {
    const rng = this.rng.fork(coop.id);
    const out: InspectionRow[] = [];
    const asOf = dayNumber(this.plan.asOf);
    const troubled = coop.status !== 'ACTIVE';
    const often = this.plan.scale === 'county' ? 0.9 : 0.7;
    for (const q of this.quarters) {
      if (!rng.chance(often)) continue;
      const day = Math.min(asOf - 1, q.endDay - rng.int(3, 45));
      if (day < coop.foundedOn) continue;
      const member = (this.memberships.get(coop.id) ?? []).find((m) => m.joinedOn <= day && (m.leftOn === null || m.leftOn > day));
      const union = member && rng.chance(0.6) ? member.union : null;
      const fails = (p: number): boolean => rng.chance(troubled ? p * 5 : p);
      const cash = coop.mode === 'VILLAGE_CASH';
      const passed: Record<InspectionPoint, boolean> = {
        BOOKS_BY_TOWNSHIP: !cash,
        BANK_ONLY: !cash && !fails(0.02),
        DISCLOSURE_UP_TO_DATE: !fails(0.05),
        GROUPS_COMPLETE: !fails(0.03),
        INSURANCE_BOUGHT: !fails(0.04),
      };
      const findings = (Object.keys(passed) as InspectionPoint[]).map((point) => ({ point, passed: passed[point], note: passed[point] ? '' : FAILED[point] }));
      const failed = findings.filter((f) => !f.passed).length;
      const by = union ? `${union.nameZh}季度互查` : `${coop.county.nameZh}扶贫办季度检查`;
      const byEn = union ? "the union's quarterly inspection" : "the county poverty office's quarterly inspection";
      out.push({
        id: this.nextInspection++, coop, union, inspectedOn: day, findings,
        summary: failed === 0 ? `${by}:五项均合格 / ${byEn}: all five points passed` : `${by}:${failed}项不合格,限期改正 / ${byEn}: ${failed} point(s) failed, to be corrected`,
      });
    }
    return out;
  }

  /** Every rating, once every cooperative is simulated: rating.rules' classes and score over the indicators, with the default thresholds (the seed sets none). */
  ratings(): RatingRow[] {
    const out: RatingRow[] = [];
    for (const { coop, quarters } of [...this.facts.values()].sort((a, b) => a.coop.id - b.coop.id)) {
      const book = this.fundLines.get(coop.id);
      const running: Partial<Record<Account, bigint>> = {};
      quarters.forEach((f, q) => {
        for (const [a, v] of Object.entries(book?.[q] ?? {}) as [Account, bigint][]) running[a] = (running[a] ?? 0n) + v;
        const loans = ratiosWithData({
          principalDueFen: f.principalDue, repaidOnDueFen: f.repaidOnDue, outstandingFen: f.outstanding, parOutstandingFen: f.parOutstanding, fundTotalFen: fundTotal(running),
        });
        const point = (p: InspectionPoint): boolean | null => f.inspection!.findings.find((x) => x.point === p)?.passed ?? null;
        const indicators = indicatorsOf({
          loans, members: f, inspection: f.inspection ? { bankOnly: point('BANK_ONLY'), disclosureTimely: point('DISCLOSURE_UP_TO_DATE') } : null,
        });
        const c = classify(indicators, DEFAULT_RATING_THRESHOLDS);
        out.push({
          id: out.length + 1, coop, quarter: this.quarters[q]!, indicators, classes: c.perIndicator, missing: c.missing,
          inspectionId: f.inspection?.id ?? null, ratingClass: c.ratingClass, score: rankingScore(indicators),
        });
      });
    }
    return out;
  }
}

/**
 * Pure rules of the dynamic rating (动态评级) and the evaluation ranking (考核评比) of cooperatives:
 * the indicators a rating reads, the class each indicator earns against the county's thresholds,
 * the rule for an indicator without data, the rating's class, and the score and order of a ranking.
 * No ORM, GraphQL, I/O or clock.
 *
 * The policy names the indicators (DOMAIN.md §5) but no number; the default thresholds below are
 * ours, each with its reason, and a county replaces them with its own (`rating_policy`).
 */
import { ratioBp } from '../lib/money';
import { fail } from './codes';

export const RATING_CLASSES = ['A', 'B', 'C', 'D'] as const;
export type RatingClass = (typeof RATING_CLASSES)[number];

export const PERIOD_KINDS = ['QUARTER', 'YEAR'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/**
 * Which of a cooperative's ratings is in force (SQL order over `rating r`, first row wins): the
 * latest period's end; of a quarter and a year ending the same day the quarter (the finer reading);
 * then the later record.
 */
export const RATING_IN_FORCE_ORDER = `r.period_end desc, (r.period_kind = 'YEAR'), r.id desc`;

/**
 * SQL of the rating in force: over `rating r`, the first in {@link RATING_IN_FORCE_ORDER} of the
 * cooperative `cooperativeId` among those ended by `asOf` (date expressions; a null asOf: the
 * latest) that `where` lets through (the caller's scope), as a sub-select of one row for
 * `cross join lateral` — one probe of the index rating_in_force per cooperative.
 */
export function ratingInForceSql(o: { columns: string; cooperativeId: string; asOf: string; where: string }): string {
  return `select ${o.columns} from rating r where r.cooperative_id = ${o.cooperativeId} and (${o.asOf} is null or r.period_end <= ${o.asOf}) and ${o.where}
     order by ${RATING_IN_FORCE_ORDER} limit 1`;
}


/**
 * A rating's indicators as of its period's end, each null when there is no data for it: no loan
 * principal fell due (repayment rate), nothing outstanding (PAR, poor borrowers' share), no lendable
 * fund (utilisation), no members (the member shares), no inspection in the period or the point not
 * inspected (bank only, disclosure).
 */
export interface Indicators {
  /** loans' repayment rate (principal repaid on time / principal due), bp */
  repaymentRateBp: number | null;
  /** loans' PAR (the region's PAR days), bp of outstanding */
  parBp: number | null;
  /** loans' fund utilisation (outstanding / lendable fund), bp */
  utilisationBp: number | null;
  /** registered-poor households among the active members on the day, bp */
  poorMemberShareBp: number | null;
  /** registered-poor households among the borrowers with principal outstanding on the day, bp */
  poorBorrowerShareBp: number | null;
  /** active members with accident insurance in force on the day, bp */
  insuranceCoverageBp: number | null;
  /** BANK_ONLY passed at the period's latest inspection */
  bankOnly: boolean | null;
  /** DISCLOSURE_UP_TO_DATE passed at the period's latest inspection */
  disclosureTimely: boolean | null;
}
export type IndicatorName = keyof Indicators;
export const INDICATOR_NAMES: readonly IndicatorName[] = [
  'repaymentRateBp', 'parBp', 'utilisationBp', 'poorMemberShareBp', 'poorBorrowerShareBp', 'insuranceCoverageBp', 'bankOnly', 'disclosureTimely',
];

/** A share in basis points (lib's ratioBp), or null when there is nothing to share: no data, never a zero. */
export function shareBp(part: number, whole: number): number | null {
  return whole === 0 ? null : ratioBp(BigInt(part), BigInt(whole));
}

/** What a rating reads of a cooperative on its period's end, as the three subgraphs give it. */
export interface IndicatorFacts {
  /** loans' ratios, each null without its base; null when loans has no fund figures for it */
  loans: { repaymentRateBp: number | null; parBp: number | null; utilisationBp: number | null } | null;
  /** members' counts on the day */
  members: { members: number; poorMembers: number; insuredMembers: number; borrowers: number; poorBorrowers: number };
  /** the period's latest inspection's two points (null: the point was not inspected); null without an inspection */
  inspection: { bankOnly: boolean | null; disclosureTimely: boolean | null } | null;
}

/** The indicators from the facts: a missing source or base is no data (null), never a zero. */
export function indicatorsOf(f: IndicatorFacts): Indicators {
  return {
    repaymentRateBp: f.loans?.repaymentRateBp ?? null,
    parBp: f.loans?.parBp ?? null,
    utilisationBp: f.loans?.utilisationBp ?? null,
    poorMemberShareBp: shareBp(f.members.poorMembers, f.members.members),
    poorBorrowerShareBp: shareBp(f.members.poorBorrowers, f.members.borrowers),
    insuranceCoverageBp: shareBp(f.members.insuredMembers, f.members.members),
    bankOnly: f.inspection?.bankOnly ?? null,
    disclosureTimely: f.inspection?.disclosureTimely ?? null,
  };
}

/** The numeric indicators where less is better (the rest: more is better). */
export const LOWER_IS_BETTER: ReadonlySet<IndicatorName> = new Set(['parBp']);
export type NumericIndicator = Exclude<IndicatorName, 'bankOnly' | 'disclosureTimely'>;
export const NUMERIC_INDICATORS: readonly NumericIndicator[] = ['repaymentRateBp', 'parBp', 'utilisationBp', 'poorMemberShareBp', 'poorBorrowerShareBp', 'insuranceCoverageBp'];

/**
 * A county's thresholds: per numeric indicator the bound for A, B and C (at least, or at most for
 * PAR); below C is D. A failed inspection point earns `failedPointClass`. An indicator without data
 * earns `missingClass`.
 */
export interface RatingThresholds {
  numeric: Record<NumericIndicator, readonly [a: number, b: number, c: number]>;
  failedPointClass: RatingClass;
  missingClass: RatingClass;
}

/**
 * Defaults, in basis points, until a county sets its own:
 * - repayment rate 95 / 90 / 80 %: a fund repaid below 80 % on time is losing members' money;
 * - PAR 5 / 10 / 20 %: microfinance's watch, weak and failing levels of portfolio at risk (the 2015
 *   guidance's "高危因素" names none); a fund past 20 % is losing its members' money;
 * - utilisation 70 / 50 / 30 %: idle money helps no household (the union exists to move it);
 * - registered-poor share of members and of borrowers 30 / 20 / 10 %: the fund is for the poor
 *   villages' poor households first; the demo's villages have 29–46 % registered-poor members;
 * - insurance 90 / 70 / 50 % of members: every member is to be insured (DOMAIN.md §3);
 * - a failed bank-only or disclosure point: C, rectification — both are conditions of the fund, not
 *   measures of its performance;
 * - no data: B at best ("no evidence, no A"). Never a zero: a new fund without loans due is not a
 *   failing one, and a fund without an inspection is not a compliant one.
 */
export const DEFAULT_RATING_THRESHOLDS: RatingThresholds = {
  numeric: {
    repaymentRateBp: [9_500, 9_000, 8_000],
    parBp: [500, 1_000, 2_000],
    utilisationBp: [7_000, 5_000, 3_000],
    poorMemberShareBp: [3_000, 2_000, 1_000],
    poorBorrowerShareBp: [3_000, 2_000, 1_000],
    insuranceCoverageBp: [9_000, 7_000, 5_000],
  },
  failedPointClass: 'C',
  missingClass: 'B',
};

const rank = (c: RatingClass): number => RATING_CLASSES.indexOf(c);
const worse = (a: RatingClass, b: RatingClass): RatingClass => (rank(a) >= rank(b) ? a : b);

/** Thresholds from a list of bounds (an input), every ratio named once (RATING_THRESHOLDS_INVALID otherwise), then checked. */
export function thresholdsFrom(o: { bounds: readonly { name: string; a: number; b: number; c: number }[]; failedPointClass: RatingClass; missingClass: RatingClass }): RatingThresholds {
  const numeric = {} as Record<NumericIndicator, readonly [number, number, number]>;
  for (const b of o.bounds) {
    const name = NUMERIC_INDICATORS.find((n) => n === b.name);
    if (!name || name in numeric) fail('RATING_THRESHOLDS_INVALID', { reasonZh: `指标 ${b.name} 未知或重复`, reason: `${b.name} is unknown or given twice` });
    numeric[name!] = [b.a, b.b, b.c];
  }
  const t: RatingThresholds = { numeric, failedPointClass: o.failedPointClass, missingClass: o.missingClass };
  checkThresholds(t);
  return t;
}

/** RATING_THRESHOLDS_INVALID unless every bound is a whole number of bp in 0–10000 and A's is the strictest. */
export function checkThresholds(t: RatingThresholds): void {
  const bad = (reasonZh: string, reason: string): never => fail('RATING_THRESHOLDS_INVALID', { reasonZh, reason });
  for (const name of NUMERIC_INDICATORS) {
    const bounds = t.numeric[name];
    if (!bounds || bounds.length !== 3 || bounds.some((b) => !Number.isInteger(b) || b < 0 || b > 10_000)) {
      bad(`${name} 的分级阈值须为0–10000之间的三个整数`, `${name} needs three whole bounds within 0–10000 bp`);
    }
    const [a, b, c] = bounds;
    const ordered = LOWER_IS_BETTER.has(name) ? a! <= b! && b! <= c! : a! >= b! && b! >= c!;
    if (!ordered) bad(`${name} 的阈值须由A到C逐级放宽`, `${name}'s bounds must loosen from A to C`);
  }
  if (!RATING_CLASSES.includes(t.failedPointClass) || !RATING_CLASSES.includes(t.missingClass)) {
    bad('未通过检查项与缺数据指标的等级须为A–D', 'the classes for a failed point and a missing indicator must be A–D');
  }
}

/** The class one indicator earns. */
export function indicatorClass(name: IndicatorName, value: number | boolean | null, t: RatingThresholds): RatingClass {
  if (value === null) return t.missingClass;
  if (typeof value === 'boolean') return value ? 'A' : t.failedPointClass;
  const [a, b, c] = t.numeric[name as NumericIndicator];
  const meets = LOWER_IS_BETTER.has(name) ? (bound: number) => value <= bound : (bound: number) => value >= bound;
  return meets(a) ? 'A' : meets(b) ? 'B' : meets(c) ? 'C' : 'D';
}

export interface Classification {
  /** the computed class: the worst any indicator earns (a fund is as sound as its weakest point) */
  ratingClass: RatingClass;
  perIndicator: Record<IndicatorName, RatingClass>;
  /** the indicators without data, named in the rating */
  missing: IndicatorName[];
}

/** The class of a rating from its indicators and the thresholds in force. */
export function classify(ind: Indicators, t: RatingThresholds): Classification {
  let ratingClass: RatingClass = 'A';
  const perIndicator = {} as Record<IndicatorName, RatingClass>;
  const missing: IndicatorName[] = [];
  for (const name of INDICATOR_NAMES) {
    const v = ind[name];
    if (v === null) missing.push(name);
    const c = indicatorClass(name, v, t);
    perIndicator[name] = c;
    ratingClass = worse(ratingClass, c);
  }
  return { ratingClass, perIndicator, missing };
}

/**
 * The ranking score (考核评比), 0–10000: the mean of the indicators with data, each in bp of its best
 * (PAR as 10000 − PAR, capped at 0; a passed point 10000, a failed one 0). An indicator without data
 * is left out of the mean rather than counted as zero; with none at all the score is null.
 */
export function rankingScore(ind: Indicators): number | null {
  let sum = 0;
  let n = 0;
  for (const name of INDICATOR_NAMES) {
    const v = ind[name];
    if (v === null) continue;
    const bp = typeof v === 'boolean' ? (v ? 10_000 : 0) : LOWER_IS_BETTER.has(name) ? 10_000 - v : v;
    sum += Math.min(10_000, Math.max(0, bp));
    n++;
  }
  return n === 0 ? null : Math.floor(sum / n);
}

export interface Ranked {
  cooperativeId: number;
  ratingClass: RatingClass;
  score: number | null;
  parBp: number | null;
}

/**
 * A ranking's order: the better class first, then the higher score (no score last), then the lower
 * PAR (none last), then the lower cooperative id — so equal records always come out the same way.
 */
export function compareRanked(x: Ranked, y: Ranked): number {
  return rank(x.ratingClass) - rank(y.ratingClass)
    || (y.score ?? -1) - (x.score ?? -1)
    || (x.parBp ?? 10_001) - (y.parBp ?? 10_001)
    || x.cooperativeId - y.cooperativeId;
}

/** The period a rating covers: a calendar quarter (1–4) or year, start and end inclusive. */
export function periodBounds(kind: PeriodKind, year: number, quarter: number | null): { start: string; end: string } {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) fail('RATING_PERIOD_INVALID', { reason: 'year' });
  if (kind === 'YEAR') {
    if (quarter !== null) fail('RATING_PERIOD_INVALID', { reason: 'a year has no quarter' });
    return { start: `${year}-01-01`, end: `${year}-12-31` };
  }
  if (quarter === null || !Number.isInteger(quarter) || quarter < 1 || quarter > 4) fail('RATING_PERIOD_INVALID', { reason: 'quarter 1–4' });
  const q = quarter!;
  const startMonth = (q - 1) * 3 + 1;
  const ends = ['03-31', '06-30', '09-30', '12-31'];
  return { start: `${year}-${String(startMonth).padStart(2, '0')}-01`, end: `${year}-${ends[q - 1]}` };
}

/** Whether a period may be rated today: only once it has ended (its indicators are as of its end). */
export function checkPeriodEnded(end: string, today: string): void {
  if (end >= today) fail('RATING_PERIOD_NOT_ENDED', { periodEnd: end });
}

/** An override (人工调整) of the computed class needs a written reason; the computed class stays beside it. */
export function checkOverride(o: { computed: RatingClass; override: RatingClass; reason: string }): { reason: string } {
  const reason = o.reason.trim();
  if (reason.length < 10) fail('RATING_OVERRIDE_REASON_REQUIRED');
  if (o.override === o.computed) fail('RATING_OVERRIDE_SAME_CLASS', { ratingClass: o.computed });
  return { reason };
}

/**
 * Pure rules of rectification (整改) and exit (退出): when the county may open one, what it names,
 * when it closes, when the exit starts, and the status a cooperative has because of them. No ORM,
 * GraphQL, I/O or clock.
 *
 * The 2015 guidance: C and D cooperatives rectify thoroughly and collect overdue loans in time; a
 * village still not running normally after rectification starts the exit. Our reading, where it
 * names no number: a deadline of at most a year, and only a rating of B or better for a period that
 * ends after the rectification opened shows it is running normally again.
 */
import { addDays, type Day } from '../lib/dates';
import { fail } from './codes';
import type { IndicatorName, RatingClass } from './rating.rules';

/** What a rectification asks the cooperative to fix (整改事项). */
export const RECTIFICATION_POINTS = [
  'COLLECT_OVERDUE', // 清收逾期借款: the guidance's first demand
  'LEND_IDLE_FUND', // 盘活闲置资金: utilisation
  'REACH_POOR_HOUSEHOLDS', // 吸纳和扶持贫困户: the registered-poor shares
  'BUY_INSURANCE', // 购买意外伤害保险
  'BANK_ONLY', // 银收银付
  'BOOKS_BY_TOWNSHIP', // 社财乡管
  'DISCLOSURE_UP_TO_DATE', // 公示栏
  'GROUPS_COMPLETE', // 联保小组
] as const;
export type RectificationPoint = (typeof RECTIFICATION_POINTS)[number];

/** The point each rating indicator asks for when it earns C or D. */
export const POINT_OF_INDICATOR: Readonly<Record<IndicatorName, RectificationPoint>> = {
  repaymentRateBp: 'COLLECT_OVERDUE',
  parBp: 'COLLECT_OVERDUE',
  utilisationBp: 'LEND_IDLE_FUND',
  poorMemberShareBp: 'REACH_POOR_HOUSEHOLDS',
  poorBorrowerShareBp: 'REACH_POOR_HOUSEHOLDS',
  insuranceCoverageBp: 'BUY_INSURANCE',
  bankOnly: 'BANK_ONLY',
  disclosureTimely: 'DISCLOSURE_UP_TO_DATE',
};

export const RECTIFICATION_STATUSES = ['OPEN', 'CLOSED', 'EXITED', 'CANCELLED'] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];

/** The longest deadline the county may give, in days from opening. */
export const MAX_RECTIFICATION_DAYS = 365;

const FAILING: ReadonlySet<RatingClass> = new Set(['C', 'D']);
export const isFailing = (c: RatingClass): boolean => FAILING.has(c);

/** The points a rating asks for: one per C or D indicator, in the list's order, each once. */
export function pointsOf(indicatorClasses: Readonly<Partial<Record<IndicatorName, RatingClass>>>): RectificationPoint[] {
  const wanted = new Set<RectificationPoint>();
  for (const [name, cls] of Object.entries(indicatorClasses) as [IndicatorName, RatingClass][]) {
    if (isFailing(cls)) wanted.add(POINT_OF_INDICATOR[name]);
  }
  return RECTIFICATION_POINTS.filter((p) => wanted.has(p));
}

export interface Opening {
  rating: { ratingClass: RatingClass; periodEnd: Day; indicatorClasses: Partial<Record<IndicatorName, RatingClass>> };
  /** a rating of the cooperative for a later period exists */
  laterRating: boolean;
  /** the cooperative has an OPEN rectification, or has exited */
  open: 'NONE' | 'OPEN' | 'EXITED';
  openedOn: Day;
  deadline: Day;
  /** the points the county names; empty: those the rating asks for */
  points: readonly string[];
}

/**
 * The county opens a rectification after a C or D rating, checked in this order:
 * COOPERATIVE_EXITED; RECTIFICATION_ALREADY_OPEN; RECTIFICATION_NOT_WARRANTED (the rating is A or
 * B, or a later period's rating is in force); RECTIFICATION_INVALID (opened before the rated period
 * ended, a deadline not after opening or more than a year away, a point unknown or named twice).
 * Returns the points, in the list's order.
 */
export function checkOpening(o: Opening): RectificationPoint[] {
  if (o.open === 'EXITED') fail('COOPERATIVE_EXITED');
  if (o.open === 'OPEN') fail('RECTIFICATION_ALREADY_OPEN');
  if (!isFailing(o.rating.ratingClass)) {
    fail('RECTIFICATION_NOT_WARRANTED', { reasonZh: `评级为 ${o.rating.ratingClass} 类,只有 C、D 类须整改`, reason: `the rating is class ${o.rating.ratingClass}; only C and D rectify` });
  }
  if (o.laterRating) fail('RECTIFICATION_NOT_WARRANTED', { reasonZh: '该互助社已有更新的评级', reason: 'a rating of a later period is in force' });
  const bad = (reasonZh: string, reason: string): never => fail('RECTIFICATION_INVALID', { reasonZh, reason });
  if (o.openedOn <= o.rating.periodEnd) bad('整改须在评级期间结束之后启动', 'a rectification opens after the rated period ended');
  if (o.deadline <= o.openedOn) bad('整改期限须晚于启动日期', 'the deadline must be after the opening day');
  if (o.deadline > addDays(o.openedOn, MAX_RECTIFICATION_DAYS)) bad(`整改期限最长 ${MAX_RECTIFICATION_DAYS} 天`, `the deadline is at most ${MAX_RECTIFICATION_DAYS} days away`);
  if (o.points.length === 0) return pointsOf(o.rating.indicatorClasses);
  const seen = new Set<RectificationPoint>();
  for (const p of o.points) {
    const point = RECTIFICATION_POINTS.find((x) => x === p) ?? bad(`未知整改事项 ${p}`, `unknown point ${p}`);
    if (seen.has(point)) bad(`整改事项 ${point} 重复`, `${point} is named twice`);
    seen.add(point);
  }
  return RECTIFICATION_POINTS.filter((p) => seen.has(p));
}

export interface RatingAfter { id: number; periodEnd: Day; ratingClass: RatingClass }

/**
 * The rating a rectification closes on: the cooperative's latest rating for a period ending after
 * it opened, when that is B or better. Null when there is none or the latest is still C or D (an
 * earlier B followed by a D is not running normally).
 */
export function closingRating(openedOn: Day, ratings: readonly RatingAfter[]): RatingAfter | null {
  const after = ratings.filter((r) => r.periodEnd > openedOn).sort((x, y) => (x.periodEnd < y.periodEnd ? 1 : x.periodEnd > y.periodEnd ? -1 : y.id - x.id));
  const latest = after[0];
  return latest && !isFailing(latest.ratingClass) ? latest : null;
}

const transition = (status: RectificationStatus, action: string): never => fail('RECTIFICATION_INVALID_TRANSITION', { status, action });

/**
 * Closing, checked in this order: RECTIFICATION_INVALID_TRANSITION unless OPEN;
 * RECTIFICATION_NOT_RECTIFIED without a closing rating. Returns that rating.
 */
export function checkClosing(status: RectificationStatus, openedOn: Day, ratings: readonly RatingAfter[]): RatingAfter {
  if (status !== 'OPEN') transition(status, 'close');
  const r = closingRating(openedOn, ratings);
  if (!r) {
    const later = ratings.some((x) => x.periodEnd > openedOn);
    fail('RECTIFICATION_NOT_RECTIFIED', later
      ? { reasonZh: '启动整改后的最新评级仍为 C 或 D 类', reason: 'the latest rating since it opened is still C or D' }
      : { reasonZh: '启动整改后尚无评级', reason: 'no period ending after it opened has been rated' });
  }
  return r!;
}

/**
 * Starting the exit, checked in this order: RECTIFICATION_INVALID_TRANSITION unless OPEN;
 * EXIT_NOT_WARRANTED before the deadline has passed, or when a closing rating exists (close it).
 */
export function checkExitStart(status: RectificationStatus, deadline: Day, today: Day, openedOn: Day, ratings: readonly RatingAfter[]): void {
  if (status !== 'OPEN') transition(status, 'start the exit');
  if (today <= deadline) fail('EXIT_NOT_WARRANTED', { reasonZh: `整改期限(${deadline})尚未届满`, reason: `the deadline (${deadline}) has not passed` });
  if (closingRating(openedOn, ratings)) fail('EXIT_NOT_WARRANTED', { reasonZh: '整改后评级已达 B 类以上,应结束整改', reason: 'a rating of B or better since it opened: close the rectification instead' });
}

export type CooperativeStatus = 'ACTIVE' | 'RECTIFYING' | 'EXITED';

/** The status a cooperative has because of its rectifications: exited once any exited, rectifying while one is open. */
export function statusOf(rectifications: readonly { status: RectificationStatus }[]): CooperativeStatus {
  if (rectifications.some((r) => r.status === 'EXITED')) return 'EXITED';
  if (rectifications.some((r) => r.status === 'OPEN')) return 'RECTIFYING';
  return 'ACTIVE';
}

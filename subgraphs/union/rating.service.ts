/**
 * Dynamic ratings (动态评级) and the county's ranking (考核评比). Rating a county reads its
 * indicators with one internal call to loans (portfolio ratios and borrowers on the period's end),
 * one to members (member counts, poverty and insurance on that day, the borrowers' poverty) and one
 * statement here (each cooperative's latest inspection of the period), then writes every rating in
 * one statement. The rules are rating.rules'.
 */
import type { Ctx } from '../lib/context';
import { inKeyOrder } from '../lib/context';
import { pagesByKey, toConnection, type Page } from '../lib/connection';
import { intArray } from '../lib/db';
import { parseId } from '../lib/ids';
import { todayInChina } from '../lib/input-check';
import { oneCounty, readScope, requireWrite, type Sql } from '../lib/scope';
import { callSubgraph } from '../lib/service-client';
import { selectList, type RowOf } from '../lib/table';
import { audit, inTransaction } from '../lib/tx';
import { fail, invalid } from './codes';
import type { OverrideRatingInput, RateCountyInput, RatingPeriodInput, SetRatingThresholdsInput } from './rating.inputs';
import {
  checkOverride, checkPeriodEnded, RATING_IN_FORCE_ORDER, ratingInForceSql, checkThresholds, classify, compareRanked, DEFAULT_RATING_THRESHOLDS, INDICATOR_NAMES, LOWER_IS_BETTER,
  indicatorsOf, NUMERIC_INDICATORS, periodBounds, RATING_CLASSES, rankingScore, thresholdsFrom,
  type IndicatorName, type Indicators, type PeriodKind, type RatingClass, type RatingThresholds,
} from './rating.rules';
import { CountyRatings, Rating, RatingThresholdsType, type RatingConnection } from './rating.type';
import { RATING } from './union.entity';
import { currentMembersOf } from './union.service';

type RatingRow = RowOf<typeof RATING>;
const COLUMNS = selectList(RATING, 'r');
/** The fields of a `Rating` read from its own columns alone, without its indicators and thresholds (a dashboard's class). */
export const LIGHT_RATING_FIELDS: ReadonlySet<string> = new Set([
  '__typename', 'id', 'cooperative', 'periodKind', 'periodStart', 'periodEnd', 'ratingClass', 'computedClass', 'overrideReason', 'score', 'inspectionId',
]);
const LIGHT_COLUMNS = selectList(RATING, 'r', [
  'id', 'cooperative_id', 'period_kind', 'period_start', 'period_end', 'rating_class', 'computed_class', 'override_reason', 'score', 'inspection_id',
]);

/** Whose ratings the caller reads: its scope's cooperatives; a UNION token its current members'. */
export function ratingScope(ctx: Ctx, alias = 'r'): Sql {
  return readScope(ctx.caller, { county: `${alias}.county_id`, township: `${alias}.township_id`, cooperative: `${alias}.cooperative_id`, unionMembers: currentMembersOf });
}

// ---- rows → types ----------------------------------------------------------------------------

function thresholdsType(t: RatingThresholds, source: string): RatingThresholdsType {
  return Object.assign(new RatingThresholdsType(), {
    source,
    bounds: NUMERIC_INDICATORS.map((name) => ({ name, a: t.numeric[name][0], b: t.numeric[name][1], c: t.numeric[name][2], lowerIsBetter: LOWER_IS_BETTER.has(name) })),
    failedPointClass: t.failedPointClass,
    missingClass: t.missingClass,
  });
}

function toRating(r: RatingRow): Rating {
  if (r.indicators === undefined) return toLightRating(r);
  const ind = r.indicators as unknown as Indicators;
  const classes = r.indicator_classes as unknown as Record<IndicatorName, RatingClass>;
  return Object.assign(new Rating(), {
    id: String(r.id), cooperative: { id: String(r.cooperative_id) }, periodKind: r.period_kind, periodStart: r.period_start, periodEnd: r.period_end,
    ratingClass: r.rating_class, computedClass: r.computed_class, overrideReason: r.override_reason, score: r.score,
    indicators: INDICATOR_NAMES.map((name) => {
      const v = ind[name];
      return { name, valueBp: typeof v === 'number' ? v : null, passed: typeof v === 'boolean' ? v : null, missing: v === null, ratingClass: classes[name] };
    }),
    thresholds: thresholdsType(r.thresholds as unknown as RatingThresholds, r.thresholds_source),
    inspectionId: r.inspection_id === null ? null : String(r.inspection_id),
  });
}

/** A rating from LIGHT_COLUMNS: what LIGHT_RATING_FIELDS read, nothing else set. */
function toLightRating(r: Pick<RatingRow, 'id' | 'cooperative_id' | 'period_kind' | 'period_start' | 'period_end' | 'rating_class' | 'computed_class' | 'override_reason' | 'score' | 'inspection_id'>): Rating {
  return Object.assign(new Rating(), {
    id: String(r.id), cooperative: { id: String(r.cooperative_id) }, periodKind: r.period_kind, periodStart: r.period_start, periodEnd: r.period_end,
    ratingClass: r.rating_class, computedClass: r.computed_class, overrideReason: r.override_reason, score: r.score,
    inspectionId: r.inspection_id === null ? null : String(r.inspection_id),
  });
}

// ---- reads -----------------------------------------------------------------------------------

/** A cooperative's ratings, oldest first, one statement per request and page. */
export function ratingsOf(ctx: Ctx, cooperativeId: number, page: Page): Promise<RatingConnection> {
  return ctx.loaders
    .get<number, RatingConnection>(`ratingsOf:${page.limit}:${page.afterId}`, async (ids) => {
      const pages = await pagesByKey<RatingRow>(ctx.read, { select: COLUMNS, from: 'rating r', idCol: 'r.id', keyCol: 'r.cooperative_id', keys: ids, where: [ratingScope(ctx)] }, page);
      return pages.map((p) => toConnection(p.rows.map(toRating), page, p.totalCount) as RatingConnection);
    })
    .load(cooperativeId);
}

/**
 * A cooperative's rating in force on a day (default: the latest): the latest period ended by then; a
 * quarter before a year ending the same day. `light`: without its indicators and thresholds, when
 * the request reads only LIGHT_RATING_FIELDS (a dashboard's class for every cooperative).
 */
export function currentRatingOf(ctx: Ctx, cooperativeId: number, asOf: string | null = null, light = false): Promise<Rating | null> {
  return ctx.loaders
    .get<number, Rating | null>(`currentRating:${light ? 'light:' : ''}${asOf ?? ''}`, async (ids) => {
      const s = ratingScope(ctx);
      const rows = await ctx.read<RatingRow[]>(
        `with arg as (select ?::date d) select cur.* from unnest(?::int[]) c(id) cross join arg
           cross join lateral (${ratingInForceSql({ columns: light ? LIGHT_COLUMNS : COLUMNS, cooperativeId: 'c.id', asOf: 'arg.d', where: s.sql })}) cur`,
        [asOf, intArray(ids), ...s.params],
      );
      return inKeyOrder(ids, rows, (r) => r.cooperative_id).map((r) => (r ? toRating(r) : null));
    })
    .load(cooperativeId);
}

/**
 * A county's cooperatives counted by the class of their rating in force on a day (default: the
 * latest), those the caller may read and not exited; one statement for every county of the request.
 */
export function ratingCountsOf(ctx: Ctx, countyId: number, asOf: string | null): Promise<{ ratingClass: RatingClass; count: number }[]> {
  return ctx.loaders
    .get<number, { ratingClass: RatingClass; count: number }[]>(`ratingCounts:${asOf ?? ''}`, async (ids) => {
      const s = ratingScope(ctx);
      // the counties' cooperatives that have ratings (the county index, its keys only), each one's in force by one probe
      const rows = await ctx.read<{ county_id: number; rating_class: RatingClass; n: number }[]>(
        `with arg as (select ?::date d)
         select cur.county_id, cur.rating_class, count(*)::int n
           from (select distinct r.cooperative_id from rating r where r.county_id = any(?::int[]) and ${s.sql}) c cross join arg
           cross join lateral (${ratingInForceSql({ columns: 'r.county_id, r.rating_class', cooperativeId: 'c.cooperative_id', asOf: 'arg.d', where: s.sql })}) cur
          where not exists (select 1 from rectification x where x.cooperative_id = c.cooperative_id and x.status = 'EXITED')
          group by cur.county_id, cur.rating_class`,
        [asOf, intArray(ids), ...s.params, ...s.params],
      );
      return ids.map((id) => RATING_CLASSES.map((c) => ({ ratingClass: c, count: rows.find((r) => r.county_id === id && r.rating_class === c)?.n ?? 0 })));
    })
    .load(countyId);
}

/** A rating by id, as the caller may read it (a rectification's ratings); one statement per request. */
export function ratingById(ctx: Ctx, id: number): Promise<Rating | null> {
  return ctx.loaders
    .get<number, Rating | null>('ratingById', async (ids) => {
      const s = ratingScope(ctx);
      const rows = await ctx.read<RatingRow[]>(`select ${COLUMNS} from rating r where r.id = any(?::int[]) and ${s.sql}`, [intArray(ids), ...s.params]);
      return inKeyOrder(ids, rows, (r) => r.id).map((r) => (r ? toRating(r) : null));
    })
    .load(id);
}

function period(p: RatingPeriodInput): { kind: PeriodKind; start: string; end: string } {
  const b = periodBounds(p.kind, p.year, p.quarter ?? null);
  return { kind: p.kind, ...b };
}

/** A county's ratings of a period that the caller may read, counted per class and ranked. */
export async function countyRatings(ctx: Ctx, countyIdRaw: string, p: RatingPeriodInput): Promise<CountyRatings> {
  const countyId = parseId(countyIdRaw, 'countyId');
  const { kind, start, end } = period(p);
  const s = ratingScope(ctx);
  const rows = await ctx.read<RatingRow[]>(
    `select ${COLUMNS} from rating r where r.county_id = ? and r.period_kind = ? and r.period_start = ? and ${s.sql} order by r.cooperative_id`,
    [countyId, kind, start, ...s.params],
  );
  return Object.assign(new CountyRatings(), {
    countyId: String(countyId), periodKind: kind, periodStart: start, periodEnd: end,
    counts: RATING_CLASSES.map((c) => ({ ratingClass: c, count: rows.filter((r) => r.rating_class === c).length })),
    ranking: ranked(rows),
  });
}

/** Ratings in ranking order (考核评比): better class, higher score, lower PAR, lower cooperative id (rating.rules' compareRanked). */
function ranked(rows: readonly RatingRow[]): Rating[] {
  return rows
    .map((r) => ({ r, key: { cooperativeId: r.cooperative_id, ratingClass: r.rating_class, score: r.score, parBp: (r.indicators as unknown as Indicators).parBp } }))
    .sort((x, y) => compareRanked(x.key, y.key))
    .map((x) => toRating(x.r));
}

/** A union's ranking for a period: its current members' ratings the caller may read, ranked; one statement per request and period. */
export function unionRanking(ctx: Ctx, unionId: number, p: RatingPeriodInput): Promise<Rating[]> {
  const { kind, start } = period(p);
  return ctx.loaders
    .get<number, Rating[]>(`unionRanking:${kind}:${start}`, async (ids) => {
      const s = ratingScope(ctx);
      const rows = await ctx.read<(RatingRow & { union_id: number })[]>(
        `select m.union_id, ${COLUMNS} from union_membership m join rating r on r.cooperative_id = m.cooperative_id and r.period_kind = ? and r.period_start = ?
          where m.union_id = any(?::int[]) and m.left_on is null and ${s.sql}`,
        [kind, start, intArray(ids), ...s.params],
      );
      return ids.map((id) => ranked(rows.filter((r) => r.union_id === id)));
    })
    .load(unionId);
}

export interface CurrentRatingFacts { cooperativeId: number; ratingClass: RatingClass | null; periodEnd: string | null; rectifying: boolean; exited: boolean }

/**
 * For a subgraph deciding at write time (wholesale: A and B may borrow): each cooperative's rating in
 * force (as `Cooperative.rating`) and whether it is rectifying or has exited, in the order asked; one statement.
 */
export async function currentRatings(ctx: Ctx, cooperativeIds: readonly number[]): Promise<CurrentRatingFacts[]> {
  if (cooperativeIds.length > 1000) invalid('一次最多查询1000个互助社', 'at most 1000 cooperatives per call', { field: 'cooperativeIds' });
  const ids = [...new Set(cooperativeIds)].filter((id) => Number.isInteger(id) && id > 0);
  const rows = await ctx.read<{ cooperative_id: number; rating_class: RatingClass | null; period_end: string | null; rectifying: boolean; exited: boolean }[]>(
    `select c.id cooperative_id, cur.rating_class, to_char(cur.period_end, 'YYYY-MM-DD') period_end,
            exists (select 1 from rectification x where x.cooperative_id = c.id and x.status = 'OPEN') rectifying,
            exists (select 1 from rectification x where x.cooperative_id = c.id and x.status = 'EXITED') exited
       from unnest(?::int[]) c(id)
       left join lateral (select r.rating_class, r.period_end from rating r where r.cooperative_id = c.id
                           order by ${RATING_IN_FORCE_ORDER} limit 1) cur on true`,
    [intArray(ids)],
  );
  const byId = new Map(rows.map((r) => [r.cooperative_id, r]));
  return cooperativeIds.map((id) => {
    const r = byId.get(id);
    return { cooperativeId: id, ratingClass: r?.rating_class ?? null, periodEnd: r?.period_end ?? null, rectifying: r?.rectifying ?? false, exited: r?.exited ?? false };
  });
}

// ---- rating a county ---------------------------------------------------------------------------

interface LoanFacts { cooperativeId: number; repaymentRateBp: number | null; parBp: number | null; utilisationBp: number | null; borrowerIds: number[] }
interface MemberFacts { cooperativeId: number; townshipId: number; status: string; members: number; poorMembers: number; insuredMembers: number; borrowers: number; poorBorrowers: number }

/** The county's thresholds, or the documented defaults. */
async function thresholdsOf(ctx: Ctx, countyId: number): Promise<{ t: RatingThresholds; source: 'DEFAULT' | 'COUNTY' }> {
  const [row] = await ctx.read<{ thresholds: RatingThresholds }[]>(`select thresholds from rating_policy where county_id = ?`, [countyId]);
  return row ? { t: row.thresholds, source: 'COUNTY' } : { t: DEFAULT_RATING_THRESHOLDS, source: 'DEFAULT' };
}

/**
 * Rate every cooperative of the county that has not exited for an ended period: its indicators as
 * of the period's end, classified against the county's thresholds; the same data gives the same
 * records; a county's override stays in force beside a recomputed class.
 */
export async function rateCounty(ctx: Ctx, input: RateCountyInput): Promise<CountyRatings> {
  const countyId = oneCounty(ctx.caller, parseId(input.countyId, 'countyId'));
  const { kind, start, end } = period(input.period);
  checkPeriodEnded(end, todayInChina());
  const { t, source } = await thresholdsOf(ctx, countyId);
  checkThresholds(t);
  const loans = (await callSubgraph<{ _ratingLoanFacts: LoanFacts[] }>(ctx, 'loans',
    `query($c: Int!, $d: LocalDate!) { _ratingLoanFacts(countyId: $c, asOf: $d) { cooperativeId repaymentRateBp parBp utilisationBp borrowerIds } }`,
    { c: countyId, d: end })).
    _ratingLoanFacts;
  const members = (await callSubgraph<{ _ratingMemberFacts: MemberFacts[] }>(ctx, 'members',
    `query($c: Int!, $d: LocalDate!, $b: [Int!]!) { _ratingMemberFacts(countyId: $c, asOf: $d, borrowerIds: $b) {
       cooperativeId townshipId status members poorMembers insuredMembers borrowers poorBorrowers } }`,
    { c: countyId, d: end, b: loans.flatMap((l) => l.borrowerIds) })).
    _ratingMemberFacts;
  // each cooperative's latest inspection of the period, with its two points that are indicators
  const inspections = await ctx.read<{ id: number; cooperative_id: number; bank_only: boolean | null; disclosure: boolean | null }[]>(
    `select distinct on (i.cooperative_id) i.id, i.cooperative_id,
            (select f.passed from inspection_finding f where f.inspection_id = i.id and f.point = 'BANK_ONLY') bank_only,
            (select f.passed from inspection_finding f where f.inspection_id = i.id and f.point = 'DISCLOSURE_UP_TO_DATE') disclosure
       from inspection i where i.county_id = ? and i.inspected_on between ? and ?
      order by i.cooperative_id, i.inspected_on desc, i.id desc`,
    [countyId, start, end],
  );
  const loanOf = new Map(loans.map((l) => [l.cooperativeId, l]));
  const inspectionOf = new Map(inspections.map((i) => [i.cooperative_id, i]));
  const records = members.filter((m) => m.status !== 'EXITED').map((m) => {
    const l = loanOf.get(m.cooperativeId);
    const i = inspectionOf.get(m.cooperativeId);
    const indicators = indicatorsOf({ loans: l ?? null, members: m, inspection: i ? { bankOnly: i.bank_only, disclosureTimely: i.disclosure } : null });
    const c = classify(indicators, t);
    return {
      cooperative_id: m.cooperativeId, township_id: m.townshipId, indicators, indicator_classes: c.perIndicator, missing: c.missing,
      inspection_id: i?.id ?? null, computed_class: c.ratingClass, score: rankingScore(indicators),
    };
  });
  await inTransaction(ctx, async (em) => {
    await em.execute(
      `insert into rating (cooperative_id, township_id, county_id, period_kind, period_start, period_end, indicators, indicator_classes, missing,
                           thresholds, thresholds_source, inspection_id, computed_class, score, rating_class, computed_by)
       select x.cooperative_id, x.township_id, ?, ?, ?, ?, x.indicators, x.indicator_classes, x.missing, ?::jsonb, ?, x.inspection_id, x.computed_class, x.score, x.computed_class, ?
         from jsonb_to_recordset(?::jsonb) x(cooperative_id int, township_id int, indicators jsonb, indicator_classes jsonb, missing jsonb,
                                             inspection_id int, computed_class text, score int)
       on conflict (cooperative_id, period_kind, period_start) do update set
         township_id = excluded.township_id, period_end = excluded.period_end, indicators = excluded.indicators,
         indicator_classes = excluded.indicator_classes, missing = excluded.missing, thresholds = excluded.thresholds,
         thresholds_source = excluded.thresholds_source, inspection_id = excluded.inspection_id, computed_class = excluded.computed_class,
         score = excluded.score, rating_class = case when rating.override_reason is null then excluded.computed_class else rating.rating_class end,
         computed_by = excluded.computed_by, computed_at = now()`,
      [countyId, kind, start, end, JSON.stringify(t), source, ctx.caller!.sub, JSON.stringify(records)],
    );
    const counts = Object.fromEntries(RATING_CLASSES.map((c) => [c, records.filter((r) => r.computed_class === c).length]));
    await audit(em, ctx, 'rateCounty', 'County', countyId, null, { periodKind: kind, periodStart: start, periodEnd: end, cooperatives: records.length, computed: counts, thresholds: source });
  });
  return countyRatings(ctx, String(countyId), input.period);
}

/** The county overrides a computed class with a written reason; both classes are kept. */
export async function overrideRating(ctx: Ctx, input: OverrideRatingInput): Promise<Rating> {
  const id = parseId(input.ratingId, 'ratingId');
  await inTransaction(ctx, async (em) => {
    const [r] = await em.execute<RatingRow[]>(`select ${COLUMNS} from rating r where r.id = ? for update`, [id]);
    if (!r) fail('NOT_FOUND', { ratingId: id });
    requireWrite(ctx, { cooperativeId: r!.cooperative_id, countyId: r!.county_id, townshipId: r!.township_id });
    const { reason } = checkOverride({ computed: r!.computed_class, override: input.ratingClass, reason: input.reason });
    await em.execute(`update rating set rating_class = ?, override_reason = ?, overridden_by = ?, overridden_at = now() where id = ?`, [input.ratingClass, reason, ctx.caller!.sub, id]);
    await audit(em, ctx, 'overrideRating', 'Rating', id, { ratingClass: r!.rating_class, overrideReason: r!.override_reason }, { ratingClass: input.ratingClass, overrideReason: reason, computedClass: r!.computed_class });
  });
  const [row] = await ctx.read<RatingRow[]>(`select ${COLUMNS} from rating r where r.id = ?`, [id]);
  return toRating(row!);
}

/** The county sets its own thresholds (with its document number); later ratings use them, earlier ones keep theirs. */
export async function setRatingThresholds(ctx: Ctx, input: SetRatingThresholdsInput): Promise<RatingThresholdsType> {
  const countyId = oneCounty(ctx.caller, parseId(input.countyId, 'countyId'));
  const t = thresholdsFrom(input);
  const documentNo = input.documentNo.trim();
  await inTransaction(ctx, async (em) => {
    const [before] = await em.execute<{ thresholds: unknown }[]>(`select thresholds from rating_policy where county_id = ? for update`, [countyId]);
    await em.execute(
      `insert into rating_policy (county_id, thresholds, document_no, updated_by) values (?, ?::jsonb, ?, ?)
       on conflict (county_id) do update set thresholds = excluded.thresholds, document_no = excluded.document_no, updated_by = excluded.updated_by, updated_at = now()`,
      [countyId, JSON.stringify(t), documentNo, ctx.caller!.sub],
    );
    await audit(em, ctx, 'setRatingThresholds', 'County', countyId, before ? { thresholds: before.thresholds } : null, { thresholds: t, documentNo });
  });
  return thresholdsType(t, 'COUNTY');
}

/** The thresholds a county's next rating will use. */
export async function countyThresholds(ctx: Ctx, countyIdRaw: string): Promise<RatingThresholdsType> {
  const countyId = oneCounty(ctx.caller, parseId(countyIdRaw, 'countyId'));
  const { t, source } = await thresholdsOf(ctx, countyId);
  return thresholdsType(t, source);
}

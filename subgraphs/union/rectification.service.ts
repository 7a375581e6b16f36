/**
 * Rectification (整改) and the start of exit (退出): the county opens one after a C or D rating,
 * closes it on a later B or better, or starts the exit past its deadline. Each change and its status
 * step to members (rectification.saga) are written in one transaction, then the step is worked.
 * The rules are rectification.rules'.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import { inKeyOrder } from '../lib/context';
import { addDays, daysBetween, parseDay } from '../lib/dates';
import { intArray } from '../lib/db';
import { parseId } from '../lib/ids';
import { todayInChina } from '../lib/input-check';
import { enqueue, runSaga } from '../lib/saga';
import { readScope, requireWrite, type Sql } from '../lib/scope';
import { selectList, type RowOf } from '../lib/table';
import { audit, once } from '../lib/tx';
import { fail, invalid } from './codes';
import type { IndicatorName, RatingClass } from './rating.rules';
import type { OpenRectificationInput, RectificationDecisionInput } from './rectification.inputs';
import { checkClosing, checkExitStart, checkOpening, type RatingAfter, type RectificationPoint, type RectificationStatus } from './rectification.rules';
import { COOPERATIVE_STATUS, RECTIFICATION_STEPS } from './rectification.saga';
import { Rectification } from './rectification.type';
import { RECTIFICATION } from './union.entity';
import { currentMembersOf, leaveUnionsOnExit, sendLeaves } from './union.service';

type RectificationRow = RowOf<typeof RECTIFICATION>;
const COLUMNS = selectList(RECTIFICATION, 'x');

/** Whose rectifications the caller reads: its scope's cooperatives; a UNION token its current members'. */
export function rectificationScope(ctx: Ctx, alias = 'x'): Sql {
  return readScope(ctx.caller, { county: `${alias}.county_id`, township: `${alias}.township_id`, cooperative: `${alias}.cooperative_id`, unionMembers: currentMembersOf });
}

/** The row as the schema shows it; `rating` and `closingRating` are resolved by id (Rectification's field resolvers). */
export type RectificationNode = Rectification & { ratingId: number | null; closingRatingId: number | null };

function toRectification(r: RectificationRow, today: string): RectificationNode {
  return Object.assign(new Rectification(), {
    id: String(r.id), cooperative: { id: String(r.cooperative_id) }, status: r.status, openedOn: r.opened_on, deadline: r.deadline,
    daysLeft: daysBetween(today, r.deadline), points: r.points as unknown as RectificationPoint[], note: r.note, closedOn: r.closed_on,
    exitedOn: r.exited_on, refusalCode: r.refusal_code, ratingId: r.rating_id, closingRatingId: r.closing_rating_id, rating: null, closingRating: null,
  });
}

// ---- reads -----------------------------------------------------------------------------------

/** A cooperative's rectification: the one open or exited, else the latest; one statement per request. */
export function rectificationOf(ctx: Ctx, cooperativeId: number): Promise<RectificationNode | null> {
  return ctx.loaders
    .get<number, RectificationNode | null>('rectificationOf', async (ids) => {
      const s = rectificationScope(ctx);
      const rows = await ctx.read<RectificationRow[]>(
        `select distinct on (x.cooperative_id) ${COLUMNS} from rectification x where x.cooperative_id = any(?::int[]) and ${s.sql}
          order by x.cooperative_id, (x.status in ('OPEN', 'EXITED')) desc, x.opened_on desc, x.id desc`,
        [intArray(ids), ...s.params],
      );
      const today = todayInChina();
      return inKeyOrder(ids, rows, (r) => r.cooperative_id).map((r) => (r ? toRectification(r, today) : null));
    })
    .load(cooperativeId);
}

/** The county's open rectifications whose deadline falls within `withinDays` from today, or has passed; soonest first. */
export async function rectificationDeadlines(ctx: Ctx, countyIdRaw: string, withinDays: number): Promise<RectificationNode[]> {
  const countyId = parseId(countyIdRaw, 'countyId');
  if (!Number.isInteger(withinDays) || withinDays < 0 || withinDays > 366) invalid('天数须为 0–366', 'withinDays must be 0–366', { field: 'withinDays' });
  const today = todayInChina();
  const s = rectificationScope(ctx);
  const rows = await ctx.read<RectificationRow[]>(
    `select ${COLUMNS} from rectification x where x.county_id = ? and x.status = 'OPEN' and x.deadline <= ? and ${s.sql} order by x.deadline, x.id`,
    [countyId, addDays(today, withinDays), ...s.params],
  );
  return rows.map((r) => toRectification(r, today));
}

async function reload(ctx: Ctx, id: number): Promise<RectificationNode> {
  const [r] = await ctx.read<RectificationRow[]>(`select ${COLUMNS} from rectification x where x.id = ?`, [id]);
  return toRectification(r!, todayInChina());
}

// ---- writes ----------------------------------------------------------------------------------

/** A cooperative's ratings, with every rectification's row of it locked: one decision per cooperative at a time. */
async function lockCooperative(em: EntityManager, cooperativeId: number): Promise<{ ratings: RatingAfter[]; statuses: RectificationStatus[] }> {
  const statuses = await em.execute<{ status: RectificationStatus }[]>(`select status from rectification where cooperative_id = ? for update`, [cooperativeId]);
  const ratings = await em.execute<{ id: number; period_end: string; rating_class: RatingClass }[]>(
    `select id, to_char(period_end, 'YYYY-MM-DD') period_end, rating_class from rating where cooperative_id = ? for update`, [cooperativeId],
  );
  return { ratings: ratings.map((r) => ({ id: r.id, periodEnd: r.period_end, ratingClass: r.rating_class })), statuses: statuses.map((s) => s.status) };
}

const sagaOf = (id: number, what: 'open' | 'close' | 'exit') => `rectification:${id}:${what}`;

async function queueStatus(em: EntityManager, r: { id: number; cooperativeId: number; countyId: number }, what: 'open' | 'close' | 'exit', reason: string): Promise<void> {
  await enqueue(em, COOPERATIVE_STATUS, sagaOf(r.id, what), [{ cooperativeId: r.cooperativeId, rectificationId: r.id, reason }], () => sagaOf(r.id, what), r.countyId);
}

/** The county opens a rectification after the cooperative's C or D rating; the cooperative becomes RECTIFYING by saga. */
export async function openRectification(ctx: Ctx, input: OpenRectificationInput): Promise<RectificationNode> {
  const ratingId = parseId(input.ratingId, 'ratingId');
  const openedOn = parseDay(input.openedOn);
  const deadline = parseDay(input.deadline);
  const note = input.note.trim();
  if (!note) invalid('须写明整改要求', 'the note is required', { field: 'note' });
  const [rating] = await ctx.read<{ cooperative_id: number; township_id: number; county_id: number; rating_class: RatingClass; period_end: string; indicator_classes: Record<IndicatorName, RatingClass> }[]>(
    `select cooperative_id, township_id, county_id, rating_class, to_char(period_end, 'YYYY-MM-DD') period_end, indicator_classes from rating where id = ?`, [ratingId],
  );
  if (!rating) fail('NOT_FOUND', { ratingId });
  const r = rating!;
  requireWrite(ctx, { cooperativeId: r.cooperative_id, countyId: r.county_id, townshipId: r.township_id });
  const idText = await once(ctx, input.idempotencyKey, 'openRectification', input, async (em) => {
    const { ratings, statuses } = await lockCooperative(em, r.cooperative_id);
    const points = checkOpening({
      rating: { ratingClass: r.rating_class, periodEnd: r.period_end, indicatorClasses: r.indicator_classes },
      laterRating: ratings.some((x) => x.periodEnd > r.period_end),
      // the union's own record decides: members' status follows it, set by this subgraph's steps alone (an exited
      // cooperative is never rated again, and one refused by members is cancelled by the step's compensation)
      open: statuses.includes('EXITED') ? 'EXITED' : statuses.includes('OPEN') ? 'OPEN' : 'NONE',
      openedOn, deadline, points: input.points ?? [],
    });
    const [row] = await em.execute<{ id: number }[]>(
      `insert into rectification (cooperative_id, township_id, county_id, rating_id, opened_on, deadline, points, note, status, opened_by)
       values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, 'OPEN', ?) returning id`,
      [r.cooperative_id, r.township_id, r.county_id, ratingId, openedOn, deadline, JSON.stringify(points), note, ctx.caller!.sub],
    );
    const id = row!.id;
    await audit(em, ctx, 'openRectification', 'Rectification', id, null, { cooperativeId: r.cooperative_id, ratingId, ratingClass: r.rating_class, openedOn, deadline, points, note });
    await queueStatus(em, { id, cooperativeId: r.cooperative_id, countyId: r.county_id }, 'open', `整改 ${id}:${r.rating_class} 类评级 ${ratingId}`);
    return String(id);
  });
  const id = Number(idText);
  await runSaga(ctx, RECTIFICATION_STEPS, sagaOf(id, 'open'));
  return reload(ctx, id);
}

/** Loads a rectification the caller may write, before its transaction. */
async function writable(ctx: Ctx, id: number): Promise<RectificationRow> {
  const s = rectificationScope(ctx);
  const [row] = await ctx.read<RectificationRow[]>(`select ${COLUMNS} from rectification x where x.id = ? and ${s.sql}`, [id, ...s.params]);
  if (!row) fail('NOT_FOUND', { rectificationId: id });
  requireWrite(ctx, { cooperativeId: row!.cooperative_id, countyId: row!.county_id, townshipId: row!.township_id });
  return row!;
}

/** Locks the rectification and its cooperative's ratings inside the decision's transaction. */
async function lockRectification(em: EntityManager, pre: RectificationRow): Promise<{ row: RectificationRow; ratings: RatingAfter[] }> {
  const { ratings } = await lockCooperative(em, pre.cooperative_id);
  const [row] = await em.execute<RectificationRow[]>(`select ${COLUMNS} from rectification x where x.id = ?`, [pre.id]);
  return { row: row!, ratings };
}

/** The county closes a rectification on a rating of B or better for a period ending after it opened; ACTIVE again by saga. */
export async function closeRectification(ctx: Ctx, input: RectificationDecisionInput): Promise<RectificationNode> {
  const id = parseId(input.rectificationId, 'rectificationId');
  const pre = await writable(ctx, id);
  const today = todayInChina();
  await once(ctx, input.idempotencyKey, 'closeRectification', input, async (em) => {
    const { row, ratings } = await lockRectification(em, pre);
    const closing = checkClosing(row.status, row.opened_on, ratings);
    await em.execute(`update rectification set status = 'CLOSED', closing_rating_id = ?, closed_on = ?, closed_by = ? where id = ?`, [closing.id, today, ctx.caller!.sub, id]);
    await audit(em, ctx, 'closeRectification', 'Rectification', id, { status: row.status }, { status: 'CLOSED', closingRatingId: closing.id, ratingClass: closing.ratingClass, closedOn: today });
    await queueStatus(em, { id, cooperativeId: row.cooperative_id, countyId: row.county_id }, 'close', `整改 ${id} 完成:评级 ${closing.id} 为 ${closing.ratingClass} 类`);
    return String(id);
  });
  await runSaga(ctx, RECTIFICATION_STEPS, sagaOf(id, 'close'));
  return reload(ctx, id);
}

/** Past the deadline without a rating of B or better, the county starts the exit: EXITED by saga, final. */
export async function startExit(ctx: Ctx, input: RectificationDecisionInput): Promise<RectificationNode> {
  const id = parseId(input.rectificationId, 'rectificationId');
  const pre = await writable(ctx, id);
  const today = todayInChina();
  let leaving: string[] = [];
  await once(ctx, input.idempotencyKey, 'startExit', input, async (em) => {
    const { row, ratings } = await lockRectification(em, pre);
    checkExitStart(row.status, row.deadline, today, row.opened_on, ratings);
    await em.execute(`update rectification set status = 'EXITED', exited_on = ?, exited_by = ? where id = ?`, [today, ctx.caller!.sub, id]);
    await audit(em, ctx, 'startExit', 'Rectification', id, { status: row.status }, { status: 'EXITED', exitedOn: today, deadline: row.deadline });
    await queueStatus(em, { id, cooperativeId: row.cooperative_id, countyId: row.county_id }, 'exit', `整改 ${id} 逾期未达标,启动退出`);
    // the unions where it has no open allocation, now; the others once those are settled
    leaving = await leaveUnionsOnExit(em, ctx, [row.cooperative_id], today);
    return String(id);
  });
  await runSaga(ctx, RECTIFICATION_STEPS, sagaOf(id, 'exit'));
  await sendLeaves(ctx, leaving);
  return reload(ctx, id);
}

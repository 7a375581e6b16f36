/**
 * Cooperative unions (联合社): founding, policy, joining and leaving (writes, each in one
 * transaction with its audit entry and, for memberships, its grant steps), and the reads behind
 * `CooperativeUnion`, `Cooperative.unions` and the union's member list, batched per request.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { pageOf, pagesByKey, toConnection, type Page } from '../lib/connection';
import { inKeyOrder, groupInKeyOrder, type Ctx } from '../lib/context';
import { intArray } from '../lib/db';
import { parseDay } from '../lib/dates';
import { parseId } from '../lib/ids';
import { enqueue, runSaga } from '../lib/saga';
import { oneCounty, readScope, type Sql } from '../lib/scope';
import { callSubgraph } from '../lib/service-client';
import { selectList, type RowOf } from '../lib/table';
import { audit, inTransaction } from '../lib/tx';
import { fail, invalid } from './codes';
import { GRANT_STEPS, UNION_STEPS } from './grant.saga';
import { OPEN_ALLOCATION_SQL } from './allocation.service';
import { COOPERATIVE_UNION, UNION_MEMBERSHIP } from './union.entity';
import type { FoundUnionInput, JoinUnionInput, LeaveUnionInput, UnionPolicyInput, UpdateUnionPolicyInput } from './union.inputs';
import {
  checkJoin, checkLeave, checkUnionArea, checkUnionPolicy, DEFAULT_UNION_POLICY, mergeUnionPolicy, type UnionLevel, type UnionPolicy,
} from './union.rules';
import { CooperativeUnion, UnionMembership, type CooperativeUnionConnection, type UnionMembershipConnection } from './union.type';

type UnionRow = RowOf<typeof COOPERATIVE_UNION>;
type MembershipRow = RowOf<typeof UNION_MEMBERSHIP>;
const UNION_COLUMNS = selectList(COOPERATIVE_UNION, 'u');
const MEMBERSHIP_COLUMNS = selectList(UNION_MEMBERSHIP, 'm');

// ---- scope -----------------------------------------------------------------------------------

/** Membership rows (`m`): by their cooperative's place, and a UNION caller its own union's. */
export const membershipScope = (ctx: Ctx, alias = 'm'): Sql =>
  readScope(ctx.caller, { county: `${alias}.county_id`, township: `${alias}.township_id`, cooperative: `${alias}.cooperative_id`, union: `${alias}.union_id` });

/**
 * Union rows (`u`): by the union's own place (a county office its county's unions, a township its
 * township's), or through a current member the caller may see (a board its cooperative's unions, a
 * township the county union its cooperatives belong to); a UNION caller its own.
 */
export function unionScope(ctx: Ctx): Sql {
  const own = readScope(ctx.caller, { county: 'u.county_id', township: 'u.township_id', cooperative: 'null', union: 'u.id' });
  const via = membershipScope(ctx, 'sm');
  return {
    sql: `((${own.sql}) or exists (select 1 from union_membership sm where sm.union_id = u.id and sm.left_on is null and ${via.sql}))`,
    params: [...own.params, ...via.params],
  };
}

// ---- rows → types ----------------------------------------------------------------------------

const policyOf = (r: UnionRow): UnionPolicy => ({
  feeRateMinBp: r.fee_rate_min_bp, feeRateMaxBp: r.fee_rate_max_bp, maxLenderShareBp: r.max_lender_share_bp,
  maxTermDays: r.max_term_days, countyApprovalAboveFen: BigInt(r.county_approval_above_fen), lenderFeeShareBp: r.lender_fee_share_bp,
});

function toUnion(r: UnionRow): CooperativeUnion {
  const p = policyOf(r);
  return Object.assign(new CooperativeUnion(), {
    id: String(r.id), level: r.level, county: { id: String(r.county_id) }, townshipId: r.township_id === null ? null : String(r.township_id),
    nameZh: r.name_zh, nameEn: r.name_en, foundedOn: r.founded_on,
    policy: {
      feeRateMinBp: p.feeRateMinBp, feeRateMaxBp: p.feeRateMaxBp, maxLenderShareBp: p.maxLenderShareBp, maxTermDays: p.maxTermDays,
      countyApprovalAbove: p.countyApprovalAboveFen, lenderFeeShareBp: p.lenderFeeShareBp,
    },
  });
}

/** A membership; its `union` is resolved through the loader (`unionOfMembership`). */
export type MembershipNode = UnionMembership & { unionId: number };
const toMembership = (r: MembershipRow): MembershipNode => Object.assign(new UnionMembership(), {
  id: String(r.id), unionId: r.union_id, cooperative: { id: String(r.cooperative_id) }, level: r.level, joinedOn: r.joined_on,
  joinDocumentNo: r.join_document_no, leftOn: r.left_on, leaveReason: r.leave_reason,
}) as MembershipNode;

// ---- reads -----------------------------------------------------------------------------------

/** One union by id, batched per request, null outside the caller's scope. */
export function unionById(ctx: Ctx, id: number): Promise<CooperativeUnion | null> {
  return ctx.loaders
    .get<number, CooperativeUnion | null>('unionById', async (ids) => {
      const s = unionScope(ctx);
      const rows = await ctx.read<UnionRow[]>(`select ${UNION_COLUMNS} from cooperative_union u where u.id = any(?::int[]) and ${s.sql}`, [intArray(ids), ...s.params]);
      return inKeyOrder(ids, rows, (r) => r.id).map((r) => (r ? toUnion(r) : null));
    })
    .load(id);
}

/** Unions in the caller's scope, by id; optionally of one county or level. */
export async function listUnions(ctx: Ctx, f: { countyId: number | null; level: UnionLevel | null }, args: { first?: number | null; after?: string | null }): Promise<CooperativeUnionConnection> {
  const page = pageOf(args);
  const where: Sql[] = [unionScope(ctx)];
  if (f.countyId !== null) where.push({ sql: 'u.county_id = ?', params: [f.countyId] });
  if (f.level !== null) where.push({ sql: 'u.level = ?', params: [f.level] });
  const [p] = await pagesByKey<UnionRow>(ctx.read, { select: UNION_COLUMNS, from: 'cooperative_union u', idCol: 'u.id', keyCol: null, keys: null, where }, page);
  return toConnection(p!.rows.map(toUnion), page, p!.totalCount) as CooperativeUnionConnection;
}

/** A union's memberships (current only unless `all`), one statement per request and arguments. */
export function membersOf(ctx: Ctx, unionId: number, all: boolean, page: Page): Promise<UnionMembershipConnection> {
  return ctx.loaders
    .get<number, UnionMembershipConnection>(`membersOf:${all}:${page.limit}:${page.afterId}`, async (ids) => {
      const where = [membershipScope(ctx), ...(all ? [] : [{ sql: 'm.left_on is null', params: [] }])];
      const pages = await pagesByKey<MembershipRow>(ctx.read, { select: MEMBERSHIP_COLUMNS, from: 'union_membership m', idCol: 'm.id', keyCol: 'm.union_id', keys: ids, where }, page);
      return pages.map((p) => toConnection(p.rows.map(toMembership), page, p.totalCount) as UnionMembershipConnection);
    })
    .load(unionId);
}

/** A cooperative's current memberships (at most one per level), batched per request. */
export function unionsOfCooperative(ctx: Ctx, cooperativeId: number): Promise<MembershipNode[]> {
  return ctx.loaders
    .get<number, MembershipNode[]>('unionsOfCooperative', async (ids) => {
      const s = membershipScope(ctx);
      const rows = await ctx.read<MembershipRow[]>(
        `select ${MEMBERSHIP_COLUMNS} from union_membership m where m.cooperative_id = any(?::int[]) and m.left_on is null and ${s.sql} order by m.cooperative_id, m.level`,
        [intArray(ids), ...s.params],
      );
      return groupInKeyOrder(ids, rows, (r) => r.cooperative_id).map((g) => g.map(toMembership));
    })
    .load(cooperativeId);
}

// ---- writes ----------------------------------------------------------------------------------

const policyPatch = (p: UnionPolicyInput | null | undefined): Partial<Record<keyof UnionPolicy, unknown>> => ({
  feeRateMinBp: p?.feeRateMinBp, feeRateMaxBp: p?.feeRateMaxBp, maxLenderShareBp: p?.maxLenderShareBp, maxTermDays: p?.maxTermDays,
  countyApprovalAboveFen: p?.countyApprovalAbove, lenderFeeShareBp: p?.lenderFeeShareBp,
});

const required = (s: string, field: string): string => {
  const t = s.trim();
  return t ? t : invalid(`须填写 ${field}`, `${field} is required`, { field });
};

/** The county a township belongs to, from members (null: no such township). */
async function townshipCounty(ctx: Ctx, countyId: number, townshipId: number): Promise<number | null> {
  const data = await callSubgraph<{ county: { townships: { id: string }[] } | null }>(
    ctx, 'members', `query($id: ID!) { county(id: $id) { townships { id } } }`, { id: String(countyId) },
  );
  return data.county?.townships.some((t) => Number(t.id) === townshipId) ? countyId : null;
}

async function lockUnion(ctx: Ctx, em: EntityManager, id: number): Promise<UnionRow> {
  const [row] = await em.execute<UnionRow[]>(`select ${UNION_COLUMNS} from cooperative_union u where u.id = ? for update`, [id]);
  if (!row) return fail('NOT_FOUND', { unionId: id });
  oneCounty(ctx.caller, row.county_id); // OUT_OF_SCOPE for another county's officer
  return row;
}

/** The county founds a union for itself or one of its townships, with a policy (defaults where omitted). */
export async function foundUnion(ctx: Ctx, input: FoundUnionInput): Promise<CooperativeUnion> {
  const countyId = oneCounty(ctx.caller, parseId(input.countyId, 'countyId'));
  const townshipId = input.townshipId ? parseId(input.townshipId, 'townshipId') : null;
  const area = { level: input.level, countyId, townshipId };
  const policy = mergeUnionPolicy(DEFAULT_UNION_POLICY, policyPatch(input.policy) as never);
  checkUnionPolicy(policy);
  checkUnionArea(area, townshipId === null ? null : await townshipCounty(ctx, countyId, townshipId));
  const nameZh = required(input.nameZh, 'nameZh');
  const nameEn = required(input.nameEn, 'nameEn');
  const foundedOn = parseDay(input.foundedOn);
  const id = await inTransaction(ctx, async (em) => {
    // one union per area: the unique index decides between two officers at once, this gives the code
    await em.execute(`select pg_advisory_xact_lock(hashtext('cooperative_union'), ?)`, [countyId]);
    const [other] = await em.execute<{ id: number }[]>(`select id from cooperative_union where county_id = ? and coalesce(township_id, 0) = ?`, [countyId, townshipId ?? 0]);
    if (other) fail('UNION_EXISTS', { unionId: other.id, level: input.level, levelZh: input.level === 'COUNTY' ? '县' : '乡镇' });
    const [row] = await em.execute<{ id: number }[]>(
      `insert into cooperative_union (level, county_id, township_id, name_zh, name_en, founded_on, fee_rate_min_bp, fee_rate_max_bp,
         max_lender_share_bp, max_term_days, county_approval_above_fen, lender_fee_share_bp)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      [input.level, countyId, townshipId, nameZh, nameEn, foundedOn, policy.feeRateMinBp, policy.feeRateMaxBp,
        policy.maxLenderShareBp, policy.maxTermDays, policy.countyApprovalAboveFen.toString(), policy.lenderFeeShareBp],
    );
    await audit(em, ctx, 'foundUnion', 'CooperativeUnion', row!.id, null, { ...area, nameZh, nameEn, foundedOn, policy });
    return row!.id;
  });
  return (await reloadUnion(ctx, id))!;
}

export async function updateUnionPolicy(ctx: Ctx, input: UpdateUnionPolicyInput): Promise<CooperativeUnion> {
  const id = parseId(input.unionId, 'unionId');
  const documentNo = required(input.documentNo, 'documentNo');
  await inTransaction(ctx, async (em) => {
    const row = await lockUnion(ctx, em, id);
    const before = policyOf(row);
    const next = mergeUnionPolicy(before, policyPatch(input.policy) as never);
    checkUnionPolicy(next);
    await em.execute(
      `update cooperative_union set fee_rate_min_bp = ?, fee_rate_max_bp = ?, max_lender_share_bp = ?, max_term_days = ?,
         county_approval_above_fen = ?, lender_fee_share_bp = ?, updated_at = now() where id = ?`,
      [next.feeRateMinBp, next.feeRateMaxBp, next.maxLenderShareBp, next.maxTermDays, next.countyApprovalAboveFen.toString(), next.lenderFeeShareBp, id],
    );
    await audit(em, ctx, 'updateUnionPolicy', 'CooperativeUnion', id, before, { ...next, documentNo });
  });
  return (await reloadUnion(ctx, id))!;
}

/** The cooperative's place and status, from members (NOT_FOUND when it has none). */
/** A union's current member cooperatives as a sub-select: the relation this subgraph owns, which scopes a UNION caller here. */
export const currentMembersOf = (unionId: number): Sql => ({
  sql: 'select m.cooperative_id from union_membership m where m.union_id = ? and m.left_on is null',
  params: [unionId],
});

export async function cooperativeFacts(ctx: Ctx, cooperativeId: number): Promise<{ countyId: number; townshipId: number; status: string }> {
  const data = await callSubgraph<{ _cooperativeFacts: { countyId: number; townshipId: number; status: string } | null }>(
    ctx, 'members', `query($id: Int!) { _cooperativeFacts(cooperativeId: $id) { countyId townshipId status } }`, { id: cooperativeId },
  );
  return data._cooperativeFacts ?? fail('NOT_FOUND', { cooperativeId });
}

const grantKey = (membershipId: number, what: 'join' | 'leave', target: string) => `union-membership:${membershipId}:${what}:${target}`;

/** A cooperative joins a union: the membership, its audit entry and the grant steps in one transaction, then the steps. */
export async function joinUnion(ctx: Ctx, input: JoinUnionInput): Promise<MembershipNode> {
  const unionId = parseId(input.unionId, 'unionId');
  const cooperativeId = parseId(input.cooperativeId, 'cooperativeId');
  const joinedOn = parseDay(input.joinedOn);
  const documentNo = required(input.documentNo, 'documentNo');
  // the service call before the transaction: no connection is held while members answers
  const coop = await cooperativeFacts(ctx, cooperativeId);
  const { membershipId, sagaId } = await inTransaction(ctx, async (em) => {
    const u = await lockUnion(ctx, em, unionId);
    const [current] = await em.execute<{ union_id: number }[]>(
      `select union_id from union_membership where cooperative_id = ? and level = ? and left_on is null for update`, [cooperativeId, u.level],
    );
    checkJoin({
      union: { id: u.id, level: u.level, countyId: u.county_id, townshipId: u.township_id, foundedOn: u.founded_on },
      cooperative: coop, currentUnionAtLevel: current?.union_id ?? null, joinedOn,
    });
    const [row] = await em.execute<{ id: number }[]>(
      `insert into union_membership (union_id, level, cooperative_id, township_id, county_id, joined_on, join_document_no) values (?, ?, ?, ?, ?, ?, ?) returning id`,
      [unionId, u.level, cooperativeId, coop.townshipId, coop.countyId, joinedOn, documentNo],
    );
    const id = row!.id;
    await audit(em, ctx, 'joinUnion', 'CooperativeUnion', unionId, null, { membershipId: id, cooperativeId, joinedOn, documentNo });
    const saga = `union-membership:${id}:join`;
    for (const step of GRANT_STEPS) await enqueue(em, step, saga, [{ unionId, cooperativeId }], () => grantKey(id, 'join', step.target), u.county_id);
    return { membershipId: id, sagaId: saga };
  });
  await runSaga(ctx, UNION_STEPS, sagaId);
  return (await reloadMembership(ctx, membershipId))!;
}

/** A cooperative leaves a union: the membership ends, the grants are withdrawn by the same steps. */
export async function leaveUnion(ctx: Ctx, input: LeaveUnionInput): Promise<MembershipNode> {
  const unionId = parseId(input.unionId, 'unionId');
  const cooperativeId = parseId(input.cooperativeId, 'cooperativeId');
  const leftOn = parseDay(input.leftOn);
  const reason = required(input.reason, 'reason');
  const { membershipId, sagaId } = await inTransaction(ctx, async (em) => {
    const u = await lockUnion(ctx, em, unionId);
    const [m] = await em.execute<{ id: number; joined_on: string }[]>(
      `select id, to_char(joined_on, 'YYYY-MM-DD') joined_on from union_membership where union_id = ? and cooperative_id = ? and left_on is null for update`,
      [unionId, cooperativeId],
    );
    checkLeave(m ? { joinedOn: m.joined_on } : null, leftOn);
    const [open] = await em.execute(
      `select 1 from allocation where union_id = ? and ? in (lender_cooperative_id, borrower_cooperative_id) and ${OPEN_ALLOCATION_SQL} limit 1`, [unionId, cooperativeId],
    );
    if (open) fail('OPEN_ALLOCATIONS');
    const saga = await endMembership(em, ctx, { id: m!.id, unionId, cooperativeId, countyId: u.county_id }, leftOn, reason);
    return { membershipId: m!.id, sagaId: saga };
  });
  await runSaga(ctx, UNION_STEPS, sagaId);
  return (await reloadMembership(ctx, membershipId))!;
}

/** Why an exited cooperative's memberships end (退出). */
export const EXIT_LEAVE_REASON = '互助社已退出 / the cooperative exited';

/**
 * Exited cooperatives of `cooperativeIds` leave each union they are still members of once they have
 * no open allocation there (leaveUnion's own condition): the membership ends on the day, audited as a
 * leave, and the union's grants in members and loans are withdrawn by the same steps. In the
 * transaction of the exit, of each recovery run (after it settled what the cooperative borrowed) and
 * of each allocation repayment (a union it lent through keeps it until the borrower has repaid).
 * Returns the sagas to send once the transaction commits.
 */
export async function leaveUnionsOnExit(em: EntityManager, ctx: Ctx, cooperativeIds: readonly number[], leftOn: string): Promise<string[]> {
  const rows = await em.execute<{ id: number; union_id: number; cooperative_id: number; county_id: number; joined_on: string }[]>(
    `select m.id, m.union_id, m.cooperative_id, m.county_id, to_char(m.joined_on, 'YYYY-MM-DD') joined_on from union_membership m
      where m.cooperative_id = any(?::int[]) and m.left_on is null
        and exists (select 1 from rectification x where x.cooperative_id = m.cooperative_id and x.status = 'EXITED')
        and not exists (select 1 from allocation a where a.union_id = m.union_id
                          and m.cooperative_id in (a.lender_cooperative_id, a.borrower_cooperative_id) and a.${OPEN_ALLOCATION_SQL})
      order by m.id for update of m`,
    [intArray(cooperativeIds)],
  );
  const sagas: string[] = [];
  for (const m of rows) {
    const on = leftOn < m.joined_on ? m.joined_on : leftOn;
    checkLeave({ joinedOn: m.joined_on }, on);
    sagas.push(await endMembership(em, ctx, { id: m.id, unionId: m.union_id, cooperativeId: m.cooperative_id, countyId: m.county_id }, on, EXIT_LEAVE_REASON));
  }
  return sagas;
}

/** A membership ends on the day with its reason, audited as a leave; the union's grants are withdrawn by the join's steps, queued in the saga returned. */
async function endMembership(
  em: EntityManager, ctx: Ctx, m: { id: number; unionId: number; cooperativeId: number; countyId: number }, leftOn: string, reason: string,
): Promise<string> {
  await em.execute(`update union_membership set left_on = ?, leave_reason = ? where id = ?`, [leftOn, reason, m.id]);
  await audit(em, ctx, 'leaveUnion', 'CooperativeUnion', m.unionId, { membershipId: m.id, leftOn: null }, { membershipId: m.id, cooperativeId: m.cooperativeId, leftOn, reason });
  const saga = `union-membership:${m.id}:leave`;
  for (const step of GRANT_STEPS) await enqueue(em, step, saga, [{ unionId: m.unionId, cooperativeId: m.cooperativeId }], () => grantKey(m.id, 'leave', step.target), m.countyId);
  return saga;
}

/** Sends the leave sagas of {@link leaveUnionsOnExit} after the commit (the runner retries what fails). */
export async function sendLeaves(ctx: Ctx, sagas: readonly string[]): Promise<void> {
  for (const saga of sagas) await runSaga(ctx, UNION_STEPS, saga);
}

async function reloadUnion(ctx: Ctx, id: number): Promise<CooperativeUnion | null> {
  const s = unionScope(ctx);
  const [row] = await ctx.read<UnionRow[]>(`select ${UNION_COLUMNS} from cooperative_union u where u.id = ? and ${s.sql}`, [id, ...s.params]);
  return row ? toUnion(row) : null;
}

async function reloadMembership(ctx: Ctx, id: number): Promise<MembershipNode | null> {
  const s = membershipScope(ctx);
  const [row] = await ctx.read<MembershipRow[]>(`select ${MEMBERSHIP_COLUMNS} from union_membership m where m.id = ? and ${s.sql}`, [id, ...s.params]);
  return row ? toMembership(row) : null;
}

/**
 * Cooperatives: scoped reads (one SQL per batch), policy changes and status changes by the county.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import { inKeyOrder } from '../lib/context';
import { intArray } from '../lib/db';
import { fail, invalid } from './codes';
import { canRead, requireWrite, type CoopLocation, type Sql } from '../lib/scope';
import { audit, inTransaction } from '../lib/tx';
import { COOPERATIVE } from './cooperative.entity';
import type { EntityOf, RowOf } from '../lib/table';
import type { UpdateCooperativePolicyInput, SetManagementModeInput } from './cooperative.inputs';
import {
  checkPolicy, checkManagementModeChange, checkStatusChange, mergePolicy, POLICY_KEYS,
  type CooperativePolicy as Policy, type CooperativeStatus, type ManagementMode, type PolicyPatch,
} from './cooperative.rules';
import { Cooperative, CooperativeConnection, CooperativePolicy } from './cooperative.type';
import { pagesByKey, toConnection, type Page } from '../lib/connection';
import { coopScope, parseId } from './shared';
import { primeTownships } from './geography.service';

/** A cooperative as its reads select it (all but `updated_at`). */
export type CooperativeRow = Omit<RowOf<typeof COOPERATIVE>, 'updated_at'>;

/** The policy columns of a row as the rules see them. */
export function policyOfRow(r: CooperativeRow): Policy {
  return {
    maxFirstLoanFen: BigInt(r.max_first_loan_fen), maxLaterLoanFen: BigInt(r.max_later_loan_fen),
    shuangdaoLoanCapFen: BigInt(r.shuangdao_loan_cap_fen), maxLoanFen: BigInt(r.max_loan_fen),
    maxTermMonths: r.max_term_months, feeRateBp: r.fee_rate_bp, concentrationBp: r.concentration_bp, groupSize: r.group_size,
    splitRiskReserveBp: r.split_risk_reserve_bp, splitWelfareBp: r.split_welfare_bp,
    splitManagementBp: r.split_management_bp, splitCapitalBp: r.split_capital_bp,
    shareFen: BigInt(r.share_fen), shareSubsidyFen: BigInt(r.share_subsidy_fen),
    shareHouseholdFen: BigInt(r.share_household_fen), shareAbsolutePoorFen: BigInt(r.share_absolute_poor_fen),
    withdrawalMinMonths: r.withdrawal_min_months, cashLimitFen: BigInt(r.cash_limit_fen),
  };
}

function toPolicyType(p: Policy): CooperativePolicy {
  return Object.assign(new CooperativePolicy(), {
    maxFirstLoan: p.maxFirstLoanFen, maxLaterLoan: p.maxLaterLoanFen, shuangdaoLoanCap: p.shuangdaoLoanCapFen,
    maxLoan: p.maxLoanFen, maxTermMonths: p.maxTermMonths, feeRateBp: p.feeRateBp, concentrationBp: p.concentrationBp,
    groupSize: p.groupSize, splitRiskReserveBp: p.splitRiskReserveBp, splitWelfareBp: p.splitWelfareBp,
    splitManagementBp: p.splitManagementBp, splitCapitalBp: p.splitCapitalBp, share: p.shareFen,
    shareSubsidy: p.shareSubsidyFen, shareHousehold: p.shareHouseholdFen, shareAbsolutePoor: p.shareAbsolutePoorFen,
    withdrawalMinMonths: p.withdrawalMinMonths, cashLimit: p.cashLimitFen,
  });
}

/** The columns of a cooperative's read model: everything but the policy (read by {@link cooperativePolicy} when asked). */
export type CooperativeListRow = Pick<CooperativeRow,
  'id' | 'village_id' | 'township_id' | 'county_id' | 'name_zh' | 'name_en' | 'status' | 'management_mode' | 'founded_on' |
  'member_count' | 'registered_poor_count' | 'party_member_count'>;

/** Select list for {@link CooperativeListRow} (alias `c`): lists of 1,000 cooperatives do not carry 18 policy columns each. */
const LIST_COLUMNS = [
  'id', 'village_id', 'township_id', 'county_id', 'name_zh', 'name_en', 'status', 'management_mode', 'founded_on',
  'member_count', 'registered_poor_count', 'party_member_count',
].map((c) => `c.${c}`).join(', ');

/** Cooperatives with their township (`t`), for lists: the township's columns ride along (see {@link primeTownships}). */
const LIST_FROM = 'cooperative c join township t on t.id = c.township_id';
const LIST_SELECT = `${LIST_COLUMNS}, t.name_zh as t_name_zh, t.name_en as t_name_en`;
type ListRowWithTownship = CooperativeListRow & { t_name_zh: string; t_name_en: string };

function listed(ctx: Ctx, rows: readonly ListRowWithTownship[]): Cooperative[] {
  primeTownships(ctx, rows.map((r) => ({ id: r.township_id, county_id: r.county_id, name_zh: r.t_name_zh, name_en: r.t_name_en })));
  return rows.map(toCooperative);
}

export function toCooperative(r: CooperativeListRow): Cooperative {
  const c = new Cooperative();
  c.id = r.id;
  c.nameZh = r.name_zh;
  c.nameEn = r.name_en;
  c.status = r.status;
  c.managementMode = r.management_mode;
  c.foundedOn = r.founded_on;
  c.villageId = r.village_id;
  c.townshipId = r.township_id;
  c.countyId = r.county_id;
  c.memberCount = r.member_count;
  c.registeredPoorCount = r.registered_poor_count;
  c.partyMemberCount = r.party_member_count;
  return c;
}

/** A cooperative read by id carries its whole row: its policy is at hand. */
const withPolicy = (c: Cooperative, r: CooperativeRow): Cooperative => Object.assign(c, { policyRow: r });

/**
 * Cooperative.policy: from the row when the cooperative was read whole (by id); a listed one is
 * read whole through the same batched loader (one statement for every listed cooperative asked).
 */
export async function cooperativePolicy(ctx: Ctx, c: Cooperative): Promise<CooperativePolicy | null> {
  const row = (c.policyRow ?? (await cooperativeLoader(ctx).load(c.id))?.policyRow) as CooperativeRow | undefined;
  return row ? toPolicyType(policyOfRow(row)) : null;
}

export const locationOf = (r: { id: number; county_id: number; township_id: number }): CoopLocation => ({
  cooperativeId: r.id, countyId: r.county_id, townshipId: r.township_id,
});

/** A cooperative regardless of scope (for write checks); NOT_FOUND when there is none. */
export async function cooperativeForWrite(em: EntityManager, id: number): Promise<CooperativeRow> {
  const [row] = await em.execute<CooperativeRow[]>(`select * from cooperative where id = ?`, [id]);
  return row ?? fail('NOT_FOUND', { cooperativeId: id });
}

// ---- reads ---------------------------------------------------------------------------------

function cooperativeLoader(ctx: Ctx) {
  return ctx.loaders.get<number, Cooperative | null>('cooperative', async (ids) => {
    const s = coopScope(ctx);
    const rows = await ctx.read<CooperativeRow[]>(`select c.* from cooperative c where c.id = any(?::int[]) and ${s.sql}`, [intArray(ids), ...s.params]);
    return inKeyOrder(ids, rows, (r) => r.id).map((r) => (r ? withPolicy(toCooperative(r), r) : null));
  });
}

export function cooperativeById(ctx: Ctx, id: number): Promise<Cooperative | null> {
  return cooperativeLoader(ctx).load(id);
}

/**
 * A cooperative row read along with something else (a member's row joins its cooperative anyway):
 * primed into the loader when the caller may read the cooperative itself, so `Member.cooperative`
 * needs no statement of its own.
 */
export function primeCooperative(ctx: Ctx, row: CooperativeRow): void {
  if (canRead(ctx.caller, locationOf(row))) cooperativeLoader(ctx).prime(row.id, withPolicy(toCooperative(row), row));
}

export interface CooperativeFilter {
  countyId?: number | null;
  townshipId?: number | null;
  status?: CooperativeStatus | null;
}

function filterSql(f: CooperativeFilter): Sql[] {
  const out: Sql[] = [];
  if (f.countyId != null) out.push({ sql: 'c.county_id = ?', params: [f.countyId] });
  if (f.townshipId != null) out.push({ sql: 'c.township_id = ?', params: [f.townshipId] });
  if (f.status != null) out.push({ sql: 'c.status = ?', params: [f.status] });
  return out;
}

export async function listCooperatives(ctx: Ctx, f: CooperativeFilter, page: Page): Promise<CooperativeConnection> {
  const [p] = await pagesByKey<ListRowWithTownship>(
    ctx.read,
    { select: LIST_SELECT, from: LIST_FROM, idCol: 'c.id', keyCol: null, keys: null, where: [...filterSql(f), coopScope(ctx)] },
    page,
  );
  return toConnection(listed(ctx, p!.rows), page, p!.totalCount);
}

/** Cooperatives of many counties or townships in one query per request and arguments. */
export function cooperativesOf(
  ctx: Ctx, by: 'county' | 'township', parentId: number, status: CooperativeStatus | null | undefined, page: Page,
): Promise<CooperativeConnection> {
  const col = by === 'county' ? 'c.county_id' : 'c.township_id';
  return ctx.loaders
    .get<number, CooperativeConnection>(`cooperativesOf:${by}:${status ?? ''}:${page.limit}:${page.afterId}`, async (ids) => {
      const pages = await pagesByKey<ListRowWithTownship>(
        ctx.read,
        { select: LIST_SELECT, from: LIST_FROM, idCol: 'c.id', keyCol: col, keys: ids, where: [...filterSql({ status }), coopScope(ctx)] },
        page,
      );
      return pages.map((p) => toConnection(listed(ctx, p.rows), page, p.totalCount));
    })
    .load(parentId);
}

/** Active members with an insurance policy covering `asOf`, per cooperative, batched per date. */
export function insuredMemberCount(ctx: Ctx, cooperativeId: number, asOf: string): Promise<number> {
  return ctx.loaders
    .get<number, number>(`insuredCount:${asOf}`, async (ids) => {
      const s = coopScope(ctx);
      const rows = await ctx.read<{ k: number; n: string }[]>(
        `select i.cooperative_id as k, count(distinct i.member_id) as n
         from insurance_policy i join member m on m.id = i.member_id join cooperative c on c.id = i.cooperative_id
         where i.cooperative_id = any(?::int[]) and i.ends_on >= ?::date and i.starts_on <= ?::date and m.status = 'ACTIVE' and ${s.sql}
         group by i.cooperative_id`,
        [intArray(ids), asOf, asOf, ...s.params],
      );
      return inKeyOrder(ids, rows, (r) => r.k).map((r) => Number(r?.n ?? 0));
    })
    .load(cooperativeId);
}

// ---- writes (county offices; members/access.ts) ----------------------------------------------

async function lockForCounty(ctx: Ctx, em: EntityManager, id: number): Promise<EntityOf<typeof COOPERATIVE.columns>> {
  const coop = await em.findOne(COOPERATIVE.entity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!coop) return fail('NOT_FOUND', { cooperativeId: id });
  requireWrite(ctx, { cooperativeId: coop.id, countyId: coop.countyId, townshipId: coop.townshipId });
  return coop;
}

const policyOfEntity = (e: EntityOf<typeof COOPERATIVE.columns>): Policy => {
  const p = {} as Record<string, unknown>;
  for (const k of POLICY_KEYS) p[k] = e[k];
  return p as unknown as Policy;
};

export async function updateCooperativePolicy(ctx: Ctx, input: UpdateCooperativePolicyInput): Promise<Cooperative> {
  const id = parseId(input.cooperativeId, 'cooperativeId');
  const patch: PolicyPatch = {
    maxFirstLoanFen: input.maxFirstLoan, maxLaterLoanFen: input.maxLaterLoan, shuangdaoLoanCapFen: input.shuangdaoLoanCap,
    maxLoanFen: input.maxLoan, maxTermMonths: input.maxTermMonths, feeRateBp: input.feeRateBp,
    concentrationBp: input.concentrationBp, groupSize: input.groupSize, splitRiskReserveBp: input.splitRiskReserveBp,
    splitWelfareBp: input.splitWelfareBp, splitManagementBp: input.splitManagementBp, splitCapitalBp: input.splitCapitalBp,
    shareFen: input.share, shareSubsidyFen: input.shareSubsidy, shareHouseholdFen: input.shareHousehold,
    shareAbsolutePoorFen: input.shareAbsolutePoor, withdrawalMinMonths: input.withdrawalMinMonths, cashLimitFen: input.cashLimit,
  };
  await inTransaction(ctx, async (em) => {
    const coop = await lockForCounty(ctx, em, id);
    const before = policyOfEntity(coop);
    const next = mergePolicy(before, patch);
    checkPolicy(next);
    Object.assign(coop, next);
    coop.updatedAt = new Date();
    await em.flush();
    await audit(em, ctx, 'updateCooperativePolicy', 'Cooperative', id, before, next);
  });
  return (await reloadCooperative(ctx, id))!;
}

/**
 * The status the union's rectification or exit gives the cooperative (its saga step; the union owns
 * the decision, members the status everything here checks). The same status again changes nothing
 * and returns false; every change is audited with the union's reason and the step's key.
 */
export async function applyCooperativeStatus(ctx: Ctx, cooperativeId: number, status: CooperativeStatus, reason: string, idempotencyKey: string): Promise<boolean> {
  return inTransaction(ctx, async (em) => {
    const coop = await em.findOne(COOPERATIVE.entity, { id: cooperativeId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!coop) return fail('NOT_FOUND', { cooperativeId });
    const before = coop.status;
    if (!checkStatusChange(before, status)) return false;
    coop.status = status;
    coop.updatedAt = new Date();
    await em.flush();
    await audit(em, ctx, 'setCooperativeStatus', 'Cooperative', cooperativeId, { status: before }, { status, reason, idempotencyKey });
    return true;
  });
}

/** 社财乡管: the county moves a cooperative's money to the township's keeping, bank-only, with its document. */
export async function setManagementMode(ctx: Ctx, input: SetManagementModeInput): Promise<Cooperative> {
  const id = parseId(input.cooperativeId, 'cooperativeId');
  const documentNo = input.documentNo.trim();
  if (!documentNo) invalid('须填写文件号或理由', 'a document number or reason is required', { field: 'documentNo' });
  await inTransaction(ctx, async (em) => {
    const coop = await lockForCounty(ctx, em, id);
    const before = coop.managementMode;
    checkManagementModeChange(coop.status, before, input.mode);
    coop.managementMode = input.mode;
    coop.updatedAt = new Date();
    await em.flush();
    await audit(em, ctx, 'setManagementMode', 'Cooperative', id, { managementMode: before }, { managementMode: input.mode, documentNo, effectiveOn: input.effectiveOn });
  });
  return (await reloadCooperative(ctx, id))!;
}

/** Read after a write (not through the request's loader cache). */
async function reloadCooperative(ctx: Ctx, id: number): Promise<Cooperative | null> {
  const s = coopScope(ctx);
  const [row] = await ctx.read<CooperativeRow[]>(`select c.* from cooperative c where c.id = ? and ${s.sql}`, [id, ...s.params]);
  return row ? withPolicy(toCooperative(row), row) : null;
}

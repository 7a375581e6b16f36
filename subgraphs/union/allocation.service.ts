/**
 * Allocations between a union's members (有偿调剂): request by the borrower's board, consent by the
 * lender's, the county's approval above the union's limit, the union's approval (the money moves in
 * loans by saga), repayments with the fee by days and its split; and the reads behind
 * `CooperativeUnion.allocations`, `.position`, `Cooperative.allocations`, batched per request.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  allocationDueOn, allocationOverdueSql, allocationOwed, allocationRepayment, checkAllocationTerms, checkLenderMoney, checkUnionApproval,
  isAllocationOverdue, needsCountyApproval, splitAllocationFee, type AllocationParties, type AllocationPolicy, type AllocationStatus, type AllocationTerms,
} from '../lib/allocation.rules';
import { pagesByKey, toConnection, type Page } from '../lib/connection';
import { groupInKeyOrder, type Ctx } from '../lib/context';
import { intArray } from '../lib/db';
import { parseDay } from '../lib/dates';
import { parseId } from '../lib/ids';
import { todayInChina } from '../lib/input-check';
import { enqueue, runSaga } from '../lib/saga';
import { canRead, oneCounty, readScope, type CoopLocation, type Sql } from '../lib/scope';
import { callSubgraph } from '../lib/service-client';
import { selectList, type RowOf } from '../lib/table';
import { audit, once } from '../lib/tx';
import { fail, invalid } from './codes';
import { ALLOCATION_MADE, ALLOCATION_REPAID, type AllocationMadeStep, type AllocationRepaidStep } from './allocation.saga';
import type { AllocationDecisionInput, RepayAllocationInput, RequestAllocationInput } from './allocation.inputs';
import { ALLOCATION, ALLOCATION_REPAYMENT, COOPERATIVE_UNION } from './union.entity';
import { Allocation, AllocationRepayment, type AllocationConnection, type UnionPosition } from './union.type';
import { leaveUnionsOnExit, sendLeaves } from './union.service';

export type AllocationRow = RowOf<typeof ALLOCATION>;
type RepaymentRow = RowOf<typeof ALLOCATION_REPAYMENT>;
type UnionRow = RowOf<typeof COOPERATIVE_UNION>;
const COLUMNS = selectList(ALLOCATION, 'a');
const REPAYMENT_COLUMNS = selectList(ALLOCATION_REPAYMENT, 'r');
const UNION_COLUMNS = selectList(COOPERATIVE_UNION, 'u');

/** Statuses of an allocation not yet finished: its parties may not leave the union. */
export const OPEN_ALLOCATION_SQL = `status in ('REQUESTED', 'CONSENTED', 'COUNTY_APPROVED', 'POSTING', 'ACTIVE')`;

// ---- scope -----------------------------------------------------------------------------------

/**
 * Allocation rows (`a`): a county office its county's, a township office those with a party in its
 * townships, a board those its cooperatives lend or borrow, a UNION caller its union's. A MEMBER
 * reads none (the catalogue refuses the fields); a household's business is its own loans.
 */
export function allocationScope(ctx: Ctx, alias = 'a'): Sql {
  const as = (party: 'lender' | 'borrower') =>
    readScope(ctx.caller, { county: `${alias}.county_id`, township: `${alias}.${party}_township_id`, cooperative: `${alias}.${party}_cooperative_id`, union: `${alias}.union_id` });
  const l = as('lender');
  const b = as('borrower');
  return { sql: `((${l.sql}) or (${b.sql}))`, params: [...l.params, ...b.params] };
}

// ---- rows → types ----------------------------------------------------------------------------

const toRepayment = (r: RepaymentRow): AllocationRepayment => Object.assign(new AllocationRepayment(), {
  id: String(r.id), paidOn: r.paid_on, principal: BigInt(r.principal_fen), fee: BigInt(r.fee_fen), lenderFee: BigInt(r.lender_fee_fen),
  unionFee: BigInt(r.union_fee_fen), status: r.status, refusalCode: r.refusal_code,
});

/** An allocation; its `union` and `repayments` are resolved through loaders. */
export type AllocationNode = Allocation & { unionId: number };
function toAllocation(r: AllocationRow, today: string): AllocationNode {
  const amount = BigInt(r.amount_fen);
  const repaid = BigInt(r.principal_repaid_fen);
  return Object.assign(new Allocation(), {
    id: String(r.id), unionId: r.union_id, lender: { id: String(r.lender_cooperative_id) }, borrower: { id: String(r.borrower_cooperative_id) },
    lenderNameZh: r.lender_name_zh, borrowerNameZh: r.borrower_name_zh,
    amount, termDays: r.term_days, feeRateBp: r.fee_rate_bp, purpose: r.purpose, status: r.status, requestedOn: r.requested_on,
    consentedOn: r.consented_on, countyApprovedOn: r.county_approved_on, madeOn: r.made_on, dueOn: r.due_on, principalRepaid: repaid,
    feePaid: BigInt(r.fee_paid_fen), outstanding: r.status === 'ACTIVE' ? amount - repaid : 0n,
    overdue: isAllocationOverdue({ status: r.status, dueOn: r.due_on }, today), repaidOn: r.repaid_on, refusalCode: r.refusal_code, refusalMessage: r.refusal_message,
  }) as AllocationNode;
}

// ---- reads -----------------------------------------------------------------------------------

/** A union's allocations, newest id last, one statement per request and page. */
export function allocationsOfUnion(ctx: Ctx, unionId: number, page: Page): Promise<AllocationConnection> {
  return ctx.loaders
    .get<number, AllocationConnection>(`allocationsOfUnion:${page.limit}:${page.afterId}`, async (ids) => {
      const today = todayInChina();
      const pages = await pagesByKey<AllocationRow>(ctx.read, { select: COLUMNS, from: 'allocation a', idCol: 'a.id', keyCol: 'a.union_id', keys: ids, where: [allocationScope(ctx)] }, page);
      return pages.map((p) => toConnection(p.rows.map((r) => toAllocation(r, today)), page, p.totalCount) as AllocationConnection);
    })
    .load(unionId);
}

/** A cooperative's allocations, lent or borrowed, in every union. */
export function allocationsOfCooperative(ctx: Ctx, cooperativeId: number, page: Page): Promise<AllocationConnection> {
  return ctx.loaders
    .get<number, AllocationConnection>(`allocationsOfCooperative:${page.limit}:${page.afterId}`, async (ids) => {
      const today = todayInChina();
      const party = { sql: 'page_key__.key in (a.lender_cooperative_id, a.borrower_cooperative_id)', params: [] };
      const pages = await pagesByKey<AllocationRow>(ctx.read, { select: COLUMNS, from: 'allocation a', idCol: 'a.id', keyCol: null, keys: ids, where: [party, allocationScope(ctx)] }, page);
      return pages.map((p) => toConnection(p.rows.map((r) => toAllocation(r, today)), page, p.totalCount) as AllocationConnection);
    })
    .load(cooperativeId);
}

/** An allocation's repayments, oldest first, batched per request. */
export function repaymentsOf(ctx: Ctx, allocationId: number): Promise<AllocationRepayment[]> {
  return ctx.loaders
    .get<number, AllocationRepayment[]>('allocationRepayments', async (ids) => {
      const rows = await ctx.read<RepaymentRow[]>(`select ${REPAYMENT_COLUMNS} from allocation_repayment r where r.allocation_id = any(?::int[]) order by r.allocation_id, r.id`, [intArray(ids)]);
      return groupInKeyOrder(ids, rows, (r) => r.allocation_id).map((g) => g.map(toRepayment));
    })
    .load(allocationId);
}

/** A union's position at a date: its books' balances up to it, and its allocations out and overdue then. */
export function positionOf(ctx: Ctx, unionId: number, asOf: string): Promise<UnionPosition> {
  return ctx.loaders
    .get<number, UnionPosition>(`unionPosition:${asOf}`, async (ids) => {
      const books = await ctx.read<{ union_id: number; account: string; balance: string }[]>(
        `select union_id, account, sum(amount_fen)::text balance from union_entry where union_id = any(?::int[]) and occurred_on <= ? group by 1, 2`,
        [intArray(ids), asOf],
      );
      // money out at the date: made by then, and its principal repaid by then from the posted repayments
      const out = await ctx.read<{ union_id: number; active: number; overdue: number; overdue_outstanding: string }[]>(
        `with o as (
           select a.union_id, a.due_on, a.amount_fen - coalesce((select sum(r.principal_fen) from allocation_repayment r
                    where r.allocation_id = a.id and r.status = 'POSTED' and r.paid_on <= ?), 0) outstanding
             from allocation a where a.union_id = any(?::int[]) and a.made_on <= ? and a.status in ('ACTIVE', 'REPAID'))
         select union_id, count(*) filter (where outstanding > 0)::int active,
                count(*) filter (where outstanding > 0 and due_on < ?)::int overdue,
                coalesce(sum(outstanding) filter (where outstanding > 0 and due_on < ?), 0)::text overdue_outstanding
           from o group by 1`,
        [asOf, intArray(ids), asOf, asOf, asOf],
      );
      return ids.map((id) => {
        const bal = (account: string) => BigInt(books.find((b) => b.union_id === id && b.account === account)?.balance ?? '0');
        const o = out.find((x) => x.union_id === id);
        return {
          asOf, receivable: bal('ALLOCATIONS_RECEIVABLE'), payable: -bal('ALLOCATIONS_PAYABLE'), feeIncome: -bal('FEE_INCOME'), bank: bal('BANK'),
          activeCount: o?.active ?? 0, overdueCount: o?.overdue ?? 0, overdueOutstanding: BigInt(o?.overdue_outstanding ?? '0'),
        };
      });
    })
    .load(unionId);
}

async function reload(ctx: Ctx, id: number): Promise<AllocationNode> {
  const s = allocationScope(ctx);
  const [row] = await ctx.read<AllocationRow[]>(`select ${COLUMNS} from allocation a where a.id = ? and ${s.sql}`, [id, ...s.params]);
  return row ? toAllocation(row, todayInChina()) : fail('NOT_FOUND', { allocationId: id });
}

// ---- facts from the other subgraphs (before any transaction: no lock is held while they answer) --

interface CoopFacts { countyId: number; townshipId: number; nameZh: string; status: string }

async function coopFacts(ctx: Ctx, ids: number[]): Promise<Map<number, CoopFacts>> {
  const q = ids.map((id, i) => `c${i}: _cooperativeFacts(cooperativeId: ${Math.trunc(id)}) { countyId townshipId nameZh status }`).join(' ');
  const data = await callSubgraph<Record<string, CoopFacts | null>>(ctx, 'members', `query { ${q} }`, {});
  const out = new Map<number, CoopFacts>();
  ids.forEach((id, i) => {
    const f = data[`c${i}`];
    if (!f) fail('NOT_FOUND', { cooperativeId: id });
    out.set(id, f);
  });
  return out;
}

async function idleMoney(ctx: Ctx, cooperativeId: number): Promise<bigint> {
  const data = await callSubgraph<{ _fundIdleMoney: { cooperativeId: number; idle: string }[] }>(
    ctx, 'loans', `query($ids: [Int!]!) { _fundIdleMoney(cooperativeIds: $ids) { cooperativeId idle } }`, { ids: [cooperativeId] },
  );
  return BigInt(data._fundIdleMoney[0]?.idle ?? '0');
}

// ---- writes ----------------------------------------------------------------------------------

const policyOf = (u: UnionRow): AllocationPolicy => ({
  feeRateMinBp: u.fee_rate_min_bp, feeRateMaxBp: u.fee_rate_max_bp, maxLenderShareBp: u.max_lender_share_bp, maxTermDays: u.max_term_days,
  countyApprovalAboveFen: BigInt(u.county_approval_above_fen), lenderFeeShareBp: u.lender_fee_share_bp,
});

/** The board's own cooperative (the catalogue lets only boards in): NOT_ALLOCATION_PARTY for a board of another one. */
function ownBoard(ctx: Ctx, loc: CoopLocation, side: 'BORROWER' | 'LENDER'): void {
  if (!canRead(ctx.caller, loc)) fail('NOT_ALLOCATION_PARTY', { side: side === 'BORROWER' ? '调入 / borrowing' : '调出 / lending' });
}
const lenderOf = (a: AllocationRow): CoopLocation => ({ cooperativeId: a.lender_cooperative_id, countyId: a.county_id, townshipId: a.lender_township_id });
const borrowerOf = (a: AllocationRow): CoopLocation => ({ cooperativeId: a.borrower_cooperative_id, countyId: a.county_id, townshipId: a.borrower_township_id });

async function lockAllocation(em: EntityManager, id: number): Promise<AllocationRow> {
  const [row] = await em.execute<AllocationRow[]>(`select ${COLUMNS} from allocation a where a.id = ? for update`, [id]);
  return row ?? fail('NOT_FOUND', { allocationId: id });
}

async function unionRow(em: EntityManager, id: number, lock = false): Promise<UnionRow> {
  const [row] = await em.execute<UnionRow[]>(`select ${UNION_COLUMNS} from cooperative_union u where u.id = ?${lock ? ' for share' : ''}`, [id]);
  return row ?? fail('NOT_FOUND', { unionId: id });
}

/** Whether each cooperative is a current member of the union. */
async function inUnion(em: EntityManager, unionId: number, ids: number[]): Promise<boolean[]> {
  const rows = await em.execute<{ cooperative_id: number }[]>(
    `select cooperative_id from union_membership where union_id = ? and cooperative_id = any(?::int[]) and left_on is null`, [unionId, intArray(ids)],
  );
  return ids.map((id) => rows.some((r) => r.cooperative_id === id));
}

/** The borrower's overdue allocation today, if any (the borrower's rows locked: two requests at once see each other). */
async function overdueOf(em: EntityManager, borrowerId: number, today: string): Promise<number | null> {
  await em.execute(`select pg_advisory_xact_lock(hashtext('allocation-borrower'), ?)`, [borrowerId]);
  const [r] = await em.execute<{ id: number }[]>(
    `select a.id from allocation a where a.borrower_cooperative_id = ? and ${allocationOverdueSql('a', '?::date')} order by a.id limit 1`, [borrowerId, today],
  );
  return r?.id ?? null;
}

/**
 * What the union checks before it writes a request or an approval, in the rules' order: the terms
 * and parties, the borrower's overdue allocations, the lender's idle money (read before the
 * transaction; loans checks it again under the fund lock when the money moves).
 */
async function checkBeforeWrite(em: EntityManager, o: { terms: AllocationTerms; parties: AllocationParties; policy: AllocationPolicy; idle: bigint }): Promise<void> {
  checkAllocationTerms(o.terms, o.parties, o.policy);
  const overdue = await overdueOf(em, o.parties.borrowerCooperativeId, todayInChina());
  if (overdue !== null) fail('BORROWER_ALLOCATION_OVERDUE', { allocationId: overdue });
  checkLenderMoney(o.terms.amountFen, o.idle, o.policy.maxLenderShareBp);
}

const transition = (row: AllocationRow, allowed: AllocationStatus[], action: string): void => {
  if (!allowed.includes(row.status)) fail('ALLOCATION_INVALID_TRANSITION', { status: row.status, action });
};

/** The borrower's board asks for an allocation: every check the union can make before anything is written. */
export async function requestAllocation(ctx: Ctx, input: RequestAllocationInput): Promise<AllocationNode> {
  const unionId = parseId(input.unionId, 'unionId');
  const borrowerId = parseId(input.borrowerCooperativeId, 'borrowerCooperativeId');
  const lenderId = parseId(input.lenderCooperativeId, 'lenderCooperativeId');
  const on = parseDay(input.on);
  const purpose = input.purpose.trim() || invalid('须写明用途', 'purpose is required', { field: 'purpose' });
  if (lenderId === borrowerId) invalid('调出社与调入社不能相同', 'lender and borrower must differ', { field: 'lenderCooperativeId' });
  const [facts, idle] = await Promise.all([coopFacts(ctx, [lenderId, borrowerId]), idleMoney(ctx, lenderId)]);
  ownBoard(ctx, { cooperativeId: borrowerId, ...facts.get(borrowerId)! }, 'BORROWER');
  const id = await once(ctx, input.idempotencyKey, 'requestAllocation', input, async (em) => {
    const u = await unionRow(em, unionId, true);
    const [lenderIn, borrowerIn] = await inUnion(em, unionId, [lenderId, borrowerId]);
    const lender = facts.get(lenderId)!;
    const borrower = facts.get(borrowerId)!;
    const policy = policyOf(u);
    await checkBeforeWrite(em, {
      terms: { amountFen: input.amount, termDays: input.termDays, feeRateBp: input.feeRateBp },
      parties: { lenderCooperativeId: lenderId, borrowerCooperativeId: borrowerId, lenderInUnion: lenderIn!, borrowerInUnion: borrowerIn!, lenderStatus: lender.status, borrowerStatus: borrower.status },
      policy, idle,
    });
    const [row] = await em.execute<{ id: number }[]>(
      `insert into allocation (union_id, county_id, lender_cooperative_id, lender_township_id, lender_name_zh, borrower_cooperative_id, borrower_township_id,
         borrower_name_zh, amount_fen, term_days, fee_rate_bp, purpose, status, requested_by, requested_on)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'REQUESTED', ?, ?) returning id`,
      [unionId, u.county_id, lenderId, lender.townshipId, lender.nameZh, borrowerId, borrower.townshipId, borrower.nameZh, input.amount.toString(), input.termDays, input.feeRateBp, purpose, ctx.caller!.sub, on],
    );
    await audit(em, ctx, 'requestAllocation', 'Allocation', row!.id, null, { unionId, lenderId, borrowerId, amount: input.amount.toString(), termDays: input.termDays, feeRateBp: input.feeRateBp, on });
    return String(row!.id);
  });
  return reload(ctx, Number(id));
}

/** The lender's board consents. */
export async function consentAllocation(ctx: Ctx, input: AllocationDecisionInput): Promise<AllocationNode> {
  const id = parseId(input.allocationId, 'allocationId');
  const on = parseDay(input.on);
  await once(ctx, input.idempotencyKey, 'consentAllocation', input, async (em) => {
    const a = await lockAllocation(em, id);
    ownBoard(ctx, lenderOf(a), 'LENDER');
    transition(a, ['REQUESTED'], 'consent');
    if (on < a.requested_on) invalid('同意日期早于申请日期', 'consent before the request', { field: 'on' });
    await em.execute(`update allocation set status = 'CONSENTED', consented_by = ?, consented_on = ? where id = ?`, [ctx.caller!.sub, on, id]);
    await audit(em, ctx, 'consentAllocation', 'Allocation', id, { status: a.status }, { status: 'CONSENTED', on });
    return String(id);
  });
  return reload(ctx, id);
}

/** The county approves an allocation above the union's limit, before the union does. */
export async function countyApproveAllocation(ctx: Ctx, input: AllocationDecisionInput): Promise<AllocationNode> {
  const id = parseId(input.allocationId, 'allocationId');
  const on = parseDay(input.on);
  await once(ctx, input.idempotencyKey, 'countyApproveAllocation', input, async (em) => {
    const a = await lockAllocation(em, id);
    oneCounty(ctx.caller, a.county_id);
    transition(a, ['CONSENTED'], 'county-approve');
    const u = await unionRow(em, a.union_id);
    if (!needsCountyApproval(BigInt(a.amount_fen), policyOf(u))) fail('ALLOCATION_INVALID_TRANSITION', { status: a.status, action: 'county-approve (not above the limit)' });
    if (a.requested_by === ctx.caller!.sub) fail('SELF_APPROVAL');
    if (on < a.consented_on!) invalid('批准日期早于同意日期', 'approval before the consent', { field: 'on' });
    await em.execute(`update allocation set status = 'COUNTY_APPROVED', county_approved_by = ?, county_approved_on = ? where id = ?`, [ctx.caller!.sub, on, id]);
    await audit(em, ctx, 'countyApproveAllocation', 'Allocation', id, { status: a.status }, { status: 'COUNTY_APPROVED', on });
    return String(id);
  });
  return reload(ctx, id);
}

/**
 * The union approves: checked again here (membership, status, terms, the lender's idle money), then
 * the allocation is POSTING with its step to loans, which moves the money in both ledgers under the
 * fund locks or refuses it (REFUSED with loans' code).
 */
export async function approveAllocation(ctx: Ctx, input: AllocationDecisionInput): Promise<AllocationNode> {
  const id = parseId(input.allocationId, 'allocationId');
  const on = parseDay(input.on);
  // a UNION caller reads its own union's allocations only: another union's is not found
  const s = allocationScope(ctx);
  const [pre] = await ctx.read<AllocationRow[]>(`select ${COLUMNS} from allocation a where a.id = ? and ${s.sql}`, [id, ...s.params]);
  if (!pre) fail('NOT_FOUND', { allocationId: id });
  const [facts, idle] = await Promise.all([coopFacts(ctx, [pre.lender_cooperative_id, pre.borrower_cooperative_id]), idleMoney(ctx, pre.lender_cooperative_id)]);
  const sagaId = `allocation:${id}:made`;
  await once(ctx, input.idempotencyKey, 'approveAllocation', input, async (em) => {
    const a = await lockAllocation(em, id);
    transition(a, ['CONSENTED', 'COUNTY_APPROVED'], 'approve');
    if (on < (a.county_approved_on ?? a.consented_on!)) invalid('批准日期早于前一审批步骤', 'approval before the previous step', { field: 'on' });
    const u = await unionRow(em, a.union_id, true);
    const policy = policyOf(u);
    const amountFen = BigInt(a.amount_fen);
    const [lenderIn, borrowerIn] = await inUnion(em, a.union_id, [a.lender_cooperative_id, a.borrower_cooperative_id]);
    const lender = facts.get(a.lender_cooperative_id)!;
    const borrower = facts.get(a.borrower_cooperative_id)!;
    const countyApproved = a.county_approved_by !== null;
    checkUnionApproval({ requestedBy: a.requested_by, approver: ctx.caller!.sub, amountFen, countyApproved }, policy);
    await checkBeforeWrite(em, {
      terms: { amountFen, termDays: a.term_days, feeRateBp: a.fee_rate_bp },
      parties: { lenderCooperativeId: a.lender_cooperative_id, borrowerCooperativeId: a.borrower_cooperative_id, lenderInUnion: lenderIn!, borrowerInUnion: borrowerIn!, lenderStatus: lender.status, borrowerStatus: borrower.status },
      policy, idle,
    });
    await em.execute(`update allocation set status = 'POSTING', approved_by = ?, made_on = ?, due_on = ? where id = ?`, [ctx.caller!.sub, on, allocationDueOn(on, a.term_days), id]);
    await audit(em, ctx, 'approveAllocation', 'Allocation', id, { status: a.status }, { status: 'POSTING', on });
    const step: AllocationMadeStep = {
      allocationId: id, unionId: a.union_id,
      lender: { cooperativeId: a.lender_cooperative_id, countyId: lender.countyId, townshipId: lender.townshipId, inUnion: lenderIn! },
      borrower: { cooperativeId: a.borrower_cooperative_id, countyId: borrower.countyId, townshipId: borrower.townshipId, inUnion: borrowerIn! },
      amountFen, termDays: a.term_days, feeRateBp: a.fee_rate_bp, policy, requestedBy: a.requested_by, approvedBy: ctx.caller!.sub, countyApproved, madeOn: on,
    };
    await enqueue(em, ALLOCATION_MADE, sagaId, [step], () => `allocation:${id}:made`, a.county_id);
    return String(id);
  });
  await runSaga(ctx, ALLOCATION_STEPS, sagaId);
  return reload(ctx, id);
}

/**
 * One repayment of a locked ACTIVE allocation, in the caller's transaction: the fee accrued by days
 * first, then principal, the fee split as the union's policy says; the allocation moves on at once
 * and the step to loans is returned for the caller to queue (its compensation takes it back).
 */
export async function recordAllocationRepayment(em: EntityManager, ctx: Ctx, a: AllocationRow, amountFen: bigint, paidOn: string): Promise<AllocationRepaidStep> {
  transition(a, ['ACTIVE'], 'repay');
  const [pending] = await em.execute(`select 1 from allocation_repayment where allocation_id = ? and status = 'POSTING'`, [a.id]);
  if (pending) fail('ALLOCATION_INVALID_TRANSITION', { status: 'POSTING', action: 'repay while a repayment is being posted' });
  if (paidOn < a.fee_from!) invalid('还款日期早于上次还款或划款日期', 'repayment before the last repayment or the money moved', { field: 'paidOn' });
  const r = allocationRepayment(amountFen, owedOn(a, paidOn));
  const u = await unionRow(em, a.union_id);
  const split = splitAllocationFee(r.feeFen, u.lender_fee_share_bp);
  const [row] = await em.execute<{ id: number }[]>(
    `insert into allocation_repayment (allocation_id, paid_on, principal_fen, fee_fen, lender_fee_fen, union_fee_fen, fee_from_before, status, paid_by)
     values (?, ?, ?, ?, ?, ?, ?, 'POSTING', ?) returning id`,
    [a.id, paidOn, r.principalFen.toString(), r.feeFen.toString(), split.lenderFen.toString(), split.unionFen.toString(), a.fee_from, ctx.caller!.sub],
  );
  const repaymentId = row!.id;
  await em.execute(
    `update allocation set principal_repaid_fen = principal_repaid_fen + ?, fee_paid_fen = fee_paid_fen + ?, fee_from = ?,
       status = ?, repaid_on = ? where id = ?`,
    [r.principalFen.toString(), r.feeFen.toString(), paidOn, r.closes ? 'REPAID' : 'ACTIVE', r.closes ? paidOn : null, a.id],
  );
  await audit(em, ctx, 'repayAllocation', 'Allocation', a.id, { principalRepaid: a.principal_repaid_fen }, { repaymentId, principal: r.principalFen.toString(), fee: r.feeFen.toString(), ...split });
  return {
    allocationId: a.id, unionId: a.union_id, repaymentId, lenderCooperativeId: a.lender_cooperative_id, borrowerCooperativeId: a.borrower_cooperative_id,
    principalFen: r.principalFen, feeFen: r.feeFen, lenderFeeFen: split.lenderFen, unionFeeFen: split.unionFen, paidOn,
  };
}

/** What an allocation owes on a day: its principal outstanding and the fee accrued since it last moved. */
export function owedOn(a: AllocationRow, on: string): { principalFen: bigint; feeFen: bigint } {
  return allocationOwed({ outstandingFen: BigInt(a.amount_fen) - BigInt(a.principal_repaid_fen), feeRateBp: a.fee_rate_bp, feeFrom: a.fee_from! }, on);
}

/** The borrower repays: the fee accrued by days first, then principal; the fee split as the union's policy says. */
export async function repayAllocation(ctx: Ctx, input: RepayAllocationInput): Promise<AllocationNode> {
  const id = parseId(input.allocationId, 'allocationId');
  const paidOn = parseDay(input.paidOn);
  let leaving: string[] = [];
  const repaymentId = await once(ctx, input.idempotencyKey, 'repayAllocation', input, async (em) => {
    const a = await lockAllocation(em, id);
    ownBoard(ctx, borrowerOf(a), 'BORROWER');
    const step = await recordAllocationRepayment(em, ctx, a, input.amount, paidOn);
    await enqueue(em, ALLOCATION_REPAID, repaymentSaga(step.repaymentId), [step], () => repaymentSaga(step.repaymentId), a.county_id);
    leaving = await leaveUnionsOnExit(em, ctx, [a.lender_cooperative_id], paidOn);
    return String(step.repaymentId);
  });
  await runSaga(ctx, ALLOCATION_STEPS, repaymentSaga(repaymentId));
  await sendLeaves(ctx, leaving);
  return reload(ctx, id);
}

const repaymentSaga = (repaymentId: number | string) => `allocation-repayment:${repaymentId}`;

export const ALLOCATION_STEPS = [ALLOCATION_MADE, ALLOCATION_REPAID] as const;

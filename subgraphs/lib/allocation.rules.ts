/**
 * Paid allocations between the cooperatives of a union (有偿调剂): the checks the union makes before
 * anything is written and loans makes again under the fund locks, the fee, its split and overdue.
 * In lib because two subgraphs apply them; pure (no ORM, GraphQL, I/O or clock).
 */
import { fail, invalid } from './error-codes';
import { accruedFee } from './fee.rules';
import { addDays } from './dates';

export type AllocationStatus = 'REQUESTED' | 'CONSENTED' | 'COUNTY_APPROVED' | 'POSTING' | 'ACTIVE' | 'REPAID' | 'REFUSED';
export const ALLOCATION_STATUSES: readonly AllocationStatus[] = ['REQUESTED', 'CONSENTED', 'COUNTY_APPROVED', 'POSTING', 'ACTIVE', 'REPAID', 'REFUSED'];

/** A union's policy for allocations; rates and shares in basis points, money in fen. */
export interface AllocationPolicy {
  /** the allocation fee a year, lowest and highest the union may agree (调剂费率区间) */
  feeRateMinBp: number;
  feeRateMaxBp: number;
  /** the largest share of a lender's idle money one allocation may take (单笔调出占闲置资金上限) */
  maxLenderShareBp: number;
  /** the longest term of an allocation, in days (最长调剂期限) */
  maxTermDays: number;
  /** above this amount the county must approve as well as the union (县级审批起点) */
  countyApprovalAboveFen: bigint;
  /** the lender's part of the fee; the rest is the union's (调剂费分成: 调出社) */
  lenderFeeShareBp: number;
}

export interface AllocationTerms {
  amountFen: bigint;
  termDays: number;
  feeRateBp: number;
}

/** Both sides as they stand: whether each is a current member of the allocation's union, and its status. */
export interface AllocationParties {
  lenderCooperativeId: number;
  borrowerCooperativeId: number;
  lenderInUnion: boolean;
  borrowerInUnion: boolean;
  lenderStatus: string;
  borrowerStatus: string;
}

/**
 * The terms and the parties, in this order: INVALID_INPUT (amount or term not positive, lender is
 * the borrower); NOT_SAME_UNION; COOPERATIVE_EXITED / COOPERATIVE_RECTIFYING (`side`: BORROWER
 * first, then LENDER); ALLOCATION_TERM_TOO_LONG; ALLOCATION_FEE_RATE_OUT_OF_RANGE.
 */
export function checkAllocationTerms(t: AllocationTerms, p: AllocationParties, policy: AllocationPolicy): void {
  if (t.amountFen <= 0n) invalid('调剂金额必须大于零', 'amount must be positive', { field: 'amount' });
  if (!Number.isInteger(t.termDays) || t.termDays <= 0) invalid('调剂期限必须为正整数天', 'term must be a positive number of days', { field: 'termDays' });
  if (p.lenderCooperativeId === p.borrowerCooperativeId) invalid('调出社与调入社不能相同', 'lender and borrower must differ', { field: 'lenderCooperativeId' });
  if (!p.lenderInUnion || !p.borrowerInUnion) fail('NOT_SAME_UNION', { lenderInUnion: p.lenderInUnion, borrowerInUnion: p.borrowerInUnion });
  for (const [side, status] of [['BORROWER', p.borrowerStatus], ['LENDER', p.lenderStatus]] as const) {
    if (status === 'EXITED') fail('COOPERATIVE_EXITED', { side });
    if (status === 'RECTIFYING') fail('COOPERATIVE_RECTIFYING', { side });
  }
  if (t.termDays > policy.maxTermDays) fail('ALLOCATION_TERM_TOO_LONG', { maxDays: policy.maxTermDays });
  if (t.feeRateBp < policy.feeRateMinBp || t.feeRateBp > policy.feeRateMaxBp) {
    fail('ALLOCATION_FEE_RATE_OUT_OF_RANGE', { minBp: policy.feeRateMinBp, maxBp: policy.feeRateMaxBp });
  }
}

/** The most one allocation may take of a lender's idle money: floor(idle * share / 10000). */
export function lenderShareCap(idleFen: bigint, maxLenderShareBp: number): bigint {
  return (idleFen * BigInt(maxLenderShareBp)) / 10_000n;
}

/**
 * The lender's money (loans' idle money, `ledger.rules`' `idleMoney`): LENDER_IDLE_MONEY_SHORT when
 * the amount is above it, ABOVE_LENDER_SHARE when above the policy's share of it.
 */
export function checkLenderMoney(amountFen: bigint, idleFen: bigint, maxLenderShareBp: number): void {
  if (amountFen > idleFen) fail('LENDER_IDLE_MONEY_SHORT', { idle: idleFen.toString(), amount: amountFen.toString() });
  const cap = lenderShareCap(idleFen, maxLenderShareBp);
  if (amountFen > cap) fail('ABOVE_LENDER_SHARE', { shareBp: maxLenderShareBp, cap: cap.toString() });
}

/** Whether the county must approve too: strictly above the union's threshold. */
export const needsCountyApproval = (amountFen: bigint, policy: AllocationPolicy): boolean => amountFen > policy.countyApprovalAboveFen;

/**
 * The union's approval: SELF_APPROVAL when the approver requested it (maker-checker, whatever role
 * the approver holds now); ALLOCATION_COUNTY_APPROVAL_REQUIRED above the threshold without the
 * county's approval.
 */
export function checkUnionApproval(o: { requestedBy: string; approver: string; amountFen: bigint; countyApproved: boolean }, policy: AllocationPolicy): void {
  if (o.requestedBy === o.approver) fail('SELF_APPROVAL');
  if (needsCountyApproval(o.amountFen, policy) && !o.countyApproved) fail('ALLOCATION_COUNTY_APPROVAL_REQUIRED', { above: policy.countyApprovalAboveFen.toString() });
}

/** The due date: the day the money moves plus the term. */
export const allocationDueOn = (madeOn: string, termDays: number): string => addDays(madeOn, termDays);

/** Overdue: active (money out, not repaid) with its due date before `asOf`. */
export function isAllocationOverdue(a: { status: AllocationStatus; dueOn: string | null }, asOf: string): boolean {
  return a.status === 'ACTIVE' && a.dueOn !== null && a.dueOn < asOf;
}
/** SQL of {@link isAllocationOverdue} for an allocation alias and an asOf date expression. */
export function allocationOverdueSql(a: string, asOf: string): string {
  return `(${a}.status = 'ACTIVE' and ${a}.due_on is not null and ${a}.due_on < ${asOf})`;
}

/** What an allocation owes on a day: its principal outstanding and the fee accrued since the last repayment (lib's fee rule). */
export function allocationOwed(a: { outstandingFen: bigint; feeRateBp: number; feeFrom: string }, on: string): { principalFen: bigint; feeFen: bigint } {
  return { principalFen: a.outstandingFen, feeFen: accruedFee(a.outstandingFen, a.feeRateBp, a.feeFrom, on) };
}

/**
 * A repayment: the accrued fee first, then principal. INVALID_INPUT when not positive;
 * REPAYMENT_EXCEEDS_OWED above principal plus fee. `closes`: the principal is repaid in full.
 */
export function allocationRepayment(amountFen: bigint, owed: { principalFen: bigint; feeFen: bigint }): { principalFen: bigint; feeFen: bigint; closes: boolean } {
  if (amountFen <= 0n) invalid('还款金额必须大于零', 'amount must be positive', { field: 'amount' });
  const total = owed.principalFen + owed.feeFen;
  if (amountFen > total) fail('REPAYMENT_EXCEEDS_OWED', { owed: total.toString() });
  const feeFen = amountFen < owed.feeFen ? amountFen : owed.feeFen;
  const principalFen = amountFen - feeFen;
  return { feeFen, principalFen, closes: principalFen === owed.principalFen };
}

/** The fee split: the lender's part floored, the rest (and so the rounding) the union's; the parts add up exactly. */
export function splitAllocationFee(feeFen: bigint, lenderFeeShareBp: number): { lenderFen: bigint; unionFen: bigint } {
  const lenderFen = (feeFen * BigInt(lenderFeeShareBp)) / 10_000n;
  return { lenderFen, unionFen: feeFen - lenderFen };
}

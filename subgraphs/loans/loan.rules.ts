/**
 * The pure business rules of member loans: eligibility, lifecycle, disbursement, schedule,
 * usage fee (占用费), repayment allocation, overdue status, write-off and portfolio ratios.
 * No ORM, GraphQL, I/O or clock: every "today" is an argument.
 * Money is bigint fen, rates integer basis points; rounding only through lib/money.
 */
import { applyBp, mulDivRound, ratioBp } from '../lib/money';
import { addMonths, daysBetween } from '../lib/dates';
import { accruedFee } from '../lib/fee.rules';
import { fail, invalid } from './codes';
import { checkTargeting } from './targeting.rules';

export type PovertyStatus = 'REGISTERED_POOR' | 'ORDINARY' | 'WEALTHY';
export type CooperativeStatus = 'ACTIVE' | 'RECTIFYING' | 'EXITED';
export type ManagementMode = 'VILLAGE_CASH' | 'TOWNSHIP_BANK_ONLY';
export type RepaymentMode = 'BULLET' | 'MONTHLY';
export const LOAN_STATUSES = ['APPLIED', 'ENDORSED', 'APPROVED', 'COUNTY_APPROVED', 'PUBLISHED', 'CONTRACTED', 'DISBURSED', 'CLOSED', 'WRITTEN_OFF', 'REJECTED'] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];
export type LoanAction = 'ENDORSE'|'APPROVE'|'COUNTY_APPROVE'|'PUBLISH'|'SIGN'|'DISBURSE'|'REPAY'|'WRITE_OFF'|'REJECT';

export interface LoanPolicy {
  maxFirstLoanFen: bigint; maxLaterLoanFen: bigint; shuangdaoLoanCapFen: bigint; maxLoanFen: bigint;
  maxTermMonths: number; feeRateBp: number; concentrationBp: number; cashLimitFen: bigint;
  splitRiskReserveBp: number; splitWelfareBp: number; splitManagementBp: number; splitCapitalBp: number;
}
export interface BorrowerFacts {
  memberId: number; memberCooperativeId: number; memberStatus: 'ACTIVE' | 'WITHDRAWN';
  povertyStatus: PovertyStatus; isShuangdao: boolean;
  cooperativeStatus: CooperativeStatus; managementMode: ManagementMode;
  guarantee: { kind: 'JOINT' | 'PARTY_MEMBER'; groupId: number; memberIds: number[] } | null;
  policy: LoanPolicy;
}
export interface BorrowerHistory {
  previousDisbursedLoans: number;      // loans of this member ever disbursed
  openLoans: number;                   // loans of this member not CLOSED/WRITTEN_OFF/REJECTED
  memberOutstandingFen: bigint;        // principal outstanding of this member now
  overdueGroupMemberIds: number[];     // members of the borrower's guarantee group (incl. borrower) with an overdue loan
}
export interface Application { cooperativeId: number; amountFen: bigint; termMonths: number; }

/** Checks, in this order, throwing the first failure:
 * NOT_A_MEMBER (memberCooperativeId !== cooperativeId or memberStatus WITHDRAWN),
 * COOPERATIVE_EXITED, COOPERATIVE_RECTIFYING, WEALTHY_HOUSEHOLD,
 * INVALID_INPUT (amount <= 0 or termMonths < 1),
 * TERM_TOO_LONG {months}, OUTSTANDING_LOAN_EXISTS (openLoans > 0),
 * cap: normal cap = first-loan cap if previousDisbursedLoans === 0 else later cap; a 双到 household (isShuangdao)
 *   gets cap = max(normal cap, shuangdaoLoanCapFen); above the cap -> LOAN_ABOVE_SHUANGDAO_CAP when the 双到 cap is the
 *   binding (larger) one, else LOAN_ABOVE_FIRST_CAP / LOAN_ABOVE_LATER_CAP, details {cap: fen string};
 * CONCENTRATION_EXCEEDED {shareBp} when memberOutstandingFen + amount > concentrationLimit (of the fund total, ledger.rules' fundTotal);
 * NO_GUARANTEE (guarantee null); GROUP_MEMBER_OVERDUE {memberIds, borrowerOverdue} (overdueGroupMemberIds non-empty:
 *   the board needs to know whom to chase).
 * Returns isFirstLoan, the cap applied, and needsCountyApproval = amount > policy.maxLoanFen. */
export function checkApplication(f: BorrowerFacts, h: BorrowerHistory, app: Application, fundTotalFen: bigint):
  { isFirstLoan: boolean; capFen: bigint; needsCountyApproval: boolean } {
  const p = f.policy;
  if (f.memberCooperativeId !== app.cooperativeId || f.memberStatus === 'WITHDRAWN') fail('NOT_A_MEMBER');
  if (f.cooperativeStatus === 'EXITED') fail('COOPERATIVE_EXITED');
  if (f.cooperativeStatus === 'RECTIFYING') fail('COOPERATIVE_RECTIFYING');
  checkTargeting(f.povertyStatus);
  if (app.amountFen <= 0n) invalid('金额必须大于零', 'amount must be positive');
  if (!Number.isInteger(app.termMonths) || app.termMonths < 1) {
    invalid('期限须为整月数,至少1个月', 'term must be a whole number of months, at least 1');
  }
  if (app.termMonths > p.maxTermMonths) fail('TERM_TOO_LONG', { months: p.maxTermMonths });
  if (h.openLoans > 0) fail('OUTSTANDING_LOAN_EXISTS');

  const isFirstLoan = h.previousDisbursedLoans === 0;
  const { capFen, shuangdaoBinds } = loanCap(p, { isFirstLoan, isShuangdao: f.isShuangdao });
  if (app.amountFen > capFen) {
    const code = shuangdaoBinds ? 'LOAN_ABOVE_SHUANGDAO_CAP' : isFirstLoan ? 'LOAN_ABOVE_FIRST_CAP' : 'LOAN_ABOVE_LATER_CAP';
    fail(code, { cap: capFen.toString() });
  }

  const limit = concentrationLimit(p, fundTotalFen);
  if (h.memberOutstandingFen + app.amountFen > limit) {
    fail('CONCENTRATION_EXCEEDED', { shareBp: p.concentrationBp, limit: limit.toString() });
  }
  if (f.guarantee === null) fail('NO_GUARANTEE');
  if (h.overdueGroupMemberIds.length > 0) {
    const ids = [...h.overdueGroupMemberIds].sort((a, b) => a - b);
    fail('GROUP_MEMBER_OVERDUE', { memberIds: ids.map(String), borrowerOverdue: ids.includes(f.memberId) });
  }

  return { isFirstLoan, capFen, needsCountyApproval: app.amountFen > p.maxLoanFen };
}

/** The cap on one loan: the first- or later-loan cap; a 双到 household gets the 双到 cap when it is
 * strictly larger (then it is the binding one, which names the refusal). */
export function loanCap(p: Pick<LoanPolicy, 'maxFirstLoanFen' | 'maxLaterLoanFen' | 'shuangdaoLoanCapFen'>, o: { isFirstLoan: boolean; isShuangdao: boolean }):
  { capFen: bigint; shuangdaoBinds: boolean } {
  const normalCap = o.isFirstLoan ? p.maxFirstLoanFen : p.maxLaterLoanFen;
  const shuangdaoBinds = o.isShuangdao && p.shuangdaoLoanCapFen > normalCap;
  return { capFen: shuangdaoBinds ? p.shuangdaoLoanCapFen : normalCap, shuangdaoBinds };
}

/** The most one household may owe the fund (单户集中度): concentrationBp of the fund total
 * (ledger.rules' `fundTotal`: money on hand + lent out, so lending does not shrink the limit). */
export function concentrationLimit(p: Pick<LoanPolicy, 'concentrationBp'>, fundTotalFen: bigint): bigint {
  return applyBp(fundTotalFen, p.concentrationBp);
}

/** Statuses from which a loan may still be rejected (before money moves). */
const REJECTABLE: ReadonlySet<LoanStatus> = new Set<LoanStatus>([
  'APPLIED', 'ENDORSED', 'APPROVED', 'COUNTY_APPROVED', 'PUBLISHED', 'CONTRACTED',
]);

/** Lifecycle: APPLIED -ENDORSE-> ENDORSED -APPROVE-> APPROVED -COUNTY_APPROVE-> COUNTY_APPROVED;
 * PUBLISH from APPROVED (only when !needsCountyApproval; else COUNTY_APPROVAL_REQUIRED) or COUNTY_APPROVED -> PUBLISHED;
 * SIGN: PUBLISHED -> CONTRACTED; DISBURSE: CONTRACTED -> DISBURSED; REPAY: DISBURSED -> DISBURSED (the service closes it);
 * WRITE_OFF: DISBURSED -> WRITTEN_OFF; REJECT: any of APPLIED..CONTRACTED -> REJECTED.
 * COUNTY_APPROVE when !needsCountyApproval is INVALID_TRANSITION. APPROVE and COUNTY_APPROVE by the requester -> SELF_APPROVAL.
 * Anything else -> INVALID_TRANSITION {status, action}.
 * The status/action pair is checked first: an out-of-order step is INVALID_TRANSITION even by the requester. */
export function transition(status: LoanStatus, action: LoanAction, o: { needsCountyApproval: boolean; requestedBy: string; actor: string }): LoanStatus {
  const outOfOrder = (): never => fail('INVALID_TRANSITION', { status, action });
  const notSelf = (): void => {
    if (o.actor === o.requestedBy) fail('SELF_APPROVAL');
  };
  switch (action) {
    case 'ENDORSE':
      return status === 'APPLIED' ? 'ENDORSED' : outOfOrder();
    case 'APPROVE':
      if (status !== 'ENDORSED') return outOfOrder();
      notSelf();
      return 'APPROVED';
    case 'COUNTY_APPROVE':
      if (status !== 'APPROVED' || !o.needsCountyApproval) return outOfOrder();
      notSelf();
      return 'COUNTY_APPROVED';
    case 'PUBLISH':
      if (status === 'COUNTY_APPROVED') return 'PUBLISHED';
      if (status !== 'APPROVED') return outOfOrder();
      if (o.needsCountyApproval) return fail('COUNTY_APPROVAL_REQUIRED');
      return 'PUBLISHED';
    case 'SIGN':
      return status === 'PUBLISHED' ? 'CONTRACTED' : outOfOrder();
    case 'DISBURSE':
      return status === 'CONTRACTED' ? 'DISBURSED' : outOfOrder();
    case 'REPAY':
      return status === 'DISBURSED' ? 'DISBURSED' : outOfOrder();
    case 'WRITE_OFF':
      return status === 'DISBURSED' ? 'WRITTEN_OFF' : outOfOrder();
    case 'REJECT':
      return REJECTABLE.has(status) ? 'REJECTED' : outOfOrder();
    default:
      return outOfOrder();
  }
}

/** Disbursement checks in order: CASH_REFUSED (channel CASH under TOWNSHIP_BANK_ONLY),
 * LARGE_CASH_REFUSED {limit} (CASH above cashLimitFen), CARD_ACCOUNT_MISSING (BANK without card account),
 * COUNTY_APPROVAL_REQUIRED (needsCountyApproval && !countyApproved), INSUFFICIENT_FUND (available < amount). */
export function checkDisbursement(o: { channel: 'BANK' | 'CASH'; managementMode: ManagementMode; amountFen: bigint; cashLimitFen: bigint;
  hasCardAccount: boolean; needsCountyApproval: boolean; countyApproved: boolean; availableFen: bigint }): void {
  if (o.channel === 'CASH' && o.managementMode === 'TOWNSHIP_BANK_ONLY') fail('CASH_REFUSED');
  if (o.channel === 'CASH' && o.amountFen > o.cashLimitFen) fail('LARGE_CASH_REFUSED', { limit: o.cashLimitFen.toString() });
  if (o.channel === 'BANK' && !o.hasCardAccount) fail('CARD_ACCOUNT_MISSING');
  if (o.needsCountyApproval && !o.countyApproved) fail('COUNTY_APPROVAL_REQUIRED');
  if (o.availableFen < o.amountFen) fail('INSUFFICIENT_FUND');
}

export interface Instalment { seq: number; dueOn: string; principalFen: bigint; feeFen: bigint; }

/** BULLET: one instalment at addMonths(disbursedOn, termMonths), fee = accruedFee(amount, bp, disbursedOn, due).
 * MONTHLY: termMonths instalments at addMonths(disbursedOn, k); equal principal (amount / term, remainder on the last);
 * fee of each = accruedFee(principal outstanding before it, bp, previous due date (or disbursedOn), its due date).
 * Principals sum exactly to amount. INVALID_INPUT for amount <= 0 or a term that is not a whole number >= 1. */
export function buildSchedule(o: { amountFen: bigint; feeRateBp: number; termMonths: number; mode: RepaymentMode; disbursedOn: string }): Instalment[] {
  if (o.amountFen <= 0n) invalid('金额必须大于零', 'amount must be positive');
  if (!Number.isInteger(o.termMonths) || o.termMonths < 1) {
    invalid('期限须为整月数,至少1个月', 'term must be a whole number of months, at least 1');
  }
  if (o.mode === 'BULLET') {
    const dueOn = addMonths(o.disbursedOn, o.termMonths);
    return [{ seq: 1, dueOn, principalFen: o.amountFen, feeFen: accruedFee(o.amountFen, o.feeRateBp, o.disbursedOn, dueOn) }];
  }
  const term = BigInt(o.termMonths);
  const base = o.amountFen / term;
  const out: Instalment[] = [];
  let outstanding = o.amountFen;
  let prev = o.disbursedOn;
  for (let k = 1; k <= o.termMonths; k++) {
    // Each due date is computed from the disbursement day, so month-end clamping never drifts.
    const dueOn = addMonths(o.disbursedOn, k);
    const principalFen = k === o.termMonths ? outstanding : base;
    out.push({ seq: k, dueOn, principalFen, feeFen: accruedFee(outstanding, o.feeRateBp, prev, dueOn) });
    outstanding -= principalFen;
    prev = dueOn;
  }
  return out;
}

/** Usage fee (占用费) accrued on outstanding principal: lib's one fee rule, shared with allocations between cooperatives. */
export { accruedFee };

/** Repayment allocation: accrued fee first, then principal. amount <= 0 -> INVALID_INPUT;
 * amount > outstandingPrincipal + accruedFee -> REPAYMENT_EXCEEDS_OWED {owed}. closes = principal fully repaid. */
export function allocateRepayment(o: { amountFen: bigint; outstandingPrincipalFen: bigint; accruedFeeFen: bigint }):
  { feeFen: bigint; principalFen: bigint; closes: boolean } {
  if (o.amountFen <= 0n) invalid('还款金额必须大于零', 'repayment amount must be positive');
  const owed = o.outstandingPrincipalFen + o.accruedFeeFen;
  if (o.amountFen > owed) fail('REPAYMENT_EXCEEDS_OWED', { owed: owed.toString() });
  const feeFen = o.amountFen < o.accruedFeeFen ? o.amountFen : o.accruedFeeFen;
  const principalFen = o.amountFen - feeFen;
  return { feeFen, principalFen, closes: principalFen === o.outstandingPrincipalFen };
}

// ---- The portfolio's terms, each defined once --------------------------------------------------
// Each rule works on loaded rows; where SQL must compute the same term (portfolio figures over
// thousands of loans, a check inside a write, the bench floor), its fragment stands beside it:
// a pure function of the caller's column and parameter expressions that returns SQL text.
// test/terms-parity.test.ts holds every pair to agreement over the demo county.

/** Statuses of a loan that is over: it no longer counts against the household. */
export const FINISHED_LOAN_STATUSES: readonly LoanStatus[] = ['CLOSED', 'WRITTEN_OFF', 'REJECTED'];

/** Open loan: applied and neither repaid, written off nor rejected (one at a time per household;
 * a household with one cannot take its contribution back). */
export function isOpenLoan(status: LoanStatus): boolean {
  return !FINISHED_LOAN_STATUSES.includes(status);
}
/** SQL of {@link isOpenLoan} for a status column. */
export function openLoanSql(status: string): string {
  return `${status} not in (${FINISHED_LOAN_STATUSES.map((x) => `'${x}'`).join(', ')})`;
}

/** Approved but not yet disbursed: money the board has promised (APPROVED up to CONTRACTED). */
export const COMMITTED_LOAN_STATUSES: readonly LoanStatus[] = ['APPROVED', 'COUNTY_APPROVED', 'PUBLISHED', 'CONTRACTED'];

/** Committed at a date: approved on or before asOf, not disbursed by then, not rejected by then
 * (the amount is still owed to the borrower, so idle money leaves it aside). */
export function isCommittedAsOf(l: { status: LoanStatus; approvedOn: string | null; disbursedOn: string | null; closedOn: string | null }, asOf: string): boolean {
  if (l.approvedOn === null || l.approvedOn > asOf) return false;
  if (l.disbursedOn !== null && l.disbursedOn <= asOf) return false;
  return !(l.status === 'REJECTED' && l.closedOn !== null && l.closedOn <= asOf);
}
/** SQL of {@link isCommittedAsOf} for a loan alias and an asOf date expression. */
export function committedAsOfSql(l: string, asOf: string): string {
  // coalesce: a loan never approved is false, not null, in a select list too
  return `coalesce(${l}.approved_on <= ${asOf} and (${l}.disbursed_on is null or ${l}.disbursed_on > ${asOf})
    and not (${l}.status = 'REJECTED' and ${l}.closed_on is not null and ${l}.closed_on <= ${asOf}), false)`;
}

/** Principal outstanding now, from the loan's maintained totals: what a disbursed loan still owes. */
export function outstandingNow(l: { status: LoanStatus; amountFen: bigint; principalRepaidFen: bigint; writtenOffFen: bigint }): bigint {
  return l.status === 'DISBURSED' ? l.amountFen - l.principalRepaidFen - l.writtenOffFen : 0n;
}
/** SQL of {@link outstandingNow} for a loan alias. */
export function outstandingNowSql(l: string): string {
  return `(case when ${l}.status = 'DISBURSED' then ${l}.amount_fen - ${l}.principal_repaid_fen - ${l}.written_off_fen else 0 end)`;
}

/** Principal outstanding at a date: disbursed by asOf, not written off by asOf, less the principal
 * repaid by asOf (the repayments' sum, so any past date is exact). */
export function outstandingAsOf(l: { amountFen: bigint; disbursedOn: string | null; writtenOffOn: string | null }, repaidByAsOfFen: bigint, asOf: string): bigint {
  if (l.disbursedOn === null || l.disbursedOn > asOf) return 0n;
  if (l.writtenOffOn !== null && l.writtenOffOn <= asOf) return 0n;
  return l.amountFen - repaidByAsOfFen;
}
/** SQL of {@link outstandingAsOf}: loan alias, an expression of the principal repaid by asOf, the date expression. */
export function outstandingAsOfSql(l: string, repaidByAsOf: string, asOf: string): string {
  return `(case when ${l}.disbursed_on is null or ${l}.disbursed_on > ${asOf}
                  or (${l}.written_off_on is not null and ${l}.written_off_on <= ${asOf}) then 0
                else ${l}.amount_fen - ${repaidByAsOf} end)`;
}
/** Principal repaid by asOf: the standing repayments (a reversed one never counted, at any date). */
export function repaidByAsOf(repayments: readonly { paidOn: string; principalFen: bigint; reversed: boolean }[], asOf: string): bigint {
  return repayments.reduce((s, r) => (!r.reversed && r.paidOn <= asOf ? s + r.principalFen : s), 0n);
}
/** SQL: a repayment row `r` that stands (not reversed), the filter of {@link repaidByAsOf}. */
export const standingRepaymentSql = (r: string): string => `${r}.reversed_txn_id is null`;
/** SQL: principal repaid on loan `loanId` by asOf (a scalar sub-select; the repayment index finds it). */
export function repaidByAsOfSql(loanId: string, asOf: string): string {
  return `(select coalesce(sum(r.principal_fen), 0) from repayment r where r.loan_id = ${loanId} and r.paid_on <= ${asOf} and ${standingRepaymentSql('r')})`;
}

/** Principal that fell due strictly before asOf (the base of the repayment rate). */
export function principalFallenDue(instalments: readonly Instalment[], asOf: string): bigint {
  let due = 0n;
  for (const i of instalments) if (i.dueOn < asOf) due += i.principalFen;
  return due;
}

/** Overdue as of a date: principal that fell due strictly before asOf (sum of instalments with dueOn < asOf) minus
 * principal repaid by asOf; overdue when that is > 0; daysOverdue = asOf - dueOn of the earliest instalment whose
 * cumulative principal exceeds repaid (0 when not overdue). Instalments are taken in due-date order. */
export function overdueStatus(instalments: readonly Instalment[], principalRepaidFen: bigint, asOf: string):
  { overdue: boolean; daysOverdue: number; overduePrincipalFen: bigint } {
  // The seed asks this for every guarantee group at every application: skip the sort when the
  // schedule is already in order (it always is when built by buildSchedule).
  let inOrder = true;
  for (let k = 1; k < instalments.length && inOrder; k++) {
    const a = instalments[k - 1]!;
    const b = instalments[k]!;
    inOrder = a.dueOn < b.dueOn || (a.dueOn === b.dueOn && a.seq <= b.seq);
  }
  const sorted = inOrder ? instalments : [...instalments].sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.seq - b.seq));
  const overduePrincipalFen = principalFallenDue(sorted, asOf) - principalRepaidFen;
  if (overduePrincipalFen <= 0n) return { overdue: false, daysOverdue: 0, overduePrincipalFen: 0n };
  let cumulative = 0n;
  let daysOverdue = 0;
  for (const i of sorted) {
    cumulative += i.principalFen;
    if (cumulative > principalRepaidFen) {
      daysOverdue = daysBetween(i.dueOn, asOf);
      break;
    }
  }
  return { overdue: true, daysOverdue, overduePrincipalFen };
}

/**
 * SQL of the instalment side of {@link overdueStatus} and {@link principalFallenDue}, as a sub-select
 * of one row for `left join lateral (…) alias on true`: `principal_due` (fell due before asOf) and
 * `first_unpaid` (due date of the earliest instalment, among those due before asOf, whose cumulative
 * principal exceeds `repaid`; null when not overdue). Only instalments due before asOf are read: when
 * a loan is overdue its earliest unpaid instalment is one of them.
 */
export function instalmentsDueSql(loanId: string, repaid: string, asOf: string): string {
  return `select coalesce(sum(i.principal_fen), 0) principal_due, min(i.due_on) filter (where i.cum > ${repaid}) first_unpaid
      from (select i0.due_on, i0.principal_fen, sum(i0.principal_fen) over (order by i0.due_on, i0.seq) cum
              from loan_instalment i0 where i0.loan_id = ${loanId} and i0.due_on < ${asOf}) i`;
}
/** SQL: the earliest unpaid due date alone, as a scalar sub-select (null when not overdue). */
export function firstUnpaidDueSql(loanId: string, repaid: string, asOf: string): string {
  return `(select first_unpaid from (${instalmentsDueSql(loanId, repaid, asOf)}) fu)`;
}
/** SQL of daysOverdue from a first-unpaid date expression (0 when not overdue). */
export function daysOverdueSql(firstUnpaid: string, asOf: string): string {
  return `coalesce(${asOf}::date - ${firstUnpaid}, 0)`;
}

/** Overdue loan at a date: outstanding at asOf (a written-off loan is not) and overdue by {@link overdueStatus}. */
export function loanOverdueAsOf(
  l: { amountFen: bigint; disbursedOn: string | null; writtenOffOn: string | null },
  instalments: readonly Instalment[], repaidByAsOfFen: bigint, asOf: string,
): { outstandingFen: bigint; overdue: boolean; daysOverdue: number } {
  const outstandingFen = outstandingAsOf(l, repaidByAsOfFen, asOf);
  if (outstandingFen <= 0n) return { outstandingFen, overdue: false, daysOverdue: 0 };
  const s = overdueStatus(instalments, repaidByAsOfFen, asOf);
  return { outstandingFen, overdue: s.overdue, daysOverdue: s.daysOverdue };
}

/** SQL of {@link loanOverdueAsOf}'s `overdue` from expressions of the outstanding at asOf and the first-unpaid date. */
export function overdueAsOfSql(outstanding: string, firstUnpaid: string): string {
  return `(${outstanding} > 0 and ${firstUnpaid} is not null)`;
}

/** PAR-N (portfolio at risk, 风险贷款): an overdue loan whose earliest unpaid instalment is more
 * than `parDays` days late; PAR-N outstanding sums such loans' outstanding. N is the region's policy
 * (`region_policy.par_days`), the same for every county so that their sums add up. */
export function isAtRisk(daysOverdue: number, parDays: number): boolean {
  return daysOverdue > parDays;
}
/** SQL of {@link isAtRisk} from a first-unpaid date expression (false, not null, when not overdue). */
export function atRiskSql(firstUnpaid: string, asOf: string, parDays: string): string {
  return `coalesce(${firstUnpaid} < ${asOf}::date - ${parDays}::int, false)`;
}

/** Write-off: NOT_OVERDUE when daysOverdue <= 0; RISK_RESERVE_INSUFFICIENT when riskReserveFen < outstandingFen. */
export function checkWriteOff(o: { daysOverdue: number; outstandingFen: bigint; riskReserveFen: bigint }): void {
  if (o.daysOverdue <= 0) fail('NOT_OVERDUE');
  if (o.riskReserveFen < o.outstandingFen) fail('RISK_RESERVE_INSUFFICIENT');
}

/** Portfolio ratios in basis points (ratioBp from lib/money): repaymentRateBp = repaidOnDue / principalDue,
 * parBp = PAR-N outstanding / outstanding, utilisationBp = outstanding / fund total (ledger.rules'
 * `fundTotal`, shown as `lendableFund`). Each is 0 when its base is 0. */
export function portfolioRatios(o: { principalDueFen: bigint; repaidOnDueFen: bigint; outstandingFen: bigint; parOutstandingFen: bigint; fundTotalFen: bigint }):
  { repaymentRateBp: number; parBp: number; utilisationBp: number } {
  return {
    repaymentRateBp: ratioBp(o.repaidOnDueFen, o.principalDueFen),
    parBp: ratioBp(o.parOutstandingFen, o.outstandingFen),
    utilisationBp: ratioBp(o.outstandingFen, o.fundTotalFen),
  };
}

/** {@link portfolioRatios} as a rating reads them: each null where its base is zero — no principal due,
 * nothing outstanding, no fund — which is no data, never a zero. */
export function ratiosWithData(o: Parameters<typeof portfolioRatios>[0]): { repaymentRateBp: number | null; parBp: number | null; utilisationBp: number | null } {
  const r = portfolioRatios(o);
  return {
    repaymentRateBp: o.principalDueFen > 0n ? r.repaymentRateBp : null,
    parBp: o.outstandingFen > 0n ? r.parBp : null,
    utilisationBp: o.fundTotalFen > 0n ? r.utilisationBp : null,
  };
}

/** Money received: cash is refused under bank-only management (银收银付); BANK needs the bank's reference. */
export function checkIncomingChannel(o: { channel: 'BANK' | 'CASH'; managementMode: ManagementMode; bankRef: string | null | undefined }): void {
  if (o.channel === 'CASH' && o.managementMode === 'TOWNSHIP_BANK_ONLY') fail('CASH_REFUSED');
  if (o.channel === 'BANK' && !o.bankRef?.trim()) invalid('银行转账须填写银行流水号', 'bankRef is required for a bank transfer');
}

/**
 * Pure rules for contributions (互助金): buying a share, the household's own part, withdrawal.
 * No ORM, GraphQL, I/O or clock: "today" is always an argument.
 */
import { sumFen } from '../lib/money';
import { monthsBetween, type Day } from '../lib/dates';
import { fail, invalid } from './codes';
import type { CooperativeStatus } from './cooperative.rules';
import type { MemberStatus, PovertyStatus } from './member.rules';

export type ContributionKind = 'HOUSEHOLD' | 'GOVERNMENT_SUBSIDY' | 'SHUANGDAO' | 'HOUSEHOLD_WITHDRAWAL';
export type ContributionSource = 'HOUSEHOLD' | 'SHUANGDAO';
export type LedgerStatus = 'PENDING' | 'POSTED';

export interface ContributionRow {
  kind: ContributionKind;
  amountFen: bigint;
  paidOn: Day;
  ledgerStatus: LedgerStatus;
}

export interface SharePolicy {
  shareFen: bigint;
  shareHouseholdFen: bigint;
  shareAbsolutePoorFen: bigint;
}

export interface ContributionPart {
  kind: ContributionKind;
  amountFen: bigint;
}

/**
 * The rows that buy one share, checked in this order: MEMBER_NOT_ACTIVE (withdrawn member);
 * COOPERATIVE_EXITED; INVALID_INPUT for SHUANGDAO unless the household is REGISTERED_POOR.
 * HOUSEHOLD: the household part (absolutely-poor part for an absolutely poor household, else the
 * household part) plus the government subsidy (share − household part), zero parts left out.
 * SHUANGDAO: one SHUANGDAO row of the whole share.
 */
export function planContribution(
  member: { status: MemberStatus; povertyStatus: PovertyStatus; isAbsolutePoor: boolean },
  cooperativeStatus: CooperativeStatus,
  policy: SharePolicy,
  source: ContributionSource,
): ContributionPart[] {
  if (member.status !== 'ACTIVE') fail('MEMBER_NOT_ACTIVE');
  if (cooperativeStatus === 'EXITED') fail('COOPERATIVE_EXITED');
  if (source === 'SHUANGDAO') {
    if (member.povertyStatus !== 'REGISTERED_POOR') invalid('“双到”资金只用于建档立卡贫困户', '双到 money is only for registered poor households');
    return [{ kind: 'SHUANGDAO', amountFen: policy.shareFen }];
  }
  const household = member.isAbsolutePoor ? policy.shareAbsolutePoorFen : policy.shareHouseholdFen;
  const subsidy = policy.shareFen - household;
  const parts: ContributionPart[] = [];
  if (household > 0n) parts.push({ kind: 'HOUSEHOLD', amountFen: household });
  if (subsidy > 0n) parts.push({ kind: 'GOVERNMENT_SUBSIDY', amountFen: subsidy });
  return parts;
}

export interface ContributionTotals {
  householdFen: bigint;
  governmentSubsidyFen: bigint;
  shuangdaoFen: bigint;
  withdrawnFen: bigint;
  /** household − withdrawn: the part the household may take back. */
  ownBalanceFen: bigint;
}

const total = (rows: readonly ContributionRow[], kind: ContributionKind): bigint =>
  sumFen(rows.filter((r) => r.kind === kind).map((r) => r.amountFen));

/** Totals over every recorded row (pending ones included: they are committed and reconciled). */
export function contributionTotals(rows: readonly ContributionRow[]): ContributionTotals {
  const householdFen = total(rows, 'HOUSEHOLD');
  const withdrawnFen = total(rows, 'HOUSEHOLD_WITHDRAWAL');
  return {
    householdFen,
    governmentSubsidyFen: total(rows, 'GOVERNMENT_SUBSIDY'),
    shuangdaoFen: total(rows, 'SHUANGDAO'),
    withdrawnFen,
    ownBalanceFen: householdFen - withdrawnFen,
  };
}

/** A 双到 household: one whose contribution came (at least once) from 双到 money. */
export const isShuangdao = (rows: readonly ContributionRow[]): boolean => rows.some((r) => r.kind === 'SHUANGDAO');

/**
 * The amount a household may withdraw on `on`, checked in this order: MEMBER_NOT_ACTIVE;
 * NOTHING_TO_WITHDRAW when the own part is not positive (HOUSEHOLD rows already POSTED to the
 * ledger, minus every withdrawal, pending ones included — so money not yet in the fund is never paid out
 * and a pending withdrawal is never paid twice); WITHDRAWAL_TOO_EARLY {months} when fewer than
 * `withdrawalMinMonths` whole months have passed since the first HOUSEHOLD contribution.
 * Only the household's own part is returned: subsidy and 双到 money stay with the village.
 */
export function planWithdrawal(
  memberStatus: MemberStatus,
  rows: readonly ContributionRow[],
  withdrawalMinMonths: number,
  on: Day,
): bigint {
  if (memberStatus !== 'ACTIVE') fail('MEMBER_NOT_ACTIVE');
  const posted = sumFen(rows.filter((r) => r.kind === 'HOUSEHOLD' && r.ledgerStatus === 'POSTED').map((r) => r.amountFen));
  const own = posted - total(rows, 'HOUSEHOLD_WITHDRAWAL');
  if (own <= 0n) fail('NOTHING_TO_WITHDRAW');
  const first = rows.filter((r) => r.kind === 'HOUSEHOLD').map((r) => r.paidOn).sort()[0]!;
  if (on < first || monthsBetween(first, on) < withdrawalMinMonths) fail('WITHDRAWAL_TOO_EARLY', { months: withdrawalMinMonths });
  return own;
}

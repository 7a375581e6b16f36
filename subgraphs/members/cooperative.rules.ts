/**
 * Pure rules for cooperatives: policy parameters (政策参数) and status changes
 * (整改 rectification, 退出 exit). No ORM, GraphQL, I/O or clock.
 */
import { fail, invalid } from './codes';

export type CooperativeStatus = 'ACTIVE' | 'RECTIFYING' | 'EXITED';
export type ManagementMode = 'VILLAGE_CASH' | 'TOWNSHIP_BANK_ONLY';

/** Every policy column of a cooperative; money in fen (bigint), rates in basis points. */
export interface CooperativePolicy {
  maxFirstLoanFen: bigint;
  maxLaterLoanFen: bigint;
  shuangdaoLoanCapFen: bigint;
  maxLoanFen: bigint;
  maxTermMonths: number;
  feeRateBp: number;
  concentrationBp: number;
  groupSize: number;
  splitRiskReserveBp: number;
  splitWelfareBp: number;
  splitManagementBp: number;
  splitCapitalBp: number;
  shareFen: bigint;
  shareSubsidyFen: bigint;
  shareHouseholdFen: bigint;
  shareAbsolutePoorFen: bigint;
  withdrawalMinMonths: number;
  cashLimitFen: bigint;
}

export const POLICY_KEYS = [
  'maxFirstLoanFen', 'maxLaterLoanFen', 'shuangdaoLoanCapFen', 'maxLoanFen', 'maxTermMonths', 'feeRateBp',
  'concentrationBp', 'groupSize', 'splitRiskReserveBp', 'splitWelfareBp', 'splitManagementBp', 'splitCapitalBp',
  'shareFen', 'shareSubsidyFen', 'shareHouseholdFen', 'shareAbsolutePoorFen', 'withdrawalMinMonths', 'cashLimitFen',
] as const satisfies readonly (keyof CooperativePolicy)[];

export type PolicyPatch = { [K in keyof CooperativePolicy]?: CooperativePolicy[K] | null };

/** The current policy with every given (non-null) field of the patch applied. */
export function mergePolicy(current: CooperativePolicy, patch: PolicyPatch): CooperativePolicy {
  const next = { ...current } as Record<keyof CooperativePolicy, bigint | number>;
  for (const k of POLICY_KEYS) {
    const v = patch[k];
    if (v !== undefined && v !== null) next[k] = v;
  }
  return next as unknown as CooperativePolicy;
}

const badPolicy = (reasonZh: string, reason: string): never => fail('POLICY_INVALID', { reasonZh, reason });

/**
 * Checks, in this order (first failure thrown as POLICY_INVALID {reasonZh, reason}):
 * whole-number int fields; each fee split in 0..10000 and the four summing to 10000;
 * caps (first, later, 双到, max loan) positive; first cap ≤ later cap; term ≥ 1 month;
 * fee rate in 0..10000 bp; concentration in 1..10000 bp; group size ≥ 2;
 * share positive, its parts non-negative, household + subsidy = share, absolutely-poor part ≤ household part;
 * withdrawal period ≥ 0 months; cash limit ≥ 0.
 */
export function checkPolicy(p: CooperativePolicy): void {
  const ints: (keyof CooperativePolicy)[] = [
    'maxTermMonths', 'feeRateBp', 'concentrationBp', 'groupSize', 'splitRiskReserveBp', 'splitWelfareBp',
    'splitManagementBp', 'splitCapitalBp', 'withdrawalMinMonths',
  ];
  for (const k of ints) if (!Number.isInteger(p[k])) badPolicy(`${k} 须为整数`, `${k} must be a whole number`);
  const splits = [p.splitRiskReserveBp, p.splitWelfareBp, p.splitManagementBp, p.splitCapitalBp];
  if (splits.some((s) => s < 0 || s > 10_000)) badPolicy('每项收益分配比例须在0–10000个基点之间', 'each fee split must be between 0 and 10000 bp');
  if (splits.reduce((a, b) => a + b, 0) !== 10_000) badPolicy('四项收益分配比例之和须为10000个基点', 'the four fee splits must sum to 10000 bp');
  if (p.maxFirstLoanFen <= 0n || p.maxLaterLoanFen <= 0n || p.shuangdaoLoanCapFen <= 0n || p.maxLoanFen <= 0n) {
    badPolicy('借款上限必须大于零', 'loan caps must be positive');
  }
  if (p.maxFirstLoanFen > p.maxLaterLoanFen) badPolicy('首次借款上限不能超过再次借款上限', 'the first-loan cap may not exceed the later-loan cap');
  if (p.maxTermMonths < 1) badPolicy('最长借款期限至少为1个月', 'the maximum term must be at least 1 month');
  if (p.feeRateBp < 0 || p.feeRateBp > 10_000) badPolicy('占用费率须在0–10000个基点之间', 'the fee rate must be between 0 and 10000 bp');
  if (p.concentrationBp < 1 || p.concentrationBp > 10_000) badPolicy('集中度上限须在1–10000个基点之间', 'concentration must be between 1 and 10000 bp');
  if (p.groupSize < 2) badPolicy('联保小组至少需要2户', 'a guarantee group needs at least 2 households');
  if (p.shareFen <= 0n) badPolicy('每股互助金必须大于零', 'the share must be positive');
  if (p.shareSubsidyFen < 0n || p.shareHouseholdFen < 0n || p.shareAbsolutePoorFen < 0n) badPolicy('每股的各部分不能为负数', 'share parts may not be negative');
  if (p.shareHouseholdFen + p.shareSubsidyFen !== p.shareFen) badPolicy('农户自缴与政府配股之和须等于每股互助金', 'household part + subsidy must equal the share');
  if (p.shareAbsolutePoorFen > p.shareHouseholdFen) badPolicy('绝对贫困户自缴不能超过农户自缴', 'the absolutely-poor part may not exceed the household part');
  if (p.withdrawalMinMonths < 0) badPolicy('退股最短期限不能为负数', 'the withdrawal period may not be negative');
  if (p.cashLimitFen < 0n) badPolicy('现金收付上限不能为负数', 'the cash limit may not be negative');
}

/**
 * A cooperative's money moves only one way: from the village's own keeping (VILLAGE_CASH) to the
 * township's, bank-only (社财乡管, TOWNSHIP_BANK_ONLY), once the county finds the village's keeping
 * unsafe; there is no way back, and an exited cooperative takes no change. All INVALID_INPUT.
 */
export function checkManagementModeChange(status: CooperativeStatus, from: ManagementMode, to: ManagementMode): void {
  if (status === 'EXITED') invalid('已退出的互助社不能再变更管理模式', 'an exited cooperative cannot change its management mode');
  if (from === to) invalid(`互助社已经是 ${to} 管理模式`, `the cooperative is already managed as ${to}`);
  if (to !== 'TOWNSHIP_BANK_ONLY') invalid('管理模式只能改为社财乡管(银收银付),不能改回', 'the management mode can only change to township-managed, bank-only (社财乡管), never back');
}

/**
 * A status the union's rectification and exit (整改/退出) sets: EXITED is final (COOPERATIVE_EXITED
 * for any other status after it); the status it already has is no change (false), so a saga step
 * sent twice changes nothing the second time. True when the status changes.
 */
export function checkStatusChange(from: CooperativeStatus, to: CooperativeStatus): boolean {
  if (from === to) return false;
  if (from === 'EXITED') fail('COOPERATIVE_EXITED');
  return true;
}

import { errorOf } from '../../test/support/domain';
import {
  contributionTotals, isShuangdao, planContribution, planWithdrawal,
  type ContributionRow, type ContributionSource, type SharePolicy,
} from './contribution.rules';
import type { CooperativeStatus } from './cooperative.rules';
import type { MemberStatus, PovertyStatus } from './member.rules';


const POLICY: SharePolicy = { shareFen: 100_000n, shareHouseholdFen: 40_000n, shareAbsolutePoorFen: 20_000n };

describe('planContribution', () => {
  type M = { status: MemberStatus; povertyStatus: PovertyStatus; isAbsolutePoor: boolean };
  const poor: M = { status: 'ACTIVE', povertyStatus: 'REGISTERED_POOR', isAbsolutePoor: false };
  it.each<[string, M, CooperativeStatus, SharePolicy, ContributionSource, [string, bigint][] | string]>([
    ['ordinary household', { ...poor, povertyStatus: 'ORDINARY' }, 'ACTIVE', POLICY, 'HOUSEHOLD', [['HOUSEHOLD', 40_000n], ['GOVERNMENT_SUBSIDY', 60_000n]]],
    ['wealthy household may still contribute', { ...poor, povertyStatus: 'WEALTHY' }, 'ACTIVE', POLICY, 'HOUSEHOLD', [['HOUSEHOLD', 40_000n], ['GOVERNMENT_SUBSIDY', 60_000n]]],
    ['absolutely poor household pays less', { ...poor, isAbsolutePoor: true }, 'ACTIVE', POLICY, 'HOUSEHOLD', [['HOUSEHOLD', 20_000n], ['GOVERNMENT_SUBSIDY', 80_000n]]],
    ['rectifying cooperative still takes contributions', poor, 'RECTIFYING', POLICY, 'HOUSEHOLD', [['HOUSEHOLD', 40_000n], ['GOVERNMENT_SUBSIDY', 60_000n]]],
    ['no subsidy row when the household pays all', poor, 'ACTIVE', { ...POLICY, shareHouseholdFen: 100_000n }, 'HOUSEHOLD', [['HOUSEHOLD', 100_000n]]],
    ['no household row when it pays nothing', { ...poor, isAbsolutePoor: true }, 'ACTIVE', { ...POLICY, shareAbsolutePoorFen: 0n }, 'HOUSEHOLD', [['GOVERNMENT_SUBSIDY', 100_000n]]],
    ['双到 money buys the whole share', poor, 'ACTIVE', POLICY, 'SHUANGDAO', [['SHUANGDAO', 100_000n]]],
    ['双到 for an ordinary household', { ...poor, povertyStatus: 'ORDINARY' }, 'ACTIVE', POLICY, 'SHUANGDAO', 'INVALID_INPUT'],
    ['withdrawn member', { ...poor, status: 'WITHDRAWN' }, 'ACTIVE', POLICY, 'HOUSEHOLD', 'MEMBER_NOT_ACTIVE'],
    ['member checked before cooperative', { ...poor, status: 'WITHDRAWN' }, 'EXITED', POLICY, 'HOUSEHOLD', 'MEMBER_NOT_ACTIVE'],
    ['exited cooperative', poor, 'EXITED', POLICY, 'HOUSEHOLD', 'COOPERATIVE_EXITED'],
  ])('%s', (_n, member, coopStatus, policy, source, want) => {
    if (typeof want === 'string') {
      expect(errorOf(() => planContribution(member, coopStatus, policy, source))?.code).toBe(want);
    } else {
      expect(planContribution(member, coopStatus, policy, source).map((p) => [p.kind, p.amountFen])).toEqual(want);
    }
  });
});

const row = (kind: ContributionRow['kind'], amountFen: bigint, paidOn: string, ledgerStatus: ContributionRow['ledgerStatus'] = 'POSTED'): ContributionRow =>
  ({ kind, amountFen, paidOn, ledgerStatus });

describe('contributionTotals / isShuangdao', () => {
  it('sums per kind, pending rows included', () => {
    const rows = [
      row('HOUSEHOLD', 40_000n, '2023-01-10'), row('GOVERNMENT_SUBSIDY', 60_000n, '2023-01-10'),
      row('HOUSEHOLD', 40_000n, '2023-06-10', 'PENDING'), row('SHUANGDAO', 100_000n, '2023-07-01'),
      row('HOUSEHOLD_WITHDRAWAL', 30_000n, '2024-02-01'),
    ];
    expect(contributionTotals(rows)).toEqual({
      householdFen: 80_000n, governmentSubsidyFen: 60_000n, shuangdaoFen: 100_000n, withdrawnFen: 30_000n, ownBalanceFen: 50_000n,
    });
    expect(isShuangdao(rows)).toBe(true);
  });
  it('is all zero for no rows', () => {
    expect(contributionTotals([])).toEqual({ householdFen: 0n, governmentSubsidyFen: 0n, shuangdaoFen: 0n, withdrawnFen: 0n, ownBalanceFen: 0n });
    expect(isShuangdao([row('HOUSEHOLD', 1n, '2023-01-01')])).toBe(false);
  });
});

describe('planWithdrawal', () => {
  const paid = [row('HOUSEHOLD', 40_000n, '2023-01-31'), row('GOVERNMENT_SUBSIDY', 60_000n, '2023-01-31')];
  it.each<[string, MemberStatus, ContributionRow[], number, string, bigint | string, number?]>([
    ['after a year: the own part only', 'ACTIVE', paid, 12, '2024-01-31', 40_000n],
    ['two shares, one withdrawal already', 'ACTIVE', [...paid, row('HOUSEHOLD', 20_000n, '2023-03-01'), row('HOUSEHOLD_WITHDRAWAL', 10_000n, '2023-12-01')], 12, '2024-02-01', 50_000n],
    ['no minimum period', 'ACTIVE', paid, 0, '2023-01-31', 40_000n],
    ['a day short of a year', 'ACTIVE', paid, 12, '2024-01-30', 'WITHDRAWAL_TOO_EARLY', 12],
    ['counted from the first household contribution', 'ACTIVE', [...paid, row('HOUSEHOLD', 40_000n, '2023-12-01')], 12, '2024-01-31', 80_000n],
    ['a date before the contribution', 'ACTIVE', paid, 0, '2023-01-30', 'WITHDRAWAL_TOO_EARLY', 0],
    ['withdrawn member', 'WITHDRAWN', paid, 12, '2025-01-01', 'MEMBER_NOT_ACTIVE'],
    ['no contribution at all', 'ACTIVE', [], 12, '2025-01-01', 'NOTHING_TO_WITHDRAW'],
    ['only subsidy and 双到 money', 'ACTIVE', [row('GOVERNMENT_SUBSIDY', 60_000n, '2020-01-01'), row('SHUANGDAO', 100_000n, '2020-01-01')], 12, '2025-01-01', 'NOTHING_TO_WITHDRAW'],
    ['all withdrawn already', 'ACTIVE', [...paid, row('HOUSEHOLD_WITHDRAWAL', 40_000n, '2024-02-01')], 12, '2025-01-01', 'NOTHING_TO_WITHDRAW'],
    ['a pending withdrawal counts', 'ACTIVE', [...paid, row('HOUSEHOLD_WITHDRAWAL', 40_000n, '2024-02-01', 'PENDING')], 12, '2025-01-01', 'NOTHING_TO_WITHDRAW'],
    ['a pending household row is not yet withdrawable', 'ACTIVE', [row('HOUSEHOLD', 40_000n, '2023-01-31', 'PENDING')], 12, '2025-01-01', 'NOTHING_TO_WITHDRAW'],
    ['nothing checked before too early', 'ACTIVE', [], 12, '2000-01-01', 'NOTHING_TO_WITHDRAW'],
  ])('%s', (_n, status, rows, months, on, want, ...rest) => {
    const detailMonths = rest[0];
    if (typeof want === 'bigint') {
      expect(planWithdrawal(status, rows, months, on)).toBe(want);
    } else {
      const e = errorOf(() => planWithdrawal(status, rows, months, on));
      expect(e?.code).toBe(want);
      if (detailMonths !== undefined) expect(e?.details).toEqual({ months: detailMonths });
    }
  });
});

import { errorOf } from '../../test/support/domain';
import { checkManagementModeChange, checkPolicy, checkStatusChange, mergePolicy, type CooperativePolicy, type CooperativeStatus, type ManagementMode } from './cooperative.rules';


/** The migration's defaults. */
const DEFAULT: CooperativePolicy = {
  maxFirstLoanFen: 500_000n, maxLaterLoanFen: 1_000_000n, shuangdaoLoanCapFen: 1_000_000n, maxLoanFen: 1_000_000n,
  maxTermMonths: 12, feeRateBp: 600, concentrationBp: 500, groupSize: 5,
  splitRiskReserveBp: 3000, splitWelfareBp: 1000, splitManagementBp: 2000, splitCapitalBp: 4000,
  shareFen: 100_000n, shareSubsidyFen: 60_000n, shareHouseholdFen: 40_000n, shareAbsolutePoorFen: 20_000n,
  withdrawalMinMonths: 12, cashLimitFen: 200_000n,
};

describe('mergePolicy', () => {
  it('applies given fields and ignores null / undefined', () => {
    const p = mergePolicy(DEFAULT, { feeRateBp: 500, groupSize: null, maxLoanFen: undefined, cashLimitFen: 0n });
    expect(p).toEqual({ ...DEFAULT, feeRateBp: 500, cashLimitFen: 0n });
    expect(DEFAULT.feeRateBp).toBe(600); // not mutated
  });
});

describe('checkPolicy', () => {
  it('accepts the defaults and edge values', () => {
    expect(errorOf(() => checkPolicy(DEFAULT))).toBeUndefined();
    const edges: Partial<CooperativePolicy>[] = [
      { maxFirstLoanFen: 1_000_000n }, // first == later
      { maxTermMonths: 1 }, { feeRateBp: 0 }, { feeRateBp: 10_000 }, { concentrationBp: 1 }, { concentrationBp: 10_000 },
      { groupSize: 2 }, { withdrawalMinMonths: 0 }, { cashLimitFen: 0n }, { shareAbsolutePoorFen: 40_000n }, { shareAbsolutePoorFen: 0n },
      { splitRiskReserveBp: 10_000, splitWelfareBp: 0, splitManagementBp: 0, splitCapitalBp: 0 },
      { shareFen: 100_000n, shareSubsidyFen: 0n, shareHouseholdFen: 100_000n },
    ];
    for (const e of edges) expect(errorOf(() => checkPolicy({ ...DEFAULT, ...e }))).toBeUndefined();
  });

  it.each<[string, Partial<CooperativePolicy>, RegExp]>([
    ['fractional term', { maxTermMonths: 1.5 }, /maxTermMonths must be a whole number/],
    ['fractional group size', { groupSize: 4.5 }, /groupSize must be a whole number/],
    ['negative split', { splitRiskReserveBp: -1000, splitCapitalBp: 8000 }, /between 0 and 10000/],
    ['split above 10000', { splitRiskReserveBp: 11000 }, /between 0 and 10000/],
    ['splits sum below 10000', { splitCapitalBp: 3999 }, /sum to 10000/],
    ['splits sum above 10000', { splitWelfareBp: 1001 }, /sum to 10000/],
    ['first cap zero', { maxFirstLoanFen: 0n }, /caps must be positive/],
    ['later cap negative', { maxLaterLoanFen: -1n }, /caps must be positive/],
    ['双到 cap zero', { shuangdaoLoanCapFen: 0n }, /caps must be positive/],
    ['max loan zero', { maxLoanFen: 0n }, /caps must be positive/],
    ['first cap above later cap', { maxFirstLoanFen: 1_000_001n }, /first-loan cap/],
    ['term zero', { maxTermMonths: 0 }, /at least 1 month/],
    ['fee rate negative', { feeRateBp: -1 }, /fee rate/],
    ['fee rate above 10000', { feeRateBp: 10_001 }, /fee rate/],
    ['concentration zero', { concentrationBp: 0 }, /concentration/],
    ['concentration above 10000', { concentrationBp: 10_001 }, /concentration/],
    ['group of one', { groupSize: 1 }, /at least 2/],
    ['share zero', { shareFen: 0n, shareSubsidyFen: 0n, shareHouseholdFen: 0n, shareAbsolutePoorFen: 0n }, /share must be positive/],
    ['negative subsidy', { shareSubsidyFen: -1n }, /may not be negative/],
    ['negative household part', { shareHouseholdFen: -1n }, /may not be negative/],
    ['negative absolute-poor part', { shareAbsolutePoorFen: -1n }, /may not be negative/],
    ['parts do not add up', { shareSubsidyFen: 50_000n }, /must equal the share/],
    ['absolute-poor part above household part', { shareAbsolutePoorFen: 40_001n }, /absolutely-poor part/],
    ['negative withdrawal period', { withdrawalMinMonths: -1 }, /withdrawal period/],
    ['negative cash limit', { cashLimitFen: -1n }, /cash limit/],
  ])('refuses %s with POLICY_INVALID', (_name, patch, reason) => {
    const e = errorOf(() => checkPolicy({ ...DEFAULT, ...patch }));
    expect(e?.code).toBe('POLICY_INVALID');
    expect(String(e?.details.reason)).toMatch(reason);
    expect(String(e?.details.reasonZh)).toMatch(/[\u4e00-\u9fff]/); // the Chinese message is Chinese throughout
  });
});

describe('checkStatusChange', () => {
  it.each<[CooperativeStatus, CooperativeStatus, boolean | string]>([
    ['ACTIVE', 'RECTIFYING', true],
    ['ACTIVE', 'EXITED', true],
    ['RECTIFYING', 'ACTIVE', true],
    ['RECTIFYING', 'EXITED', true],
    ['ACTIVE', 'ACTIVE', false],
    ['RECTIFYING', 'RECTIFYING', false],
    ['EXITED', 'EXITED', false],
    ['EXITED', 'ACTIVE', 'COOPERATIVE_EXITED'],
    ['EXITED', 'RECTIFYING', 'COOPERATIVE_EXITED'],
  ])('%s → %s: %s', (from, to, expected) => {
    if (typeof expected === 'boolean') expect(checkStatusChange(from, to)).toBe(expected);
    else expect(errorOf(() => checkStatusChange(from, to))?.code).toBe(expected);
  });
});

describe('checkManagementModeChange', () => {
  it.each<[CooperativeStatus, ManagementMode, ManagementMode, RegExp | undefined]>([
    ['ACTIVE', 'VILLAGE_CASH', 'TOWNSHIP_BANK_ONLY', undefined],
    ['RECTIFYING', 'VILLAGE_CASH', 'TOWNSHIP_BANK_ONLY', undefined], // rectification is when it happens most
    ['ACTIVE', 'TOWNSHIP_BANK_ONLY', 'VILLAGE_CASH', /never back/],
    ['ACTIVE', 'TOWNSHIP_BANK_ONLY', 'TOWNSHIP_BANK_ONLY', /already/],
    ['ACTIVE', 'VILLAGE_CASH', 'VILLAGE_CASH', /already/],
    ['EXITED', 'VILLAGE_CASH', 'TOWNSHIP_BANK_ONLY', /exited/],
  ])('%s, %s → %s', (status, from, to, message) => {
    const e = errorOf(() => checkManagementModeChange(status, from, to));
    if (!message) return expect(e).toBeUndefined();
    expect(e?.code).toBe('INVALID_INPUT');
    expect(e?.messageEn).toMatch(message);
  });
});

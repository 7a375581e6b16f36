import {
  accruedFee,
  allocateRepayment,
  buildSchedule,
  checkApplication,
  checkDisbursement,
  checkIncomingChannel,
  checkWriteOff,
  overdueStatus,
  portfolioRatios,
  ratiosWithData,
  transition,
  type Application,
  type BorrowerFacts,
  type BorrowerHistory,
  type Instalment,
  type LoanAction,
  type LoanPolicy,
  type LoanStatus,
  type PovertyStatus,
} from './loan.rules';
import { errorOf as refusalOf } from '../../test/support/domain';
import { DomainError } from '../lib/errors';
import { checkTargeting, recheckTargeting, rechecksTargeting } from './targeting.rules';

/** The code of the DomainError `fn` throws, or undefined when it returns. */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return undefined;
}
function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

const policy: LoanPolicy = {
  maxFirstLoanFen: 500_000n, // 5,000 yuan
  maxLaterLoanFen: 1_000_000n, // 10,000 yuan
  shuangdaoLoanCapFen: 1_000_000n,
  maxLoanFen: 800_000n,
  maxTermMonths: 12,
  feeRateBp: 600,
  concentrationBp: 500,
  cashLimitFen: 200_000n,
  splitRiskReserveBp: 3000,
  splitWelfareBp: 1000,
  splitManagementBp: 2000,
  splitCapitalBp: 4000,
};
const facts: BorrowerFacts = {
  memberId: 7,
  memberCooperativeId: 1,
  memberStatus: 'ACTIVE',
  povertyStatus: 'REGISTERED_POOR',
  isShuangdao: false,
  cooperativeStatus: 'ACTIVE',
  managementMode: 'TOWNSHIP_BANK_ONLY',
  guarantee: { kind: 'JOINT', groupId: 3, memberIds: [7, 8, 9, 10, 11] },
  policy,
};
const history: BorrowerHistory = { previousDisbursedLoans: 0, openLoans: 0, memberOutstandingFen: 0n, overdueGroupMemberIds: [] };
const app: Application = { cooperativeId: 1, amountFen: 300_000n, termMonths: 12 };
const FUND = 100_000_000n; // 1,000,000 yuan: 5% = 5,000,000 fen, never binding unless a row says so

interface AppCase {
  f?: Partial<BorrowerFacts>;
  p?: Partial<LoanPolicy>;
  h?: Partial<BorrowerHistory>;
  a?: Partial<Application>;
  fund?: bigint;
}
const run = (c: AppCase) =>
  checkApplication({ ...facts, ...c.f, policy: { ...policy, ...c.p } }, { ...history, ...c.h }, { ...app, ...c.a }, c.fund ?? FUND);

describe('checkApplication: refusals', () => {
  it.each<[string, AppCase, string, Record<string, unknown>?]>([
    ['member of another cooperative', { f: { memberCooperativeId: 2 } }, 'NOT_A_MEMBER'],
    ['withdrawn member', { f: { memberStatus: 'WITHDRAWN' } }, 'NOT_A_MEMBER'],
    ['not a member beats exited cooperative', { f: { memberStatus: 'WITHDRAWN', cooperativeStatus: 'EXITED' } }, 'NOT_A_MEMBER'],
    ['cooperative exited', { f: { cooperativeStatus: 'EXITED' } }, 'COOPERATIVE_EXITED'],
    ['cooperative rectifying', { f: { cooperativeStatus: 'RECTIFYING' } }, 'COOPERATIVE_RECTIFYING'],
    ['rectifying beats wealthy', { f: { cooperativeStatus: 'RECTIFYING', povertyStatus: 'WEALTHY' } }, 'COOPERATIVE_RECTIFYING'],
    ['wealthy household', { f: { povertyStatus: 'WEALTHY' } }, 'WEALTHY_HOUSEHOLD'],
    ['wealthy beats bad amount', { f: { povertyStatus: 'WEALTHY' }, a: { amountFen: 0n } }, 'WEALTHY_HOUSEHOLD'],
    ['zero amount', { a: { amountFen: 0n } }, 'INVALID_INPUT'],
    ['negative amount', { a: { amountFen: -1n } }, 'INVALID_INPUT'],
    ['zero term', { a: { termMonths: 0 } }, 'INVALID_INPUT'],
    ['fractional term', { a: { termMonths: 1.5 } }, 'INVALID_INPUT'],
    ['term too long', { a: { termMonths: 13 } }, 'TERM_TOO_LONG', { months: 12 }],
    ['term too long under a custom policy', { a: { termMonths: 7 }, p: { maxTermMonths: 6 } }, 'TERM_TOO_LONG', { months: 6 }],
    ['term beats open loan', { a: { termMonths: 13 }, h: { openLoans: 1 } }, 'TERM_TOO_LONG'],
    ['open loan exists', { h: { openLoans: 1, previousDisbursedLoans: 1 } }, 'OUTSTANDING_LOAN_EXISTS'],
    ['open loan beats cap', { h: { openLoans: 1 }, a: { amountFen: 9_999_999n } }, 'OUTSTANDING_LOAN_EXISTS'],
    ['first loan above first cap', { a: { amountFen: 500_001n } }, 'LOAN_ABOVE_FIRST_CAP', { cap: '500000' }],
    ['later loan above later cap', { h: { previousDisbursedLoans: 2 }, a: { amountFen: 1_000_001n } }, 'LOAN_ABOVE_LATER_CAP', { cap: '1000000' }],
    ['双到 first loan above the 双到 cap (binding)', { f: { isShuangdao: true }, a: { amountFen: 1_000_001n } }, 'LOAN_ABOVE_SHUANGDAO_CAP', { cap: '1000000' }],
    [
      '双到 later loan: later cap larger, so later cap binds',
      { f: { isShuangdao: true }, p: { maxLaterLoanFen: 1_500_000n }, h: { previousDisbursedLoans: 1 }, a: { amountFen: 1_500_001n } },
      'LOAN_ABOVE_LATER_CAP',
      { cap: '1500000' },
    ],
    [
      '双到 later loan: equal caps, later cap reported',
      { f: { isShuangdao: true }, h: { previousDisbursedLoans: 1 }, a: { amountFen: 1_000_001n } },
      'LOAN_ABOVE_LATER_CAP',
      { cap: '1000000' },
    ],
    [
      '双到 first loan: first cap larger than 双到 cap, first cap binds',
      { f: { isShuangdao: true }, p: { maxFirstLoanFen: 1_200_000n }, a: { amountFen: 1_200_001n } },
      'LOAN_ABOVE_FIRST_CAP',
      { cap: '1200000' },
    ],
    ['cap beats concentration', { a: { amountFen: 500_001n }, fund: 1n }, 'LOAN_ABOVE_FIRST_CAP'],
    ['amount alone above the concentration limit', { a: { amountFen: 300_000n }, fund: 5_000_000n }, 'CONCENTRATION_EXCEEDED', { shareBp: 500, limit: '250000' }],
    ['outstanding plus amount just above the limit', { h: { memberOutstandingFen: 1n }, a: { amountFen: 250_000n }, fund: 5_000_000n }, 'CONCENTRATION_EXCEEDED', { shareBp: 500 }],
    ['concentration beats guarantee', { f: { guarantee: null }, fund: 0n }, 'CONCENTRATION_EXCEEDED'],
    ['no guarantee', { f: { guarantee: null } }, 'NO_GUARANTEE'],
    ['no guarantee beats overdue group', { f: { guarantee: null }, h: { overdueGroupMemberIds: [8] } }, 'NO_GUARANTEE'],
    ['a group member is overdue', { h: { overdueGroupMemberIds: [9] } }, 'GROUP_MEMBER_OVERDUE', { memberIds: ['9'], borrowerOverdue: false }],
    ['the borrower itself is overdue', { h: { overdueGroupMemberIds: [9, 7] } }, 'GROUP_MEMBER_OVERDUE', { memberIds: ['7', '9'], borrowerOverdue: true }],
  ])('%s -> %s', (_name, c, code, ...rest) => {
    const details = rest[0]; // optional column (a missing param keeps jest from passing `done`)
    expect(() => run(c)).toThrow(expect.objectContaining({ code }));
    if (details) expect(errorOf(() => run(c)).details).toEqual(expect.objectContaining(details));
  });
});

describe('checkApplication: accepted', () => {
  it.each<[string, AppCase, { isFirstLoan: boolean; capFen: bigint; needsCountyApproval: boolean }]>([
    ['ordinary first loan', {}, { isFirstLoan: true, capFen: 500_000n, needsCountyApproval: false }],
    ['ordinary household', { f: { povertyStatus: 'ORDINARY' } }, { isFirstLoan: true, capFen: 500_000n, needsCountyApproval: false }],
    ['first loan exactly at the cap', { a: { amountFen: 500_000n } }, { isFirstLoan: true, capFen: 500_000n, needsCountyApproval: false }],
    ['term exactly at the maximum, 1 month minimum', { a: { termMonths: 1 } }, { isFirstLoan: true, capFen: 500_000n, needsCountyApproval: false }],
    ['later loan', { h: { previousDisbursedLoans: 1 }, a: { amountFen: 800_000n } }, { isFirstLoan: false, capFen: 1_000_000n, needsCountyApproval: false }],
    ['later loan above maxLoan needs county', { h: { previousDisbursedLoans: 1 }, a: { amountFen: 800_001n } }, { isFirstLoan: false, capFen: 1_000_000n, needsCountyApproval: true }],
    ['双到 first loan lifted to the 双到 cap', { f: { isShuangdao: true }, a: { amountFen: 1_000_000n } }, { isFirstLoan: true, capFen: 1_000_000n, needsCountyApproval: true }],
    ['双到 later loan keeps the larger later cap', { f: { isShuangdao: true }, p: { maxLaterLoanFen: 1_500_000n }, h: { previousDisbursedLoans: 1 } }, { isFirstLoan: false, capFen: 1_500_000n, needsCountyApproval: false }],
    ['party-member guarantee', { f: { guarantee: { kind: 'PARTY_MEMBER', groupId: 4, memberIds: [7, 20] } } }, { isFirstLoan: true, capFen: 500_000n, needsCountyApproval: false }],
    ['exactly at the concentration limit', { h: { memberOutstandingFen: 50_000n }, a: { amountFen: 200_000n }, fund: 5_000_000n }, { isFirstLoan: true, capFen: 500_000n, needsCountyApproval: false }],
  ])('%s', (_name, c, want) => {
    expect(run(c)).toEqual(want);
  });
});

describe('transition', () => {
  const plain = { needsCountyApproval: false, requestedBy: 'u1', actor: 'u2' };
  const county = { needsCountyApproval: true, requestedBy: 'u1', actor: 'u2' };
  const self = { needsCountyApproval: true, requestedBy: 'u1', actor: 'u1' };
  type Opts = typeof plain;

  const ok: [LoanStatus, LoanAction, Opts, LoanStatus][] = [
    ['APPLIED', 'ENDORSE', plain, 'ENDORSED'],
    ['APPLIED', 'ENDORSE', self, 'ENDORSED'], // endorsing is the group's step, not maker-checker
    ['ENDORSED', 'APPROVE', plain, 'APPROVED'],
    ['ENDORSED', 'APPROVE', county, 'APPROVED'],
    ['APPROVED', 'COUNTY_APPROVE', county, 'COUNTY_APPROVED'],
    ['APPROVED', 'PUBLISH', plain, 'PUBLISHED'],
    ['COUNTY_APPROVED', 'PUBLISH', county, 'PUBLISHED'],
    ['COUNTY_APPROVED', 'PUBLISH', plain, 'PUBLISHED'],
    ['PUBLISHED', 'SIGN', plain, 'CONTRACTED'],
    ['CONTRACTED', 'DISBURSE', plain, 'DISBURSED'],
    ['DISBURSED', 'REPAY', plain, 'DISBURSED'],
    ['DISBURSED', 'WRITE_OFF', plain, 'WRITTEN_OFF'],
    ['APPLIED', 'REJECT', plain, 'REJECTED'],
    ['ENDORSED', 'REJECT', plain, 'REJECTED'],
    ['APPROVED', 'REJECT', plain, 'REJECTED'],
    ['COUNTY_APPROVED', 'REJECT', county, 'REJECTED'],
    ['PUBLISHED', 'REJECT', plain, 'REJECTED'],
    ['CONTRACTED', 'REJECT', self, 'REJECTED'],
  ];
  it.each(ok)('%s -%s-> (%o) %s', (status, action, o, want) => {
    expect(transition(status, action, o)).toBe(want);
  });

  it.each<[LoanStatus, LoanAction, Opts, string]>([
    ['ENDORSED', 'APPROVE', self, 'SELF_APPROVAL'],
    ['APPROVED', 'COUNTY_APPROVE', self, 'SELF_APPROVAL'],
    ['APPROVED', 'PUBLISH', county, 'COUNTY_APPROVAL_REQUIRED'],
    ['APPROVED', 'COUNTY_APPROVE', plain, 'INVALID_TRANSITION'],
    ['APPROVED', 'COUNTY_APPROVE', { ...self, needsCountyApproval: false }, 'INVALID_TRANSITION'],
    ['APPLIED', 'APPROVE', self, 'INVALID_TRANSITION'], // order is checked before maker-checker
    ['ENDORSED', 'COUNTY_APPROVE', county, 'INVALID_TRANSITION'],
    ['ENDORSED', 'ENDORSE', plain, 'INVALID_TRANSITION'],
    ['APPLIED', 'PUBLISH', plain, 'INVALID_TRANSITION'],
    ['PUBLISHED', 'PUBLISH', plain, 'INVALID_TRANSITION'],
    ['APPROVED', 'SIGN', plain, 'INVALID_TRANSITION'],
    ['PUBLISHED', 'DISBURSE', plain, 'INVALID_TRANSITION'],
    ['CONTRACTED', 'REPAY', plain, 'INVALID_TRANSITION'],
    ['CLOSED', 'REPAY', plain, 'INVALID_TRANSITION'],
    ['CONTRACTED', 'WRITE_OFF', plain, 'INVALID_TRANSITION'],
    ['WRITTEN_OFF', 'WRITE_OFF', plain, 'INVALID_TRANSITION'],
    ['DISBURSED', 'REJECT', plain, 'INVALID_TRANSITION'],
    ['CLOSED', 'REJECT', plain, 'INVALID_TRANSITION'],
    ['WRITTEN_OFF', 'REJECT', plain, 'INVALID_TRANSITION'],
    ['REJECTED', 'REJECT', plain, 'INVALID_TRANSITION'],
    ['REJECTED', 'ENDORSE', plain, 'INVALID_TRANSITION'],
  ])('%s -%s- (%o) refused with %s', (status, action, o, code) => {
    expect(() => transition(status, action, o)).toThrow(expect.objectContaining({ code }));
  });

  it('INVALID_TRANSITION carries status and action', () => {
    expect(errorOf(() => transition('CLOSED', 'DISBURSE', plain)).details).toEqual({ status: 'CLOSED', action: 'DISBURSE' });
  });

  it('every status x action pair either moves or refuses with a catalogued code', () => {
    const statuses: LoanStatus[] = ['APPLIED', 'ENDORSED', 'APPROVED', 'COUNTY_APPROVED', 'PUBLISHED', 'CONTRACTED', 'DISBURSED', 'CLOSED', 'WRITTEN_OFF', 'REJECTED'];
    const actions: LoanAction[] = ['ENDORSE', 'APPROVE', 'COUNTY_APPROVE', 'PUBLISH', 'SIGN', 'DISBURSE', 'REPAY', 'WRITE_OFF', 'REJECT'];
    const allowed = new Set(ok.map(([s, a]) => `${s}:${a}`));
    for (const s of statuses) {
      for (const a of actions) {
        const codes = [plain, county].map((o) => codeOf(() => transition(s, a, o)));
        if (allowed.has(`${s}:${a}`)) expect(codes).toContain(undefined);
        else expect(codes.every((c) => c === 'INVALID_TRANSITION' || c === 'COUNTY_APPROVAL_REQUIRED')).toBe(true);
      }
    }
    // closed and written-off loans and rejected applications are terminal
    for (const s of ['CLOSED', 'WRITTEN_OFF', 'REJECTED'] as LoanStatus[]) {
      for (const a of actions) expect(codeOf(() => transition(s, a, county))).toBe('INVALID_TRANSITION');
    }
  });
});

describe('checkDisbursement', () => {
  const base = {
    channel: 'BANK' as 'BANK' | 'CASH',
    managementMode: 'TOWNSHIP_BANK_ONLY' as 'VILLAGE_CASH' | 'TOWNSHIP_BANK_ONLY',
    amountFen: 300_000n,
    cashLimitFen: 200_000n,
    hasCardAccount: true,
    needsCountyApproval: false,
    countyApproved: false,
    availableFen: 1_000_000n,
  };
  type O = Partial<typeof base>;

  it.each<[string, O, string, Record<string, unknown>?]>([
    ['cash under bank-only', { channel: 'CASH', amountFen: 1n }, 'CASH_REFUSED'],
    ['cash under bank-only beats everything', { channel: 'CASH', hasCardAccount: false, needsCountyApproval: true, availableFen: 0n }, 'CASH_REFUSED'],
    ['large cash under village management', { channel: 'CASH', managementMode: 'VILLAGE_CASH', amountFen: 200_001n }, 'LARGE_CASH_REFUSED', { limit: '200000' }],
    ['large cash beats county approval', { channel: 'CASH', managementMode: 'VILLAGE_CASH', needsCountyApproval: true }, 'LARGE_CASH_REFUSED'],
    ['bank without card account', { hasCardAccount: false }, 'CARD_ACCOUNT_MISSING'],
    ['card missing beats insufficient fund', { hasCardAccount: false, availableFen: 0n }, 'CARD_ACCOUNT_MISSING'],
    ['county approval missing', { needsCountyApproval: true }, 'COUNTY_APPROVAL_REQUIRED'],
    ['county approval missing (cash)', { channel: 'CASH', managementMode: 'VILLAGE_CASH', amountFen: 100_000n, hasCardAccount: false, needsCountyApproval: true }, 'COUNTY_APPROVAL_REQUIRED'],
    ['county approval beats insufficient fund', { needsCountyApproval: true, availableFen: 0n }, 'COUNTY_APPROVAL_REQUIRED'],
    ['insufficient fund', { availableFen: 299_999n }, 'INSUFFICIENT_FUND'],
  ])('%s -> %s', (_name, o, code, ...rest) => {
    const details = rest[0];
    expect(() => checkDisbursement({ ...base, ...o })).toThrow(expect.objectContaining({ code }));
    if (details) expect(errorOf(() => checkDisbursement({ ...base, ...o })).details).toEqual(details);
  });

  it.each<[string, O]>([
    ['bank transfer', {}],
    ['bank transfer of exactly the available money', { availableFen: 300_000n }],
    ['county approved', { needsCountyApproval: true, countyApproved: true }],
    ['bank under village management', { managementMode: 'VILLAGE_CASH' }],
    ['cash at the limit under village management, no card needed', { channel: 'CASH', managementMode: 'VILLAGE_CASH', amountFen: 200_000n, hasCardAccount: false }],
  ])('%s passes', (_name, o) => {
    expect(() => checkDisbursement({ ...base, ...o })).not.toThrow();
  });
});

describe('accruedFee', () => {
  it.each<[bigint, number, string, string, bigint]>([
    [1_000_000n, 600, '2024-01-01', '2025-01-01', 60_164n], // 366 days (leap year) on a 365 basis
    [1_000_000n, 600, '2025-01-01', '2026-01-01', 60_000n], // exactly a year
    [1_000_000n, 600, '2025-01-01', '2025-01-31', 4_932n], // 30 days: 4931.51 rounds to 4932
    [100n, 600, '2025-01-01', '2025-01-02', 0n], // 0.016 fen rounds to 0
    [3_042n, 600, '2025-01-01', '2025-01-02', 1n], // 0.5000... rounds up
    [1_000_000n, 600, '2025-01-01', '2025-01-01', 0n], // zero days
    [1_000_000n, 600, '2025-02-01', '2025-01-01', 0n], // negative days
    [0n, 600, '2025-01-01', '2025-12-31', 0n],
    [1_000_000n, 0, '2025-01-01', '2025-12-31', 0n],
  ])('fee(%s, %s bp, %s..%s) = %s', (out, bp, from, to, want) => {
    expect(accruedFee(out, bp, from, to)).toBe(want);
  });
});

describe('buildSchedule', () => {
  it('BULLET: one instalment at the term, fee over the whole period', () => {
    expect(buildSchedule({ amountFen: 300_000n, feeRateBp: 600, termMonths: 12, mode: 'BULLET', disbursedOn: '2025-03-15' })).toEqual([
      { seq: 1, dueOn: '2026-03-15', principalFen: 300_000n, feeFen: 18_000n },
    ]);
  });

  it('BULLET from a month end clamps the due date', () => {
    const [i] = buildSchedule({ amountFen: 100_000n, feeRateBp: 600, termMonths: 1, mode: 'BULLET', disbursedOn: '2025-01-31' });
    expect(i!.dueOn).toBe('2025-02-28');
    expect(i!.feeFen).toBe(accruedFee(100_000n, 600, '2025-01-31', '2025-02-28'));
  });

  it('MONTHLY: equal principal, remainder on the last, fee on declining balance', () => {
    const s = buildSchedule({ amountFen: 100_000n, feeRateBp: 600, termMonths: 3, mode: 'MONTHLY', disbursedOn: '2025-01-10' });
    expect(s).toEqual([
      { seq: 1, dueOn: '2025-02-10', principalFen: 33_333n, feeFen: accruedFee(100_000n, 600, '2025-01-10', '2025-02-10') },
      { seq: 2, dueOn: '2025-03-10', principalFen: 33_333n, feeFen: accruedFee(66_667n, 600, '2025-02-10', '2025-03-10') },
      { seq: 3, dueOn: '2025-04-10', principalFen: 33_334n, feeFen: accruedFee(33_334n, 600, '2025-03-10', '2025-04-10') },
    ]);
    expect(s.map((i) => i.feeFen)).toEqual([510n, 307n, 170n]);
  });

  it('MONTHLY from Jan 31: every due date computed from the disbursement day (no drift)', () => {
    const s = buildSchedule({ amountFen: 120_000n, feeRateBp: 500, termMonths: 4, mode: 'MONTHLY', disbursedOn: '2024-01-31' });
    expect(s.map((i) => i.dueOn)).toEqual(['2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31']);
  });

  it.each<[bigint, number]>([
    [1n, 12],
    [11n, 12],
    [100_001n, 7],
    [999_999n, 12],
    [500_000n, 1],
    [12n, 12],
  ])('MONTHLY principals of %s over %s months sum exactly to the amount', (amountFen, termMonths) => {
    const s = buildSchedule({ amountFen, feeRateBp: 600, termMonths, mode: 'MONTHLY', disbursedOn: '2025-06-30' });
    expect(s).toHaveLength(termMonths);
    expect(s.map((i) => i.seq)).toEqual(Array.from({ length: termMonths }, (_, k) => k + 1));
    expect(s.reduce((a, i) => a + i.principalFen, 0n)).toBe(amountFen);
    const base = amountFen / BigInt(termMonths);
    for (const i of s.slice(0, -1)) expect(i.principalFen).toBe(base);
    for (const i of s) expect(i.principalFen >= 0n && i.feeFen >= 0n).toBe(true);
  });

  it.each<[string, { amountFen: bigint; termMonths: number }]>([
    ['zero amount', { amountFen: 0n, termMonths: 3 }],
    ['negative amount', { amountFen: -5n, termMonths: 3 }],
    ['zero term', { amountFen: 100n, termMonths: 0 }],
    ['fractional term', { amountFen: 100n, termMonths: 2.5 }],
  ])('%s -> INVALID_INPUT', (_name, o) => {
    for (const mode of ['BULLET', 'MONTHLY'] as const) {
      expect(() => buildSchedule({ ...o, feeRateBp: 600, mode, disbursedOn: '2025-01-01' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });
});

describe('allocateRepayment', () => {
  it.each<[bigint, bigint, bigint, { feeFen: bigint; principalFen: bigint; closes: boolean }]>([
    [500n, 100_000n, 1_000n, { feeFen: 500n, principalFen: 0n, closes: false }], // less than the fee
    [1_000n, 100_000n, 1_000n, { feeFen: 1_000n, principalFen: 0n, closes: false }], // exactly the fee
    [51_000n, 100_000n, 1_000n, { feeFen: 1_000n, principalFen: 50_000n, closes: false }],
    [101_000n, 100_000n, 1_000n, { feeFen: 1_000n, principalFen: 100_000n, closes: true }], // everything
    [100_000n, 100_000n, 0n, { feeFen: 0n, principalFen: 100_000n, closes: true }], // no fee accrued
  ])('pay %s on principal %s + fee %s', (amountFen, outstandingPrincipalFen, accruedFeeFen, want) => {
    expect(allocateRepayment({ amountFen, outstandingPrincipalFen, accruedFeeFen })).toEqual(want);
  });

  it.each<[bigint, bigint, bigint, string, Record<string, unknown>?]>([
    [0n, 100_000n, 1_000n, 'INVALID_INPUT'],
    [-1n, 100_000n, 1_000n, 'INVALID_INPUT'],
    [101_001n, 100_000n, 1_000n, 'REPAYMENT_EXCEEDS_OWED', { owed: '101000' }],
    [1n, 0n, 0n, 'REPAYMENT_EXCEEDS_OWED', { owed: '0' }],
  ])('pay %s on principal %s + fee %s -> %s', (amountFen, outstandingPrincipalFen, accruedFeeFen, code, ...rest) => {
    const details = rest[0];
    const f = () => allocateRepayment({ amountFen, outstandingPrincipalFen, accruedFeeFen });
    expect(f).toThrow(expect.objectContaining({ code }));
    if (details) expect(errorOf(f).details).toEqual(details);
  });
});

describe('overdueStatus', () => {
  const monthly: Instalment[] = [
    { seq: 1, dueOn: '2025-02-10', principalFen: 100n, feeFen: 5n },
    { seq: 2, dueOn: '2025-03-10', principalFen: 100n, feeFen: 4n },
    { seq: 3, dueOn: '2025-04-10', principalFen: 101n, feeFen: 3n },
  ];
  it.each<[string, readonly Instalment[], bigint, string, { overdue: boolean; daysOverdue: number; overduePrincipalFen: bigint }]>([
    ['before the first due date', monthly, 0n, '2025-02-01', { overdue: false, daysOverdue: 0, overduePrincipalFen: 0n }],
    ['on the due date itself is not overdue', monthly, 0n, '2025-02-10', { overdue: false, daysOverdue: 0, overduePrincipalFen: 0n }],
    ['the day after the due date', monthly, 0n, '2025-02-11', { overdue: true, daysOverdue: 1, overduePrincipalFen: 100n }],
    ['first paid, second late', monthly, 100n, '2025-03-20', { overdue: true, daysOverdue: 10, overduePrincipalFen: 100n }],
    ['partly paid first: counted from the first', monthly, 60n, '2025-03-20', { overdue: true, daysOverdue: 38, overduePrincipalFen: 140n }],
    ['paid ahead of schedule', monthly, 250n, '2025-03-20', { overdue: false, daysOverdue: 0, overduePrincipalFen: 0n }],
    ['fully paid, after the end', monthly, 301n, '2025-12-31', { overdue: false, daysOverdue: 0, overduePrincipalFen: 0n }],
    ['nothing paid, long after the end', monthly, 0n, '2025-05-10', { overdue: true, daysOverdue: 89, overduePrincipalFen: 301n }],
    ['unsorted input is taken in due order', [monthly[2]!, monthly[0]!, monthly[1]!], 100n, '2025-03-20', { overdue: true, daysOverdue: 10, overduePrincipalFen: 100n }],
    ['bullet', [{ seq: 1, dueOn: '2026-01-01', principalFen: 300_000n, feeFen: 18_000n }], 0n, '2026-02-01', { overdue: true, daysOverdue: 31, overduePrincipalFen: 300_000n }],
    ['no instalments', [], 0n, '2026-02-01', { overdue: false, daysOverdue: 0, overduePrincipalFen: 0n }],
  ])('%s', (_name, inst, repaid, asOf, want) => {
    expect(overdueStatus(inst, repaid, asOf)).toEqual(want);
  });
});

describe('checkWriteOff', () => {
  it.each<[number, bigint, bigint, string | undefined]>([
    [0, 100n, 1_000n, 'NOT_OVERDUE'],
    [-3, 100n, 1_000n, 'NOT_OVERDUE'],
    [0, 100n, 0n, 'NOT_OVERDUE'], // not overdue is checked first
    [91, 100n, 99n, 'RISK_RESERVE_INSUFFICIENT'],
    [91, 100n, 100n, undefined],
    [1, 100n, 5_000n, undefined],
  ])('%s days overdue, outstanding %s, reserve %s -> %s', (daysOverdue, outstandingFen, riskReserveFen, code) => {
    const f = () => checkWriteOff({ daysOverdue, outstandingFen, riskReserveFen });
    if (code) expect(f).toThrow(expect.objectContaining({ code }));
    else expect(f).not.toThrow();
  });
});

describe('portfolioRatios', () => {
  it.each<[string, Parameters<typeof portfolioRatios>[0], ReturnType<typeof portfolioRatios>]>([
    [
      'typical',
      { principalDueFen: 1_000_000n, repaidOnDueFen: 950_000n, outstandingFen: 2_000_000n, parOutstandingFen: 100_000n, fundTotalFen: 2_500_000n },
      { repaymentRateBp: 9500, parBp: 500, utilisationBp: 8000 },
    ],
    [
      'rounded to whole bp',
      { principalDueFen: 3n, repaidOnDueFen: 2n, outstandingFen: 3n, parOutstandingFen: 1n, fundTotalFen: 7n },
      { repaymentRateBp: 6667, parBp: 3333, utilisationBp: 4286 },
    ],
    [
      'zero bases give 0',
      { principalDueFen: 0n, repaidOnDueFen: 0n, outstandingFen: 0n, parOutstandingFen: 0n, fundTotalFen: 0n },
      { repaymentRateBp: 0, parBp: 0, utilisationBp: 0 },
    ],
  ])('%s', (_name, o, want) => {
    expect(portfolioRatios(o)).toEqual(want);
  });
});

describe('checkIncomingChannel', () => {
  it.each([
    ['BANK', 'TOWNSHIP_BANK_ONLY', 'HH001', null],
    ['CASH', 'VILLAGE_CASH', null, null],
    ['CASH', 'TOWNSHIP_BANK_ONLY', null, 'CASH_REFUSED'],
    ['BANK', 'VILLAGE_CASH', '  ', 'INVALID_INPUT'],
    ['BANK', 'TOWNSHIP_BANK_ONLY', undefined, 'INVALID_INPUT'],
  ] as const)('%s under %s with ref %s → %s', (channel, managementMode, bankRef, code) => {
    const run = () => checkIncomingChannel({ channel, managementMode, bankRef });
    if (code) expect(run).toThrow(expect.objectContaining({ code }));
    else expect(run).not.toThrow();
  });
});

describe('recheckTargeting: a household in flight that became wealthy', () => {
  const ACTIONS: LoanAction[] = ['ENDORSE', 'APPROVE', 'COUNTY_APPROVE', 'PUBLISH', 'SIGN', 'DISBURSE', 'REPAY', 'WRITE_OFF', 'REJECT'];
  it.each(ACTIONS.flatMap((a) => (['REGISTERED_POOR', 'ORDINARY', 'WEALTHY', null] as const).map((s) => [a, s] as const)))('%s with %s', (action, status) => {
    const rechecks = ['APPROVE', 'COUNTY_APPROVE', 'DISBURSE'].includes(action);
    expect(rechecksTargeting(action)).toBe(rechecks);
    const e = refusalOf(() => recheckTargeting(action, status));
    expect(e?.code).toBe(rechecks && status === 'WEALTHY' ? 'WEALTHY_HOUSEHOLD' : undefined);
  });
  it.each<[PovertyStatus, string | undefined]>([['REGISTERED_POOR', undefined], ['ORDINARY', undefined], ['WEALTHY', 'WEALTHY_HOUSEHOLD']])('checkTargeting %s', (s, code) => {
    expect(refusalOf(() => checkTargeting(s))?.code).toBe(code);
  });
});

describe('ratiosWithData: a zero base is no data (null), not a zero', () => {
  const base = { principalDueFen: 1_000_000n, repaidOnDueFen: 950_000n, outstandingFen: 2_000_000n, parOutstandingFen: 100_000n, fundTotalFen: 2_500_000n };
  it.each<[string, Partial<typeof base>, ReturnType<typeof ratiosWithData>]>([
    ['every base', {}, { repaymentRateBp: 9500, parBp: 500, utilisationBp: 8000 }],
    ['nothing fell due yet', { principalDueFen: 0n, repaidOnDueFen: 0n }, { repaymentRateBp: null, parBp: 500, utilisationBp: 8000 }],
    ['nothing outstanding', { outstandingFen: 0n, parOutstandingFen: 0n }, { repaymentRateBp: 9500, parBp: null, utilisationBp: 0 }],
    ['no fund', { fundTotalFen: 0n }, { repaymentRateBp: 9500, parBp: 500, utilisationBp: null }],
    ['a real zero stays zero', { repaidOnDueFen: 0n, parOutstandingFen: 0n }, { repaymentRateBp: 0, parBp: 0, utilisationBp: 8000 }],
  ])('%s', (_name, over, want) => {
    expect(ratiosWithData({ ...base, ...over })).toEqual(want);
  });
});

import { errorOf } from '../../test/support/domain';
import {
  allocationDueOn, allocationOwed, allocationRepayment, checkAllocationTerms, checkLenderMoney, checkUnionApproval, isAllocationOverdue,
  lenderShareCap, needsCountyApproval, splitAllocationFee, type AllocationParties, type AllocationPolicy, type AllocationTerms,
} from './allocation.rules';

const POLICY: AllocationPolicy = { feeRateMinBp: 300, feeRateMaxBp: 500, maxLenderShareBp: 5000, maxTermDays: 180, countyApprovalAboveFen: 20_000_000n, lenderFeeShareBp: 8000 };
const TERMS: AllocationTerms = { amountFen: 1_000_000n, termDays: 90, feeRateBp: 400 };
const PARTIES: AllocationParties = { lenderCooperativeId: 1, borrowerCooperativeId: 2, lenderInUnion: true, borrowerInUnion: true, lenderStatus: 'ACTIVE', borrowerStatus: 'ACTIVE' };

describe('checkAllocationTerms', () => {
  it.each<[string, Partial<AllocationTerms>, Partial<AllocationParties>, string | null, object?]>([
    ['within every limit', {}, {}, null],
    ['term and rate at the limits', { termDays: 180, feeRateBp: 500 }, {}, null],
    ['lowest rate', { feeRateBp: 300 }, {}, null],
    ['amount zero', { amountFen: 0n }, {}, 'INVALID_INPUT'],
    ['term zero', { termDays: 0 }, {}, 'INVALID_INPUT'],
    ['term not whole', { termDays: 1.5 }, {}, 'INVALID_INPUT'],
    ['lender is the borrower', {}, { lenderCooperativeId: 2 }, 'INVALID_INPUT'],
    ['lender outside the union', {}, { lenderInUnion: false }, 'NOT_SAME_UNION'],
    ['borrower outside the union', {}, { borrowerInUnion: false }, 'NOT_SAME_UNION'],
    ['borrower exited', {}, { borrowerStatus: 'EXITED' }, 'COOPERATIVE_EXITED', { side: 'BORROWER' }],
    ['lender rectifying', {}, { lenderStatus: 'RECTIFYING' }, 'COOPERATIVE_RECTIFYING', { side: 'LENDER' }],
    ['borrower first when both are', {}, { lenderStatus: 'EXITED', borrowerStatus: 'RECTIFYING' }, 'COOPERATIVE_RECTIFYING', { side: 'BORROWER' }],
    ['term too long', { termDays: 181 }, {}, 'ALLOCATION_TERM_TOO_LONG', { maxDays: 180 }],
    ['rate too low', { feeRateBp: 299 }, {}, 'ALLOCATION_FEE_RATE_OUT_OF_RANGE'],
    ['rate too high', { feeRateBp: 501 }, {}, 'ALLOCATION_FEE_RATE_OUT_OF_RANGE', { minBp: 300, maxBp: 500 }],
  ])('%s', (...row) => {
    // rest parameters: with fewer named ones than a row's longest, jest would pass a done callback
    const [, t, p, code, details] = row;
    const e = errorOf(() => checkAllocationTerms({ ...TERMS, ...t }, { ...PARTIES, ...p }, POLICY));
    expect(e?.code ?? null).toBe(code);
    if (details) expect(e?.details).toMatchObject(details);
  });
});

describe('checkLenderMoney', () => {
  it.each<[bigint, bigint, number, string | null]>([
    [500n, 1000n, 5000, null], // exactly the share
    [501n, 1000n, 5000, 'ABOVE_LENDER_SHARE'],
    [1000n, 1000n, 10000, null], // the whole idle money when the share allows it
    [1001n, 1000n, 10000, 'LENDER_IDLE_MONEY_SHORT'],
    [1n, 0n, 5000, 'LENDER_IDLE_MONEY_SHORT'],
  ])('%p of %p idle at %p bp → %p', (amount, idle, bp, code) => {
    expect(errorOf(() => checkLenderMoney(amount, idle, bp))?.code ?? null).toBe(code);
  });
  it('the cap floors', () => expect(lenderShareCap(999n, 5000)).toBe(499n));
});

describe('checkUnionApproval', () => {
  const base = { requestedBy: 'board:2', approver: 'union:1', amountFen: 20_000_000n, countyApproved: false };
  it.each<[string, Partial<typeof base>, string | null]>([
    ['at the threshold, no county needed', {}, null],
    ['the requester approving', { approver: 'board:2' }, 'SELF_APPROVAL'],
    ['above the threshold without the county', { amountFen: 20_000_001n }, 'ALLOCATION_COUNTY_APPROVAL_REQUIRED'],
    ['above the threshold with the county', { amountFen: 20_000_001n, countyApproved: true }, null],
  ])('%s', (_n, o, code) => expect(errorOf(() => checkUnionApproval({ ...base, ...o }, POLICY))?.code ?? null).toBe(code));
  it('county approval strictly above the threshold', () => {
    expect(needsCountyApproval(20_000_000n, POLICY)).toBe(false);
    expect(needsCountyApproval(20_000_001n, POLICY)).toBe(true);
  });
});

describe('due date and overdue', () => {
  it('due the term after the money moved', () => expect(allocationDueOn('2026-11-01', 60)).toBe('2026-12-31'));
  it.each<[string, string | null, string, boolean]>([
    ['ACTIVE', '2026-07-01', '2026-07-01', false], // on the due date: not yet
    ['ACTIVE', '2026-07-01', '2026-07-02', true],
    ['REPAID', '2026-07-01', '2026-08-01', false],
    ['POSTING', '2026-07-01', '2026-08-01', false],
    ['ACTIVE', null, '2026-08-01', false],
  ])('%s due %p at %p → %p', (status, dueOn, asOf, overdue) => {
    expect(isAllocationOverdue({ status: status as never, dueOn }, asOf)).toBe(overdue);
  });
});

describe('repayment and fee', () => {
  it('the fee accrues by days with the loan fee\'s rule (rounded)', () => {
    expect(allocationOwed({ outstandingFen: 2_000_000n, feeRateBp: 400, feeFrom: '2026-11-01' }, '2026-11-16')).toEqual({ principalFen: 2_000_000n, feeFen: 3288n });
    expect(allocationOwed({ outstandingFen: 2_000_000n, feeRateBp: 400, feeFrom: '2026-11-01' }, '2026-11-01').feeFen).toBe(0n);
  });
  it.each<[bigint, string | null, object?]>([
    [100n, null, { feeFen: 100n, principalFen: 0n, closes: false }], // less than the fee: all fee
    [1_000n, null, { feeFen: 200n, principalFen: 800n, closes: false }],
    [1_200n, null, { feeFen: 200n, principalFen: 1_000n, closes: true }],
    [1_201n, 'REPAYMENT_EXCEEDS_OWED'],
    [0n, 'INVALID_INPUT'],
  ])('%p against 1,000 principal and 200 fee', (...row) => {
    const [amount, code, result] = row;
    const owed = { principalFen: 1_000n, feeFen: 200n };
    expect(errorOf(() => allocationRepayment(amount, owed))?.code ?? null).toBe(code);
    if (result) expect(allocationRepayment(amount, owed)).toEqual(result);
  });
  it.each<[bigint, number, bigint, bigint]>([
    [3288n, 7000, 2301n, 987n],
    [1n, 8000, 0n, 1n], // the rounding is the union's
    [1000n, 10000, 1000n, 0n],
    [1000n, 0, 0n, 1000n],
  ])('%p split at %p bp → lender %p, union %p', (fee, bp, lender, union) => {
    expect(splitAllocationFee(fee, bp)).toEqual({ lenderFen: lender, unionFen: union });
  });
});

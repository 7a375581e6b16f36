import { errorOf } from '../../test/support/domain';
import {
  checkJoin, checkLeave, checkUnionArea, checkUnionPolicy, DEFAULT_UNION_POLICY, MAX_TERM_DAYS_LIMIT, mergeUnionPolicy, unionBooksMade, unionBooksRepaid,
  type JoinFacts, type UnionPolicy,
} from './union.rules';

describe('mergeUnionPolicy', () => {
  it('applies given fields, keeps the rest, leaves the input alone', () => {
    const p = mergeUnionPolicy(DEFAULT_UNION_POLICY, { feeRateMaxBp: 450, maxTermDays: null, lenderFeeShareBp: undefined, countyApprovalAboveFen: 0n });
    expect(p).toEqual({ ...DEFAULT_UNION_POLICY, feeRateMaxBp: 450, countyApprovalAboveFen: 0n });
    expect(DEFAULT_UNION_POLICY.feeRateMaxBp).toBe(500);
  });
});

describe('checkUnionPolicy', () => {
  it.each<[string, Partial<UnionPolicy>]>([
    ['the defaults', {}],
    ['a fixed fee', { feeRateMinBp: 400, feeRateMaxBp: 400 }],
    ['no fee', { feeRateMinBp: 0, feeRateMaxBp: 0 }],
    ['the whole idle money, the longest term, all fee to the lender', { maxLenderShareBp: 10_000, maxTermDays: MAX_TERM_DAYS_LIMIT, lenderFeeShareBp: 10_000 }],
    ['every allocation to the county, all fee to the union', { countyApprovalAboveFen: 0n, lenderFeeShareBp: 0, maxTermDays: 1, maxLenderShareBp: 1 }],
  ])('accepts %s', (_, change) => {
    expect(errorOf(() => checkUnionPolicy({ ...DEFAULT_UNION_POLICY, ...change }))).toBeUndefined();
  });

  it.each<[string, Partial<UnionPolicy>, RegExp]>([
    ['a fractional rate', { feeRateMinBp: 300.5 }, /feeRateMinBp must be a whole number/],
    ['a fractional term', { maxTermDays: 30.5 }, /maxTermDays must be a whole number/],
    ['a negative rate', { feeRateMinBp: -1 }, /between 0 and 10000/],
    ['a rate above 100 %', { feeRateMaxBp: 10_001 }, /between 0 and 10000/],
    ['the range upside down', { feeRateMinBp: 600, feeRateMaxBp: 500 }, /may not exceed the highest/],
    ['no share of idle money', { maxLenderShareBp: 0 }, /lender share limit/],
    ['a share above all of it', { maxLenderShareBp: 10_001 }, /lender share limit/],
    ['a term of no days', { maxTermDays: 0 }, /maximum term/],
    ['a term past the limit', { maxTermDays: MAX_TERM_DAYS_LIMIT + 1 }, /maximum term/],
    ['a negative threshold', { countyApprovalAboveFen: -1n }, /threshold/],
    ['a negative lender share', { lenderFeeShareBp: -1 }, /fee share/],
    ['a lender share above 100 %', { lenderFeeShareBp: 10_001 }, /fee share/],
  ])('refuses %s with UNION_POLICY_INVALID', (_, change, message) => {
    const e = errorOf(() => checkUnionPolicy({ ...DEFAULT_UNION_POLICY, ...change }));
    expect(e?.code).toBe('UNION_POLICY_INVALID');
    expect(e?.messageEn).toMatch(message);
  });
});

describe('checkUnionArea', () => {
  it.each<[string, Parameters<typeof checkUnionArea>, string | undefined]>([
    ['a county union', [{ level: 'COUNTY', countyId: 1, townshipId: null }, null], undefined],
    ['a county union naming a township', [{ level: 'COUNTY', countyId: 1, townshipId: 11 }, 1], 'UNION_AREA_MISMATCH'],
    ['a township union of its county', [{ level: 'TOWNSHIP', countyId: 1, townshipId: 11 }, 1], undefined],
    ['a township union of another county', [{ level: 'TOWNSHIP', countyId: 1, townshipId: 21 }, 2], 'UNION_AREA_MISMATCH'],
    ['a township union of no township', [{ level: 'TOWNSHIP', countyId: 1, townshipId: 99 }, null], 'UNION_AREA_MISMATCH'],
    ['a township union without a township', [{ level: 'TOWNSHIP', countyId: 1, townshipId: null }, null], 'UNION_AREA_MISMATCH'],
  ])('%s', (_, args, code) => {
    expect(errorOf(() => checkUnionArea(...args))?.code).toBe(code);
  });
});

describe('checkJoin', () => {
  const base: JoinFacts = {
    union: { id: 5, level: 'TOWNSHIP', countyId: 1, townshipId: 11, foundedOn: '2021-01-01' },
    cooperative: { countyId: 1, townshipId: 11, status: 'ACTIVE' },
    currentUnionAtLevel: null,
    joinedOn: '2021-01-01',
  };
  it.each<[string, Partial<JoinFacts>, string | undefined]>([
    ['a cooperative of the township on the founding day', {}, undefined],
    ['a rectifying cooperative', { cooperative: { ...base.cooperative, status: 'RECTIFYING' } }, undefined],
    ['an exited cooperative', { cooperative: { ...base.cooperative, status: 'EXITED' } }, 'COOPERATIVE_EXITED'],
    ['a cooperative of another township', { cooperative: { ...base.cooperative, townshipId: 12 } }, 'COOPERATIVE_OUTSIDE_UNION_AREA'],
    ['a county union\'s cooperative of any township of the county', { union: { ...base.union, level: 'COUNTY', townshipId: null }, cooperative: { ...base.cooperative, townshipId: 12 } }, undefined],
    ['a county union\'s cooperative of another county', { union: { ...base.union, level: 'COUNTY', townshipId: null }, cooperative: { countyId: 2, townshipId: 21, status: 'ACTIVE' } }, 'COOPERATIVE_OUTSIDE_UNION_AREA'],
    ['a cooperative already in a union of the level', { currentUnionAtLevel: 7 }, 'ALREADY_IN_UNION'],
    ['before the founding', { joinedOn: '2020-12-31' }, 'MEMBERSHIP_DATE_INVALID'],
  ])('%s', (_, change, code) => {
    expect(errorOf(() => checkJoin({ ...base, ...change }))?.code).toBe(code);
  });
});

describe('checkLeave', () => {
  it.each<[string, { joinedOn: string } | null, string, string | undefined]>([
    ['a member on a later day', { joinedOn: '2021-03-01' }, '2022-06-30', undefined],
    ['a member on the joining day', { joinedOn: '2021-03-01' }, '2021-03-01', undefined],
    ['a member before it joined', { joinedOn: '2021-03-01' }, '2021-02-28', 'MEMBERSHIP_DATE_INVALID'],
    ['no current membership', null, '2022-06-30', 'NOT_IN_UNION'],
  ])('%s', (_, current, leftOn, code) => {
    expect(errorOf(() => checkLeave(current, leftOn))?.code).toBe(code);
  });
});

describe('the union\'s books', () => {
  const net = (lines: { amountFen: bigint }[]) => lines.reduce((s, l) => s + l.amountFen, 0n);
  it('an allocation made: receivable from the borrower, payable to the lender', () => {
    expect(unionBooksMade(500n)).toEqual([{ account: 'ALLOCATIONS_RECEIVABLE', amountFen: 500n }, { account: 'ALLOCATIONS_PAYABLE', amountFen: -500n }]);
  });
  it('a repayment: principal passed through, the union\'s fee part its income; balanced, zero lines dropped', () => {
    const lines = unionBooksRepaid(500n, 7n);
    expect(net(lines)).toBe(0n);
    expect(lines).toContainEqual({ account: 'FEE_INCOME', amountFen: -7n });
    expect(unionBooksRepaid(0n, 7n).map((l) => l.account)).toEqual(['BANK', 'FEE_INCOME']);
  });
});

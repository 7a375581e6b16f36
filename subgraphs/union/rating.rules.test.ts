import { errorOf } from '../../test/support/domain';
import {
  checkOverride, thresholdsFrom, checkPeriodEnded, checkThresholds, classify, compareRanked, DEFAULT_RATING_THRESHOLDS, indicatorClass, INDICATOR_NAMES,
  indicatorsOf, periodBounds, rankingScore, shareBp, type IndicatorName, type Indicators, type Ranked, type RatingClass, type RatingThresholds,
} from './rating.rules';

const T = DEFAULT_RATING_THRESHOLDS;
/** A fund good on every count. */
const GOOD: Indicators = {
  repaymentRateBp: 9_800, parBp: 100, utilisationBp: 8_000, poorMemberShareBp: 4_000, poorBorrowerShareBp: 4_500, insuranceCoverageBp: 9_500,
  bankOnly: true, disclosureTimely: true,
};

describe('indicatorClass: each bound, on both sides', () => {
  it.each<[IndicatorName, number, RatingClass]>([
    ['repaymentRateBp', 10_000, 'A'], ['repaymentRateBp', 9_500, 'A'], ['repaymentRateBp', 9_499, 'B'], ['repaymentRateBp', 9_000, 'B'],
    ['repaymentRateBp', 8_999, 'C'], ['repaymentRateBp', 8_000, 'C'], ['repaymentRateBp', 7_999, 'D'], ['repaymentRateBp', 0, 'D'],
    // PAR: less is better
    ['parBp', 0, 'A'], ['parBp', 500, 'A'], ['parBp', 501, 'B'], ['parBp', 1_000, 'B'], ['parBp', 1_001, 'C'], ['parBp', 2_000, 'C'], ['parBp', 2_001, 'D'], ['parBp', 10_000, 'D'],
    ['utilisationBp', 7_000, 'A'], ['utilisationBp', 6_999, 'B'], ['utilisationBp', 4_999, 'C'], ['utilisationBp', 2_999, 'D'],
    ['poorMemberShareBp', 3_000, 'A'], ['poorMemberShareBp', 1_999, 'C'], ['poorMemberShareBp', 999, 'D'],
    ['poorBorrowerShareBp', 2_000, 'B'], ['poorBorrowerShareBp', 1_000, 'C'],
    ['insuranceCoverageBp', 9_000, 'A'], ['insuranceCoverageBp', 7_000, 'B'], ['insuranceCoverageBp', 5_000, 'C'], ['insuranceCoverageBp', 4_999, 'D'],
  ])('%s %d → %s', (name, value, cls) => {
    expect(indicatorClass(name, value, T)).toBe(cls);
  });

  it.each<[IndicatorName, boolean | null, RatingClass]>([
    ['bankOnly', true, 'A'], ['bankOnly', false, 'C'], ['disclosureTimely', true, 'A'], ['disclosureTimely', false, 'C'],
    ['bankOnly', null, 'B'], ['repaymentRateBp', null, 'B'], ['parBp', null, 'B'],
  ])('%s %s → %s', (name, value, cls) => {
    expect(indicatorClass(name, value, T)).toBe(cls);
  });

  it('uses the county\'s classes for a failed point and for no data', () => {
    const strict: RatingThresholds = { ...T, failedPointClass: 'D', missingClass: 'C' };
    expect(indicatorClass('bankOnly', false, strict)).toBe('D');
    expect(indicatorClass('insuranceCoverageBp', null, strict)).toBe('C');
  });
});

describe('classify: the worst indicator decides, and no data is never a zero', () => {
  it('rates a fund good on every count A, with nothing missing', () => {
    expect(classify(GOOD, T)).toEqual({ ratingClass: 'A', perIndicator: Object.fromEntries(INDICATOR_NAMES.map((n) => [n, 'A'])), missing: [] });
  });

  it.each<[string, Partial<Indicators>, RatingClass, IndicatorName[]]>([
    ['one indicator at B', { utilisationBp: 6_000 }, 'B', []],
    ['PAR at C, the rest A', { parBp: 1_500 }, 'C', []],
    ['repayment at D', { repaymentRateBp: 7_000 }, 'D', []],
    ['a failed bank-only point', { bankOnly: false }, 'C', []],
    ['no inspection in the period: both points missing, at best B', { bankOnly: null, disclosureTimely: null }, 'B', ['bankOnly', 'disclosureTimely']],
    ['no loans yet: repayment, PAR and borrowers missing', { repaymentRateBp: null, parBp: null, poorBorrowerShareBp: null }, 'B', ['repaymentRateBp', 'parBp', 'poorBorrowerShareBp']],
    ['missing data does not hide a D', { bankOnly: null, repaymentRateBp: 5_000 }, 'D', ['bankOnly']],
    ['everything missing', Object.fromEntries(INDICATOR_NAMES.map((n) => [n, null])) as Partial<Indicators>, 'B', [...INDICATOR_NAMES]],
  ])('%s → %s', (_, change, cls, missing) => {
    const r = classify({ ...GOOD, ...change }, T);
    expect(r.ratingClass).toBe(cls);
    expect(r.missing).toEqual(missing);
  });

  it('gives the same record for the same data', () => {
    const x = { ...GOOD, parBp: 950, bankOnly: null };
    expect(classify(x, T)).toEqual(classify({ ...x }, T));
  });
});

describe('checkThresholds', () => {
  it('accepts the defaults and a county\'s stricter ones', () => {
    expect(errorOf(() => checkThresholds(T))).toBeUndefined();
    expect(errorOf(() => checkThresholds({ ...T, numeric: { ...T.numeric, parBp: [100, 200, 300], repaymentRateBp: [9_900, 9_900, 9_000] } }))).toBeUndefined();
  });

  it.each<[string, RatingThresholds, RegExp]>([
    ['A looser than B', { ...T, numeric: { ...T.numeric, repaymentRateBp: [8_000, 9_000, 9_500] } }, /loosen from A to C/],
    ['PAR the wrong way round', { ...T, numeric: { ...T.numeric, parBp: [1_000, 500, 300] } }, /loosen from A to C/],
    ['above 100 %', { ...T, numeric: { ...T.numeric, utilisationBp: [10_001, 5_000, 3_000] } }, /within 0–10000/],
    ['a fraction', { ...T, numeric: { ...T.numeric, utilisationBp: [7_000.5, 5_000, 3_000] } }, /within 0–10000/],
    ['two bounds', { ...T, numeric: { ...T.numeric, utilisationBp: [7_000, 5_000] as unknown as [number, number, number] } }, /three whole bounds/],
    ['an unknown class', { ...T, missingClass: 'E' as RatingClass }, /must be A–D/],
  ])('refuses %s', (_, t, reason) => {
    const e = errorOf(() => checkThresholds(t));
    expect(e?.code).toBe('RATING_THRESHOLDS_INVALID');
    expect(e?.message).toMatch(reason);
  });
});

describe('rankingScore and compareRanked', () => {
  it.each<[string, Partial<Indicators>, number | null]>([
    ['all best', { repaymentRateBp: 10_000, parBp: 0, utilisationBp: 10_000, poorMemberShareBp: 10_000, poorBorrowerShareBp: 10_000, insuranceCoverageBp: 10_000 }, 10_000],
    ['the good fund', {}, Math.floor((9_800 + 9_900 + 8_000 + 4_000 + 4_500 + 9_500 + 10_000 + 10_000) / 8)],
    ['a failed point counts 0', { bankOnly: false }, Math.floor((9_800 + 9_900 + 8_000 + 4_000 + 4_500 + 9_500 + 0 + 10_000) / 8)],
    ['missing left out of the mean', { bankOnly: null, disclosureTimely: null }, Math.floor((9_800 + 9_900 + 8_000 + 4_000 + 4_500 + 9_500) / 6)],
    ['nothing to score', Object.fromEntries(INDICATOR_NAMES.map((n) => [n, null])) as Partial<Indicators>, null],
  ])('%s', (_, change, score) => {
    expect(rankingScore({ ...GOOD, ...change })).toBe(score);
  });

  it('orders by class, then score, then PAR, then id, with no score and no PAR last', () => {
    const r = (cooperativeId: number, ratingClass: RatingClass, score: number | null, parBp: number | null): Ranked => ({ cooperativeId, ratingClass, score, parBp });
    const list = [
      r(9, 'B', 9_000, 100), r(3, 'A', 7_000, 200), r(4, 'A', 8_000, 500), r(5, 'A', 8_000, 100), r(7, 'A', 8_000, 100),
      r(8, 'A', null, 0), r(6, 'A', 8_000, null), r(2, 'D', 9_999, 0),
    ];
    expect([...list].sort(compareRanked).map((x) => x.cooperativeId)).toEqual([5, 7, 4, 6, 3, 8, 9, 2]);
    expect([...list].reverse().sort(compareRanked).map((x) => x.cooperativeId)).toEqual([5, 7, 4, 6, 3, 8, 9, 2]);
  });
});

describe('periods, overrides', () => {
  it.each<[string, number | null, { start: string; end: string }]>([
    ['QUARTER', 1, { start: '2026-01-01', end: '2026-03-31' }],
    ['QUARTER', 2, { start: '2026-04-01', end: '2026-06-30' }],
    ['QUARTER', 3, { start: '2026-07-01', end: '2026-09-30' }],
    ['QUARTER', 4, { start: '2026-10-01', end: '2026-12-31' }],
    ['YEAR', null, { start: '2026-01-01', end: '2026-12-31' }],
  ])('%s %s of 2026', (kind, q, bounds) => {
    expect(periodBounds(kind as 'QUARTER' | 'YEAR', 2026, q)).toEqual(bounds);
  });

  it.each<[string, () => unknown, string]>([
    ['quarter 5', () => periodBounds('QUARTER', 2026, 5), 'RATING_PERIOD_INVALID'],
    ['a quarter without its number', () => periodBounds('QUARTER', 2026, null), 'RATING_PERIOD_INVALID'],
    ['a year with a quarter', () => periodBounds('YEAR', 2026, 2), 'RATING_PERIOD_INVALID'],
    ['year 1999', () => periodBounds('YEAR', 1999, null), 'RATING_PERIOD_INVALID'],
    ['a period ending today', () => checkPeriodEnded('2026-09-30', '2026-09-30'), 'RATING_PERIOD_NOT_ENDED'],
    ['an override without a reason', () => checkOverride({ computed: 'C', override: 'B', reason: '  情况特殊  ' }), 'RATING_OVERRIDE_REASON_REQUIRED'],
    ['an override to the same class', () => checkOverride({ computed: 'C', override: 'C', reason: '县扶贫办复核后维持原评级结果' }), 'RATING_OVERRIDE_SAME_CLASS'],
  ])('refuses %s', (_, fn, code) => {
    expect(errorOf(fn)?.code).toBe(code);
  });

  it('lets an ended period be rated and keeps an override\'s trimmed reason', () => {
    expect(errorOf(() => checkPeriodEnded('2026-09-30', '2026-10-01'))).toBeUndefined();
    expect(checkOverride({ computed: 'C', override: 'B', reason: ' 逾期借款已于10月全部收回,经县扶贫办复核 ' })).toEqual({ reason: '逾期借款已于10月全部收回,经县扶贫办复核' });
  });
});

describe('shareBp', () => {
  it.each<[number, number, number | null]>([[0, 10, 0], [3, 10, 3_000], [10, 10, 10_000], [1, 3, 3_333], [0, 0, null]])('%d of %d → %s', (part, whole, bp) => {
    expect(shareBp(part, whole)).toBe(bp);
  });
});

describe('thresholdsFrom', () => {
  const bounds = Object.entries(T.numeric).map(([name, [a, b, c]]) => ({ name, a, b, c }));
  it('builds the thresholds from a list, in any order', () => {
    expect(thresholdsFrom({ bounds: [...bounds].reverse(), failedPointClass: 'C', missingClass: 'B' })).toEqual(T);
  });
  it.each<[string, { name: string; a: number; b: number; c: number }[]]>([
    ['a ratio missing', bounds.slice(1)],
    ['a ratio twice', [...bounds, bounds[0]!]],
    ['an unknown ratio', [...bounds.slice(1), { name: 'profitBp', a: 1, b: 1, c: 1 }]],
  ])('refuses %s', (_, list) => {
    expect(errorOf(() => thresholdsFrom({ bounds: list, failedPointClass: 'C', missingClass: 'B' }))?.code).toBe('RATING_THRESHOLDS_INVALID');
  });
});

describe('indicatorsOf: a missing source or base is no data', () => {
  const members = { members: 10, poorMembers: 4, insuredMembers: 9, borrowers: 5, poorBorrowers: 2 };
  const loans = { repaymentRateBp: 9_500, parBp: 300, utilisationBp: null };
  it.each<[string, Parameters<typeof indicatorsOf>[0], Indicators]>([
    ['every source', { loans, members, inspection: { bankOnly: true, disclosureTimely: false } }, {
      repaymentRateBp: 9_500, parBp: 300, utilisationBp: null, poorMemberShareBp: 4_000, poorBorrowerShareBp: 4_000, insuranceCoverageBp: 9_000, bankOnly: true, disclosureTimely: false,
    }],
    ['no fund figures, no inspection', { loans: null, members, inspection: null }, {
      repaymentRateBp: null, parBp: null, utilisationBp: null, poorMemberShareBp: 4_000, poorBorrowerShareBp: 4_000, insuranceCoverageBp: 9_000, bankOnly: null, disclosureTimely: null,
    }],
    ['no members, no borrowers, a point not inspected', { loans, members: { members: 0, poorMembers: 0, insuredMembers: 0, borrowers: 0, poorBorrowers: 0 }, inspection: { bankOnly: null, disclosureTimely: true } }, {
      repaymentRateBp: 9_500, parBp: 300, utilisationBp: null, poorMemberShareBp: null, poorBorrowerShareBp: null, insuranceCoverageBp: null, bankOnly: null, disclosureTimely: true,
    }],
  ])('%s', (_name, facts, want) => {
    expect(indicatorsOf(facts)).toEqual(want);
  });
});

import { PURPOSES } from '../../demo/names';
import { PURPOSES_BY_PROFILE } from '../../demo/region';
import { checkPurpose, LOAN_PURPOSE_NAMES, LOAN_PURPOSES, purposeOfText, type LoanPurpose } from './purpose.rules';

describe('purposeOfText: a typed purpose falls into the closed list', () => {
  it.each<[string, LoanPurpose]>([
    ['滩羊养殖', 'SHEEP'],
    ['养羊', 'SHEEP'],
    ['肉牛养殖', 'CATTLE'],
    ['基础母牛养殖', 'CATTLE'],
    ['奶牛养殖', 'CATTLE'],
    ['养鸡', 'POULTRY'],
    ['小杂粮种植', 'GRAIN'],
    ['马铃薯种植', 'GRAIN'],
    ['水稻种植', 'GRAIN'],
    ['黄花菜种植', 'CASH_CROP'], // 菜 would make it a vegetable: cash crops come first
    ['种植枸杞', 'CASH_CROP'],
    ['硒砂瓜种植', 'CASH_CROP'],
    ['甘草种植', 'CASH_CROP'],
    ['设施蔬菜种植', 'VEGETABLES'],
    ['牧草种植', 'FORAGE'],
    ['饲草料购买', 'FORAGE'],
    ['农机具购置', 'FARM_MACHINERY'],
    ['运输经营', 'TRANSPORT'], // 经营 alone would be a shop: transport comes first
    ['小商店经营', 'SMALL_BUSINESS'],
    ['餐饮经营', 'SMALL_BUSINESS'],
    ['劳务输出路费', 'MIGRANT_WORK'],
    ['看病', 'OTHER'],
    ['', 'OTHER'],
  ])('%s -> %s', (text, purpose) => expect(purposeOfText(text)).toBe(purpose));

  it('classifies every purpose the seed draws into a named category, not OTHER', () => {
    const texts = [...PURPOSES, ...Object.values(PURPOSES_BY_PROFILE).flat()].map(([t]) => t);
    expect(texts.filter((t) => purposeOfText(t) === 'OTHER')).toEqual([]);
  });

  it('has a Chinese and an English name for every category', () => {
    for (const p of LOAN_PURPOSE_NAMES) {
      expect(LOAN_PURPOSES[p].zh).toMatch(/\p{Script=Han}/u);
      expect(LOAN_PURPOSES[p].en.length).toBeGreaterThan(2);
    }
  });
});

describe('checkPurpose: the internal note', () => {
  it.each<[LoanPurpose, string | null | undefined, string | null]>([
    ['SHEEP', undefined, null],
    ['SHEEP', '  ', null],
    ['SHEEP', ' 购买基础母羊10只 ', '购买基础母羊10只'],
    ['OTHER', '修缮羊圈', '修缮羊圈'],
  ])('%s with %p keeps %p', (purpose, note, kept) => expect(checkPurpose(purpose, note)).toBe(kept));

  it.each([[undefined], [null], ['   ']])('OTHER without a note (%p) is INVALID_INPUT', (note) => {
    expect(() => checkPurpose('OTHER', note)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

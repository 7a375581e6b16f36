import { errorOf } from '../../test/support/domain';
import { checkFindings } from './inspection.rules';

describe('checkFindings', () => {
  it('keeps the policy\'s order and trims the notes', () => {
    expect(checkFindings([
      { point: 'DISCLOSURE_UP_TO_DATE', passed: false, note: ' 公示栏停在二季度 ' },
      { point: 'BOOKS_BY_TOWNSHIP', passed: true, note: '' },
    ])).toEqual([
      { point: 'BOOKS_BY_TOWNSHIP', passed: true, note: '' },
      { point: 'DISCLOSURE_UP_TO_DATE', passed: false, note: '公示栏停在二季度' },
    ]);
  });

  it.each<[string, { point: string; passed: boolean; note: string }[], RegExp]>([
    ['no point', [], /at least one point/],
    ['a point twice', [{ point: 'BANK_ONLY', passed: true, note: '' }, { point: 'BANK_ONLY', passed: false, note: '现金收付' }], /found twice/],
    ['a failed point without its note', [{ point: 'BANK_ONLY', passed: false, note: '   ' }], /needs its note/],
    ['an unknown point', [{ point: 'CASH_COUNTED', passed: true, note: '' }], /unknown point/],
  ])('refuses %s', (_, findings, reason) => {
    const e = errorOf(() => checkFindings(findings));
    expect(e?.code).toBe('INSPECTION_FINDINGS_INVALID');
    expect(e?.message).toMatch(reason);
  });
});

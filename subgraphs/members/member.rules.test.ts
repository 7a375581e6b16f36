import { errorOf } from '../../test/support/domain';
import {
  checkAdmission, idNumberCheckChar, maskIdNumber, normalizeCardAccount, normalizeIdNumber, validateApplicant, type Applicant,
} from './member.rules';


/** A valid identity number for a birth date and sequence. */
const idFor = (birth: string, seq = '123'): string => {
  const first17 = `640102${birth}${seq}`;
  return first17 + idNumberCheckChar(first17);
};

describe('identity numbers', () => {
  it('computes the GB 11643 check character', () => {
    expect(idNumberCheckChar('11010519491231002')).toBe('X'); // the standard's own example
    expect(idNumberCheckChar('44052418800101001')).toBe('4');
  });
  it.each<[string, string | null]>([
    ['11010519491231002X', '11010519491231002X'],
    ['11010519491231002x', '11010519491231002X'], // lower-case x normalised
    [` ${idFor('19851120')} `, idFor('19851120')], // trimmed
    ['440524188001010014', null], // valid check character, but born before 1900
    ['11010519491231002Y', null], // letter other than X
    ['110105194912310021', null], // wrong check character
    ['44052418800101001', null], // 17 characters
    ['4405241880010100144', null], // 19 characters
    ['440524188013010014', null], // month 13 (check char irrelevant)
    [idFor('19900230'), null], // 30 February
    [idFor('18991231'), null], // before 1900
    [idFor('19900228'), idFor('19900228')],
  ])('normalizeIdNumber(%s) = %s', (raw, want) => {
    expect(normalizeIdNumber(raw)).toBe(want);
  });
  it('masks first 6 + 8 stars + last 4', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
    expect(maskIdNumber('123')).toBe('***');
  });
});

describe('normalizeCardAccount', () => {
  it.each<[string, string | null]>([
    ['6228 4800 1234 5678 901', '6228480012345678901'],
    ['622848001234', '622848001234'], // 12 digits
    ['62284800123', null], // 11
    ['62284800123456789012', null], // 20
    ['6228-4800-1234-5678', null],
  ])('%s → %s', (raw, want) => expect(normalizeCardAccount(raw)).toBe(want));
});

const OK: Applicant = {
  householdNo: ' H-001 ', headName: ' 张三明 ', idNumber: idFor('19700101'), householdSize: 4, povertyStatus: 'REGISTERED_POOR',
  isAbsolutePoor: true, cardBank: '黄河农村商业银行', cardAccount: '6228 4800 1234 5678 901',
};

describe('validateApplicant', () => {
  it('trims and normalises a valid applicant', () => {
    expect(validateApplicant(OK)).toEqual({
      ...OK, householdNo: 'H-001', headName: '张三明', cardAccount: '6228480012345678901',
    });
  });
  it('accepts no card at all', () => {
    expect(validateApplicant({ ...OK, cardBank: null, cardAccount: '  ' })).toMatchObject({ cardBank: null, cardAccount: null });
  });
  it.each<[string, Partial<Applicant>, RegExp]>([
    ['empty household number', { householdNo: ' ' }, /householdNo/],
    ['empty name', { headName: '' }, /headName/],
    ['malformed id number', { idNumber: '12345' }, /idNumber/],
    ['household of 0', { householdSize: 0 }, /householdSize/],
    ['household of 51', { householdSize: 51 }, /householdSize/],
    ['fractional household', { householdSize: 2.5 }, /householdSize/],
    ['absolutely poor but ordinary', { povertyStatus: 'ORDINARY' }, /REGISTERED_POOR/],
    ['account without bank', { cardBank: null }, /go together/],
    ['bank without account', { cardAccount: null }, /go together/],
    ['malformed account', { cardAccount: '12-34' }, /12–19 digits/],
  ])('refuses %s with INVALID_INPUT', (_n, patch, reason) => {
    const e = errorOf(() => validateApplicant({ ...OK, ...patch }));
    expect(e?.code).toBe('INVALID_INPUT');
    expect(String(e?.details.reason)).toMatch(reason);
    expect(String(e?.details.reasonZh)).toMatch(/[\u4e00-\u9fff]/); // the Chinese message is Chinese throughout
  });
});

describe('checkAdmission', () => {
  const coop = { status: 'ACTIVE' as const, villageId: 7 };
  it.each<[string, { status: 'ACTIVE' | 'RECTIFYING' | 'EXITED'; villageId: number }, number, boolean, string | undefined]>([
    ['resident, new', coop, 7, false, undefined],
    ['rectifying cooperative still admits', { ...coop, status: 'RECTIFYING' }, 7, false, undefined],
    ['exited cooperative', { ...coop, status: 'EXITED' }, 7, false, 'COOPERATIVE_EXITED'],
    ['exit checked before residence', { ...coop, status: 'EXITED' }, 8, true, 'COOPERATIVE_EXITED'],
    ['other village', coop, 8, false, 'NOT_RESIDENT'],
    ['residence checked before membership', coop, 8, true, 'NOT_RESIDENT'],
    ['already a member', coop, 7, true, 'ALREADY_MEMBER'],
  ])('%s', (_n, c, village, already, code) => {
    expect(errorOf(() => checkAdmission(c, village, already))?.code).toBe(code);
  });
});

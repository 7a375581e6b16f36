import { errorOf } from '../../test/support/domain';
import {
  checkAdmission, checkPovertyChange, idNumberCheckChar, maskIdNumber, normalizeCardAccount, normalizeDocumentNo, normalizeIdNumber,
  isMemberOn, memberOnSql, povertyStatusAsOf, povertyStatusAsOfSql, validateApplicant, type Applicant, type PovertyChange, type PovertyEntry, type PovertyHousehold,
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

describe('normalizeDocumentNo', () => {
  it.each<[string | null | undefined, string | null | RegExp]>([
    [null, null],
    [undefined, null],
    ['   ', null],
    [' 盐扶发〔2024〕12号 ', '盐扶发〔2024〕12号'],
    ['12', '12'],
    ['1', /2–50/], // too short
    ['盐扶发〔2024〕' + '号'.repeat(50), /2–50/], // too long
    ['盐扶发文件', /digit/], // no digit
    ['盐扶发\n12号', /2–50/], // a line break
  ])('%j', (raw, expected) => {
    if (expected instanceof RegExp) {
      const e = errorOf(() => normalizeDocumentNo(raw));
      expect(e?.code).toBe('INVALID_INPUT');
      expect(e?.details.reason).toMatch(expected);
      return;
    }
    expect(normalizeDocumentNo(raw)).toBe(expected);
  });
});

describe('checkPovertyChange', () => {
  const TODAY = '2024-06-30';
  const household = (o: Partial<PovertyHousehold> = {}): PovertyHousehold => ({ memberStatus: 'ACTIVE', current: 'REGISTERED_POOR', joinedOn: '2024-01-01', latestOn: '2024-01-01', ...o });
  const change = (o: Partial<PovertyChange> = {}): PovertyChange => ({ status: 'ORDINARY', effectiveOn: '2024-06-01', reason: '人均收入超过脱贫标准', documentNo: null, ...o });

  it.each<[string, Partial<PovertyHousehold>, Partial<PovertyChange>, string | undefined]>([
    ['脱贫: registered poor → ordinary with a reason', {}, {}, undefined],
    ['ordinary → wealthy with a document number only', { current: 'ORDINARY' }, { status: 'WEALTHY', reason: null, documentNo: '盐扶发〔2024〕12号' }, undefined],
    ['返贫: ordinary → registered poor', { current: 'ORDINARY' }, { status: 'REGISTERED_POOR' }, undefined],
    ['wealthy → ordinary', { current: 'WEALTHY' }, {}, undefined],
    ['registered poor → wealthy at once', {}, { status: 'WEALTHY' }, undefined],
    ['effective today', {}, { effectiveOn: TODAY }, undefined],
    ['effective the day the household joined, no change recorded yet', { latestOn: null }, { effectiveOn: '2024-01-01' }, undefined],
    ['effective the same day as the latest change (recorded later, it wins)', { latestOn: '2024-06-01' }, {}, undefined],
    ['a withdrawn household', { memberStatus: 'WITHDRAWN' }, {}, 'MEMBER_NOT_ACTIVE'],
    ['withdrawn beats everything else', { memberStatus: 'WITHDRAWN' }, { status: 'REGISTERED_POOR', reason: null }, 'MEMBER_NOT_ACTIVE'],
    ['neither reason nor document number', {}, { reason: null, documentNo: null }, 'INVALID_INPUT'],
    ['a blank reason and a blank document number', {}, { reason: '  ', documentNo: ' ' }, 'INVALID_INPUT'],
    ['a malformed document number beside a reason', {}, { documentNo: '无' }, 'INVALID_INPUT'],
    ['missing reason beats unchanged status', {}, { status: 'REGISTERED_POOR', reason: null }, 'INVALID_INPUT'],
    ['same → same', {}, { status: 'REGISTERED_POOR' }, 'POVERTY_STATUS_UNCHANGED'],
    ['unchanged beats a future date', {}, { status: 'REGISTERED_POOR', effectiveOn: '2024-07-01' }, 'POVERTY_STATUS_UNCHANGED'],
    ['tomorrow in China', {}, { effectiveOn: '2024-07-01' }, 'DATE_IN_FUTURE'],
    ['before the household joined', { latestOn: null }, { effectiveOn: '2023-12-31' }, 'POVERTY_CHANGE_BEFORE_JOINING'],
    ['before joining beats out of order', { latestOn: '2024-05-01' }, { effectiveOn: '2023-12-31' }, 'POVERTY_CHANGE_BEFORE_JOINING'],
    ['before the latest recorded change', { latestOn: '2024-06-02' }, {}, 'POVERTY_CHANGE_OUT_OF_ORDER'],
  ])('%s', (_name, h, c, code) => {
    const e = errorOf(() => checkPovertyChange(household(h), change(c), TODAY));
    expect(e?.code).toBe(code);
  });

  it('returns the change with reason and document number trimmed, blanks as null', () => {
    expect(checkPovertyChange(household(), change({ reason: '  脱贫  ', documentNo: '  ' }), TODAY)).toEqual({ status: 'ORDINARY', effectiveOn: '2024-06-01', reason: '脱贫', documentNo: null });
    expect(checkPovertyChange(household(), change({ reason: ' ', documentNo: ' 盐扶发〔2024〕12号' }), TODAY)).toEqual({ status: 'ORDINARY', effectiveOn: '2024-06-01', reason: null, documentNo: '盐扶发〔2024〕12号' });
  });

  it('details name the dates', () => {
    expect(errorOf(() => checkPovertyChange(household({ latestOn: '2024-06-02' }), change(), TODAY))?.details).toEqual({ effectiveOn: '2024-06-01', latestOn: '2024-06-02' });
    expect(errorOf(() => checkPovertyChange(household(), change({ effectiveOn: '2023-06-01' }), TODAY))?.details).toEqual({ effectiveOn: '2023-06-01', joinedOn: '2024-01-01' });
  });
});

describe('povertyStatusAsOf', () => {
  const history: PovertyEntry[] = [
    { status: 'REGISTERED_POOR', effectiveOn: '2024-01-01', seq: 1 }, // at admission
    { status: 'ORDINARY', effectiveOn: '2024-06-01', seq: 5 },
    { status: 'WEALTHY', effectiveOn: '2025-03-01', seq: 7 },
    { status: 'ORDINARY', effectiveOn: '2025-03-01', seq: 9 }, // a same-day correction, recorded later
  ];
  it.each<[string, readonly PovertyEntry[], string, string | null]>([
    ['before joining', history, '2023-12-31', null],
    ['the day of joining', history, '2024-01-01', 'REGISTERED_POOR'],
    ['between admission and the first change', history, '2024-05-31', 'REGISTERED_POOR'],
    ['the day a change takes effect', history, '2024-06-01', 'ORDINARY'],
    ['two changes the same day: the later recorded', history, '2025-03-01', 'ORDINARY'],
    ['the same, whatever the order given', [...history].reverse(), '2025-03-01', 'ORDINARY'],
    ['long after the last change', history, '2026-11-27', 'ORDINARY'],
    ['no history', [], '2024-06-01', null],
  ])('%s', (_name, h, asOf, expected) => {
    expect(povertyStatusAsOf(h, asOf)).toBe(expected);
  });

  it('has its SQL beside it: the same order (effective date, then the later recorded)', () => {
    expect(povertyStatusAsOfSql('m.id', '?::date').replace(/\s+/g, ' ')).toBe(
      '(select p.status from poverty_status_change p where p.member_id = m.id and p.effective_on <= ?::date order by p.effective_on desc, p.id desc limit 1)',
    );
  });
});

describe('isMemberOn', () => {
  it.each<[string, { joinedOn: string; leftOn: string | null }, string, boolean]>([
    ['the day it joined', { joinedOn: '2024-03-01', leftOn: null }, '2024-03-01', true],
    ['the day before', { joinedOn: '2024-03-01', leftOn: null }, '2024-02-29', false],
    ['the day before it left', { joinedOn: '2024-03-01', leftOn: '2025-06-30' }, '2025-06-29', true],
    ['the day it left', { joinedOn: '2024-03-01', leftOn: '2025-06-30' }, '2025-06-30', false],
  ])('%s', (_n, m, day, expected) => {
    expect(isMemberOn(m, day)).toBe(expected);
  });

  it('has its SQL beside it: joined by the day, not yet left', () => {
    expect(memberOnSql('m', '?::date')).toBe('(m.joined_on <= ?::date and (m.left_on is null or m.left_on > ?::date))');
  });
});

import { errorOf } from '../../test/support/domain';
import {
  checkClosing, checkExitStart, checkOpening, closingRating, pointsOf, RECTIFICATION_POINTS, statusOf,
  type Opening, type RatingAfter, type RectificationStatus,
} from './rectification.rules';

const D_RATING: Opening['rating'] = { ratingClass: 'D', periodEnd: '2026-06-30', indicatorClasses: { parBp: 'D', repaymentRateBp: 'C', utilisationBp: 'B', insuranceCoverageBp: 'C' } };
const OPENING: Opening = { rating: D_RATING, laterRating: false, open: 'NONE', openedOn: '2026-07-10', deadline: '2026-09-30', points: [] };

describe('pointsOf: one point per C or D indicator', () => {
  it.each<[string, Opening['rating']['indicatorClasses'], string[]]>([
    ['PAR and repayment both ask to collect overdue loans, once', { parBp: 'D', repaymentRateBp: 'C' }, ['COLLECT_OVERDUE']],
    ['A and B ask for nothing', { parBp: 'A', utilisationBp: 'B', bankOnly: 'A' }, []],
    ['every kind, in the list\'s order', { disclosureTimely: 'C', bankOnly: 'C', insuranceCoverageBp: 'D', poorBorrowerShareBp: 'C', poorMemberShareBp: 'D', utilisationBp: 'C', parBp: 'C' },
      ['COLLECT_OVERDUE', 'LEND_IDLE_FUND', 'REACH_POOR_HOUSEHOLDS', 'BUY_INSURANCE', 'BANK_ONLY', 'DISCLOSURE_UP_TO_DATE']],
  ])('%s', (_n, classes, points) => {
    expect(pointsOf(classes)).toEqual(points);
  });
});

describe('checkOpening', () => {
  it('defaults to the points the rating asks for', () => {
    expect(checkOpening(OPENING)).toEqual(['COLLECT_OVERDUE', 'BUY_INSURANCE']);
  });
  it('keeps the county\'s points in the list\'s order', () => {
    expect(checkOpening({ ...OPENING, points: ['GROUPS_COMPLETE', 'COLLECT_OVERDUE'] })).toEqual(['COLLECT_OVERDUE', 'GROUPS_COMPLETE']);
  });
  it.each<[string, Partial<Opening>, string | undefined, RegExp?]>([
    ['a C rating', { rating: { ...D_RATING, ratingClass: 'C' } }, undefined],
    ['a deadline a year away', { deadline: '2027-07-10' }, undefined],
    ['exited', { open: 'EXITED', rating: { ...D_RATING, ratingClass: 'A' } }, 'COOPERATIVE_EXITED'],
    ['already open beats a B rating', { open: 'OPEN', rating: { ...D_RATING, ratingClass: 'B' } }, 'RECTIFICATION_ALREADY_OPEN'],
    ['a B rating', { rating: { ...D_RATING, ratingClass: 'B' } }, 'RECTIFICATION_NOT_WARRANTED', /class B/],
    ['an A rating', { rating: { ...D_RATING, ratingClass: 'A' } }, 'RECTIFICATION_NOT_WARRANTED', /class A/],
    ['a later rating in force', { laterRating: true }, 'RECTIFICATION_NOT_WARRANTED', /later period/],
    ['opened on the period\'s last day', { openedOn: '2026-06-30' }, 'RECTIFICATION_INVALID', /after the rated period/],
    ['a deadline on the opening day', { deadline: '2026-07-10' }, 'RECTIFICATION_INVALID', /after the opening/],
    ['a deadline a year and a day away', { deadline: '2027-07-11' }, 'RECTIFICATION_INVALID', /at most 365/],
    ['an unknown point', { points: ['PAINT_THE_OFFICE'] }, 'RECTIFICATION_INVALID', /unknown point/],
    ['a point twice', { points: ['BANK_ONLY', 'BANK_ONLY'] }, 'RECTIFICATION_INVALID', /twice/],
  ])('%s → %s', (_n, patch, code, ...rest) => {
    const [reason] = rest;
    const e = errorOf(() => checkOpening({ ...OPENING, ...patch }));
    expect(e?.code).toBe(code);
    if (reason) expect(String(e?.details.reason)).toMatch(reason);
  });
  it('knows every point the schema offers', () => {
    expect(checkOpening({ ...OPENING, points: [...RECTIFICATION_POINTS] })).toEqual([...RECTIFICATION_POINTS]);
  });
});

const r = (id: number, periodEnd: string, ratingClass: RatingAfter['ratingClass']): RatingAfter => ({ id, periodEnd, ratingClass });

describe('closingRating and checkClosing', () => {
  it.each<[string, RatingAfter[], number | null]>([
    ['no rating', [], null],
    ['only the period before opening, even a B', [r(1, '2026-06-30', 'B')], null],
    ['a B for the period after', [r(1, '2026-06-30', 'D'), r(2, '2026-09-30', 'B')], 2],
    ['an A for the year', [r(3, '2026-12-31', 'A')], 3],
    ['a B then a D: still failing', [r(2, '2026-09-30', 'B'), r(4, '2026-12-31', 'D')], null],
    ['a D then a B: rectified', [r(2, '2026-09-30', 'D'), r(4, '2026-12-31', 'B')], 4],
    ['the quarter and the year ending the same day: the later record', [r(5, '2026-12-31', 'C'), r(6, '2026-12-31', 'B')], 6],
  ])('%s', (_n, ratings, id) => {
    expect(closingRating('2026-07-10', ratings)?.id ?? null).toBe(id);
  });
  it.each<[RectificationStatus, RatingAfter[], string | number, RegExp?]>([
    ['OPEN', [r(2, '2026-09-30', 'B')], 2],
    ['OPEN', [], 'RECTIFICATION_NOT_RECTIFIED', /no period/],
    ['OPEN', [r(2, '2026-09-30', 'C')], 'RECTIFICATION_NOT_RECTIFIED', /still C or D/],
    ['CLOSED', [r(2, '2026-09-30', 'B')], 'RECTIFICATION_INVALID_TRANSITION'],
    ['EXITED', [], 'RECTIFICATION_INVALID_TRANSITION'],
    ['CANCELLED', [], 'RECTIFICATION_INVALID_TRANSITION'],
  ])('%s with %j → %s', (status, ratings, expected, ...rest) => {
    const [reason] = rest;
    if (typeof expected === 'number') return expect(checkClosing(status, '2026-07-10', ratings).id).toBe(expected);
    const e = errorOf(() => checkClosing(status, '2026-07-10', ratings));
    expect(e?.code).toBe(expected);
    if (reason) expect(String(e?.details.reason)).toMatch(reason);
  });
});

describe('checkExitStart', () => {
  it.each<[string, RectificationStatus, string, RatingAfter[], string | undefined]>([
    ['past the deadline, still D', 'OPEN', '2026-10-01', [r(2, '2026-09-30', 'D')], undefined],
    ['past the deadline, not rated since', 'OPEN', '2026-10-01', [], undefined],
    ['on the deadline', 'OPEN', '2026-09-30', [], 'EXIT_NOT_WARRANTED'],
    ['past the deadline but rated B since', 'OPEN', '2026-10-01', [r(2, '2026-09-30', 'B')], 'EXIT_NOT_WARRANTED'],
    ['closed', 'CLOSED', '2026-10-01', [], 'RECTIFICATION_INVALID_TRANSITION'],
    ['already exited', 'EXITED', '2026-10-01', [], 'RECTIFICATION_INVALID_TRANSITION'],
  ])('%s → %s', (_n, status, today, ratings, code) => {
    expect(errorOf(() => checkExitStart(status, '2026-09-30', today, '2026-07-10', ratings))?.code).toBe(code);
  });
});

describe('statusOf', () => {
  it.each<[RectificationStatus[], string]>([
    [[], 'ACTIVE'],
    [['CLOSED', 'CANCELLED'], 'ACTIVE'],
    [['CLOSED', 'OPEN'], 'RECTIFYING'],
    [['OPEN', 'EXITED'], 'EXITED'],
    [['EXITED'], 'EXITED'],
  ])('%j → %s', (statuses, status) => {
    expect(statusOf(statuses.map((s) => ({ status: s })))).toBe(status);
  });
});

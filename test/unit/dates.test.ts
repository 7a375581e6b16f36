import { dayInChina } from '../../subgraphs/lib/dates';

describe('dayInChina', () => {
  it.each([
    ['2026-11-26T15:59:59.999Z', '2026-11-26'],
    ['2026-11-26T16:00:00.000Z', '2026-11-27'], // midnight in Ningxia is 16:00 UTC
    ['2026-12-31T23:00:00.000Z', '2027-01-01'],
    ['2024-02-28T16:30:00.000Z', '2024-02-29'],
  ])('%s is %s in Ningxia', (instant, day) => {
    expect(dayInChina(Date.parse(instant))).toBe(day);
  });
});

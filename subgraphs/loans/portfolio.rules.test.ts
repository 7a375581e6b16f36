import { Client } from 'pg';
import { addDays } from '../lib/dates';
import { isMonthEnd, keepSnapshot, keepSnapshotSql, SNAPSHOT_DAILY_DAYS } from './portfolio.rules';

describe('isMonthEnd', () => {
  it.each([
    ['2026-01-31', true], ['2026-01-30', false], ['2026-04-30', true], ['2026-04-29', false], ['2026-12-31', true], ['2026-12-01', false],
    // February: 28 days in a common year, 29 in a leap year (2024; 2000 divisible by 400; not 1900 or 2100)
    ['2026-02-28', true], ['2025-02-28', true], ['2024-02-28', false], ['2024-02-29', true], ['2000-02-29', true], ['2100-02-28', true],
    ['2000-02-28', false],
  ])('%s → %s', (d, want) => expect(isMonthEnd(d)).toBe(want));
});

describe('keepSnapshot (daily for 90 days, month-ends for ever)', () => {
  const today = '2026-12-02';
  it.each([
    ['today', today, true],
    ['a future date', '2026-12-20', true],
    ['yesterday', '2026-12-01', true],
    ['89 days ago, the oldest daily kept', addDays(today, -89), true],
    ['90 days ago, the first daily pruned', addDays(today, -90), false],
    ['91 days ago', addDays(today, -91), false],
    ['a month-end older than 90 days', '2026-08-31', true],
    ['a month-end years ago', '2023-11-30', true],
    ['a leap February month-end', '2024-02-29', true],
    ['the day before a leap month-end', '2024-02-28', false],
    ['a common February month-end', '2025-02-28', true],
    ['a mid-month day long ago', '2025-06-15', false],
  ])('%s (%s) → %s', (_what, d, want) => expect(keepSnapshot(d, today)).toBe(want));

  it('the 90-day edge moves with today, including across a leap day', () => {
    expect(SNAPSHOT_DAILY_DAYS).toBe(90);
    // 2024-05-29 - 90 days = 2024-02-29: the leap day is a month-end and stays; the day after is inside the window
    expect(addDays('2024-05-29', -90)).toBe('2024-02-29');
    expect(keepSnapshot('2024-02-29', '2024-05-29')).toBe(true);
    expect(keepSnapshot('2024-02-28', '2024-05-29')).toBe(false);
    expect(keepSnapshot('2024-03-01', '2024-05-29')).toBe(true);
    expect(keepSnapshot('2024-03-01', '2024-05-30')).toBe(false);
  });
});

/** The prune statement runs keepSnapshotSql: it must answer as keepSnapshot does, day by day. */
it('keepSnapshotSql agrees with keepSnapshot on every date of five years, for several todays', async () => {
  const c = new Client({ connectionString: `${process.env.TEST_PG_URL}/postgres` });
  await c.connect();
  try {
    for (const today of ['2026-12-02', '2024-05-29', '2024-03-01', '2025-03-31', '2028-01-01']) {
      const r = await c.query<{ d: string; keep: boolean }>(
        `select to_char(d, 'YYYY-MM-DD') d, ${keepSnapshotSql('d::date', '$1::date')} keep
           from generate_series($1::date - 1500, $1::date + 10, interval '1 day') d`,
        [today],
      );
      expect(r.rows.length).toBe(1511);
      const wrong = r.rows.filter((x) => x.keep !== keepSnapshot(x.d, today));
      expect(wrong).toEqual([]);
    }
  } finally {
    await c.end();
  }
});

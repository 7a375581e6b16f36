import { GraphQLScalarType, Kind } from 'graphql';
import { invalid } from './error-codes';

/**
 * Calendar days as ISO strings 'YYYY-MM-DD' (the GraphQL `LocalDate` scalar). Every rule takes
 * its "today" as an argument (`asOf`, `on`); nothing reads a hidden clock.
 */
export type Day = string;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS = 86_400_000;

export function parseDay(s: string): Day {
  const m = DAY_RE.exec(s);
  // echo at most a date's length: the value may be long or hold control characters
  const shown = JSON.stringify(s.length > 12 ? `${s.slice(0, 12)}…` : s);
  if (!m) return invalid(`不是日期(应为 YYYY-MM-DD):${shown}`, `not a date (YYYY-MM-DD): ${shown}`);
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  if (d.toISOString().slice(0, 10) !== s) return invalid(`日历上没有这一天:${shown}`, `not a calendar date: ${shown}`);
  return s;
}

/**
 * The GraphQL `LocalDate` scalar, one definition for the subgraphs and the gateway: input goes
 * through `parseDay` (a refusal is INVALID_INPUT, `2026-02-30` included). Name and description
 * are those of graphql-scalars' LocalDate, which it replaces because that one throws uncoded errors.
 */
export const LocalDateScalar = new GraphQLScalarType<Day, Day>({
  name: 'LocalDate',
  description: 'A local date string (i.e., with no associated timezone) in `YYYY-MM-DD` format, e.g. `2020-01-01`.',
  serialize(value) {
    // output comes from our own date columns: the shape is enough
    if (typeof value === 'string' && DAY_RE.test(value)) return value;
    throw new TypeError('LocalDate must be a YYYY-MM-DD string');
  },
  parseValue(value) {
    if (typeof value !== 'string') return invalid('日期须为 YYYY-MM-DD 格式的字符串', 'a LocalDate must be a YYYY-MM-DD string');
    return parseDay(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) return invalid('日期须为 YYYY-MM-DD 格式的字符串', 'a LocalDate must be a YYYY-MM-DD string');
    return parseDay(ast.value);
  },
});

export const dayNumber = (d: Day): number => Math.round(Date.parse(`${d}T00:00:00Z`) / MS);
export const fromDayNumber = (n: number): Day => new Date(n * MS).toISOString().slice(0, 10);
export const addDays = (d: Day, n: number): Day => fromDayNumber(dayNumber(d) + n);
/** b − a in days. */
export const daysBetween = (a: Day, b: Day): number => dayNumber(b) - dayNumber(a);

/** Same day of month `n` months later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(d: Day, n: number): Day {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = total % 12;
  const last = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  return new Date(Date.UTC(ny, nm, Math.min(day, last))).toISOString().slice(0, 10);
}

/** Whole months from a to b (b ≥ a), counting a month only when its day has been reached. */
export function monthsBetween(a: Day, b: Day): number {
  const [ya, ma, da] = a.split('-').map(Number) as [number, number, number];
  const [yb, mb, db] = b.split('-').map(Number) as [number, number, number];
  let months = (yb - ya) * 12 + (mb - ma);
  if (db < da && addMonths(a, months) > b) months -= 1;
  return months;
}

/** The calendar day in Ningxia (China Standard Time, UTC+8, no daylight saving) at an instant. */
export const dayInChina = (instantMs: number): Day => fromDayNumber(Math.floor((instantMs + 8 * 3_600_000) / MS));

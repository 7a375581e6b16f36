import { invalid } from './error-codes';

/** A GraphQL `ID` (or Int) → positive safe integer within PostgreSQL's int, else INVALID_INPUT. */
export function parseId(value: string | number, what = 'id'): number {
  const n = typeof value === 'number' ? value : /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > 2_147_483_647) return invalid(`${what} 不是有效的编号`, `${what} is not a valid id`);
  return n;
}

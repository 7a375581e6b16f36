import { GraphQLScalarType, Kind } from 'graphql';
import { invalid } from './error-codes';

/**
 * Money is integer fen (分) as bigint everywhere. In GraphQL it is the `Money` scalar:
 * a decimal string of fen ("123456" = 1,234.56 yuan), never Float or Int.
 * Rates are integer basis points (1 bp = 0.01%).
 */
export type Fen = bigint;

const FEN_RE = /^-?\d{1,19}$/;
/** PostgreSQL bigint: a 19-digit amount beyond it would fail in the database instead of here. */
const MAX_FEN = 2n ** 63n - 1n;

const inRange = (fen: bigint): Fen | null => (fen <= MAX_FEN && fen >= -MAX_FEN ? fen : null);

export function parseFen(value: unknown): Fen {
  let fen: Fen | null = null;
  if (typeof value === 'bigint') fen = inRange(value);
  else if (typeof value === 'string' && FEN_RE.test(value)) fen = inRange(BigInt(value));
  else if (typeof value === 'number' && Number.isSafeInteger(value)) fen = BigInt(value);
  if (fen !== null) return fen;
  return invalid('金额须为以分为单位的十进制整数字符串', 'Money must be a decimal string of fen');
}

export const MoneyScalar = new GraphQLScalarType<bigint, string>({
  name: 'Money',
  description: 'Amount of money in fen (分) as a decimal string: "123456" is 1,234.56 yuan (元). Never floating point.',
  serialize(value) {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'string' && FEN_RE.test(value)) return value;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    throw new TypeError('Money must be an integer number of fen');
  },
  parseValue: (value) => parseFen(value),
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT) return parseFen(ast.value);
    return invalid('金额须为以分为单位的十进制整数字符串', 'Money must be a decimal string of fen');
  },
});

/**
 * The one rounding rule of the system: half away from zero to whole fen.
 * `mulDivRound(a, b, c)` = round(a * b / c) computed exactly in bigint.
 */
export function mulDivRound(a: bigint, b: bigint, c: bigint): bigint {
  if (c === 0n) throw new RangeError('division by zero');
  const num = a * b;
  const neg = (num < 0n) !== (c < 0n);
  const n = num < 0n ? -num : num;
  const d = c < 0n ? -c : c;
  const q = (n * 2n + d) / (2n * d);
  return neg ? -q : q;
}

/** amount × bp / 10,000, rounded by the one rule. */
export function applyBp(amount: Fen, bp: number | bigint): Fen {
  return mulDivRound(amount, BigInt(bp), 10_000n);
}

/** Ratio as basis points (for indicators like repayment rate), rounded; 0 when the base is 0. */
export function ratioBp(part: bigint, whole: bigint): number {
  if (whole === 0n) return 0;
  return Number(mulDivRound(part, 10_000n, whole));
}

export const sumFen = (xs: Iterable<Fen>): Fen => {
  let s = 0n;
  for (const x of xs) s += x;
  return s;
};

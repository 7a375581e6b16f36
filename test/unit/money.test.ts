import { applyBp, mulDivRound, parseFen, ratioBp } from '../../subgraphs/lib/money';

describe('money', () => {
  it.each([
    [10n, 1n, 3n, 3n],
    [5n, 1n, 2n, 3n], // half away from zero
    [-5n, 1n, 2n, -3n],
    [7n, 1n, 2n, 4n],
    [0n, 9n, 7n, 0n],
  ])('mulDivRound(%s, %s, %s) = %s', (a, b, c, want) => {
    expect(mulDivRound(a, b, c)).toBe(want);
  });
  it('applies basis points', () => {
    expect(applyBp(500000n, 600)).toBe(30000n);
    expect(applyBp(1n, 5000)).toBe(1n);
  });
  it('ratio in basis points, zero base is zero', () => {
    expect(ratioBp(1n, 3n)).toBe(3333);
    expect(ratioBp(5n, 0n)).toBe(0);
  });
  it('parses fen strings only', () => {
    expect(parseFen('123')).toBe(123n);
    expect(() => parseFen('1.5')).toThrow(/Money/);
    expect(() => parseFen(1.5)).toThrow();
  });
});

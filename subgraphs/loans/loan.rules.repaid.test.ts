import { repaidByAsOf } from './loan.rules';

/** loan.rules' repaid-by-a-date term (beside loan.rules.test.ts, which is over the file limit already). */
describe('repaid by a date: standing repayments only (a reversed one never counted)', () => {
  const reps = [
    { paidOn: '2024-02-01', principalFen: 100_000n, reversed: false },
    { paidOn: '2024-03-01', principalFen: 50_000n, reversed: true },
    { paidOn: '2024-04-01', principalFen: 30_000n, reversed: false },
  ];
  it.each<[string, string, bigint]>([
    ['before any', '2024-01-31', 0n],
    ['on the first day', '2024-02-01', 100_000n],
    ['after the reversed one', '2024-03-15', 100_000n],
    ['after all', '2024-12-31', 130_000n],
  ])('%s', (_n, asOf, fen) => expect(repaidByAsOf(reps, asOf)).toBe(fen));
});

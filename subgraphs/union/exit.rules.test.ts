import { errorOf } from '../../test/support/domain';
import { planRecovery, proRata, type RecoveryFacts } from './exit.rules';

const H = [{ memberId: 1, owedFen: 40_000n }, { memberId: 2, owedFen: 40_000n }, { memberId: 3, owedFen: 20_000n }];
const BASE: RecoveryFacts = { bankFen: 0n, allocations: [], households: H, householdsInFundFen: 100_000n, countyInFundFen: 500_000n };

describe('proRata', () => {
  it.each<[string, bigint, [number, bigint][]]>([
    ['enough for everyone: each its own', 100_000n, [[1, 40_000n], [2, 40_000n], [3, 20_000n]]],
    ['more than owed: still each its own', 999_999n, [[1, 40_000n], [2, 40_000n], [3, 20_000n]]],
    ['half: in proportion', 50_000n, [[1, 20_000n], [2, 20_000n], [3, 10_000n]]],
    ['a fen left over goes to the largest remainder, ties to the lower id', 7n, [[1, 3n], [2, 3n], [3, 1n]]],
    ['one fen: the lower id of the largest remainders', 1n, [[1, 1n]]],
    ['nothing', 0n, []],
  ])('%s', (_n, total, expected) => {
    const out = proRata(total, H);
    expect(out.map((x) => [x.memberId, x.amountFen])).toEqual(expected);
    expect(out.reduce((s, x) => s + x.amountFen, 0n)).toBe(total < 100_000n ? total : 100_000n);
  });
  it('never above what a household is owed, whatever the sum', () => {
    const owed = [{ memberId: 5, owedFen: 3n }, { memberId: 6, owedFen: 3n }, { memberId: 7, owedFen: 3n }];
    for (let t = 0n; t <= 9n; t++) for (const x of proRata(t, owed)) expect(x.amountFen).toBeLessThanOrEqual(3n);
  });
});

describe('planRecovery: allocations first, then households pro rata, the county last', () => {
  it.each<[string, Partial<RecoveryFacts>, { allocations: [number, bigint][]; householdsFen: bigint; countyFen: bigint; leftFen: bigint }]>([
    ['money for all: households whole, the county the rest up to its part', { bankFen: 300_000n },
      { allocations: [], householdsFen: 100_000n, countyFen: 200_000n, leftFen: 0n }],
    ['more than both: the rest stays', { bankFen: 700_000n }, { allocations: [], householdsFen: 100_000n, countyFen: 500_000n, leftFen: 100_000n }],
    ['short: households pro rata, nothing for the county', { bankFen: 50_000n }, { allocations: [], householdsFen: 50_000n, countyFen: 0n, leftFen: 0n }],
    ['an allocation settled before any household', { bankFen: 60_000n, allocations: [{ allocationId: 9, owedFen: 30_000n }] },
      { allocations: [[9, 30_000n]], householdsFen: 30_000n, countyFen: 0n, leftFen: 0n }],
    ['allocations in order, the last in part', { bankFen: 45_000n, allocations: [{ allocationId: 4, owedFen: 30_000n }, { allocationId: 9, owedFen: 30_000n }] },
      { allocations: [[4, 30_000n], [9, 15_000n]], householdsFen: 0n, countyFen: 0n, leftFen: 0n }],
    ['households already whole: the county', { bankFen: 10_000n, households: [] }, { allocations: [], householdsFen: 0n, countyFen: 10_000n, leftFen: 0n }],
    ['the ledger holds less of the members\' part than owed: no more than it', { bankFen: 300_000n, householdsInFundFen: 50_000n },
      { allocations: [], householdsFen: 50_000n, countyFen: 0n, leftFen: 250_000n }],
  ])('%s', (_n, patch, expected) => {
    const p = planRecovery({ ...BASE, ...patch });
    expect({ allocations: p.allocations.map((a) => [a.allocationId, a.amountFen]), householdsFen: p.householdsFen, countyFen: p.countyFen, leftFen: p.leftFen }).toEqual(expected);
    expect(p.households.reduce((s, h) => s + h.amountFen, 0n)).toBe(p.householdsFen);
  });
  it.each<[string, Partial<RecoveryFacts>]>([
    ['no money', { bankFen: 0n }],
    ['an overdrawn bank', { bankFen: -5n }],
    ['everyone whole and the county too', { bankFen: 10_000n, households: [], countyInFundFen: 0n }],
  ])('EXIT_NOTHING_TO_RECOVER: %s', (_n, patch) => {
    expect(errorOf(() => planRecovery({ ...BASE, ...patch }))?.code).toBe('EXIT_NOTHING_TO_RECOVER');
  });
});

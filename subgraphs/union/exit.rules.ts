/**
 * Pure rules of an exited cooperative's fund recovery (退出清算, "按规定程序收回资金"): what one
 * recovery run pays, from the money in the bank that day. Debts to the other members of its unions
 * come first (its open allocations, fee and principal); then the households' own contributions,
 * pro rata when the money is short; the county's capital and the fund's reserves only after every
 * household has its own part back. Loans still out keep being collected; a later run divides what
 * came in. No ORM, GraphQL, I/O or clock.
 */
import { fail } from './codes';

export interface RecoveryFacts {
  /** the fund's bank deposit now */
  bankFen: bigint;
  /** its open borrowed allocations, in the order they are settled, each with what it owes today */
  allocations: readonly { allocationId: number; owedFen: bigint }[];
  /** its households with what is still owed of their own part (contributed less returned), by member id */
  households: readonly { memberId: number; owedFen: bigint }[];
  /** the ledger's members' contributions still in the fund (the households' side can never take more) */
  householdsInFundFen: bigint;
  /** the ledger's government capital and reserves still in the fund */
  countyInFundFen: bigint;
}

export interface RecoveryPlan {
  allocations: { allocationId: number; amountFen: bigint }[];
  households: { memberId: number; amountFen: bigint }[];
  householdsFen: bigint;
  countyFen: bigint;
  /** left in the bank after the run */
  leftFen: bigint;
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/**
 * `totalFen` divided over `owed` in proportion, each share floored and the fen left over given one
 * each to the largest remainders (ties: the lower member id), so the shares add up exactly and no
 * household gets more than it is owed.
 */
export function proRata(totalFen: bigint, owed: readonly { memberId: number; owedFen: bigint }[]): { memberId: number; amountFen: bigint }[] {
  const sum = owed.reduce((s, o) => s + o.owedFen, 0n);
  if (sum === 0n || totalFen <= 0n) return [];
  if (totalFen >= sum) return owed.map((o) => ({ memberId: o.memberId, amountFen: o.owedFen }));
  const shares = owed.map((o) => ({ memberId: o.memberId, amountFen: (totalFen * o.owedFen) / sum, rest: (totalFen * o.owedFen) % sum }));
  let left = totalFen - shares.reduce((s, x) => s + x.amountFen, 0n);
  const order = [...shares].sort((x, y) => (y.rest > x.rest ? 1 : y.rest < x.rest ? -1 : x.memberId - y.memberId));
  for (const x of order) {
    if (left === 0n) break;
    x.amountFen += 1n;
    left -= 1n;
  }
  return shares.filter((x) => x.amountFen > 0n).map(({ memberId, amountFen }) => ({ memberId, amountFen }));
}

/** One run's payments, in the policy's order; EXIT_NOTHING_TO_RECOVER when it would pay nothing. */
export function planRecovery(f: RecoveryFacts): RecoveryPlan {
  let money = f.bankFen > 0n ? f.bankFen : 0n;
  const allocations: RecoveryPlan['allocations'] = [];
  for (const a of f.allocations) {
    const pay = min(money, a.owedFen);
    if (pay > 0n) allocations.push({ allocationId: a.allocationId, amountFen: pay });
    money -= pay;
  }
  const owedFen = f.households.reduce((s, h) => s + h.owedFen, 0n);
  const open = f.households.filter((h) => h.owedFen > 0n);
  const households = proRata(min(money, min(owedFen, f.householdsInFundFen)), open);
  const householdsFen = households.reduce((s, h) => s + h.amountFen, 0n);
  money -= householdsFen;
  // the county only once every household is whole
  const countyFen = householdsFen === owedFen ? min(money, f.countyInFundFen) : 0n;
  money -= countyFen;
  if (allocations.length === 0 && householdsFen === 0n && countyFen === 0n) {
    fail('EXIT_NOTHING_TO_RECOVER', { bank: f.bankFen.toString() });
  }
  return { allocations, households, householdsFen, countyFen, leftFen: money };
}

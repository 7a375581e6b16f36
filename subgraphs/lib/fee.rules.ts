/**
 * The fee arithmetic money lent by the day is charged with: a household's usage fee (占用费) and an
 * allocation fee between cooperatives (调剂费) are the same rule. Pure.
 */
import { daysBetween } from './dates';
import { mulDivRound } from './money';

/** Fee accrued on outstanding principal: round(outstanding * bp * days / (10000 * 365)), 0 when days <= 0. */
export function accruedFee(outstandingFen: bigint, feeRateBp: number, fromDay: string, toDay: string): bigint {
  const days = daysBetween(fromDay, toDay);
  if (days <= 0) return 0n;
  return mulDivRound(outstandingFen, BigInt(feeRateBp) * BigInt(days), 10_000n * 365n);
}

/**
 * Pure rules of cooperative unions (联合社): their policy parameters, where a union may be founded,
 * who may join and leave. No ORM, GraphQL, I/O or clock.
 */
import type { AllocationPolicy } from '../lib/allocation.rules';
import { fail } from './codes';

/** Levels of the administration a union federates (named like the offices' roles, but levels, not roles). */
export const UNION_LEVELS = [
  'COUNTY',
  'TOWNSHIP',
] as const;
export type UnionLevel = (typeof UNION_LEVELS)[number];

/**
 * A union's policy for paid allocations between its members (有偿调剂), stored per union and changed
 * by the county, never constants in code: lib's `AllocationPolicy`, which loans checks too.
 */
export type UnionPolicy = AllocationPolicy;

/**
 * The defaults a new union starts from when the county gives none. The 2015 guidance names the
 * allocation (有偿调剂) but no number; these follow the cooperatives' own defaults (DOMAIN.md): a fee
 * below the 5–6 % members pay, so lending to another cooperative never beats lending to one's own
 * households; half of a lender's idle money at most, so it can still lend at home; terms within the
 * loans' one year; the county's approval from 200,000 yuan, the largest single allocation a
 * village fund of 150k–300k yuan of seed money could make; four fifths of the fee to the lender.
 */
export const DEFAULT_UNION_POLICY: UnionPolicy = {
  feeRateMinBp: 300,
  feeRateMaxBp: 500,
  maxLenderShareBp: 5_000,
  maxTermDays: 365,
  countyApprovalAboveFen: 20_000_000n,
  lenderFeeShareBp: 8_000,
};

/** The longest term a union's policy may allow: the allocations bridge a season, not years. */
export const MAX_TERM_DAYS_LIMIT = 730;

const bad = (reasonZh: string, reason: string): never => fail('UNION_POLICY_INVALID', { reasonZh, reason });

/** Fields given replace the current ones; null and undefined keep them. */
export function mergeUnionPolicy(current: UnionPolicy, change: { [K in keyof UnionPolicy]?: UnionPolicy[K] | null }): UnionPolicy {
  const out = { ...current } as Record<keyof UnionPolicy, unknown>;
  for (const k of Object.keys(current) as (keyof UnionPolicy)[]) {
    const v = change[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out as unknown as UnionPolicy;
}

/** UNION_POLICY_INVALID unless every parameter is in range and the fee range is in order. */
export function checkUnionPolicy(p: UnionPolicy): void {
  const ints: (keyof UnionPolicy)[] = ['feeRateMinBp', 'feeRateMaxBp', 'maxLenderShareBp', 'maxTermDays', 'lenderFeeShareBp'];
  for (const k of ints) if (!Number.isInteger(p[k])) bad(`${k} 须为整数`, `${k} must be a whole number`);
  if (p.feeRateMinBp < 0 || p.feeRateMaxBp > 10_000) bad('调剂费率须在0–10000个基点之间', 'fee rates must be between 0 and 10000 bp');
  if (p.feeRateMinBp > p.feeRateMaxBp) bad('调剂费率下限不能高于上限', 'the lowest fee rate may not exceed the highest');
  if (p.maxLenderShareBp < 1 || p.maxLenderShareBp > 10_000) bad('调出比例上限须在1–10000个基点之间', 'the lender share limit must be between 1 and 10000 bp');
  if (p.maxTermDays < 1 || p.maxTermDays > MAX_TERM_DAYS_LIMIT) bad(`最长调剂期限须为1–${MAX_TERM_DAYS_LIMIT}天`, `the maximum term must be 1–${MAX_TERM_DAYS_LIMIT} days`);
  if (p.countyApprovalAboveFen < 0n) bad('县级审批起点不能为负数', 'the county approval threshold may not be negative');
  if (p.lenderFeeShareBp < 0 || p.lenderFeeShareBp > 10_000) bad('调出社分成比例须在0–10000个基点之间', 'the lender\'s fee share must be between 0 and 10000 bp');
}

/** Where a union is founded: a county union names no township; a township union a township of its county. */
export interface UnionArea {
  level: UnionLevel;
  countyId: number;
  townshipId: number | null;
}

/**
 * UNION_AREA_MISMATCH unless the area is well formed: `townshipCounty` is the county the named
 * township belongs to (null when no such township).
 */
export function checkUnionArea(area: UnionArea, townshipCounty: number | null): void {
  if (area.level === 'COUNTY') {
    if (area.townshipId !== null) fail('UNION_AREA_MISMATCH', { townshipId: area.townshipId, countyId: area.countyId });
    return;
  }
  if (area.townshipId === null || townshipCounty !== area.countyId) fail('UNION_AREA_MISMATCH', { townshipId: area.townshipId ?? '-', countyId: area.countyId });
}

/** What joining checks of the cooperative (from members) and of its current memberships. */
export interface JoinFacts {
  union: UnionArea & { id: number; foundedOn: string };
  cooperative: { countyId: number; townshipId: number; status: 'ACTIVE' | 'RECTIFYING' | 'EXITED' | string };
  /** the union the cooperative belongs to now at the union's level, if any */
  currentUnionAtLevel: number | null;
  joinedOn: string;
}

/**
 * A cooperative joins a union of its own area, at most one per level, on or after the union's
 * founding; an exited one joins nothing (COOPERATIVE_EXITED). A RECTIFYING one may join: the
 * union's inspection and information sharing are part of putting it right, and what it may not do
 * while rectifying (allocations) is refused where it happens.
 */
export function checkJoin(f: JoinFacts): void {
  if (f.cooperative.status === 'EXITED') fail('COOPERATIVE_EXITED');
  const inArea = f.union.level === 'COUNTY' ? f.cooperative.countyId === f.union.countyId : f.cooperative.townshipId === f.union.townshipId;
  if (!inArea) fail('COOPERATIVE_OUTSIDE_UNION_AREA', { area: f.union.level === 'COUNTY' ? `county ${f.union.countyId}` : `township ${f.union.townshipId}` });
  if (f.currentUnionAtLevel !== null) fail('ALREADY_IN_UNION', { unionId: f.currentUnionAtLevel });
  if (f.joinedOn < f.union.foundedOn) {
    fail('MEMBERSHIP_DATE_INVALID', { reasonZh: `入社日期早于联合社成立日期(${f.union.foundedOn})`, reason: `joining before the union was founded (${f.union.foundedOn})` });
  }
}

/** Leaving needs a current membership and a date on or after the joining. */
export function checkLeave(current: { joinedOn: string } | null, leftOn: string): void {
  if (!current) fail('NOT_IN_UNION');
  if (leftOn < current.joinedOn) {
    fail('MEMBERSHIP_DATE_INVALID', { reasonZh: `退出日期早于加入日期(${current.joinedOn})`, reason: `leaving before joining (${current.joinedOn})` });
  }
}

// ---- The union's own books (联合社账) ------------------------------------------------------------

/**
 * The union's accounts: what borrowers owe it, what it owes lenders (the same principal, passed
 * through), its bank deposit and its fee income (its part of each allocation fee).
 */
export const UNION_ACCOUNTS = [
  'ALLOCATIONS_RECEIVABLE',
  'ALLOCATIONS_PAYABLE',
  'BANK',
  'FEE_INCOME',
] as const;
export type UnionAccount = (typeof UNION_ACCOUNTS)[number];
export interface UnionLine { account: UnionAccount; amountFen: bigint }

const balanced = (lines: UnionLine[]): UnionLine[] => {
  const out = lines.filter((l) => l.amountFen !== 0n);
  if (out.reduce((s, l) => s + l.amountFen, 0n) !== 0n) throw new Error('unbalanced union posting');
  return out;
};

/** The events of the union's books: an allocation made (by its id), a repayment (by its id). */
export const UNION_EVENT_REFS = {
  made: (allocationId: number): string => `allocation-made:${allocationId}`,
  repaid: (repaymentId: number): string => `allocation-repaid:${repaymentId}`,
} as const;

/** An allocation made: the borrower owes the union what the union owes the lender. */
export function unionBooksMade(amountFen: bigint): UnionLine[] {
  return balanced([{ account: 'ALLOCATIONS_RECEIVABLE', amountFen }, { account: 'ALLOCATIONS_PAYABLE', amountFen: -amountFen }]);
}

/** A repayment: the principal passes through to the lender, the union's fee part is its income in its bank. */
export function unionBooksRepaid(principalFen: bigint, unionFeeFen: bigint): UnionLine[] {
  return balanced([
    { account: 'ALLOCATIONS_PAYABLE', amountFen: principalFen },
    { account: 'ALLOCATIONS_RECEIVABLE', amountFen: -principalFen },
    { account: 'BANK', amountFen: unionFeeFen },
    { account: 'FEE_INCOME', amountFen: -unionFeeFen },
  ]);
}

/**
 * Pure rules for accident insurance policies (意外伤害综合保险) and shareholdings in poverty-alleviation
 * farmer cooperatives (扶贫合作社入股). No ORM, GraphQL, I/O or clock.
 */
import type { Day } from '../lib/dates';
import { fail } from '../lib/error-codes';
import type { MemberStatus, PovertyStatus } from './member.rules';

export type ShareholdingSource = 'MUTUAL_AID' | 'SHUANGDAO';

const bad = (reason: string): never => fail('INVALID_INPUT', { reason });

/**
 * In this order: MEMBER_NOT_ACTIVE; INVALID_INPUT when insurer or policy number is empty, the premium
 * is negative, the sum insured not positive, or the period ends before it starts.
 */
export function checkInsurancePolicy(p: {
  memberStatus: MemberStatus;
  insurer: string;
  policyNo: string;
  premiumFen: bigint;
  sumInsuredFen: bigint;
  startsOn: Day;
  endsOn: Day;
}): void {
  if (p.memberStatus !== 'ACTIVE') fail('MEMBER_NOT_ACTIVE');
  if (!p.insurer.trim()) bad('insurer is required');
  if (!p.policyNo.trim()) bad('policyNo is required');
  if (p.premiumFen < 0n) bad('the premium may not be negative');
  if (p.sumInsuredFen <= 0n) bad('the sum insured must be positive');
  if (p.endsOn < p.startsOn) bad('the policy ends before it starts');
}

/** A policy covers `asOf` when startsOn ≤ asOf ≤ endsOn. */
export const covers = (p: { startsOn: Day; endsOn: Day }, asOf: Day): boolean => p.startsOn <= asOf && asOf <= p.endsOn;

/**
 * In this order: MEMBER_NOT_ACTIVE; INVALID_INPUT when a farmer-cooperative name is empty, the amount
 * is not positive, the returns are negative, a shareholding of a non-poor household (only poor
 * households' mutual-aid and 双到 money is put in as shares), or a SHUANGDAO shareholding of a household
 * without 双到 money.
 */
export function checkShareholding(s: {
  memberStatus: MemberStatus;
  povertyStatus: PovertyStatus;
  isShuangdao: boolean;
  farmerCooperativeZh: string;
  farmerCooperativeEn: string;
  source: ShareholdingSource;
  amountFen: bigint;
  returnsFen: bigint;
}): void {
  if (s.memberStatus !== 'ACTIVE') fail('MEMBER_NOT_ACTIVE');
  if (!s.farmerCooperativeZh.trim() || !s.farmerCooperativeEn.trim()) bad('the farmer cooperative name is required');
  if (s.amountFen <= 0n) bad('the amount must be positive');
  if (s.returnsFen < 0n) bad('returns may not be negative');
  if (s.povertyStatus !== 'REGISTERED_POOR') bad('shareholdings are for registered poor households');
  if (s.source === 'SHUANGDAO' && !s.isShuangdao) bad('the household has no 双到 money');
}

/**
 * Pure rules for accident insurance policies (意外伤害综合保险) and shareholdings in poverty-alleviation
 * farmer cooperatives (扶贫合作社入股). No ORM, GraphQL, I/O or clock.
 */
import type { Day } from '../lib/dates';
import { fail, invalid } from './codes';
import type { MemberStatus, PovertyStatus } from './member.rules';

export type ShareholdingSource = 'MUTUAL_AID' | 'SHUANGDAO';


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
  if (!p.insurer.trim()) invalid('须填写保险公司', 'insurer is required');
  if (!p.policyNo.trim()) invalid('须填写保单号', 'policyNo is required');
  if (p.premiumFen < 0n) invalid('保费不能为负数', 'the premium may not be negative');
  if (p.sumInsuredFen <= 0n) invalid('保额必须大于零', 'the sum insured must be positive');
  if (p.endsOn < p.startsOn) invalid('终保日期早于起保日期', 'the policy ends before it starts');
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
  if (!s.farmerCooperativeZh.trim() || !s.farmerCooperativeEn.trim()) invalid('须填写合作社名称', 'the farmer cooperative name is required');
  if (s.amountFen <= 0n) invalid('入股金额必须大于零', 'the amount must be positive');
  if (s.returnsFen < 0n) invalid('累计分红不能为负数', 'returns may not be negative');
  if (s.povertyStatus !== 'REGISTERED_POOR') invalid('只有建档立卡贫困户可以登记入股', 'shareholdings are for registered poor households');
  if (s.source === 'SHUANGDAO' && !s.isShuangdao) invalid('该户没有“双到”资金', 'the household has no 双到 money');
}

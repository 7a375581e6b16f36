import type { Ctx } from '../lib/context';
import { callSubgraph } from '../lib/service-client';
import type { BorrowerFacts, LoanPolicy, ManagementMode, CooperativeStatus, PovertyStatus } from './loan.rules';
import { todayInChina } from '../lib/input-check';

/** What the members subgraph tells loans about a cooperative (internal, SERVICE-only query). */
export interface CooperativeFacts {
  cooperativeId: number;
  countyId: number;
  townshipId: number;
  status: CooperativeStatus;
  managementMode: ManagementMode;
  policy: LoanPolicy;
}

export interface Borrower extends BorrowerFacts {
  headName: string;
  cardAccount: string | null;
  location: { cooperativeId: number; countyId: number; townshipId: number };
}

const COOP_FIELDS = `cooperativeId countyId townshipId status managementMode maxFirstLoan maxLaterLoan shuangdaoLoanCap maxLoan
  maxTermMonths feeRateBp concentrationBp cashLimit splitRiskReserveBp splitWelfareBp splitManagementBp splitCapitalBp`;

interface RawCoop {
  cooperativeId: number;
  countyId: number;
  townshipId: number;
  status: CooperativeStatus;
  managementMode: ManagementMode;
  maxFirstLoan: string;
  maxLaterLoan: string;
  shuangdaoLoanCap: string;
  maxLoan: string;
  maxTermMonths: number;
  feeRateBp: number;
  concentrationBp: number;
  cashLimit: string;
  splitRiskReserveBp: number;
  splitWelfareBp: number;
  splitManagementBp: number;
  splitCapitalBp: number;
}

function toCoop(r: RawCoop): CooperativeFacts {
  return {
    cooperativeId: r.cooperativeId,
    countyId: r.countyId,
    townshipId: r.townshipId,
    status: r.status,
    managementMode: r.managementMode,
    policy: {
      maxFirstLoanFen: BigInt(r.maxFirstLoan),
      maxLaterLoanFen: BigInt(r.maxLaterLoan),
      shuangdaoLoanCapFen: BigInt(r.shuangdaoLoanCap),
      maxLoanFen: BigInt(r.maxLoan),
      maxTermMonths: r.maxTermMonths,
      feeRateBp: r.feeRateBp,
      concentrationBp: r.concentrationBp,
      cashLimitFen: BigInt(r.cashLimit),
      splitRiskReserveBp: r.splitRiskReserveBp,
      splitWelfareBp: r.splitWelfareBp,
      splitManagementBp: r.splitManagementBp,
      splitCapitalBp: r.splitCapitalBp,
    },
  };
}

export async function cooperativeFacts(ctx: Ctx, cooperativeId: number): Promise<CooperativeFacts | null> {
  const data = await callSubgraph<{ _cooperativeFacts: RawCoop | null }>(
    ctx,
    'members',
    `query($id: Int!) { _cooperativeFacts(cooperativeId: $id) { ${COOP_FIELDS} } }`,
    { id: cooperativeId },
  );
  return data._cooperativeFacts ? toCoop(data._cooperativeFacts) : null;
}

export async function borrowerFacts(ctx: Ctx, memberId: number): Promise<Borrower | null> {
  const data = await callSubgraph<{
    _borrowerFacts: {
      memberId: number;
      memberCooperativeId: number;
      memberStatus: 'ACTIVE' | 'WITHDRAWN';
      headName: string;
      cardAccount: string | null;
      povertyStatus: BorrowerFacts['povertyStatus'];
      isShuangdao: boolean;
      cooperative: RawCoop;
      guarantee: { kind: 'JOINT' | 'PARTY_MEMBER'; groupId: number; memberIds: number[] } | null;
    } | null;
  }>(
    ctx,
    'members',
    `query($id: Int!) { _borrowerFacts(memberId: $id) {
        memberId memberCooperativeId memberStatus headName cardAccount povertyStatus isShuangdao
        cooperative { ${COOP_FIELDS} }
        guarantee { kind groupId memberIds }
     } }`,
    { id: memberId },
  );
  const f = data._borrowerFacts;
  if (!f) return null;
  const coop = toCoop(f.cooperative);
  return {
    memberId: f.memberId,
    memberCooperativeId: f.memberCooperativeId,
    memberStatus: f.memberStatus,
    povertyStatus: f.povertyStatus,
    isShuangdao: f.isShuangdao,
    cooperativeStatus: coop.status,
    managementMode: coop.managementMode,
    guarantee: f.guarantee,
    policy: coop.policy,
    headName: f.headName,
    cardAccount: f.cardAccount,
    location: { cooperativeId: coop.cooperativeId, countyId: coop.countyId, townshipId: coop.townshipId },
  };
}

/** A household's poverty status today (members' internal `_povertyStatusAsOf`); null when there is no such member. */
const POVERTY_NOW = `_povertyStatusAsOf(memberIds: [$member], asOf: $today) { memberId current }`;
type PovertyNow = { _povertyStatusAsOf: { memberId: number; current: PovertyStatus }[] };

export async function currentPovertyStatus(ctx: Ctx, memberId: number): Promise<PovertyStatus | null> {
  const data = await callSubgraph<PovertyNow>(ctx, 'members', `query($member: Int!, $today: LocalDate!) { ${POVERTY_NOW} }`, { member: memberId, today: todayInChina() });
  return data._povertyStatusAsOf[0]?.current ?? null;
}

/** The cooperative's facts and the borrower's poverty status today, in one call (a disbursement needs both). */
export async function cooperativeFactsAndPovertyStatus(ctx: Ctx, cooperativeId: number, memberId: number):
  Promise<{ cooperative: CooperativeFacts | null; povertyStatus: PovertyStatus | null }> {
  const data = await callSubgraph<{ _cooperativeFacts: RawCoop | null } & PovertyNow>(
    ctx,
    'members',
    `query($id: Int!, $member: Int!, $today: LocalDate!) { _cooperativeFacts(cooperativeId: $id) { ${COOP_FIELDS} } ${POVERTY_NOW} }`,
    { id: cooperativeId, member: memberId, today: todayInChina() },
  );
  return {
    cooperative: data._cooperativeFacts ? toCoop(data._cooperativeFacts) : null,
    povertyStatus: data._povertyStatusAsOf[0]?.current ?? null,
  };
}

/**
 * Full identity numbers of `memberIds` from members, in one call made for the current caller (their
 * token travels with it; members scopes and audits by them). Members that members does not return
 * (outside the caller's scope) are absent from the map.
 */
export async function memberIdentities(ctx: Ctx, memberIds: readonly number[], purpose: string): Promise<Map<number, string>> {
  const data = await callSubgraph<{ _memberIdentities: { memberId: number; idNumber: string }[] }>(
    ctx,
    'members',
    `query($ids: [Int!]!, $purpose: String!) { _memberIdentities(memberIds: $ids, purpose: $purpose) { memberId idNumber } }`,
    { ids: memberIds, purpose },
  );
  return new Map(data._memberIdentities.map((m) => [m.memberId, m.idNumber]));
}

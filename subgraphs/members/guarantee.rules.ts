/**
 * Pure rules for guarantee groups: joint guarantee (五户联保) and party-member guarantee (党员一帮一).
 * No ORM, GraphQL, I/O or clock.
 */
import { fail, invalid } from './codes';
import type { CooperativeStatus } from './cooperative.rules';
import type { MemberStatus } from './member.rules';

export type GroupKind = 'JOINT' | 'PARTY_MEMBER';
export type GroupStatus = 'ACTIVE' | 'DISSOLVED';

export interface GroupCandidate {
  id: number;
  cooperativeId: number;
  status: MemberStatus;
  isPartyMember: boolean;
  /** Already in an active guarantee group. */
  inActiveGroup: boolean;
}

/**
 * A joint group, checked in this order: INVALID_INPUT (empty name); COOPERATIVE_EXITED;
 * GROUP_SIZE_MISMATCH {size} unless exactly `groupSize` distinct member ids; NOT_FOUND {memberId}
 * for an id with no member; GROUP_CROSS_COOPERATIVE {memberId} for a member of another cooperative;
 * MEMBER_NOT_ACTIVE {memberId}; ALREADY_IN_GROUP {memberId}.
 */
export function checkJointGroup(input: {
  cooperativeId: number;
  cooperativeStatus: CooperativeStatus;
  groupSize: number;
  name: string;
  memberIds: readonly number[];
  members: readonly GroupCandidate[];
}): void {
  if (!input.name.trim()) invalid('联保小组须有名称', 'the group needs a name');
  if (input.cooperativeStatus === 'EXITED') fail('COOPERATIVE_EXITED');
  const distinct = new Set(input.memberIds);
  if (distinct.size !== input.memberIds.length || distinct.size !== input.groupSize) {
    fail('GROUP_SIZE_MISMATCH', { size: input.groupSize });
  }
  const byId = new Map(input.members.map((m) => [m.id, m]));
  for (const id of input.memberIds) if (!byId.has(id)) fail('NOT_FOUND', { memberId: id });
  for (const id of input.memberIds) {
    if (byId.get(id)!.cooperativeId !== input.cooperativeId) fail('GROUP_CROSS_COOPERATIVE', { memberId: id });
  }
  for (const id of input.memberIds) if (byId.get(id)!.status !== 'ACTIVE') fail('MEMBER_NOT_ACTIVE', { memberId: id });
  for (const id of input.memberIds) if (byId.get(id)!.inActiveGroup) fail('ALREADY_IN_GROUP', { memberId: id });
}

/**
 * A party-member guarantee, checked in this order: COOPERATIVE_EXITED; MEMBER_NOT_ACTIVE (borrower);
 * ALREADY_IN_GROUP (borrower); NOT_FOUND (no such guarantor); GUARANTOR_NOT_PARTY_MEMBER unless the
 * guarantor is someone else, of the same cooperative, active and a party member.
 */
export function checkPartyGuarantee(input: {
  cooperativeStatus: CooperativeStatus;
  borrower: GroupCandidate;
  guarantor: GroupCandidate | null;
}): void {
  const { borrower, guarantor } = input;
  if (input.cooperativeStatus === 'EXITED') fail('COOPERATIVE_EXITED');
  if (borrower.status !== 'ACTIVE') fail('MEMBER_NOT_ACTIVE', { memberId: borrower.id });
  if (borrower.inActiveGroup) fail('ALREADY_IN_GROUP', { memberId: borrower.id });
  if (!guarantor) return fail('NOT_FOUND', { guarantorMemberId: null });
  if (
    guarantor.id === borrower.id ||
    guarantor.cooperativeId !== borrower.cooperativeId ||
    guarantor.status !== 'ACTIVE' ||
    !guarantor.isPartyMember
  ) {
    fail('GUARANTOR_NOT_PARTY_MEMBER', { guarantorMemberId: guarantor.id });
  }
}

/** Only an active group can be dissolved (INVALID_INPUT otherwise). */
export function checkDissolve(status: GroupStatus): void {
  if (status !== 'ACTIVE') invalid('联保小组已解散', 'the group is already dissolved');
}

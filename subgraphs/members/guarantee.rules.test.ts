import { errorOf } from '../../test/support/domain';
import { checkDissolve, checkJointGroup, checkPartyGuarantee, type GroupCandidate } from './guarantee.rules';
import type { CooperativeStatus } from './cooperative.rules';


const m = (id: number, patch: Partial<GroupCandidate> = {}): GroupCandidate =>
  ({ id, cooperativeId: 1, status: 'ACTIVE', isPartyMember: false, inActiveGroup: false, ...patch });
const five = [1, 2, 3, 4, 5].map((id) => m(id));

describe('checkJointGroup', () => {
  it.each<[string, { name?: string; status?: CooperativeStatus; size?: number; ids?: number[]; members?: GroupCandidate[] }, string | undefined, object?]>([
    ['five households of the cooperative', {}, undefined],
    ['a policy of three', { size: 3, ids: [1, 2, 3] }, undefined],
    ['empty name', { name: '  ' }, 'INVALID_INPUT'],
    ['exited cooperative', { status: 'EXITED' }, 'COOPERATIVE_EXITED'],
    ['four households', { ids: [1, 2, 3, 4] }, 'GROUP_SIZE_MISMATCH', { size: 5 }],
    ['six households', { ids: [1, 2, 3, 4, 5, 6], members: [...five, m(6)] }, 'GROUP_SIZE_MISMATCH', { size: 5 }],
    ['a repeated household', { ids: [1, 2, 3, 4, 4] }, 'GROUP_SIZE_MISMATCH', { size: 5 }],
    ['an unknown member', { members: five.slice(0, 4) }, 'NOT_FOUND', { memberId: 5 }],
    ['a member of another cooperative', { members: [...five.slice(0, 4), m(5, { cooperativeId: 2 })] }, 'GROUP_CROSS_COOPERATIVE', { memberId: 5 }],
    ['a withdrawn member', { members: [...five.slice(0, 4), m(5, { status: 'WITHDRAWN' })] }, 'MEMBER_NOT_ACTIVE', { memberId: 5 }],
    ['a member already in a group', { members: [m(1, { inActiveGroup: true }), ...five.slice(1)] }, 'ALREADY_IN_GROUP', { memberId: 1 }],
    ['cross-cooperative checked before status', { members: [m(1, { status: 'WITHDRAWN' }), ...five.slice(1, 4), m(5, { cooperativeId: 2 })] }, 'GROUP_CROSS_COOPERATIVE'],
    ['status checked before group', { members: [m(1, { inActiveGroup: true }), ...five.slice(1, 4), m(5, { status: 'WITHDRAWN' })] }, 'MEMBER_NOT_ACTIVE'],
  ])('%s', (_n, o, code, ...rest) => {
    const details = rest[0];
    const e = errorOf(() =>
      checkJointGroup({
        cooperativeId: 1, cooperativeStatus: o.status ?? 'ACTIVE', groupSize: o.size ?? 5, name: o.name ?? '第一组',
        memberIds: o.ids ?? [1, 2, 3, 4, 5], members: o.members ?? five,
      }),
    );
    expect(e?.code).toBe(code);
    if (details) expect(e?.details).toEqual(details);
  });
});

describe('checkPartyGuarantee', () => {
  const borrower = m(1);
  const guarantor = m(2, { isPartyMember: true });
  it.each<[string, CooperativeStatus, GroupCandidate, GroupCandidate | null, string | undefined]>([
    ['an active party member of the same cooperative', 'ACTIVE', borrower, guarantor, undefined],
    ['a guarantor who is in a group himself', 'ACTIVE', borrower, { ...guarantor, inActiveGroup: true }, undefined],
    ['exited cooperative', 'EXITED', borrower, guarantor, 'COOPERATIVE_EXITED'],
    ['withdrawn borrower', 'ACTIVE', { ...borrower, status: 'WITHDRAWN' }, guarantor, 'MEMBER_NOT_ACTIVE'],
    ['borrower already guaranteed', 'ACTIVE', { ...borrower, inActiveGroup: true }, guarantor, 'ALREADY_IN_GROUP'],
    ['no such guarantor', 'ACTIVE', borrower, null, 'NOT_FOUND'],
    ['guarantor not a party member', 'ACTIVE', borrower, { ...guarantor, isPartyMember: false }, 'GUARANTOR_NOT_PARTY_MEMBER'],
    ['guarantor of another cooperative', 'ACTIVE', borrower, { ...guarantor, cooperativeId: 2 }, 'GUARANTOR_NOT_PARTY_MEMBER'],
    ['withdrawn guarantor', 'ACTIVE', borrower, { ...guarantor, status: 'WITHDRAWN' }, 'GUARANTOR_NOT_PARTY_MEMBER'],
    ['guaranteeing oneself', 'ACTIVE', { ...borrower, isPartyMember: true }, { ...borrower, isPartyMember: true }, 'GUARANTOR_NOT_PARTY_MEMBER'],
  ])('%s', (_n, status, b, g, code) => {
    expect(errorOf(() => checkPartyGuarantee({ cooperativeStatus: status, borrower: b, guarantor: g }))?.code).toBe(code);
  });
});

describe('checkDissolve', () => {
  it.each<['ACTIVE' | 'DISSOLVED', string | undefined]>([
    ['ACTIVE', undefined],
    ['DISSOLVED', 'INVALID_INPUT'],
  ])('%s', (status, code) => expect(errorOf(() => checkDissolve(status))?.code).toBe(code));
});

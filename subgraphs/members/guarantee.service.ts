/**
 * Guarantee groups: joint guarantee (五户联保) of `group_size` households and party-member guarantee
 * (党员一帮一). Groups are cooperative-level rows; their member lists are member-level rows.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import { groupInKeyOrder, inKeyOrder } from '../lib/context';
import { intArray } from '../lib/db';
import { fail } from './codes';
import { requireWrite } from '../lib/scope';
import { audit, inTransaction } from '../lib/tx';
import { cooperativeForWrite, locationOf } from './cooperative.service';
import { GUARANTEE_GROUP, GUARANTEE_GROUP_MEMBER } from './guarantee.entity';
import type { EntityOf, RowOf } from '../lib/table';
import type { AssignPartyGuarantorInput, FormGuaranteeGroupInput } from './guarantee.inputs';
import { checkDissolve, checkJointGroup, checkPartyGuarantee, type GroupCandidate, type GroupKind, type GroupStatus } from './guarantee.rules';
import { GuaranteeGroup } from './guarantee.type';
import { MEMBER_FROM, memberForWrite, memberLocation, toMember, type MemberRow } from './member.service';
import type { Member } from './member.type';
import { groupScope, isUniqueViolation, memberScope, parseId } from './shared';

type GroupRow = RowOf<typeof GUARANTEE_GROUP>;

const toGroup = (r: GroupRow): GuaranteeGroup =>
  Object.assign(new GuaranteeGroup(), {
    id: r.id, name: r.name, kind: r.kind, status: r.status, formedOn: r.formed_on,
    cooperativeId: r.cooperative_id, guarantorMemberId: r.guarantor_member_id,
  });

const GROUP_FROM = 'guarantee_group g join cooperative c on c.id = g.cooperative_id';

// ---- reads ---------------------------------------------------------------------------------

export function groupById(ctx: Ctx, id: number): Promise<GuaranteeGroup | null> {
  return ctx.loaders
    .get<number, GuaranteeGroup | null>('group', async (ids) => {
      const s = groupScope(ctx);
      const rows = await ctx.read<GroupRow[]>(`select g.* from ${GROUP_FROM} where g.id = any(?::int[]) and ${s.sql}`, [intArray(ids), ...s.params]);
      return inKeyOrder(ids, rows, (r) => r.id).map((r) => (r ? toGroup(r) : null));
    })
    .load(id);
}

export function groupsOfCooperative(ctx: Ctx, cooperativeId: number, status: GroupStatus | null | undefined): Promise<GuaranteeGroup[]> {
  return ctx.loaders
    .get<number, GuaranteeGroup[]>(`groupsOf:${status ?? ''}`, async (ids) => {
      const s = groupScope(ctx);
      const rows = await ctx.read<GroupRow[]>(
        `select g.* from ${GROUP_FROM} where g.cooperative_id = any(?::int[]) ${status ? 'and g.status = ?' : ''} and ${s.sql} order by g.id`,
        [intArray(ids), ...(status ? [status] : []), ...s.params],
      );
      return groupInKeyOrder(ids, rows, (r) => r.cooperative_id).map((rs) => rs.map(toGroup));
    })
    .load(cooperativeId);
}

const ACTIVE_GROUP_OF = `gm.active and g.status = 'ACTIVE'`;
const IN_GROUP = `(gm.active or g.status = 'DISSOLVED')`;

const activeGroupLoader = (ctx: Ctx) =>
  ctx.loaders.get<number, GuaranteeGroup | null>('activeGroupOf', async (ids) => {
    const s = groupScope(ctx);
    const rows = await ctx.read<(GroupRow & { member_id: number })[]>(
      `select g.*, gm.member_id from guarantee_group_member gm join ${GROUP_FROM} on g.id = gm.group_id
       where gm.member_id = any(?::int[]) and ${ACTIVE_GROUP_OF} and ${s.sql}`,
      [intArray(ids), ...s.params],
    );
    return inKeyOrder(ids, rows, (r) => r.member_id).map((r) => (r ? toGroup(r) : null));
  });

const groupMembersLoader = (ctx: Ctx) =>
  ctx.loaders.get<number, Member[]>('membersOfGroup', async (ids) => {
    const s = memberScope(ctx);
    const rows = await ctx.read<(MemberRow & { group_id: number })[]>(
      `select m.*, gm.group_id from guarantee_group_member gm join guarantee_group g on g.id = gm.group_id
         join ${MEMBER_FROM} on m.id = gm.member_id
       where gm.group_id = any(?::int[]) and ${IN_GROUP} and ${s.sql} order by m.id`,
      [intArray(ids), ...s.params],
    );
    return groupInKeyOrder(ids, rows, (r) => r.group_id).map((rs) => rs.map(toMember));
  });

/** The active group a member is in, or null. */
export function activeGroupOfMember(ctx: Ctx, memberId: number): Promise<GuaranteeGroup | null> {
  return activeGroupLoader(ctx).load(memberId);
}

/** Members of a group: the active ones of an active group, every former one of a dissolved group. */
export function membersOfGroup(ctx: Ctx, groupId: number): Promise<Member[]> {
  return groupMembersLoader(ctx).load(groupId);
}

type GroupJson = GroupRow & { members?: MemberRow[] };

/**
 * The active group of member `m` (with its members when `withMembers`) as JSON, under the same
 * scopes as `activeGroupLoader` and `groupMembersLoader`: a column for a statement that reads
 * `member m`. The sub-selects' own `c` / `m` aliases shadow the outer ones. Goes to `primeActiveGroup`.
 */
export function activeGroupOfM(ctx: Ctx, withMembers: boolean): { sql: string; params: unknown[] } {
  const gs = groupScope(ctx);
  const ms = memberScope(ctx);
  const members = withMembers
    ? `|| jsonb_build_object('members', (select coalesce(jsonb_agg(to_jsonb(m) order by m.id), '[]')
         from guarantee_group_member gm join ${MEMBER_FROM} on m.id = gm.member_id
         where gm.group_id = g.id and ${IN_GROUP} and ${ms.sql}))`
    : '';
  return {
    sql: `(select to_jsonb(g) ${members} from guarantee_group_member gm join ${GROUP_FROM} on g.id = gm.group_id
           where gm.member_id = m.id and ${ACTIVE_GROUP_OF} and ${gs.sql} order by g.id limit 1) active_group`,
    params: [...(withMembers ? ms.params : []), ...gs.params],
  };
}

export function primeActiveGroup(ctx: Ctx, memberId: number, g: GroupJson | null): void {
  activeGroupLoader(ctx).prime(memberId, g ? toGroup(g) : null);
  if (g?.members) groupMembersLoader(ctx).prime(g.id, g.members.map(toMember));
}

async function reloadGroup(ctx: Ctx, id: number): Promise<GuaranteeGroup> {
  const s = groupScope(ctx);
  const [row] = await ctx.read<GroupRow[]>(`select g.* from ${GROUP_FROM} where g.id = ? and ${s.sql}`, [id, ...s.params]);
  return row ? toGroup(row) : fail('NOT_FOUND', { groupId: id });
}

// ---- writes --------------------------------------------------------------------------------

/** Candidates (locked) with whether each is already in an active group. */
async function candidates(em: EntityManager, ids: readonly number[]): Promise<GroupCandidate[]> {
  const rows = await em.execute<{ id: number; cooperative_id: number; status: 'ACTIVE' | 'WITHDRAWN'; is_party_member: boolean; in_group: boolean }[]>(
    `select m.id, m.cooperative_id, m.status, m.is_party_member,
            exists (select 1 from guarantee_group_member gm join guarantee_group g on g.id = gm.group_id
                    where gm.member_id = m.id and gm.active and g.status = 'ACTIVE') as in_group
     from member m where m.id = any(?::int[]) order by m.id for update of m`,
    [intArray(ids)],
  );
  return rows.map((r) => ({ id: r.id, cooperativeId: r.cooperative_id, status: r.status, isPartyMember: r.is_party_member, inActiveGroup: r.in_group }));
}

async function insertGroup(
  em: EntityManager, g: { cooperativeId: number; name: string; kind: GroupKind; guarantorMemberId: number | null; formedOn: string }, memberIds: readonly number[],
): Promise<EntityOf<typeof GUARANTEE_GROUP.columns>> {
  const group = em.create(GUARANTEE_GROUP.entity, { ...g, status: 'ACTIVE' });
  em.persist(group);
  await em.flush();
  for (const memberId of memberIds) {
    em.persist(em.create(GUARANTEE_GROUP_MEMBER.entity, { groupId: group.id!, memberId, active: true }));
  }
  try {
    await em.flush();
  } catch (e) {
    if (isUniqueViolation(e)) fail('ALREADY_IN_GROUP'); // a concurrent group took one of them
    throw e;
  }
  return group;
}

export async function formGuaranteeGroup(ctx: Ctx, input: FormGuaranteeGroupInput): Promise<GuaranteeGroup> {
  const cooperativeId = parseId(input.cooperativeId, 'cooperativeId');
  const memberIds = input.memberIds.map((m) => parseId(m, 'memberIds'));
  const id = await inTransaction(ctx, async (em) => {
    const coop = await cooperativeForWrite(em, cooperativeId);
    requireWrite(ctx, locationOf(coop));
    const members = await candidates(em, [...new Set(memberIds)]);
    checkJointGroup({ cooperativeId, cooperativeStatus: coop.status, groupSize: coop.group_size, name: input.name, memberIds, members });
    const g = await insertGroup(em, { cooperativeId, name: input.name.trim(), kind: 'JOINT', guarantorMemberId: null, formedOn: input.formedOn }, memberIds);
    await audit(em, ctx, 'formGuaranteeGroup', 'GuaranteeGroup', g.id, null, { cooperativeId, name: g.name, kind: 'JOINT', memberIds, formedOn: input.formedOn });
    return g.id;
  });
  return reloadGroup(ctx, id);
}

export async function assignPartyGuarantor(ctx: Ctx, input: AssignPartyGuarantorInput): Promise<GuaranteeGroup> {
  const memberId = parseId(input.memberId, 'memberId');
  const guarantorId = parseId(input.guarantorMemberId, 'guarantorMemberId');
  const id = await inTransaction(ctx, async (em) => {
    const borrowerRow = await memberForWrite(em, memberId);
    requireWrite(ctx, memberLocation(borrowerRow));
    const coop = await cooperativeForWrite(em, borrowerRow.cooperative_id);
    const found = await candidates(em, [...new Set([memberId, guarantorId])]);
    const borrower = found.find((c) => c.id === memberId)!;
    const guarantor = found.find((c) => c.id === guarantorId) ?? null;
    checkPartyGuarantee({ cooperativeStatus: coop.status, borrower, guarantor });
    const name = input.name?.trim() || `党员一帮一 ${borrowerRow.household_no}`;
    const g = await insertGroup(em, { cooperativeId: coop.id, name, kind: 'PARTY_MEMBER', guarantorMemberId: guarantorId, formedOn: input.formedOn }, [memberId]);
    await audit(em, ctx, 'assignPartyGuarantor', 'GuaranteeGroup', g.id, null, { cooperativeId: coop.id, name, kind: 'PARTY_MEMBER', memberId, guarantorMemberId: guarantorId, formedOn: input.formedOn });
    return g.id;
  });
  return reloadGroup(ctx, id);
}

export async function dissolveGuaranteeGroup(ctx: Ctx, groupId: string): Promise<GuaranteeGroup> {
  const id = parseId(groupId, 'id');
  await inTransaction(ctx, async (em) => {
    const [row] = await em.execute<GroupRow[]>(`select * from guarantee_group where id = ? for update`, [id]);
    if (!row) return fail('NOT_FOUND', { groupId: id });
    const coop = await cooperativeForWrite(em, row.cooperative_id);
    requireWrite(ctx, locationOf(coop));
    checkDissolve(row.status);
    await em.nativeUpdate(GUARANTEE_GROUP.entity, { id }, { status: 'DISSOLVED' });
    const left = await em.nativeUpdate(GUARANTEE_GROUP_MEMBER.entity, { groupId: id, active: true }, { active: false });
    await audit(em, ctx, 'dissolveGuaranteeGroup', 'GuaranteeGroup', id, { status: row.status }, { status: 'DISSOLVED', membersReleased: left });
  });
  return reloadGroup(ctx, id);
}

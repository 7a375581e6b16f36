/**
 * Member households: scoped reads (member-level scope: a MEMBER caller sees only itself) and
 * admission under closed membership (社员制).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import { inKeyOrder } from '../lib/context';
import { intArray } from '../lib/db';
import { fail } from './codes';
import { maskAccount, maskName } from '../lib/mask';
import { requireWrite, type CoopLocation, type Sql } from '../lib/scope';
import { audit, inTransaction } from '../lib/tx';
import { cooperativeForWrite, locationOf, primeCooperative, type CooperativeRow } from './cooperative.service';
import { MEMBER } from './member.entity';
import type { AdmitMemberInput } from './member.inputs';
import { checkAdmission, maskIdNumber, validateApplicant, type PovertyStatus } from './member.rules';
import { Member, MemberConnection } from './member.type';
import { recordAdmissionStatus } from './poverty.history';
import { pagesByKey, toConnection, type Page } from '../lib/connection';
import { isUniqueViolation, memberScope, parseId } from './shared';
import type { RowOf } from '../lib/table';

export type MemberRow = RowOf<typeof MEMBER>;

/** Member-level rows join their cooperative as `c`, so the scope applies to the cooperative's place. */
export const MEMBER_FROM = 'member m join cooperative c on c.id = m.cooperative_id';

export function toMember(r: MemberRow): Member {
  return Object.assign(new Member(), {
    id: r.id, householdNo: r.household_no, headName: r.head_name, headNameMasked: maskName(r.head_name),
    idNumberMasked: maskIdNumber(r.id_number), householdSize: r.household_size, povertyStatus: r.poverty_status,
    isAbsolutePoor: r.is_absolute_poor, isPartyMember: r.is_party_member, cardBank: r.card_bank,
    cardAccountMasked: maskAccount(r.card_account), status: r.status, joinedOn: r.joined_on, leftOn: r.left_on,
    cooperativeId: r.cooperative_id, residenceVillageId: r.residence_village_id,
  });
}

export const memberLocation = (m: { cooperative_id: number; county_id: number; township_id: number }): CoopLocation => ({
  cooperativeId: m.cooperative_id, countyId: m.county_id, townshipId: m.township_id,
});

/** A member regardless of scope (for write checks), optionally locked; NOT_FOUND when there is none. */
export async function memberForWrite(em: EntityManager, id: number, lock = false): Promise<MemberRow> {
  const [row] = await em.execute<MemberRow[]>(`select * from member where id = ?${lock ? ' for update' : ''}`, [id]);
  return row ?? fail('NOT_FOUND', { memberId: id });
}

// ---- reads ---------------------------------------------------------------------------------

/**
 * Member rows by id in the caller's member scope, each with its cooperative's row, which is joined
 * for the scope anyway and primed into the cooperative loader (one statement fewer per page).
 * `extra` adds columns computed per member `m` (their `?` parameters come first).
 */
export async function readMembers<X extends object = object>(
  ctx: Ctx, ids: readonly number[], extra: { columns: string[]; params: unknown[] } = { columns: [], params: [] },
): Promise<(MemberRow & { coop: CooperativeRow } & X)[]> {
  const s = memberScope(ctx);
  const rows = await ctx.read<(MemberRow & { coop: CooperativeRow } & X)[]>(
    `select ${['m.*', 'to_jsonb(c) coop', ...extra.columns].join(', ')} from ${MEMBER_FROM} where m.id = any(?::int[]) and ${s.sql}`,
    [...extra.params, intArray(ids), ...s.params],
  );
  for (const r of rows) primeCooperative(ctx, r.coop);
  return rows;
}

const memberLoader = (ctx: Ctx) =>
  ctx.loaders.get<number, Member | null>('member', async (ids) =>
    inKeyOrder(ids, await readMembers(ctx, ids), (r) => r.id).map((r) => (r ? toMember(r) : null)),
  );

export function memberById(ctx: Ctx, id: number): Promise<Member | null> {
  return memberLoader(ctx).load(id);
}

/** A member row read in the caller's member scope elsewhere (e.g. with its detail) serves later reads by id. */
export function primeMember(ctx: Ctx, row: MemberRow): void {
  memberLoader(ctx).prime(row.id, toMember(row));
}

/** Read after a write (not through the request's loader cache). */
export async function reloadMember(ctx: Ctx, id: number): Promise<Member> {
  const s = memberScope(ctx);
  const [row] = await ctx.read<MemberRow[]>(`select m.* from ${MEMBER_FROM} where m.id = ? and ${s.sql}`, [id, ...s.params]);
  return row ? toMember(row) : fail('NOT_FOUND', { memberId: id });
}

const povertySql = (p: PovertyStatus | null | undefined): Sql[] => (p ? [{ sql: 'm.poverty_status = ?', params: [p] }] : []);

/** Members of many cooperatives, one query per request and arguments. */
export function membersOfCooperative(ctx: Ctx, cooperativeId: number, povertyStatus: PovertyStatus | null | undefined, page: Page): Promise<MemberConnection> {
  return ctx.loaders
    .get<number, MemberConnection>(`membersOf:${povertyStatus ?? ''}:${page.limit}:${page.afterId}`, async (ids) => {
      const pages = await pagesByKey<MemberRow>(
        ctx.read,
        { select: 'm.*', from: MEMBER_FROM, idCol: 'm.id', keyCol: 'm.cooperative_id', keys: ids, where: [...povertySql(povertyStatus), memberScope(ctx)] },
        page,
      );
      return pages.map((p) => toConnection(p.rows.map(toMember), page, p.totalCount));
    })
    .load(cooperativeId);
}

// ---- admission -----------------------------------------------------------------------------

export async function admitMember(ctx: Ctx, input: AdmitMemberInput): Promise<Member> {
  const cooperativeId = parseId(input.cooperativeId, 'cooperativeId');
  const residenceVillageId = parseId(input.residenceVillageId, 'residenceVillageId');
  const id = await inTransaction(ctx, async (em) => {
    const coop: CooperativeRow = await cooperativeForWrite(em, cooperativeId);
    requireWrite(ctx, locationOf(coop));
    const a = validateApplicant({
      householdNo: input.householdNo, headName: input.headName, idNumber: input.idNumber, householdSize: input.householdSize,
      povertyStatus: input.povertyStatus, isAbsolutePoor: input.isAbsolutePoor, cardBank: input.cardBank ?? null, cardAccount: input.cardAccount ?? null,
    });
    const existing = await em.execute<{ id: number }[]>(`select id from member where cooperative_id = ? and id_number = ?`, [cooperativeId, a.idNumber]);
    checkAdmission({ status: coop.status, villageId: coop.village_id }, residenceVillageId, existing.length > 0);
    const m = em.create(MEMBER.entity, {
      cooperativeId, townshipId: coop.township_id, countyId: coop.county_id, householdNo: a.householdNo, headName: a.headName,
      idNumber: a.idNumber, residenceVillageId, householdSize: a.householdSize, povertyStatus: a.povertyStatus,
      isAbsolutePoor: a.isAbsolutePoor, isPartyMember: input.isPartyMember, cardBank: a.cardBank, cardAccount: a.cardAccount,
      status: 'ACTIVE', joinedOn: input.joinedOn, leftOn: null,
    });
    em.persist(m);
    try {
      await em.flush();
    } catch (e) {
      if (isUniqueViolation(e)) fail('ALREADY_MEMBER'); // a concurrent admission of the same household
      throw e;
    }
    await recordAdmissionStatus(em, ctx, {
      id: m.id, cooperative_id: cooperativeId, township_id: coop.township_id, county_id: coop.county_id, poverty_status: a.povertyStatus, joined_on: input.joinedOn,
    });
    await audit(em, ctx, 'admitMember', 'Member', m.id, null, {
      cooperativeId, householdNo: a.householdNo, headName: a.headName, idNumber: maskIdNumber(a.idNumber), residenceVillageId,
      householdSize: a.householdSize, povertyStatus: a.povertyStatus, isAbsolutePoor: a.isAbsolutePoor,
      isPartyMember: input.isPartyMember, cardBank: a.cardBank, cardAccount: maskAccount(a.cardAccount), joinedOn: input.joinedOn,
    });
    return m.id;
  });
  return reloadMember(ctx, id);
}

/**
 * Identity numbers (身份证号) for the county's credit-reference filing (征信报送), read by the loans
 * subgraph for the person it exports for. Members keeps the numbers and so answers for who read
 * them: every household whose number is handed out gets an audit row naming the person (not the
 * service) and the purpose, written by the same statement that reads the numbers.
 */
import type { Ctx } from '../lib/context';
import { checkRoles } from '../lib/access';
import { intArray } from '../lib/db';
import { readScope } from '../lib/scope';
import { IDENTITY_NUMBER_REQUESTERS } from './access';
import { invalid } from './codes';

export interface MemberIdentityRow {
  memberId: number;
  idNumber: string;
}

/** Enough for the largest county's borrowers in one call; more is a mistake, not a filing. */
export const MAX_IDENTITIES_PER_CALL = 100_000;

/**
 * The full identity numbers of `memberIds` inside the requester's scope, in one statement that also
 * appends the audit rows (action `readIdentityNumber`, entity `Member`). The requester is the person
 * the SERVICE call is made for (ctx.requester); without one, or outside IDENTITY_NUMBER_REQUESTERS,
 * refused (UNAUTHENTICATED / FORBIDDEN) with nothing written.
 */
export async function memberIdentities(ctx: Ctx, memberIds: readonly number[], purposeRaw: string): Promise<MemberIdentityRow[]> {
  const requester = checkRoles(ctx.requester ?? null, { roles: IDENTITY_NUMBER_REQUESTERS, scope: 'county' })!;
  const purpose = purposeRaw.trim();
  if (!purpose) invalid('须说明调取身份证号的用途', 'purpose is required');
  if (memberIds.length > MAX_IDENTITIES_PER_CALL) invalid(`单次最多调取${MAX_IDENTITIES_PER_CALL}户`, `at most ${MAX_IDENTITIES_PER_CALL} members per call`);
  const ids = [...new Set(memberIds)].filter((n) => Number.isSafeInteger(n) && n > 0);
  if (ids.length === 0) return [];
  const s = readScope(requester, { county: 'c.county_id', township: 'c.township_id', cooperative: 'c.id', member: 'm.id' });
  const via = ctx.caller?.sub ?? 'service';
  const rows = await ctx.read<{ member_id: number; id_number: string }[]>(
    `with found as (
       select m.id member_id, m.id_number from member m join cooperative c on c.id = m.cooperative_id
        where m.id = any(?::int[]) and ${s.sql}),
     logged as (
       insert into audit_log (actor, role, request_id, action, entity, entity_id, before, after)
       select ?, ?, ?, 'readIdentityNumber', 'Member', f.member_id::text, null, jsonb_build_object('purpose', ?::text, 'via', ?::text)
         from found f
       returning 1)
     -- PostgreSQL runs a data-modifying WITH to completion whether or not it is read: one audit row per number
     select f.member_id, f.id_number from found f order by f.member_id`,
    [intArray(ids), ...s.params, requester.sub, requester.role, ctx.requestId, purpose, via],
  );
  return rows.map((r) => ({ memberId: r.member_id, idNumber: r.id_number }));
}

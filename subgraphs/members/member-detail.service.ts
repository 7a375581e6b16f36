/**
 * A member read for a detail page: when the operation asks, below `member(id)`, for the household's
 * contributions (or their totals) and its guarantee group, those rows come in the same statement as
 * the member and prime the loaders of those fields. A member page then costs one round trip to
 * PostgreSQL instead of three in sequence (member → group and contributions → group members).
 * Scopes are those of the separate loaders (see `activeGroupOfM`, `CONTRIBUTIONS_OF_M`).
 */
import type { Ctx } from '../lib/context';
import { inKeyOrder } from '../lib/context';
import { CONTRIBUTIONS_OF_M, primeContributions } from './contribution.service';
import { activeGroupOfM, primeActiveGroup } from './guarantee.service';
import { memberById, primeMember, readMembers, toMember } from './member.service';
import type { Member } from './member.type';

export interface MemberIncludes {
  contributions?: boolean;
  group?: boolean;
  /** the group's members (only with `group`) */
  groupMembers?: boolean;
}

type Detail = { contributions?: Parameters<typeof primeContributions>[2]; active_group?: Parameters<typeof primeActiveGroup>[2] };

export function memberWithIncludes(ctx: Ctx, id: number, inc: MemberIncludes): Promise<Member | null> {
  if (!inc.contributions && !inc.group) return memberById(ctx, id);
  const flags = `${inc.contributions ? 'c' : ''}${inc.group ? 'g' : ''}${inc.group && inc.groupMembers ? 'm' : ''}`;
  return ctx.loaders
    .get<number, Member | null>(`member:${flags}`, async (ids) => {
      const group = inc.group ? activeGroupOfM(ctx, !!inc.groupMembers) : null;
      const rows = await readMembers<Detail>(ctx, ids, {
        columns: [...(inc.contributions ? [CONTRIBUTIONS_OF_M] : []), ...(group ? [group.sql] : [])],
        params: group?.params ?? [],
      });
      for (const r of rows) {
        primeMember(ctx, r);
        if (r.contributions) primeContributions(ctx, r.id, r.contributions);
        if (group) primeActiveGroup(ctx, r.id, r.active_group ?? null);
      }
      return inKeyOrder(ids, rows, (r) => r.id).map((r) => (r ? toMember(r) : null));
    })
    .load(id);
}

import type { Ctx } from '../lib/context';
import { memberById } from './member.service';
import type { Member } from './member.type';

/** Federation entity lookup for `Member`: batched per request, scoped, null outside scope. */
export const memberReference = {
  __resolveReference(ref: { id: string | number }, ctx: Ctx): Promise<Member | null> | null {
    const id = Number(ref.id);
    return Number.isSafeInteger(id) && id > 0 ? memberById(ctx, id) : null;
  },
};

import type { Ctx } from '../lib/context';
import { cooperativeById } from './cooperative.service';
import type { Cooperative } from './cooperative.type';

/** Federation entity lookup for `Cooperative`: batched per request, scoped, null outside scope. */
export const cooperativeReference = {
  __resolveReference(ref: { id: string | number }, ctx: Ctx): Promise<Cooperative | null> | null {
    const id = Number(ref.id);
    return Number.isSafeInteger(id) && id > 0 ? cooperativeById(ctx, id) : null;
  },
};

import type { Ctx } from '../lib/context';
import type { ReferenceResolvers } from '../lib/federation';
import { unionById } from './union.service';

/** Entity references: CooperativeUnion through the per-request loader (scoped, null outside scope); stubs are their key. */
export function unionReferences(): ReferenceResolvers {
  return {
    CooperativeUnion: {
      __resolveReference(ref: { id: string }, ctx: Ctx) {
        const id = Number(ref.id);
        return Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? unionById(ctx, id) : null;
      },
    },
    Cooperative: { __resolveReference: (ref: { id: string }) => ({ id: String(ref.id) }) },
    County: { __resolveReference: (ref: { id: string }) => ({ id: String(ref.id) }) },
  };
}

import type { MikroORM } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import type { ReferenceResolvers } from '../lib/federation';
import { loanLoader } from './loan.read';

/** Entity references: Loan through the per-request loader; Cooperative/Member/County stubs are just their key. */
export function loansReferences(_orm: MikroORM): ReferenceResolvers {
  return {
    Loan: { __resolveReference: (ref: { id: string }, ctx: Ctx) => loanLoader(ctx).load(String(ref.id)) },
    Cooperative: { __resolveReference: (ref: { id: string }) => ({ id: String(ref.id) }) },
    Member: { __resolveReference: (ref: { id: string }) => ({ id: String(ref.id) }) },
    County: { __resolveReference: (ref: { id: string }) => ({ id: String(ref.id) }) },
  };
}

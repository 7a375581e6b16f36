/**
 * Helpers shared by the members subgraph's services: id parsing, scope fragments and unique
 * violations. Paging (cursors, page args, the batched page query) lives in lib/connection.
 */
import type { Ctx } from '../lib/context';
import { isHousehold, readScope, type Sql } from '../lib/scope';

/** Scope columns for cooperative-level rows: alias `c` is the cooperative. */
export const coopScope = (ctx: Ctx): Sql =>
  readScope(ctx.caller, { county: 'c.county_id', township: 'c.township_id', cooperative: 'c.id' });

/** Scope columns for member-level rows: `c` the cooperative, `m` the member. */
export const memberScope = (ctx: Ctx): Sql =>
  readScope(ctx.caller, { county: 'c.county_id', township: 'c.township_id', cooperative: 'c.id', member: 'm.id' });

/**
 * Scope of guarantee-group rows (`g` the group, `c` its cooperative): a household (MEMBER) sees
 * only the groups it is or was in and those it guarantees — another group's name and members are
 * other households' business; everyone else as the cooperative.
 */
export const groupScope = (ctx: Ctx): Sql => {
  const caller = ctx.caller;
  if (!isHousehold(caller)) return coopScope(ctx);
  if (caller.member == null) return { sql: 'false', params: [] };
  return {
    sql: `(g.guarantor_member_id = ? or exists (select 1 from guarantee_group_member gs where gs.group_id = g.id and gs.member_id = ?))`,
    params: [caller.member, caller.member],
  };
};

export { parseId } from '../lib/ids';

/** Postgres unique-violation (23505) on the given constraint / index, from a MikroORM or pg error. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as { code?: string; constraint?: string; name?: string };
  if (err?.code !== '23505' && err?.name !== 'UniqueConstraintViolationException') return false;
  return !constraint || err.constraint === constraint || String((e as Error).message ?? '').includes(constraint);
}

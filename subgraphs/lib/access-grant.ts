import 'reflect-metadata';
import { Arg, Ctx, Directive, Int, Mutation, Resolver, type ClassType } from 'type-graphql';
import { SERVICE_ONLY, type AccessCatalogue } from './access';
import type { Ctx as Context } from './context';
import { invalid } from './error-codes';
import { MaxChars } from './input-check';
import { GRANTEE_KINDS } from './scope';
import { audit, inTransaction } from './tx';

/**
 * The writer of a subgraph's `access_grant` table (lib/scope): the subgraph that owns a relation
 * (a union's member cooperatives) sets the grant here by saga step. The step carries the state the
 * relation has when the step is sent, not a change, so repeating it, or a late step of an older
 * saga arriving after a newer one, leaves the table as the owner's latest state: setting a state
 * twice is the same as setting it once, and the step's key is kept in the audit entry only.
 * Returns whether a row changed.
 */
export async function setAccessGrant(
  ctx: Context, kind: string, granteeId: number, cooperativeId: number, granted: boolean, idempotencyKey: string,
): Promise<boolean> {
  const k = GRANTEE_KINDS.find((g) => g === kind);
  if (!k) return invalid('授权对象类型无效', `granteeKind must be one of ${GRANTEE_KINDS.join(', ')}`, { field: 'granteeKind' });
  if (!Number.isInteger(granteeId) || granteeId < 1 || !Number.isInteger(cooperativeId) || cooperativeId < 1) {
    return invalid('编号无效', 'granteeId and cooperativeId must be positive integers');
  }
  return inTransaction(ctx, async (em) => {
    const rows = granted
      ? await em.execute<{ n: number }[]>(
        `insert into access_grant (grantee_kind, grantee_id, cooperative_id) values (?, ?, ?) on conflict do nothing returning 1 n`,
        [k, granteeId, cooperativeId],
      )
      : await em.execute<{ n: number }[]>(
        `delete from access_grant where grantee_kind = ? and grantee_id = ? and cooperative_id = ? and member_id is null returning 1 n`,
        [k, granteeId, cooperativeId],
      );
    if (rows.length === 0) return false;
    await audit(em, ctx, granted ? 'grantAccess' : 'revokeAccess', 'AccessGrant', `${k}:${granteeId}:${cooperativeId}`,
      { granted: !granted }, { granted, idempotencyKey });
    return true;
  });
}

/** The mutation's name in the subgraph `name`: one per subgraph, because each grant table lives in its own database. */
export const accessGrantMutation = (name: string): string => `_${name}SetAccessGrant`;

/** Its catalogue entry: services only. */
export const accessGrantAccess = (name: string): AccessCatalogue => ({ [`Mutation.${accessGrantMutation(name)}`]: SERVICE_ONLY });

/** The internal mutation (added by defineSubgraph to a subgraph that declares `grants`). */
export function accessGrantResolver(name: string): ClassType {
  @Resolver()
  class AccessGrantResolver {
    @Directive('@inaccessible')
    @Mutation(() => Boolean, {
      name: accessGrantMutation(name),
      description: `Internal: set whether an organisation reaches a cooperative's rows in the ${name} subgraph, as the relation's owner holds it now; true when a row changed (内部: 访问授权)`,
    })
    set(
      @MaxChars(20) @Arg('granteeKind', { description: 'UNION, BANK or ENTERPRISE (授权对象类型)' }) granteeKind: string,
      @Arg('granteeId', () => Int, { description: 'The organisation\'s id (授权对象编号)' }) granteeId: number,
      @Arg('cooperativeId', () => Int, { description: 'The cooperative (互助社编号)' }) cooperativeId: number,
      @Arg('granted', { description: 'Whether the grant holds (是否授权)' }) granted: boolean,
      @MaxChars(200) @Arg('idempotencyKey', { description: 'Key of the sending saga step (幂等键)' }) idempotencyKey: string,
      @Ctx() ctx: Context,
    ): Promise<boolean> {
      return setAccessGrant(ctx, granteeKind, granteeId, cooperativeId, granted, idempotencyKey);
    }
  }
  return AccessGrantResolver;
}

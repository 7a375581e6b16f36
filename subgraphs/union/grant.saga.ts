/**
 * The union's grant steps (lib/saga): a UNION token reaches its member cooperatives' rows in the
 * members and loans subgraphs through their `access_grant` tables (lib/scope), which only the union
 * knows how to fill. Joining and leaving queue one step per subgraph in the transaction of the
 * membership change; each step sends the membership as it stands when it is sent (lib/access-grant),
 * so steps repeated or worked out of order still leave the grants equal to the memberships.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { accessGrantMutation } from '../lib/access-grant';
import type { Ctx } from '../lib/context';
import type { DomainError } from '../lib/errors';
import { defineStep, type SagaStep, type StepKind } from '../lib/saga';
import { callSubgraph } from '../lib/service-client';
import { audit } from '../lib/tx';

/** A step's payload: whose grant it sets. */
export interface GrantStep { unionId: number; cooperativeId: number }

/** Whether the cooperative is a member of the union now (the grant's state). */
async function isMember(ctx: Ctx, p: GrantStep): Promise<boolean> {
  const [r] = await ctx.read<{ member: boolean }[]>(
    `select exists (select 1 from union_membership where union_id = ? and cooperative_id = ? and left_on is null) member`,
    [p.unionId, p.cooperativeId],
  );
  return r?.member ?? false;
}

function grantStepTo(target: string): SagaStep<GrantStep> {
  const mutation = accessGrantMutation(target);
  return defineStep<GrantStep, boolean>({
    event: 'UNION_ACCESS_GRANT',
    target,
    decode: (json) => ({ unionId: Number(json.unionId), cooperativeId: Number(json.cooperativeId) }),
    async send(ctx, p, idempotencyKey) {
      const granted = await isMember(ctx, p);
      await callSubgraph<Record<string, boolean>>(
        ctx, target,
        `mutation($k: String!, $g: Int!, $c: Int!, $granted: Boolean!, $key: String!) { ${mutation}(granteeKind: $k, granteeId: $g, cooperativeId: $c, granted: $granted, idempotencyKey: $key) }`,
        { k: 'UNION', g: p.unionId, c: p.cooperativeId, granted, key: idempotencyKey },
      );
      return granted;
    },
    done: async () => {},
    // the other side refuses only input it cannot read (a programming error): the membership is the
    // union's decision and stays; the refusal is kept on the step and in the audit trail for an operator
    async compensate(em: EntityManager, ctx: Ctx, p: GrantStep, refusal: DomainError) {
      await audit(em, ctx, 'grantRefused', 'CooperativeUnion', p.unionId, null, { target, cooperativeId: p.cooperativeId, refusal: refusal.code });
    },
  });
}

/**
 * The grant steps, one per subgraph that scopes by grants (`grants: true` in its definition), in
 * the order they are sent. Named here because a subgraph never reads another's definition.
 */
export const GRANT_STEPS: readonly SagaStep<GrantStep>[] = [grantStepTo('members'), grantStepTo('loans')];
export const UNION_STEPS: readonly StepKind[] = GRANT_STEPS;

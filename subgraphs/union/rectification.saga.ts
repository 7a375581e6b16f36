/**
 * The status step (lib/saga): members owns a cooperative's status, which every write there and in
 * loans checks; the union owns the rectifications that decide it. Opening, closing and the exit each
 * queue one step in the transaction of their change; the step sends the status the cooperative's
 * rectifications give when it is sent (rectification.rules' statusOf), so a repeated step, or an
 * older one worked after a newer, still leaves members with the union's latest decision. Refused by
 * members (the cooperative had exited there meanwhile): the open rectification is CANCELLED with the
 * code, since a cooperative that exited cannot rectify.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import type { DomainError } from '../lib/errors';
import { defineStep, type SagaStep } from '../lib/saga';
import { callSubgraph } from '../lib/service-client';
import { audit } from '../lib/tx';
import { statusOf, type CooperativeStatus, type RectificationStatus } from './rectification.rules';

export interface StatusStep { cooperativeId: number; rectificationId: number; reason: string }

/** The status the union's rectifications give the cooperative now. */
export async function statusNow(ctx: Ctx, cooperativeId: number): Promise<CooperativeStatus> {
  const rows = await ctx.read<{ status: RectificationStatus }[]>(`select status from rectification where cooperative_id = ?`, [cooperativeId]);
  return statusOf(rows);
}

export const COOPERATIVE_STATUS: SagaStep<StatusStep> = defineStep<StatusStep, CooperativeStatus>({
  event: 'COOPERATIVE_STATUS',
  target: 'members',
  decode: (j) => ({ cooperativeId: Number(j.cooperativeId), rectificationId: Number(j.rectificationId), reason: String(j.reason) }),
  async send(ctx, p, idempotencyKey) {
    const status = await statusNow(ctx, p.cooperativeId);
    await callSubgraph<{ _setCooperativeStatus: boolean }>(ctx, 'members',
      `mutation($c: Int!, $s: CooperativeStatus!, $r: String!, $k: String!) { _setCooperativeStatus(cooperativeId: $c, status: $s, reason: $r, idempotencyKey: $k) }`,
      { c: p.cooperativeId, s: status, r: p.reason, k: idempotencyKey });
    return status;
  },
  done: async () => {},
  async compensate(em: EntityManager, ctx: Ctx, p, refusal: DomainError) {
    const rows = await em.execute<{ id: number }[]>(
      `update rectification set status = 'CANCELLED', refusal_code = ? where id = ? and status = 'OPEN' returning id`, [refusal.code, p.rectificationId],
    );
    await audit(em, ctx, 'rectificationRefused', 'Rectification', p.rectificationId, null, { code: refusal.code, cancelled: rows.length > 0 });
  },
});

export const RECTIFICATION_STEPS = [COOPERATIVE_STATUS] as const;

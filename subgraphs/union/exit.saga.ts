/**
 * The steps of a recovery run (lib/saga), after the allocation repayments it settles (their own
 * ALLOCATION_REPAID steps, in the same saga): loans moves the households' part and the county's from
 * the bank under the fund's lock (`_postLedgerEvent` exitReturned), then members records what each
 * household got back (`_recordExitReturns`). Loans refusing (the money went meanwhile) compensates the
 * run: nothing moved, the county runs it again. Members refusing after the money moved is a
 * disagreement for an operator (the run keeps the refusal; its steps are listed), never undone silently.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import type { DomainError } from '../lib/errors';
import { defineStep, type SagaStep } from '../lib/saga';
import { callSubgraph } from '../lib/service-client';
import { audit } from '../lib/tx';

export interface ExitReturnedStep { runId: number; cooperativeId: number; householdsFen: bigint; householdCount: number; countyFen: bigint; on: string }
export interface ExitRecordedStep { runId: number; cooperativeId: number; on: string; returns: { memberId: number; amountFen: bigint }[] }

export const exitRunSaga = (runId: number | string): string => `exit-run:${runId}`;
/** The same saga id in SQL, for the run id expression `runId` (a run's state is its steps'). */
export const exitRunSagaSql = (runId: string): string => `'exit-run:' || ${runId}`;

export const EXIT_RETURNED: SagaStep<ExitReturnedStep> = defineStep<ExitReturnedStep, string>({
  event: 'EXIT_RETURNED',
  target: 'loans',
  decode: (j) => ({ ...j, runId: Number(j.runId), cooperativeId: Number(j.cooperativeId), householdsFen: BigInt(j.householdsFen), countyFen: BigInt(j.countyFen), householdCount: Number(j.householdCount) }),
  async send(ctx, p, idempotencyKey) {
    const data = await callSubgraph<{ _postLedgerEvent: string }>(ctx, 'loans', `mutation($e: LedgerEventInput!) { _postLedgerEvent(event: $e) }`, {
      e: { idempotencyKey, exitReturned: { runId: p.runId, cooperativeId: p.cooperativeId, households: p.householdsFen.toString(), householdCount: p.householdCount, county: p.countyFen.toString(), returnedOn: p.on } },
    });
    return data._postLedgerEvent;
  },
  done: async () => {},
  async compensate(em: EntityManager, ctx: Ctx, p, refusal: DomainError) {
    await audit(em, ctx, 'exitRunRefused', 'ExitRun', p.runId, null, { code: refusal.code, by: 'loans' });
  },
});

export const EXIT_RECORDED: SagaStep<ExitRecordedStep> = defineStep<ExitRecordedStep, number>({
  event: 'EXIT_RETURNS_RECORDED',
  target: 'members',
  decode: (j) => ({ ...j, runId: Number(j.runId), cooperativeId: Number(j.cooperativeId), returns: j.returns.map((r) => ({ memberId: Number(r.memberId), amountFen: BigInt(r.amountFen) })) }),
  async send(ctx, p, idempotencyKey) {
    const data = await callSubgraph<{ _recordExitReturns: number }>(ctx, 'members',
      `mutation($r: Int!, $c: Int!, $on: LocalDate!, $x: [ExitReturnInput!]!, $k: String!) { _recordExitReturns(runId: $r, cooperativeId: $c, returnedOn: $on, returns: $x, idempotencyKey: $k) }`,
      { r: p.runId, c: p.cooperativeId, on: p.on, x: p.returns.map((r) => ({ memberId: r.memberId, amount: r.amountFen.toString() })), k: idempotencyKey });
    return data._recordExitReturns;
  },
  done: async () => {},
  async compensate(em: EntityManager, ctx: Ctx, p, refusal: DomainError) {
    // also reached when an earlier step of the run was refused: then no money moved and nothing is amiss
    const [moved] = await em.execute(`select 1 from saga_step where saga_id = ? and event = 'EXIT_RETURNED' and status = 'DONE'`, [exitRunSaga(p.runId)]);
    if (moved) ctx.log.error({ runId: p.runId, code: refusal.code }, 'members refused the returns of an exit run whose money loans has moved: an operator has to look');
    await audit(em, ctx, 'exitRunRefused', 'ExitRun', p.runId, null, { code: refusal.code, by: moved ? 'members' : 'an earlier step' });
  },
});

export const EXIT_STEPS = [EXIT_RETURNED, EXIT_RECORDED] as const;

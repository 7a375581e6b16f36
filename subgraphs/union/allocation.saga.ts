/**
 * The allocation steps (lib/saga): the money of an allocation moves in loans' books, which the
 * union does not own. The union's approval (or a repayment) and its step are written in one union
 * transaction; the step posts both cooperatives' sides through loans' `_postLedgerEvent` in one
 * loans transaction. Done: the allocation is ACTIVE (the repayment POSTED) and the union's own books
 * take their lines, in the transaction that marks the step. Refused by loans: the allocation is
 * REFUSED with loans' code (the repayment undone), and neither ledger has changed.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import type { DomainError } from '../lib/errors';
import { defineStep, type SagaStep } from '../lib/saga';
import { callSubgraph } from '../lib/service-client';
import { audit } from '../lib/tx';
import { UNION_EVENT_REFS, unionBooksMade, unionBooksRepaid, type UnionLine } from './union.rules';

interface Side { cooperativeId: number; countyId: number; townshipId: number; inUnion: boolean }

export interface AllocationMadeStep {
  allocationId: number;
  unionId: number;
  lender: Side;
  borrower: Side;
  amountFen: bigint;
  termDays: number;
  feeRateBp: number;
  policy: { feeRateMinBp: number; feeRateMaxBp: number; maxLenderShareBp: number; maxTermDays: number; countyApprovalAboveFen: bigint; lenderFeeShareBp: number };
  requestedBy: string;
  approvedBy: string;
  countyApproved: boolean;
  madeOn: string;
}

export interface AllocationRepaidStep {
  allocationId: number;
  unionId: number;
  repaymentId: number;
  lenderCooperativeId: number;
  borrowerCooperativeId: number;
  principalFen: bigint;
  feeFen: bigint;
  lenderFeeFen: bigint;
  unionFeeFen: bigint;
  paidOn: string;
}

const POST = `mutation($e: LedgerEventInput!) { _postLedgerEvent(event: $e) }`;
const str = (v: bigint) => v.toString();

async function book(em: EntityManager, unionId: number, allocationId: number, eventRef: string, on: string, lines: UnionLine[]): Promise<void> {
  if (!lines.length) return;
  await em.execute(
    `insert into union_entry (union_id, allocation_id, event_ref, occurred_on, account, amount_fen)
     select ?, ?, ?, ?, a, v from unnest(?::text[], ?::bigint[]) x(a, v) on conflict (event_ref, account) do nothing`,
    [unionId, allocationId, eventRef, on, `{${lines.map((l) => l.account).join(',')}}`, `{${lines.map((l) => l.amountFen).join(',')}}`],
  );
}

const side = (j: { cooperativeId: unknown; countyId: unknown; townshipId: unknown; inUnion: unknown }): Side => ({
  cooperativeId: Number(j.cooperativeId), countyId: Number(j.countyId), townshipId: Number(j.townshipId), inUnion: j.inUnion === true,
});

export const ALLOCATION_MADE: SagaStep<AllocationMadeStep> = defineStep<AllocationMadeStep, string>({
  event: 'ALLOCATION_MADE',
  target: 'loans',
  decode: (j) => ({
    ...j, allocationId: Number(j.allocationId), unionId: Number(j.unionId), lender: side(j.lender), borrower: side(j.borrower), amountFen: BigInt(j.amountFen),
    policy: { ...j.policy, countyApprovalAboveFen: BigInt(j.policy.countyApprovalAboveFen) },
  }),
  async send(ctx, p, idempotencyKey) {
    const { policy } = p;
    const data = await callSubgraph<{ _postLedgerEvent: string }>(ctx, 'loans', POST, {
      e: {
        idempotencyKey,
        allocationMade: {
          allocationId: p.allocationId, lender: p.lender, borrower: p.borrower, amount: str(p.amountFen), termDays: p.termDays, feeRateBp: p.feeRateBp,
          policy: {
            feeRateMinBp: policy.feeRateMinBp, feeRateMaxBp: policy.feeRateMaxBp, maxLenderShareBp: policy.maxLenderShareBp, maxTermDays: policy.maxTermDays,
            countyApprovalAbove: str(policy.countyApprovalAboveFen), lenderFeeShareBp: policy.lenderFeeShareBp,
          },
          requestedBy: p.requestedBy, approvedBy: p.approvedBy, countyApproved: p.countyApproved, madeOn: p.madeOn,
        },
      },
    });
    return data._postLedgerEvent;
  },
  async done(em, _ctx, p) {
    await em.execute(`update allocation set status = 'ACTIVE', fee_from = made_on where id = ? and status = 'POSTING'`, [p.allocationId]);
    await book(em, p.unionId, p.allocationId, UNION_EVENT_REFS.made(p.allocationId), p.madeOn, unionBooksMade(p.amountFen));
  },
  async compensate(em: EntityManager, ctx: Ctx, p, refusal: DomainError) {
    await em.execute(
      `update allocation set status = 'REFUSED', refusal_code = ?, refusal_message = ? where id = ? and status = 'POSTING'`,
      [refusal.code, refusal.messageZh, p.allocationId],
    );
    await audit(em, ctx, 'allocationRefused', 'Allocation', p.allocationId, { status: 'POSTING' }, { status: 'REFUSED', code: refusal.code });
  },
});

export const ALLOCATION_REPAID: SagaStep<AllocationRepaidStep> = defineStep<AllocationRepaidStep, string>({
  event: 'ALLOCATION_REPAID',
  target: 'loans',
  decode: (j) => ({
    ...j, allocationId: Number(j.allocationId), unionId: Number(j.unionId), repaymentId: Number(j.repaymentId),
    lenderCooperativeId: Number(j.lenderCooperativeId), borrowerCooperativeId: Number(j.borrowerCooperativeId),
    principalFen: BigInt(j.principalFen), feeFen: BigInt(j.feeFen), lenderFeeFen: BigInt(j.lenderFeeFen), unionFeeFen: BigInt(j.unionFeeFen),
  }),
  async send(ctx, p, idempotencyKey) {
    const data = await callSubgraph<{ _postLedgerEvent: string }>(ctx, 'loans', POST, {
      e: {
        idempotencyKey,
        allocationRepaid: {
          allocationId: p.allocationId, repaymentId: p.repaymentId, lenderCooperativeId: p.lenderCooperativeId, borrowerCooperativeId: p.borrowerCooperativeId,
          principal: str(p.principalFen), fee: str(p.feeFen), lenderFee: str(p.lenderFeeFen), paidOn: p.paidOn,
        },
      },
    });
    return data._postLedgerEvent;
  },
  async done(em, _ctx, p) {
    await em.execute(`update allocation_repayment set status = 'POSTED' where id = ? and status = 'POSTING'`, [p.repaymentId]);
    await book(em, p.unionId, p.allocationId, UNION_EVENT_REFS.repaid(p.repaymentId), p.paidOn, unionBooksRepaid(p.principalFen, p.unionFeeFen));
  },
  // the repayment is taken back: the allocation owes it again, its fee accrues from where it did
  async compensate(em: EntityManager, ctx: Ctx, p, refusal: DomainError) {
    const [r] = await em.execute<{ id: number }[]>(
      `update allocation_repayment set status = 'REFUSED', refusal_code = ? where id = ? and status = 'POSTING' returning id`, [refusal.code, p.repaymentId],
    );
    if (!r) return;
    await em.execute(
      `update allocation a set principal_repaid_fen = a.principal_repaid_fen - ?, fee_paid_fen = a.fee_paid_fen - ?, status = 'ACTIVE', repaid_on = null,
         fee_from = (select fee_from_before from allocation_repayment where id = ?) where a.id = ?`,
      [str(p.principalFen), str(p.feeFen), p.repaymentId, p.allocationId],
    );
    await audit(em, ctx, 'allocationRepaymentRefused', 'Allocation', p.allocationId, null, { repaymentId: p.repaymentId, code: refusal.code });
  },
});

/**
 * The union's allocations between cooperatives in the books loans keeps (有偿调剂): both sides of
 * each money movement in one transaction, the two funds locked in id order (so two allocations
 * between the same pair in opposite directions cannot deadlock), and the checks that depend on
 * money made again under those locks. A refusal here is a coded DomainError: the union's saga
 * marks the allocation REFUSED with it and neither ledger has changed.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  checkAllocationTerms, checkLenderMoney, checkUnionApproval, type AllocationPolicy,
} from '../lib/allocation.rules';
import type { Ctx } from '../lib/context';
import { audit, once } from '../lib/tx';
import { fail, invalid } from './codes';
import { ALLOCATION_EVENT_REFS, ALLOCATION_MEMOS, ALLOCATION_POSTING_KINDS, allocationMade, allocationRepaid, idleMoney, splitFee } from './ledger.rules';
import { lockFund, post, ensureFund, type Balances } from './ledger.service';
import type { AllocationMadeInput, AllocationPolicyInput, AllocationRepaidInput } from './ledger.inputs';
import { COMMITTED_LOAN_STATUSES } from './loan.rules';
import { cooperativeFacts, type CooperativeFacts } from './members.client';

const COMMITTED = COMMITTED_LOAN_STATUSES.map((s) => `'${s}'`).join(', ');

/** Loans approved but not yet paid out: what idle money leaves aside (loan.rules' committed loans, today). */
async function committedFen(em: EntityManager, cooperativeId: number): Promise<bigint> {
  const [r] = await em.execute<{ fen: string }[]>(
    `select coalesce(sum(amount_fen), 0)::text fen from loan where cooperative_id = ? and status in (${COMMITTED})`, [cooperativeId],
  );
  return BigInt(r?.fen ?? '0');
}

/** A fund's idle money now (ledger.rules' `idleMoney`) from its balances. */
export async function idleMoneyOf(em: EntityManager, cooperativeId: number, balances: Balances): Promise<bigint> {
  return idleMoney(balances, await committedFen(em, cooperativeId));
}

/** Lock both funds in id order; the balances by cooperative. */
async function lockPair(em: EntityManager, a: number, b: number): Promise<Map<number, Balances>> {
  const out = new Map<number, Balances>();
  for (const id of [a, b].sort((x, y) => x - y)) out.set(id, await lockFund(em, id));
  return out;
}

const policyOf = (p: AllocationPolicyInput): AllocationPolicy => ({
  feeRateMinBp: p.feeRateMinBp, feeRateMaxBp: p.feeRateMaxBp, maxLenderShareBp: p.maxLenderShareBp, maxTermDays: p.maxTermDays,
  countyApprovalAboveFen: p.countyApprovalAbove, lenderFeeShareBp: p.lenderFeeShareBp,
});

async function factsOf(ctx: Ctx, cooperativeId: number): Promise<CooperativeFacts> {
  return (await cooperativeFacts(ctx, cooperativeId)) ?? fail('NOT_FOUND', { cooperativeId });
}


/** An approved allocation's money moves: lender's bank to its union receivable, borrower's union payable to its bank. */
export async function postAllocationMade(ctx: Ctx, key: string, e: AllocationMadeInput): Promise<string> {
  const policy = policyOf(e.policy);
  // the members calls before the transaction: no fund is locked while members answers
  const [lender, borrower] = await Promise.all([factsOf(ctx, e.lender.cooperativeId), factsOf(ctx, e.borrower.cooperativeId)]);
  const parties = {
    lenderCooperativeId: e.lender.cooperativeId, borrowerCooperativeId: e.borrower.cooperativeId,
    lenderInUnion: e.lender.inUnion, borrowerInUnion: e.borrower.inUnion, lenderStatus: lender.status, borrowerStatus: borrower.status,
  };
  checkAllocationTerms({ amountFen: e.amount, termDays: e.termDays, feeRateBp: e.feeRateBp }, parties, policy);
  checkUnionApproval({ requestedBy: e.requestedBy, approver: e.approvedBy, amountFen: e.amount, countyApproved: e.countyApproved }, policy);
  return once(ctx, key, 'postAllocationMade', e, async (em) => {
    for (const side of [e.lender, e.borrower]) await ensureFund(em, side);
    const balances = await lockPair(em, e.lender.cooperativeId, e.borrower.cooperativeId);
    checkLenderMoney(e.amount, await idleMoneyOf(em, e.lender.cooperativeId, balances.get(e.lender.cooperativeId)!), policy.maxLenderShareBp);
    const lines = allocationMade(e.amount);
    const common = { occurredOn: e.madeOn, refType: 'allocation', refId: String(e.allocationId), postedBy: ctx.caller!.sub };
    const lentTxn = await post(em, { ...common, cooperativeId: e.lender.cooperativeId, kind: ALLOCATION_POSTING_KINDS.lent, memo: ALLOCATION_MEMOS.lent, eventRef: ALLOCATION_EVENT_REFS.lent(e.allocationId), lines: lines.lender });
    const borrowedTxn = await post(em, { ...common, cooperativeId: e.borrower.cooperativeId, kind: ALLOCATION_POSTING_KINDS.borrowed, memo: ALLOCATION_MEMOS.borrowed, eventRef: ALLOCATION_EVENT_REFS.borrowed(e.allocationId), lines: lines.borrower });
    await audit(em, ctx, 'postAllocationMade', 'fund', e.lender.cooperativeId, null, { allocationId: e.allocationId, borrower: e.borrower.cooperativeId, amount: e.amount.toString(), lentTxn, borrowedTxn });
    return `${lentTxn},${borrowedTxn}`;
  });
}

/** A repayment: the borrower pays principal and fee, the lender receives principal and its fee part (split into its policy funds). */
export async function postAllocationRepaid(ctx: Ctx, key: string, e: AllocationRepaidInput): Promise<string> {
  if (e.principal < 0n || e.fee < 0n || e.lenderFee < 0n || e.principal + e.fee === 0n) invalid('还款金额无效', 'repayment amounts must be non-negative and not all zero', { field: 'principal' });
  if (e.lenderFee > e.fee) invalid('调出社分成不得超过调剂费', 'the lender\'s part cannot exceed the fee', { field: 'lenderFee' });
  const lender = await factsOf(ctx, e.lenderCooperativeId);
  return once(ctx, key, 'postAllocationRepaid', e, async (em) => {
    const balances = await lockPair(em, e.lenderCooperativeId, e.borrowerCooperativeId);
    const b = balances.get(e.borrowerCooperativeId)!;
    // what the borrower still owes the union on its books bounds the principal (the union checks the allocation's own)
    if (-(b.UNION_PAYABLE ?? 0n) < e.principal) fail('REPAYMENT_EXCEEDS_OWED', { owed: (-(b.UNION_PAYABLE ?? 0n)).toString() });
    if ((b.BANK ?? 0n) < e.principal + e.fee) fail('INSUFFICIENT_FUND');
    const lines = allocationRepaid(e.principal, e.fee, splitFee(e.lenderFee, lender.policy));
    const common = { occurredOn: e.paidOn, refType: 'allocation', refId: String(e.allocationId), postedBy: ctx.caller!.sub };
    const paidTxn = await post(em, { ...common, cooperativeId: e.borrowerCooperativeId, kind: ALLOCATION_POSTING_KINDS.repaid, memo: ALLOCATION_MEMOS.repaid, eventRef: ALLOCATION_EVENT_REFS.repaid(e.repaymentId), lines: lines.borrower });
    const receivedTxn = await post(em, { ...common, cooperativeId: e.lenderCooperativeId, kind: ALLOCATION_POSTING_KINDS.received, memo: ALLOCATION_MEMOS.received, eventRef: ALLOCATION_EVENT_REFS.received(e.repaymentId), lines: lines.lender });
    await audit(em, ctx, 'postAllocationRepaid', 'fund', e.borrowerCooperativeId, null, { allocationId: e.allocationId, repaymentId: e.repaymentId, principal: e.principal.toString(), fee: e.fee.toString(), lenderFee: e.lenderFee.toString(), paidTxn, receivedTxn });
    return `${paidTxn},${receivedTxn}`;
  });
}



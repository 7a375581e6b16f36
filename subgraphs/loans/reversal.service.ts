/**
 * Reversals (红字冲销): a COUNTY officer cancels a posting with a written reason by posting its
 * negation; the original stays (append-only) and both show on the board. A repayment is reversed
 * only with its loan (reverseRepayment), which owes it again.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import { parseDay } from '../lib/dates';
import { requireWrite } from '../lib/scope';
import { audit, once } from '../lib/tx';
import { fail, invalid } from './codes';
import { checkReversal, loanAfterRepaymentReversal, reversalPosting, reversalReason, REVERSAL_KINDS, type Account, type Line } from './ledger.rules';
import { fundLocation, lockFund, post } from './ledger.service';
import { standingRepaymentSql } from './loan.rules';
import type { ReverseLedgerTransactionInput, ReverseRepaymentInput } from './ledger.inputs';

interface TxnRow {
  id: string; cooperative_id: number; kind: string; occurred_on: string; ref_type: string | null; ref_id: string | null;
  name_masked: string | null; posted_by: string; reverses: string | null; reversed_by: string | null;
}

const TXN_SQL = `select t.id::text, t.cooperative_id, t.kind, to_char(t.occurred_on, 'YYYY-MM-DD') occurred_on, t.ref_type, t.ref_id, t.name_masked,
    t.posted_by, t.reverses_txn_id::text reverses, (select r.id::text from ledger_txn r where r.reverses_txn_id = t.id) reversed_by
  from ledger_txn t`;

const isId = (s: string) => /^\d{1,15}$/.test(s);

/** The fund of a transaction, checked against the write scope (out of read scope: not found). */
async function writableFund(ctx: Ctx, em: EntityManager, cooperativeId: number, what: Record<string, string>): Promise<void> {
  const loc = await fundLocation(em, cooperativeId);
  if (!loc) fail('NOT_FOUND', what);
  requireWrite(ctx, loc);
}

/** Post the negation of `t` under the fund lock (the caller holds it), after the rules. */
async function postReversal(ctx: Ctx, em: EntityManager, t: TxnRow, kind: string, on: string, reason: string, balances: Partial<Record<Account, bigint>>): Promise<string> {
  if (on < t.occurred_on) invalid('冲销日期早于原凭证日期', 'reversal dated before the original', { field: 'on' });
  const lines = await em.execute<{ account: Account; amount_fen: string }[]>(`select account, amount_fen from ledger_line where txn_id = ? order by id`, [t.id]);
  const original: Line[] = lines.map((l) => ({ account: l.account, amountFen: BigInt(l.amount_fen) }));
  return post(em, {
    cooperativeId: t.cooperative_id,
    kind,
    occurredOn: on,
    memo: `红字冲销凭证${t.id} / Reversal of transaction ${t.id}`,
    refType: t.ref_type ?? undefined,
    refId: t.ref_id ?? undefined,
    nameMasked: t.name_masked,
    eventRef: `reversal:${t.id}`,
    postedBy: ctx.caller!.sub,
    reversesTxnId: t.id,
    reason,
    lines: reversalPosting(original, balances),
  });
}

/** reverseLedgerTransaction: any posting that belongs to no loan and no contribution record (today: capital). */
export async function reverseLedgerTransaction(ctx: Ctx, input: ReverseLedgerTransactionInput): Promise<string> {
  const on = parseDay(input.on);
  const reason = reversalReason(input.reason);
  if (!isId(input.txnId)) fail('NOT_FOUND', { txnId: input.txnId });
  const [pre] = await ctx.read<{ cooperative_id: number }[]>(`select cooperative_id from ledger_txn where id = ?`, [input.txnId]);
  if (!pre) fail('NOT_FOUND', { txnId: input.txnId });
  await writableFund(ctx, ctx.em, pre.cooperative_id, { txnId: input.txnId });
  return once(ctx, input.idempotencyKey, 'reverseLedgerTransaction', input, async (em) => {
    const balances = await lockFund(em, pre.cooperative_id);
    const [t] = await em.execute<TxnRow[]>(`${TXN_SQL} where t.id = ?`, [input.txnId]);
    checkReversal({ kind: t!.kind, postedBy: t!.posted_by, reversesTxnId: t!.reverses, reversedByTxnId: t!.reversed_by, reverser: ctx.caller!.sub, route: 'GENERIC' });
    const txn = await postReversal(ctx, em, t!, REVERSAL_KINDS.generic, on, reason, balances);
    await audit(em, ctx, 'reverseLedgerTransaction', 'ledger_txn', t!.id, { reversedBy: null }, { reversedBy: txn, on, reason });
    return txn;
  });
}

/** reverseRepayment: the repayment's posting reversed and the loan restored, in one transaction. */
export async function reverseRepayment(ctx: Ctx, input: ReverseRepaymentInput): Promise<string> {
  const on = parseDay(input.on);
  const reason = reversalReason(input.reason);
  if (!isId(input.repaymentId)) fail('NOT_FOUND', { repaymentId: input.repaymentId });
  const [pre] = await ctx.read<{ cooperative_id: number }[]>(`select cooperative_id from repayment where id = ?`, [input.repaymentId]);
  if (!pre) fail('NOT_FOUND', { repaymentId: input.repaymentId });
  await writableFund(ctx, ctx.em, pre.cooperative_id, { repaymentId: input.repaymentId });
  return once(ctx, input.idempotencyKey, 'reverseRepayment', input, async (em) => {
    const balances = await lockFund(em, pre.cooperative_id);
    const [r] = await em.execute<{ id: string; loan_id: number; principal_fen: string; fee_fen: string; reversed: boolean }[]>(
      `select id::text, loan_id, principal_fen, fee_fen, reversed_txn_id is not null reversed from repayment where id = ?`, [input.repaymentId]);
    const [loan] = await em.execute<{ status: string; principal_repaid_fen: string; fee_paid_fen: string; closed_on: string | null }[]>(
      `select status, principal_repaid_fen, fee_paid_fen, to_char(closed_on, 'YYYY-MM-DD') closed_on from loan where id = ? for update`, [r!.loan_id]);
    const [t] = await em.execute<TxnRow[]>(`${TXN_SQL} where t.event_ref = ?`, [`repayment:${r!.id}`]);
    // a repayment whose posting cannot be found by its event (an unmatched migrated one) is not reversed here
    if (!t) fail('NOT_FOUND', { repaymentId: input.repaymentId });
    checkReversal({ kind: t.kind, postedBy: t.posted_by, reversesTxnId: t.reverses, reversedByTxnId: t.reversed_by, reverser: ctx.caller!.sub, route: 'REPAYMENT' });
    const [latest] = await em.execute<{ id: string }[]>(
      `select r.id::text from repayment r where r.loan_id = ? and ${standingRepaymentSql('r')} order by r.paid_on desc, r.id desc limit 1`, [r!.loan_id]);
    const next = loanAfterRepaymentReversal(
      { status: loan!.status, principalRepaidFen: BigInt(loan!.principal_repaid_fen), feePaidFen: BigInt(loan!.fee_paid_fen) },
      { principalFen: BigInt(r!.principal_fen), feeFen: BigInt(r!.fee_fen), isLatest: latest?.id === r!.id },
    );
    const txn = await postReversal(ctx, em, t, REVERSAL_KINDS.repayment, on, reason, balances);
    await em.execute(`update repayment set reversed_txn_id = ?, reversed_on = ? where id = ?`, [txn, on, r!.id]);
    await em.execute(`update loan set status = ?, principal_repaid_fen = ?, fee_paid_fen = ?, closed_on = null where id = ?`,
      [next.status, next.principalRepaidFen.toString(), next.feePaidFen.toString(), r!.loan_id]);
    await audit(em, ctx, 'reverseRepayment', 'loan', r!.loan_id,
      { status: loan!.status, principalRepaid: loan!.principal_repaid_fen, feePaid: loan!.fee_paid_fen, closedOn: loan!.closed_on, repaymentId: r!.id },
      { status: next.status, principalRepaid: next.principalRepaidFen.toString(), feePaid: next.feePaidFen.toString(), closedOn: null, reversal: txn, on, reason });
    return txn;
  });
}

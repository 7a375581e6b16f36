import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import { intArray } from '../lib/db';
import { parseDay } from '../lib/dates';
import { fail, invalid } from './codes';
import { maskAccount } from '../lib/mask';
import { canRead, isHousehold, requireWrite } from '../lib/scope';
import { audit, once } from '../lib/tx';
import { accruedFee, allocateRepayment, buildSchedule, checkApplication, checkDisbursement, checkIncomingChannel, checkWriteOff, firstUnpaidDueSql, openLoanSql, standingRepaymentSql, outstandingNow, outstandingNowSql, overdueStatus, transition, type LoanAction } from './loan.rules';
import { checkPurpose, LOAN_PURPOSES } from './purpose.rules';
import { recheckTargeting, rechecksTargeting } from './targeting.rules';
import { disbursement, fundTotal, repayment, splitFee, writeOff } from './ledger.rules';
import { BANK_TRANSFER, LOAN, LOAN_INSTALMENT, REPAYMENT } from './loan.entity';
import { ensureFund, lockFund, post } from './ledger.service';
import { borrowerFacts, cooperativeFacts, cooperativeFactsAndPovertyStatus, currentPovertyStatus } from './members.client';
import type { ApplyForLoanInput, DisburseLoanInput, LoanStepInput, RecordRepaymentInput, WriteOffLoanInput } from './loan.inputs';
import type { Loan, Repayment } from './loan.type';
import { LOAN_COLUMNS, toLoan, type LoanRow } from './loan.read';

/** Load a loan for a write: locked, and checked against the caller's write scope for the running field's roles. */
async function loanForWrite(em: EntityManager, ctx: Ctx, loanId: string): Promise<LoanRow> {
  if (!/^\d{1,9}$/.test(loanId)) fail('NOT_FOUND', { loanId });
  const [row] = await em.execute<LoanRow[]>(`select ${LOAN_COLUMNS} from loan l where l.id = ? for update`, [Number(loanId)]);
  if (!row) fail('NOT_FOUND', { loanId });
  const loc = { cooperativeId: row.cooperative_id, countyId: row.county_id, townshipId: row.township_id };
  if (!canRead(ctx.caller, loc)) fail('NOT_FOUND', { loanId });
  requireWrite(ctx, loc);
  return row;
}

/** The steps that move no money (who may take each is the catalogue's, loans/access.ts), with the date column each sets. */
const STEP_DATE: Record<Exclude<LoanAction, 'DISBURSE' | 'REPAY' | 'WRITE_OFF'>, string> = {
  ENDORSE: 'endorsed_on',
  APPROVE: 'approved_on',
  COUNTY_APPROVE: 'county_approved_on',
  PUBLISH: 'published_on',
  SIGN: 'contracted_on',
  REJECT: 'closed_on',
};

export async function applyForLoan(ctx: Ctx, input: ApplyForLoanInput): Promise<Loan> {
  const caller = ctx.caller!; // the catalogue let a caller of the entry's roles through
  const appliedOn = parseDay(input.appliedOn);
  if (!/^\d{1,9}$/.test(input.memberId) || !/^\d{1,9}$/.test(input.cooperativeId)) invalid('编号无效', 'bad id');
  const purposeNote = checkPurpose(input.purpose, input.purposeNote);
  const f = await borrowerFacts(ctx, Number(input.memberId));
  if (!f) return fail('NOT_A_MEMBER');
  if (isHousehold(caller)) {
    if (caller.member !== f.memberId) fail('OUT_OF_SCOPE', { memberId: input.memberId });
  } else {
    requireWrite(ctx, f.location);
  }
  const id = await once(ctx, input.idempotencyKey, 'applyForLoan', input, async (em) => {
    await ensureFund(em, f.location);
    const balances = await lockFund(em, f.location.cooperativeId);
    const groupIds = f.guarantee?.memberIds ?? [f.memberId];
    const [h] = await em.execute<{ previous: number; open: number; outstanding: string }[]>(
      `select count(*) filter (where l.disbursed_on is not null)::int previous,
              count(*) filter (where ${openLoanSql('l.status')})::int open,
              coalesce(sum(${outstandingNowSql('l')}), 0) outstanding
         from loan l where l.member_id = ?`,
      [f.memberId],
    );
    // overdue now: a disbursed loan's maintained repaid total is its repaid-by-today
    const overdue = await em.execute<{ member_id: number }[]>(
      `select distinct l.member_id from loan l
        where l.member_id = any(?::int[]) and l.status = 'DISBURSED'
          and ${firstUnpaidDueSql('l.id', 'l.principal_repaid_fen', '?::date')} is not null`,
      [intArray(groupIds), appliedOn],
    );
    const check = checkApplication(
      f,
      { previousDisbursedLoans: h!.previous, openLoans: h!.open, memberOutstandingFen: BigInt(h!.outstanding), overdueGroupMemberIds: overdue.map((r) => r.member_id) },
      { cooperativeId: Number(input.cooperativeId), amountFen: input.amount, termMonths: input.termMonths },
      fundTotal(balances),
    );
    const loanId = await em.insert(LOAN.entity, {
      cooperativeId: f.location.cooperativeId,
      countyId: f.location.countyId,
      townshipId: f.location.townshipId,
      memberId: f.memberId,
      borrowerName: f.headName,
      cardAccount: f.cardAccount,
      guaranteeGroupId: f.guarantee?.groupId ?? null,
      amountFen: input.amount,
      feeRateBp: f.policy.feeRateBp,
      termMonths: input.termMonths,
      repaymentMode: input.repaymentMode,
      purpose: input.purpose,
      purposeNote,
      status: 'APPLIED',
      isFirstLoan: check.isFirstLoan,
      isShuangdao: f.isShuangdao,
      needsCountyApproval: check.needsCountyApproval,
      requestedBy: caller.sub,
      appliedOn,
      principalRepaidFen: 0n,
      feePaidFen: 0n,
      writtenOffFen: 0n,
    });
    await audit(em, ctx, 'applyForLoan', 'loan', String(loanId), null, { ...input, capFen: check.capFen.toString() });
    return String(loanId);
  });
  return (await loadLoanFresh(ctx, id))!;
}

/** Read a loan after a write, bypassing the per-request cache (no scope: callers check it). */
async function loadLoanFresh(ctx: Ctx, id: string): Promise<Loan | null> {
  if (!/^\d{1,9}$/.test(id)) return null;
  const [row] = await ctx.read<LoanRow[]>(`select ${LOAN_COLUMNS} from loan l where l.id = ?`, [Number(id)]);
  return row ? toLoan(row) : null;
}

/** Board / county / bookkeeper steps that move no money. */
export async function stepLoan(ctx: Ctx, action: keyof typeof STEP_DATE, input: LoanStepInput): Promise<Loan> {
  const on = parseDay(input.on);
  // asked before the transaction, so no loan row stays locked during the call to members
  const pre = rechecksTargeting(action) ? await loadLoanFresh(ctx, input.loanId) : null;
  const povertyStatus = pre ? await currentPovertyStatus(ctx, Number(pre.member.id)) : null;
  const id = await ctx.em.transactional(async (tx) => {
    const em = tx as EntityManager;
    const row = await loanForWrite(em, ctx, input.loanId);
    const actor = ctx.caller!.sub;
    const next = transition(row.status, action, { needsCountyApproval: row.needs_county_approval, requestedBy: row.requested_by, actor });
    recheckTargeting(action, povertyStatus);
    const set: Record<string, unknown> = { status: next, [STEP_DATE[action]]: on };
    if (action === 'APPROVE') set.approved_by = actor;
    if (action === 'COUNTY_APPROVE') set.county_approved_by = actor;
    const cols = Object.keys(set);
    await em.execute(`update loan set ${cols.map((c) => `${c} = ?`).join(', ')} where id = ?`, [...cols.map((c) => set[c]), row.id]);
    await audit(em, ctx, action.toLowerCase(), 'loan', row.id, { status: row.status }, { status: next, on, remark: input.remark ?? null });
    return String(row.id);
  });
  return (await loadLoanFresh(ctx, id))!;
}

function bankRefFor(kind: 'OUT' | 'IN', input: { bankRef?: string | null; channel: string }, key: string): string {
  // Cash movements still get a unique voucher reference; bank ones carry the bank's.
  return input.channel === 'BANK' ? input.bankRef!.trim() : `CASH-${kind}-${key}`;
}

async function bankRefUnused(em: EntityManager, ref: string): Promise<void> {
  const used = await em.execute(`select 1 from bank_transfer where bank_ref = ?`, [ref]);
  if (used.length) invalid('该银行流水号已登记过', 'bank reference already recorded');
}

export async function disburseLoan(ctx: Ctx, input: DisburseLoanInput): Promise<Loan> {
  const on = parseDay(input.on);
  if (input.channel === 'BANK' && !input.bankRef?.trim()) invalid('银行转账须填写银行流水号', 'bankRef is required for a bank transfer');
  const pre = await loadLoanFresh(ctx, input.loanId);
  if (!pre) fail('NOT_FOUND', { loanId: input.loanId });
  const { cooperative: coop, povertyStatus } = await cooperativeFactsAndPovertyStatus(ctx, Number(pre.cooperative.id), Number(pre.member.id));
  if (!coop) fail('NOT_FOUND', { cooperativeId: pre.cooperative.id });
  const id = await once(ctx, input.idempotencyKey, 'disburseLoan', input, async (em) => {
    const balances = await lockFund(em, Number(pre.cooperative.id));
    const row = await loanForWrite(em, ctx, input.loanId);
    const [card] = await em.execute<{ card_account: string | null }[]>(`select card_account from loan where id = ?`, [row.id]);
    transition(row.status, 'DISBURSE', { needsCountyApproval: row.needs_county_approval, requestedBy: row.requested_by, actor: ctx.caller!.sub });
    recheckTargeting('DISBURSE', povertyStatus);
    const amount = BigInt(row.amount_fen);
    checkDisbursement({
      channel: input.channel,
      managementMode: coop.managementMode,
      amountFen: amount,
      cashLimitFen: coop.policy.cashLimitFen,
      hasCardAccount: !!card?.card_account,
      needsCountyApproval: row.needs_county_approval,
      countyApproved: row.county_approved_on != null,
      availableFen: input.channel === 'CASH' ? balances.CASH ?? 0n : balances.BANK ?? 0n,
    });
    const ref = bankRefFor('OUT', input, input.idempotencyKey);
    await bankRefUnused(em, ref);
    const schedule = buildSchedule({ amountFen: amount, feeRateBp: row.fee_rate_bp, termMonths: row.term_months, mode: row.repayment_mode as 'BULLET' | 'MONTHLY', disbursedOn: on });
    await em.insertMany(LOAN_INSTALMENT.entity, schedule.map((i) => ({ loanId: row.id, seq: i.seq, dueOn: i.dueOn, principalFen: i.principalFen, feeFen: i.feeFen })));
    await em.insert(BANK_TRANSFER.entity, {
      cooperativeId: row.cooperative_id,
      loanId: row.id,
      memberId: row.member_id,
      direction: 'OUT',
      amountFen: amount,
      channel: input.channel,
      accountMasked: maskAccount(card?.card_account),
      bankRef: ref,
      executedOn: on,
    });
    await post(em, {
      cooperativeId: row.cooperative_id,
      kind: 'DISBURSEMENT',
      occurredOn: on,
      memo: `发放借款:${LOAN_PURPOSES[row.purpose].zh} / Loan disbursed: ${LOAN_PURPOSES[row.purpose].en}`,
      refType: 'loan',
      refId: String(row.id),
      eventRef: `disbursement:${row.id}`,
      postedBy: ctx.caller!.sub,
      lines: disbursement(amount, input.channel),
    });
    const dueOn = schedule[schedule.length - 1]!.dueOn;
    await em.execute(`update loan set status = 'DISBURSED', disbursed_on = ?, due_on = ? where id = ?`, [on, dueOn, row.id]);
    await audit(em, ctx, 'disburseLoan', 'loan', row.id, { status: row.status }, { status: 'DISBURSED', on, channel: input.channel, bankRef: ref });
    return String(row.id);
  });
  return (await loadLoanFresh(ctx, id))!;
}

export async function recordRepayment(ctx: Ctx, input: RecordRepaymentInput): Promise<Repayment> {
  const paidOn = parseDay(input.paidOn);
  const pre = await loadLoanFresh(ctx, input.loanId);
  if (!pre) fail('NOT_FOUND', { loanId: input.loanId });
  const coop = await cooperativeFacts(ctx, Number(pre.cooperative.id));
  if (!coop) fail('NOT_FOUND', { cooperativeId: pre.cooperative.id });
  checkIncomingChannel({ channel: input.channel, managementMode: coop.managementMode, bankRef: input.bankRef });
  const id = await once(ctx, input.idempotencyKey, 'recordRepayment', input, async (em) => {
    await lockFund(em, Number(pre.cooperative.id));
    const row = await loanForWrite(em, ctx, input.loanId);
    transition(row.status, 'REPAY', { needsCountyApproval: row.needs_county_approval, requestedBy: row.requested_by, actor: ctx.caller!.sub });
    if (paidOn < row.disbursed_on!) invalid('还款日期早于放款日期', 'repayment before disbursement');
    const [last] = await em.execute<{ last: string | null }[]>(`select to_char(max(paid_on),'YYYY-MM-DD') last from repayment r where r.loan_id = ? and ${standingRepaymentSql('r')}`, [row.id]);
    const from = last?.last && last.last > row.disbursed_on! ? last.last : row.disbursed_on!;
    if (paidOn < from) invalid('还款日期早于上一笔还款', 'repayment dated before the previous one');
    const outstanding = BigInt(row.amount_fen) - BigInt(row.principal_repaid_fen);
    const fee = accruedFee(outstanding, row.fee_rate_bp, from, paidOn);
    const alloc = allocateRepayment({ amountFen: input.amount, outstandingPrincipalFen: outstanding, accruedFeeFen: fee });
    const ref = bankRefFor('IN', input, input.idempotencyKey);
    await bankRefUnused(em, ref);
    const repaymentId = await em.insert(REPAYMENT.entity, {
      loanId: row.id,
      cooperativeId: row.cooperative_id,
      memberId: row.member_id,
      paidOn,
      principalFen: alloc.principalFen,
      feeFen: alloc.feeFen,
      channel: input.channel,
      bankRef: ref,
    });
    await em.insert(BANK_TRANSFER.entity, {
      cooperativeId: row.cooperative_id,
      loanId: row.id,
      memberId: row.member_id,
      direction: 'IN',
      amountFen: input.amount,
      channel: input.channel,
      accountMasked: null,
      bankRef: ref,
      executedOn: paidOn,
    });
    await post(em, {
      cooperativeId: row.cooperative_id,
      kind: 'REPAYMENT',
      occurredOn: paidOn,
      memo: `收回借款 / Repayment received`,
      refType: 'loan',
      refId: String(row.id),
      eventRef: `repayment:${repaymentId}`,
      postedBy: ctx.caller!.sub,
      lines: repayment(alloc.principalFen, splitFee(alloc.feeFen, coop.policy), input.channel),
    });
    await em.execute(
      `update loan set principal_repaid_fen = principal_repaid_fen + ?, fee_paid_fen = fee_paid_fen + ?,
              status = case when ? then 'CLOSED' else status end, closed_on = case when ? then ?::date else closed_on end
        where id = ?`,
      [alloc.principalFen.toString(), alloc.feeFen.toString(), alloc.closes, alloc.closes, paidOn, row.id],
    );
    await audit(em, ctx, 'recordRepayment', 'loan', row.id, { principalRepaid: row.principal_repaid_fen }, {
      amount: input.amount.toString(),
      principal: alloc.principalFen.toString(),
      fee: alloc.feeFen.toString(),
      closes: alloc.closes,
    });
    return String(repaymentId);
  });
  const [r] = await ctx.read<{ id: string; loan_id: number; paid_on: string; principal_fen: string; fee_fen: string; channel: string; bank_ref: string | null }[]>(
    `select id::text, loan_id, to_char(paid_on,'YYYY-MM-DD') paid_on, principal_fen, fee_fen, channel, bank_ref from repayment where id = ?`,
    [id],
  );
  return { id: r!.id, loanId: String(r!.loan_id), paidOn: r!.paid_on, principal: BigInt(r!.principal_fen), fee: BigInt(r!.fee_fen), channel: r!.channel as Repayment['channel'], bankRef: r!.bank_ref };
}

export async function writeOffLoan(ctx: Ctx, input: WriteOffLoanInput): Promise<Loan> {
  const on = parseDay(input.on);
  const pre = await loadLoanFresh(ctx, input.loanId);
  if (!pre) fail('NOT_FOUND', { loanId: input.loanId });
  const id = await once(ctx, input.idempotencyKey, 'writeOffLoan', input, async (em) => {
    const balances = await lockFund(em, Number(pre.cooperative.id));
    const row = await loanForWrite(em, ctx, input.loanId);
    transition(row.status, 'WRITE_OFF', { needsCountyApproval: row.needs_county_approval, requestedBy: row.requested_by, actor: ctx.caller!.sub });
    const inst = await em.execute<{ seq: number; due_on: string; principal_fen: string; fee_fen: string }[]>(
      `select seq, to_char(due_on,'YYYY-MM-DD') due_on, principal_fen, fee_fen from loan_instalment where loan_id = ? order by seq`,
      [row.id],
    );
    const status = overdueStatus(
      inst.map((i) => ({ seq: i.seq, dueOn: i.due_on, principalFen: BigInt(i.principal_fen), feeFen: BigInt(i.fee_fen) })),
      BigInt(row.principal_repaid_fen),
      on,
    );
    const outstanding = outstandingNow({ status: row.status, amountFen: BigInt(row.amount_fen), principalRepaidFen: BigInt(row.principal_repaid_fen), writtenOffFen: BigInt(row.written_off_fen) });
    const riskReserve = -(balances.RISK_RESERVE ?? 0n);
    checkWriteOff({ daysOverdue: status.daysOverdue, outstandingFen: outstanding, riskReserveFen: riskReserve });
    await post(em, {
      cooperativeId: row.cooperative_id,
      kind: 'WRITE_OFF',
      occurredOn: on,
      memo: `核销呆账 / Bad loan written off against the risk reserve`,
      refType: 'loan',
      refId: String(row.id),
      eventRef: `write-off:${row.id}`,
      postedBy: ctx.caller!.sub,
      lines: writeOff(outstanding),
    });
    await em.execute(`update loan set status = 'WRITTEN_OFF', written_off_on = ?, written_off_fen = ? where id = ?`, [on, outstanding.toString(), row.id]);
    await audit(em, ctx, 'writeOffLoan', 'loan', row.id, { status: row.status }, { status: 'WRITTEN_OFF', amount: outstanding.toString(), on });
    return String(row.id);
  });
  return (await loadLoanFresh(ctx, id))!;
}

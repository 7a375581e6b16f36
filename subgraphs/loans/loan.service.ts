import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import { groupInKeyOrder, inKeyOrder } from '../lib/context';
import { intArray } from '../lib/db';
import { parseDay } from '../lib/dates';
import { fail, invalid } from './codes';
import { maskAccount, maskName } from '../lib/mask';
import { canRead, isHousehold, readScope, requireWrite } from '../lib/scope';
import { audit, once } from '../lib/tx';
import { pageOf, toConnection, type PageArgs } from '../lib/connection';
import {
  accruedFee,
  allocateRepayment,
  buildSchedule,
  checkApplication,
  checkDisbursement,
  checkIncomingChannel,
  checkWriteOff,
  firstUnpaidDueSql,
  openLoanSql,
  outstandingNow,
  outstandingNowSql,
  overdueStatus,
  transition,
  type Instalment as RuleInstalment,
  type LoanAction,
  type LoanStatus,
} from './loan.rules';
import { checkPurpose, LOAN_PURPOSES, type LoanPurpose } from './purpose.rules';
import { disbursement, fundTotal, repayment, splitFee, writeOff, capitalInjection } from './ledger.rules';
import { BankTransferEntity, LoanEntity, LoanInstalmentEntity, RepaymentEntity } from './loan.entity';
import { ensureFund, lockFund, post } from './ledger.service';
import { borrowerFacts, cooperativeFacts } from './members.client';
import type { ApplyForLoanInput, DisburseLoanInput, InjectCapitalInput, LoanStepInput, RecordRepaymentInput, WriteOffLoanInput } from './loan.inputs';
import type { BankTransfer, Instalment, Loan, Repayment } from './loan.type';

/** Columns read for a Loan (plain rows, no entity hydration). */
const LOAN_COLUMNS = `l.id, l.cooperative_id, l.county_id, l.township_id, l.member_id, l.borrower_name, l.amount_fen, l.fee_rate_bp,
  l.term_months, l.repayment_mode, l.purpose, l.purpose_note, l.status, l.is_first_loan, l.is_shuangdao, l.needs_county_approval, l.requested_by,
  l.approved_by, l.county_approved_by, l.principal_repaid_fen, l.fee_paid_fen, l.written_off_fen,
  to_char(l.applied_on,'YYYY-MM-DD') applied_on, to_char(l.endorsed_on,'YYYY-MM-DD') endorsed_on, to_char(l.approved_on,'YYYY-MM-DD') approved_on,
  to_char(l.county_approved_on,'YYYY-MM-DD') county_approved_on, to_char(l.published_on,'YYYY-MM-DD') published_on,
  to_char(l.contracted_on,'YYYY-MM-DD') contracted_on, to_char(l.disbursed_on,'YYYY-MM-DD') disbursed_on, to_char(l.due_on,'YYYY-MM-DD') due_on,
  to_char(l.closed_on,'YYYY-MM-DD') closed_on, to_char(l.written_off_on,'YYYY-MM-DD') written_off_on`;

export interface LoanRow {
  id: number;
  cooperative_id: number;
  county_id: number;
  township_id: number;
  member_id: number;
  borrower_name: string;
  amount_fen: string;
  fee_rate_bp: number;
  term_months: number;
  repayment_mode: string;
  purpose: LoanPurpose;
  purpose_note: string | null;
  status: LoanStatus;
  is_first_loan: boolean;
  is_shuangdao: boolean;
  needs_county_approval: boolean;
  requested_by: string;
  approved_by: string | null;
  county_approved_by: string | null;
  principal_repaid_fen: string;
  fee_paid_fen: string;
  written_off_fen: string;
  applied_on: string;
  endorsed_on: string | null;
  approved_on: string | null;
  county_approved_on: string | null;
  published_on: string | null;
  contracted_on: string | null;
  disbursed_on: string | null;
  due_on: string | null;
  closed_on: string | null;
  written_off_on: string | null;
}

export function toLoan(r: LoanRow): Loan {
  const amount = BigInt(r.amount_fen);
  const repaid = BigInt(r.principal_repaid_fen);
  const writtenOff = BigInt(r.written_off_fen);
  return {
    id: String(r.id),
    cooperative: { id: String(r.cooperative_id) },
    member: { id: String(r.member_id) },
    borrowerName: r.borrower_name,
    borrowerNameMasked: maskName(r.borrower_name),
    amount,
    feeRateBp: r.fee_rate_bp,
    termMonths: r.term_months,
    repaymentMode: r.repayment_mode as Loan['repaymentMode'],
    purpose: r.purpose,
    purposeNote: r.purpose_note,
    status: r.status as Loan['status'],
    isFirstLoan: r.is_first_loan,
    isShuangdao: r.is_shuangdao,
    needsCountyApproval: r.needs_county_approval,
    requestedBy: r.requested_by,
    approvedBy: r.approved_by,
    countyApprovedBy: r.county_approved_by,
    appliedOn: r.applied_on,
    endorsedOn: r.endorsed_on,
    approvedOn: r.approved_on,
    countyApprovedOn: r.county_approved_on,
    publishedOn: r.published_on,
    contractedOn: r.contracted_on,
    disbursedOn: r.disbursed_on,
    dueOn: r.due_on,
    closedOn: r.closed_on,
    writtenOffOn: r.written_off_on,
    principalRepaid: repaid,
    feePaid: BigInt(r.fee_paid_fen),
    writtenOff,
    outstanding: outstandingNow({ status: r.status, amountFen: amount, principalRepaidFen: repaid, writtenOffFen: writtenOff }),
  };
}

const LOAN_SCOPE = { county: 'l.county_id', township: 'l.township_id', cooperative: 'l.cooperative_id', member: 'l.member_id' };

/** Loans by id, scoped in the SQL; one statement per batch (also serves __resolveReference). */
export function loanLoader(ctx: Ctx) {
  return ctx.loaders.get<string, Loan | null>('loanById', async (ids) => {
    const scope = readScope(ctx.caller, LOAN_SCOPE);
    const rows = await ctx.em.execute<LoanRow[]>(
      `select ${LOAN_COLUMNS} from loan l where l.id = any(?::int[]) and ${scope.sql}`,
      [intArray(ids.filter((i) => /^\d{1,9}$/.test(i))), ...scope.params],
    );
    return inKeyOrder(ids, rows, (r) => r.id).map((r) => (r ? toLoan(r) : null));
  });
}

/** What Member.loans brings along in its statement, because the operation asks for it below the loans. */
export interface LoanIncludes {
  repayments?: boolean;
  instalments?: boolean;
}

const REPAYMENT_COLUMNS = `id::text, loan_id, to_char(paid_on,'YYYY-MM-DD') paid_on, principal_fen::text, fee_fen::text, channel, bank_ref`;
const INSTALMENT_COLUMNS = `loan_id, seq, to_char(due_on,'YYYY-MM-DD') due_on, principal_fen::text, fee_fen::text`;

interface RepaymentRow { id: string; loan_id: number; paid_on: string; principal_fen: string; fee_fen: string; channel: string; bank_ref: string | null }
interface InstalmentRow { loan_id: number; seq: number; due_on: string; principal_fen: string; fee_fen: string }

const toRepayment = (r: RepaymentRow): Repayment => ({
  id: r.id, loanId: String(r.loan_id), paidOn: r.paid_on, principal: BigInt(r.principal_fen), fee: BigInt(r.fee_fen),
  channel: r.channel as Repayment['channel'], bankRef: r.bank_ref,
});
const toInstalment = (r: InstalmentRow): Instalment => ({ seq: r.seq, dueOn: r.due_on, principal: BigInt(r.principal_fen), fee: BigInt(r.fee_fen) });

/** A correlated sub-select: the rows of `table` of loan `l`, as a JSON array in `order`. */
const rowsOfLoan = (columns: string, table: string, order: string, as: string) =>
  `(select coalesce(json_agg(x order by ${order}), '[]') from (select ${columns} from ${table} where loan_id = l.id) x) ${as}`;

/**
 * Member.loans: every loan of each requested member, one statement per batch. With `inc`, the
 * loans' repayments and/or instalments come in the same statement (a member detail page asks for
 * them for every loan) and prime `repaymentLoader` / `instalmentLoader`: one round trip, not two.
 */
export function memberLoansLoader(ctx: Ctx, inc: LoanIncludes = {}) {
  return ctx.loaders.get<string, Loan[]>(`loansByMember:${inc.repayments ? 'r' : ''}${inc.instalments ? 'i' : ''}`, async (memberIds) => {
    const scope = readScope(ctx.caller, LOAN_SCOPE);
    const extra = [
      ...(inc.repayments ? [rowsOfLoan(REPAYMENT_COLUMNS, 'repayment', 'x.id::bigint', 'repayments')] : []),
      ...(inc.instalments ? [rowsOfLoan(INSTALMENT_COLUMNS, 'loan_instalment', 'x.seq', 'instalments')] : []),
    ];
    const rows = await ctx.em.execute<(LoanRow & { repayments?: RepaymentRow[]; instalments?: InstalmentRow[] })[]>(
      `select ${[LOAN_COLUMNS, ...extra].join(', ')} from loan l where l.member_id = any(?::int[]) and ${scope.sql} order by l.id`,
      [intArray(memberIds), ...scope.params],
    );
    for (const r of rows) {
      if (r.repayments) repaymentLoader(ctx).prime(String(r.id), r.repayments.map(toRepayment));
      if (r.instalments) instalmentLoader(ctx).prime(String(r.id), r.instalments.map(toInstalment));
    }
    return groupInKeyOrder(memberIds, rows, (r) => r.member_id).map((g) => g.map(toLoan));
  });
}

export function instalmentLoader(ctx: Ctx) {
  return ctx.loaders.get<string, Instalment[]>('instalments', async (loanIds) => {
    const rows = await ctx.em.execute<InstalmentRow[]>(
      `select ${INSTALMENT_COLUMNS} from loan_instalment where loan_id = any(?::int[]) order by loan_id, seq`,
      [intArray(loanIds)],
    );
    return groupInKeyOrder(loanIds, rows, (r) => r.loan_id).map((g) => g.map(toInstalment));
  });
}

export function repaymentLoader(ctx: Ctx) {
  return ctx.loaders.get<string, Repayment[]>('repayments', async (loanIds) => {
    const rows = await ctx.em.execute<RepaymentRow[]>(
      `select ${REPAYMENT_COLUMNS} from repayment where loan_id = any(?::int[]) order by repayment.id`,
      [intArray(loanIds)],
    );
    return groupInKeyOrder(loanIds, rows, (r) => r.loan_id).map((g) => g.map(toRepayment));
  });
}

export function transferLoader(ctx: Ctx) {
  return ctx.loaders.get<string, BankTransfer[]>('transfers', async (loanIds) => {
    const rows = await ctx.em.execute<{ id: string; loan_id: number; direction: string; amount_fen: string; channel: string; account_masked: string | null; bank_ref: string; executed_on: string }[]>(
      `select id::text, loan_id, direction, amount_fen, channel, account_masked, bank_ref, to_char(executed_on,'YYYY-MM-DD') executed_on from bank_transfer where loan_id = any(?::int[]) order by bank_transfer.id`,
      [intArray(loanIds)],
    );
    return groupInKeyOrder(loanIds, rows, (r) => r.loan_id).map((g) =>
      g.map((r) => ({ id: r.id, direction: r.direction, amount: BigInt(r.amount_fen), channel: r.channel as BankTransfer['channel'], accountMasked: r.account_masked, bankRef: r.bank_ref, executedOn: r.executed_on })),
    );
  });
}

export async function daysOverdue(ctx: Ctx, loan: Loan, asOf: string): Promise<number> {
  if (loan.status !== 'DISBURSED') return 0;
  const inst = await instalmentLoader(ctx).load(loan.id);
  return overdueStatus(toRuleInstalments(inst), loan.principalRepaid, parseDay(asOf)).daysOverdue;
}

const toRuleInstalments = (xs: Instalment[]): RuleInstalment[] => xs.map((i) => ({ seq: i.seq, dueOn: i.dueOn, principalFen: i.principal, feeFen: i.fee }));

export async function loanPage(ctx: Ctx, filter: { cooperativeId?: string; status?: string }, args: PageArgs) {
  const page = pageOf(args);
  const scope = readScope(ctx.caller, LOAN_SCOPE);
  const where = [scope.sql];
  const params: unknown[] = [...scope.params];
  if (filter.cooperativeId) {
    where.push('l.cooperative_id = ?');
    params.push(Number(filter.cooperativeId));
  }
  if (filter.status) {
    where.push('l.status = ?');
    params.push(filter.status);
  }
  const base = where.join(' and ');
  const rows = await ctx.em.execute<LoanRow[]>(
    `select ${LOAN_COLUMNS} from loan l where ${base} ${page.afterId ? 'and l.id > ?' : ''} order by l.id limit ?`,
    [...params, ...(page.afterId ? [Number(page.afterId)] : []), page.limit + 1],
  );
  const [{ n }] = await ctx.em.execute<{ n: number }[]>(`select count(*)::int n from loan l where ${base}`, params);
  return toConnection(rows.map(toLoan), page, n ?? 0);
}

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
    const loanId = await em.insert(LoanEntity, {
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
  const [row] = await ctx.em.execute<LoanRow[]>(`select ${LOAN_COLUMNS} from loan l where l.id = ?`, [Number(id)]);
  return row ? toLoan(row) : null;
}

/** Board / county / bookkeeper steps that move no money. */
export async function stepLoan(ctx: Ctx, action: keyof typeof STEP_DATE, input: LoanStepInput): Promise<Loan> {
  const on = parseDay(input.on);
  const id = await ctx.em.transactional(async (tx) => {
    const em = tx as EntityManager;
    const row = await loanForWrite(em, ctx, input.loanId);
    const actor = ctx.caller!.sub;
    const next = transition(row.status, action, { needsCountyApproval: row.needs_county_approval, requestedBy: row.requested_by, actor });
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
  const coop = await cooperativeFacts(ctx, Number(pre.cooperative.id));
  if (!coop) fail('NOT_FOUND', { cooperativeId: pre.cooperative.id });
  const id = await once(ctx, input.idempotencyKey, 'disburseLoan', input, async (em) => {
    const balances = await lockFund(em, Number(pre.cooperative.id));
    const row = await loanForWrite(em, ctx, input.loanId);
    const [card] = await em.execute<{ card_account: string | null }[]>(`select card_account from loan where id = ?`, [row.id]);
    transition(row.status, 'DISBURSE', { needsCountyApproval: row.needs_county_approval, requestedBy: row.requested_by, actor: ctx.caller!.sub });
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
    await em.insertMany(LoanInstalmentEntity, schedule.map((i) => ({ loanId: row.id, seq: i.seq, dueOn: i.dueOn, principalFen: i.principalFen, feeFen: i.feeFen })));
    await em.insert(BankTransferEntity, {
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
    const [last] = await em.execute<{ last: string | null }[]>(`select to_char(max(paid_on),'YYYY-MM-DD') last from repayment where loan_id = ?`, [row.id]);
    const from = last?.last && last.last > row.disbursed_on! ? last.last : row.disbursed_on!;
    if (paidOn < from) invalid('还款日期早于上一笔还款', 'repayment dated before the previous one');
    const outstanding = BigInt(row.amount_fen) - BigInt(row.principal_repaid_fen);
    const fee = accruedFee(outstanding, row.fee_rate_bp, from, paidOn);
    const alloc = allocateRepayment({ amountFen: input.amount, outstandingPrincipalFen: outstanding, accruedFeeFen: fee });
    const ref = bankRefFor('IN', input, input.idempotencyKey);
    await bankRefUnused(em, ref);
    const repaymentId = await em.insert(RepaymentEntity, {
      loanId: row.id,
      cooperativeId: row.cooperative_id,
      memberId: row.member_id,
      paidOn,
      principalFen: alloc.principalFen,
      feeFen: alloc.feeFen,
      channel: input.channel,
      bankRef: ref,
    });
    await em.insert(BankTransferEntity, {
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
  const [r] = await ctx.em.execute<{ id: string; loan_id: number; paid_on: string; principal_fen: string; fee_fen: string; channel: string; bank_ref: string | null }[]>(
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
      lines: writeOff(outstanding),
    });
    await em.execute(`update loan set status = 'WRITTEN_OFF', written_off_on = ?, written_off_fen = ? where id = ?`, [on, outstanding.toString(), row.id]);
    await audit(em, ctx, 'writeOffLoan', 'loan', row.id, { status: row.status }, { status: 'WRITTEN_OFF', amount: outstanding.toString(), on });
    return String(row.id);
  });
  return (await loadLoanFresh(ctx, id))!;
}

export async function injectCapital(ctx: Ctx, input: InjectCapitalInput): Promise<string> {
  const on = parseDay(input.on);
  if (input.amount <= 0n) invalid('金额必须大于零', 'amount must be positive');
  if (!/^\d{1,9}$/.test(input.cooperativeId)) fail('NOT_FOUND', { cooperativeId: input.cooperativeId });
  const coop = await cooperativeFacts(ctx, Number(input.cooperativeId));
  if (!coop) fail('NOT_FOUND', { cooperativeId: input.cooperativeId });
  const loc = { cooperativeId: coop.cooperativeId, countyId: coop.countyId, townshipId: coop.townshipId };
  requireWrite(ctx, loc);
  if (coop.status === 'EXITED') fail('COOPERATIVE_EXITED');
  return once(ctx, input.idempotencyKey, 'injectCapital', input, async (em) => {
    await ensureFund(em, loc);
    await lockFund(em, loc.cooperativeId);
    const txn = await post(em, {
      cooperativeId: loc.cooperativeId,
      kind: 'CAPITAL',
      occurredOn: on,
      memo: input.source === 'DONATION' ? '社会捐赠 / Donation' : '财政扶贫资金注入 / Government capital',
      refType: 'capital',
      refId: input.idempotencyKey,
      lines: capitalInjection(input.amount, input.source),
    });
    await audit(em, ctx, 'injectCapital', 'fund', loc.cooperativeId, null, { amount: input.amount.toString(), source: input.source, on, txn });
    return txn;
  });
}

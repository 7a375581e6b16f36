/**
 * Reading loans: the row and its mapping, the per-request loaders (by id, by member, instalments,
 * repayments, transfers) and the scoped page; the writes are in loan.service.ts.
 */
import type { Ctx } from '../lib/context';
import { groupInKeyOrder, inKeyOrder } from '../lib/context';
import { intArray } from '../lib/db';
import { parseDay } from '../lib/dates';
import { maskName } from '../lib/mask';
import { readScope } from '../lib/scope';
import { pageOf, toConnection, type PageArgs } from '../lib/connection';
import { outstandingNow, overdueStatus, type Instalment as RuleInstalment, type LoanStatus } from './loan.rules';
import { type LoanPurpose } from './purpose.rules';
import type { BankTransfer, Instalment, Loan, Repayment } from './loan.type';
import { LOAN, LOAN_INSTALMENT, REPAYMENT } from './loan.entity';
import { selectList, type RowOf } from '../lib/table';

/** The columns a Loan is read from (not the card account or guarantee: the Loan type has neither). */
const LOAN_READ = [
  'id', 'cooperative_id', 'county_id', 'township_id', 'member_id', 'borrower_name', 'amount_fen', 'fee_rate_bp', 'term_months', 'repayment_mode',
  'purpose', 'purpose_note', 'status', 'is_first_loan', 'is_shuangdao', 'needs_county_approval', 'requested_by', 'approved_by', 'county_approved_by',
  'principal_repaid_fen', 'fee_paid_fen', 'written_off_fen', 'applied_on', 'endorsed_on', 'approved_on', 'county_approved_on', 'published_on',
  'contracted_on', 'disbursed_on', 'due_on', 'closed_on', 'written_off_on',
] as const satisfies readonly (keyof typeof LOAN.columns)[];
export const LOAN_COLUMNS = selectList(LOAN, 'l', LOAN_READ);
export type LoanRow = Pick<RowOf<typeof LOAN>, (typeof LOAN_READ)[number]>;

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
    const rows = await ctx.read<LoanRow[]>(
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

const REPAYMENT_READ = ['id', 'loan_id', 'paid_on', 'principal_fen', 'fee_fen', 'channel', 'bank_ref', 'reversed_on'] as const satisfies readonly (keyof typeof REPAYMENT.columns)[];
const INSTALMENT_READ = ['loan_id', 'seq', 'due_on', 'principal_fen', 'fee_fen'] as const satisfies readonly (keyof typeof LOAN_INSTALMENT.columns)[];
// unaliased: they are also read inside a correlated sub-select (rowsOfLoan)
const REPAYMENT_COLUMNS = selectList(REPAYMENT, 'repayment', REPAYMENT_READ);
const INSTALMENT_COLUMNS = selectList(LOAN_INSTALMENT, 'loan_instalment', INSTALMENT_READ);
type RepaymentRow = Pick<RowOf<typeof REPAYMENT>, (typeof REPAYMENT_READ)[number]>;
type InstalmentRow = Pick<RowOf<typeof LOAN_INSTALMENT>, (typeof INSTALMENT_READ)[number]>;

const toRepayment = (r: RepaymentRow): Repayment => ({
  id: r.id, loanId: String(r.loan_id), paidOn: r.paid_on, principal: BigInt(r.principal_fen), fee: BigInt(r.fee_fen),
  channel: r.channel as Repayment['channel'], bankRef: r.bank_ref, reversedOn: r.reversed_on,
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
    const rows = await ctx.read<(LoanRow & { repayments?: RepaymentRow[]; instalments?: InstalmentRow[] })[]>(
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
    const rows = await ctx.read<InstalmentRow[]>(
      `select ${INSTALMENT_COLUMNS} from loan_instalment where loan_id = any(?::int[]) order by loan_id, seq`,
      [intArray(loanIds)],
    );
    return groupInKeyOrder(loanIds, rows, (r) => r.loan_id).map((g) => g.map(toInstalment));
  });
}

export function repaymentLoader(ctx: Ctx) {
  return ctx.loaders.get<string, Repayment[]>('repayments', async (loanIds) => {
    const rows = await ctx.read<RepaymentRow[]>(
      `select ${REPAYMENT_COLUMNS} from repayment where loan_id = any(?::int[]) order by repayment.id`,
      [intArray(loanIds)],
    );
    return groupInKeyOrder(loanIds, rows, (r) => r.loan_id).map((g) => g.map(toRepayment));
  });
}

export function transferLoader(ctx: Ctx) {
  return ctx.loaders.get<string, BankTransfer[]>('transfers', async (loanIds) => {
    const rows = await ctx.read<{ id: string; loan_id: number; direction: string; amount_fen: string; channel: string; account_masked: string | null; bank_ref: string; executed_on: string }[]>(
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
  const rows = await ctx.read<LoanRow[]>(
    `select ${LOAN_COLUMNS} from loan l where ${base} ${page.afterId ? 'and l.id > ?' : ''} order by l.id limit ?`,
    [...params, ...(page.afterId ? [Number(page.afterId)] : []), page.limit + 1],
  );
  const [{ n }] = await ctx.read<{ n: number }[]>(`select count(*)::int n from loan l where ${base}`, params);
  return toConnection(rows.map(toLoan), page, n ?? 0);
}

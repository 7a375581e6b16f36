import type { Ctx } from '../lib/context';
import { inKeyOrder } from '../lib/context';
import { intArray } from '../lib/db';
import { addDays, parseDay } from '../lib/dates';
import { readScope } from '../lib/scope';
import { portfolioRatios } from './loan.rules';
import type { Portfolio } from './ledger.type';

interface PortfolioRow {
  cooperative_id: number;
  active_loans: number;
  borrowers: number;
  outstanding: string;
  overdue_loans: number;
  overdue_outstanding: string;
  par30_outstanding: string;
  principal_due: string;
  repaid_on_due: string;
  loans_disbursed: number;
  amount_disbursed: string;
}

/**
 * Portfolio figures as of a date for many cooperatives in two statements (loans, ledger),
 * whatever their number. A loan is overdue when principal that fell due before `asOf` is
 * unpaid at `asOf`; PAR30 counts loans whose earliest unpaid instalment is more than 30 days late.
 */
async function portfolios(ctx: Ctx, asOf: string, coopIds: readonly number[]): Promise<Map<number, Portfolio>> {
  const scope = readScope(ctx.caller, { county: 'f.county_id', township: 'f.township_id', cooperative: 'f.cooperative_id' });
  const visible = await ctx.em.execute<{ cooperative_id: number; bank: string; loans: string }[]>(
    `select f.cooperative_id,
            coalesce(sum(l.amount_fen) filter (where l.account in ('BANK','CASH')), 0) bank,
            coalesce(sum(l.amount_fen) filter (where l.account = 'LOANS_RECEIVABLE'), 0) loans
       from fund f
       left join ledger_txn t on t.cooperative_id = f.cooperative_id and t.occurred_on <= ?
       left join ledger_line l on l.txn_id = t.id and l.account in ('BANK','CASH','LOANS_RECEIVABLE')
      where f.cooperative_id = any(?::int[]) and ${scope.sql}
      group by f.cooperative_id`,
    [asOf, intArray(coopIds), ...scope.params],
  );
  const out = new Map<number, Portfolio>();
  if (visible.length === 0) return out;
  const ids = visible.map((v) => v.cooperative_id);
  const par30Before = addDays(asOf, -30);
  const rows = await ctx.em.execute<PortfolioRow[]>(
    `with l as (
        select id, cooperative_id, member_id, amount_fen, written_off_on
          from loan where cooperative_id = any(?::int[]) and disbursed_on is not null and disbursed_on <= ?),
      paid as (
        select r.loan_id, sum(r.principal_fen) p from repayment r
         where r.cooperative_id = any(?::int[]) and r.paid_on <= ? group by r.loan_id),
      per as (
        select l.id, l.cooperative_id, l.member_id, l.amount_fen, coalesce(p.p, 0) repaid,
               case when l.written_off_on is not null and l.written_off_on <= ? then 0 else l.amount_fen - coalesce(p.p, 0) end outstanding
          from l left join paid p on p.loan_id = l.id),
      inst as (
        select i.loan_id, i.due_on, sum(i.principal_fen) over (partition by i.loan_id order by i.seq) cum
          from loan_instalment i join l on l.id = i.loan_id where i.due_on < ?),
      due as (
        select inst.loan_id, max(inst.cum) due, min(inst.due_on) filter (where inst.cum > per.repaid) first_unpaid
          from inst join per on per.id = inst.loan_id group by inst.loan_id)
     select per.cooperative_id,
            count(*) filter (where outstanding > 0)::int active_loans,
            count(distinct member_id) filter (where outstanding > 0)::int borrowers,
            coalesce(sum(outstanding), 0) outstanding,
            count(*) filter (where outstanding > 0 and first_unpaid is not null)::int overdue_loans,
            coalesce(sum(outstanding) filter (where first_unpaid is not null), 0) overdue_outstanding,
            coalesce(sum(outstanding) filter (where first_unpaid < ?), 0) par30_outstanding,
            coalesce(sum(due.due), 0) principal_due,
            coalesce(sum(least(repaid, coalesce(due.due, 0))), 0) repaid_on_due,
            count(*)::int loans_disbursed,
            coalesce(sum(amount_fen), 0) amount_disbursed
       from per left join due on due.loan_id = per.id group by per.cooperative_id`,
    [intArray(ids), asOf, intArray(ids), asOf, asOf, asOf, par30Before],
  );
  const byId = new Map(rows.map((r) => [r.cooperative_id, r]));
  for (const v of visible) {
    const r = byId.get(v.cooperative_id);
    const outstanding = BigInt(r?.outstanding ?? 0);
    const par30 = BigInt(r?.par30_outstanding ?? 0);
    const principalDue = BigInt(r?.principal_due ?? 0);
    const repaidOnDue = BigInt(r?.repaid_on_due ?? 0);
    const lendable = BigInt(v.bank) + BigInt(v.loans);
    const ratios = portfolioRatios({ principalDueFen: principalDue, repaidOnDueFen: repaidOnDue, outstandingFen: outstanding, par30OutstandingFen: par30, lendableFundFen: lendable });
    out.set(v.cooperative_id, {
      asOf,
      outstanding,
      activeLoans: r?.active_loans ?? 0,
      borrowers: r?.borrowers ?? 0,
      overdueLoans: r?.overdue_loans ?? 0,
      overdueOutstanding: BigInt(r?.overdue_outstanding ?? 0),
      par30Outstanding: par30,
      principalDue,
      repaidOnDue,
      lendableFund: lendable,
      loansDisbursed: r?.loans_disbursed ?? 0,
      amountDisbursed: BigInt(r?.amount_disbursed ?? 0),
      ...ratios,
    });
  }
  return out;
}

/** Cooperative.portfolio(asOf): batched per (asOf) across all cooperatives of the request. */
export function portfolioLoader(ctx: Ctx, asOfRaw: string) {
  const asOf = parseDay(asOfRaw);
  return ctx.loaders.get<string, Portfolio | null>(`portfolio:${asOf}`, async (ids) => {
    const map = await portfolios(ctx, asOf, ids.map(Number));
    return ids.map((id) => map.get(Number(id)) ?? null);
  });
}

/** Member.outstanding: current principal outstanding per member, one statement per batch. */
export function memberOutstandingLoader(ctx: Ctx) {
  return ctx.loaders.get<string, bigint>('memberOutstanding', async (memberIds) => {
    const scope = readScope(ctx.caller, { county: 'l.county_id', township: 'l.township_id', cooperative: 'l.cooperative_id', member: 'l.member_id' });
    const rows = await ctx.em.execute<{ member_id: number; outstanding: string }[]>(
      `select l.member_id, sum(l.amount_fen - l.principal_repaid_fen - l.written_off_fen) outstanding
         from loan l where l.member_id = any(?::int[]) and l.status = 'DISBURSED' and ${scope.sql} group by l.member_id`,
      [intArray(memberIds), ...scope.params],
    );
    return inKeyOrder(memberIds, rows, (r) => r.member_id).map((r) => BigInt(r?.outstanding ?? 0));
  });
}

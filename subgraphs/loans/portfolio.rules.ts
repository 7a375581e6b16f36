/**
 * The portfolio figures of cooperatives as SQL, composed from the terms of loan.rules and
 * ledger.rules (pure: text only). The loans subgraph runs it for missing snapshots; the bench floor
 * runs the same text, so both compute one definition.
 */
import { atRiskSql, instalmentsDueSql, outstandingAsOfSql, overdueAsOfSql, repaidByAsOfSql, standingRepaymentSql } from './loan.rules';
import { FUND_TOTAL_ACCOUNTS, fundTotalSql } from './ledger.rules';
import { addDays, daysBetween, type Day } from '../lib/dates';

/** The figures stored per cooperative and date (portfolio_snapshot columns besides the key). */
export const FIGURE_COLUMNS = [
  'outstanding', 'active_loans', 'borrowers', 'overdue_loans', 'overdue_outstanding', 'par_outstanding',
  'principal_due', 'repaid_on_due', 'lendable_fund', 'loans_disbursed', 'amount_disbursed',
] as const;

/** SQL: the region's PAR days (one row, read inside the statement that needs it: no extra round trip). */
export const PAR_DAYS_SQL = `(select par_days from region_policy)`;

/**
 * SQL of every figure of the cooperatives `$ids` as of `$asOf` with PAR over `$parDays` (expressions
 * the caller binds), from the loans, instalments, repayments and ledger, one row per cooperative that
 * has loans or ledger lines by then. Each term is loan.rules' and ledger.rules' fragment: outstanding
 * at a date, the instalments due, overdue, PAR-N, the fund total. The bench floor runs the same text.
 */
export function figuresSql(p: { ids: string; asOf: string; parDays: string }): string {
  const repaid = 'coalesce(pd.p, 0)';
  return `with l as (
        select id, cooperative_id, member_id, amount_fen, disbursed_on, written_off_on
          from loan where cooperative_id = any(${p.ids}::int[]) and disbursed_on is not null and disbursed_on <= ${p.asOf}),
      -- repayments and instalments are found by loan id through their loan indexes: a
      -- cooperative whose snapshot went stale after one repayment costs ~20 ms, not two
      -- sequential scans of millions of rows (~0.4 s); 50 cooperatives at a time stay faster too
      ids as (select coalesce(array_agg(id), '{}') a from l),
      paid as (
        select r.loan_id, sum(r.principal_fen) p from repayment r
         where r.loan_id = any((select a from ids)::int[]) and r.paid_on <= ${p.asOf} and ${standingRepaymentSql('r')} group by r.loan_id),
      per as (
        select l.id, l.cooperative_id, l.member_id, l.amount_fen, ${repaid} repaid,
               ${outstandingAsOfSql('l', repaid, p.asOf)} outstanding, d.principal_due, d.first_unpaid
          from l left join paid pd on pd.loan_id = l.id
          left join lateral (${instalmentsDueSql('l.id', repaid, p.asOf)}) d on true),
      lend as (
        select t.cooperative_id, ${fundTotalSql({ account: 'll.account', amount: 'll.amount_fen' })} lendable
          -- only the fund total's lines are joined (the fragment filters them again)
          from ledger_txn t join ledger_line ll on ll.txn_id = t.id and ll.account in (${FUND_TOTAL_ACCOUNTS.map((a) => `'${a}'`).join(', ')})
         where t.cooperative_id = any(${p.ids}::int[]) and t.occurred_on <= ${p.asOf}
         group by t.cooperative_id),
      fig as (
        select per.cooperative_id,
               count(*) filter (where outstanding > 0)::int active_loans,
               count(distinct member_id) filter (where outstanding > 0)::int borrowers,
               coalesce(sum(outstanding), 0) outstanding,
               count(*) filter (where ${overdueAsOfSql('outstanding', 'first_unpaid')})::int overdue_loans,
               coalesce(sum(outstanding) filter (where ${overdueAsOfSql('outstanding', 'first_unpaid')}), 0) overdue_outstanding,
               coalesce(sum(outstanding) filter (where ${overdueAsOfSql('outstanding', 'first_unpaid')}
                                                   and ${atRiskSql('first_unpaid', p.asOf, p.parDays)}), 0) par_outstanding,
               coalesce(sum(principal_due), 0) principal_due,
               coalesce(sum(least(repaid, principal_due)), 0) repaid_on_due,
               count(*)::int loans_disbursed,
               coalesce(sum(amount_fen), 0) amount_disbursed
          from per group by per.cooperative_id)
     select coalesce(fig.cooperative_id, lend.cooperative_id) cooperative_id, ${FIGURE_COLUMNS.filter((c) => c !== 'lendable_fund').map((c) => `fig.${c}`).join(', ')},
            coalesce(lend.lendable, 0) lendable_fund
       from fig full join lend on lend.cooperative_id = fig.cooperative_id`;
}

/** How many days of daily snapshots are kept: today and the 89 days before it. */
export const SNAPSHOT_DAILY_DAYS = 90;

/** The last day of its month (the day after it is a 1st): Jan 31, Feb 28 or 29, Apr 30, … */
export function isMonthEnd(d: Day): boolean {
  return addDays(d, 1).endsWith('-01');
}

/**
 * Snapshot retention: a snapshot of `asOf` is kept on `today` while it is one of the last
 * {@link SNAPSHOT_DAILY_DAYS} days (asOf > today - 90; a future date too), and for ever when it is a
 * month-end (monthly trends read those). A pruned date is still answered: it is recomputed like a
 * missing snapshot.
 */
export function keepSnapshot(asOf: Day, today: Day): boolean {
  return daysBetween(asOf, today) < SNAPSHOT_DAILY_DAYS || isMonthEnd(asOf);
}

/** SQL of {@link keepSnapshot} for date expressions. */
export function keepSnapshotSql(asOf: string, today: string): string {
  return `(${asOf} > ${today}::date - ${SNAPSHOT_DAILY_DAYS} or extract(day from ${asOf} + 1) = 1)`;
}

/**
 * SQL: delete up to `$limit` snapshots that {@link keepSnapshot} no longer keeps on `$today`
 * (expressions the caller binds) and return how many went. The bound on as_of is the rule's own
 * (nothing younger than 90 days goes) and lets the primary key (as_of, cooperative_id) find them.
 */
export function pruneSnapshotsSql(p: { today: string; limit: string }): string {
  return `with doomed as (
        select s.as_of, s.cooperative_id from portfolio_snapshot s
         where s.as_of <= ${p.today}::date - ${SNAPSHOT_DAILY_DAYS} and not ${keepSnapshotSql('s.as_of', p.today)}
         limit ${p.limit}),
      gone as (
        delete from portfolio_snapshot s using doomed d where s.as_of = d.as_of and s.cooperative_id = d.cooperative_id returning 1)
     select count(*)::int n from gone`;
}

/**
 * SQL of the households with principal outstanding on `$asOf` per cooperative of `$ids` (the
 * figures' `borrowers`, by id): loan.rules' outstanding at a date, over the loans paid out by then.
 */
export function borrowersSql(p: { ids: string; asOf: string }): string {
  return `select l.cooperative_id, array_agg(distinct l.member_id order by l.member_id) member_ids
      from loan l
     where l.cooperative_id = any(${p.ids}::int[]) and l.disbursed_on is not null and l.disbursed_on <= ${p.asOf}
       and ${outstandingAsOfSql('l', repaidByAsOfSql('l.id', p.asOf), p.asOf)} > 0
     group by l.cooperative_id`;
}

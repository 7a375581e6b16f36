import { Migration } from '@mikro-orm/migrations';

/** Who posted the rows that existed before `posted_by` did (migrated books have no token subject). */
export const BACKFILL_POSTER = 'system:migration-0007';

/**
 * A ledger like a ledger: every transaction names its business event once (`event_ref`, unique:
 * a second guard against posting one event twice, beside the idempotency key) and who posted it
 * (`posted_by`, the reverser is never the poster); each account keeps its debit and credit volumes
 * so the trial balance reads them instead of rescanning every line; a repayment remembers the
 * reversal that cancelled it.
 *
 * Backfill of `event_ref`, deterministic:
 * - DISBURSEMENT / WRITE_OFF: `disbursement:<loan id>` / `write-off:<loan id>` (ref_id is the loan).
 * - REPAYMENT: matched to its repayment row by loan, date and amount (principal + fee = the debit of
 *   the money account); several identical repayments of one loan on one day (interchangeable) are
 *   paired in id order. A repayment transaction without a match gets `repayment:txn-<txn id>`.
 * - CAPITAL: `capital:<idempotency key>` when ref_type is 'capital'; seeded capital (which referenced
 *   the cooperative) gets `capital:txn-<txn id>`.
 * - CONTRIBUTION / CONTRIBUTION_RETURN: `contribution:<id>` / `contribution-return:<id>` from ref_id
 *   (the saga's key `contribution:<id>`, or the seeded contribution id).
 * - anything else: `<kind>:txn-<txn id>`.
 * Should a derived ref still repeat, every row after the first gets `:txn-<txn id>` appended, so the
 * unique index always holds.
 */
export class Migration0007LedgerEvents extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table ledger_txn add column event_ref text, add column posted_by text, add column reason text`);
    this.addSql(`with money_in as (
        select t.id, t.ref_id::int loan_id, t.occurred_on,
               (select sum(l.amount_fen) from ledger_line l where l.txn_id = t.id and l.amount_fen > 0) amount,
               row_number() over (partition by t.ref_id, t.occurred_on,
                 (select sum(l.amount_fen) from ledger_line l where l.txn_id = t.id and l.amount_fen > 0) order by t.id) n
          from ledger_txn t where t.kind = 'REPAYMENT' and t.ref_type = 'loan' and t.ref_id ~ '^[0-9]{1,9}$'),
      rep as (
        select r.id, r.loan_id, r.paid_on, r.principal_fen + r.fee_fen amount,
               row_number() over (partition by r.loan_id, r.paid_on, r.principal_fen + r.fee_fen order by r.id) n
          from repayment r)
      update ledger_txn t set event_ref = 'repayment:' || rep.id
        from money_in m join rep on rep.loan_id = m.loan_id and rep.paid_on = m.occurred_on and rep.amount = m.amount and rep.n = m.n
       where t.id = m.id`);
    this.addSql(`update ledger_txn set event_ref = case
        when kind = 'REPAYMENT' then 'repayment:txn-' || id
        when kind = 'DISBURSEMENT' and ref_type = 'loan' then 'disbursement:' || ref_id
        when kind = 'WRITE_OFF' and ref_type = 'loan' then 'write-off:' || ref_id
        when kind = 'CAPITAL' and ref_type = 'capital' then 'capital:' || ref_id
        when kind = 'CAPITAL' then 'capital:txn-' || id
        when kind = 'CONTRIBUTION' and ref_type = 'contribution' then 'contribution:' || regexp_replace(ref_id, '^contribution:', '')
        when kind = 'CONTRIBUTION_RETURN' and ref_type = 'contribution' then 'contribution-return:' || regexp_replace(ref_id, '^contribution:', '')
        else lower(kind) || ':txn-' || id end
      where event_ref is null`);
    this.addSql(`update ledger_txn t set event_ref = t.event_ref || ':txn-' || t.id
        from (select id, row_number() over (partition by event_ref order by id) n from ledger_txn) d
       where d.id = t.id and d.n > 1`);
    this.addSql(`update ledger_txn set posted_by = '${BACKFILL_POSTER}'`);
    this.addSql(`alter table ledger_txn alter column event_ref set not null, alter column posted_by set not null`);
    this.addSql(`create unique index ledger_txn_event_ref on ledger_txn (event_ref)`);
    // at most one reversal per transaction (the rules refuse a second; this holds under any bug)
    this.addSql(`create unique index ledger_txn_reverses on ledger_txn (reverses_txn_id) where reverses_txn_id is not null`);

    this.addSql(`alter table fund_balance add column debit_fen bigint not null default 0, add column credit_fen bigint not null default 0`);
    this.addSql(`update fund_balance b set debit_fen = v.debit, credit_fen = v.credit
        from (select cooperative_id, account,
                     coalesce(sum(amount_fen) filter (where amount_fen > 0), 0) debit,
                     coalesce(-sum(amount_fen) filter (where amount_fen < 0), 0) credit
                from ledger_line group by cooperative_id, account) v
       where v.cooperative_id = b.cooperative_id and v.account = b.account`);

    this.addSql(`alter table repayment add column reversed_txn_id bigint references ledger_txn(id), add column reversed_on date`);
  }
}

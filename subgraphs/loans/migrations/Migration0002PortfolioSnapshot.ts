import { Migration } from '@mikro-orm/migrations';

/**
 * Portfolio figures per cooperative and as-of date, computed once and reused while the fund has not
 * changed: every ledger transaction bumps its fund's `version` (a statement-level trigger, in the
 * same transaction as the entries, also for bulk loads), and a snapshot counts only while its
 * version equals the fund's.
 */
export class Migration0002PortfolioSnapshot extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table fund add column version bigint not null default 0`);
    this.addSql(`create function fund_version_bump() returns trigger language plpgsql as $$
      begin
        update fund f set version = f.version + 1
          where f.cooperative_id in (select distinct cooperative_id from new_rows);
        return null;
      end $$`);
    this.addSql(`create trigger ledger_txn_bumps_fund_version after insert on ledger_txn
      referencing new table as new_rows for each statement execute function fund_version_bump()`);
    this.addSql(`create table portfolio_snapshot (
      cooperative_id int not null references fund(cooperative_id),
      as_of date not null,
      version bigint not null,
      outstanding bigint not null,
      active_loans int not null,
      borrowers int not null,
      overdue_loans int not null,
      overdue_outstanding bigint not null,
      par30_outstanding bigint not null,
      principal_due bigint not null,
      repaid_on_due bigint not null,
      lendable_fund bigint not null,
      loans_disbursed int not null,
      amount_disbursed bigint not null,
      computed_at timestamptz not null default now(),
      primary key (as_of, cooperative_id))`);
  }
}

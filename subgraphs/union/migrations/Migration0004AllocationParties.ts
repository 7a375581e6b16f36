import { Migration } from '../../lib/db';

/**
 * The parties' names on each allocation, as members gave them when it was requested: a board's
 * statement names its counterparty, which is another village outside the board's own scope in
 * members (so `Allocation.lender { nameZh }` is null for it). Like a contract, the allocation
 * keeps the names it was made under.
 */
export class Migration0004AllocationParties extends Migration {
  override async up(): Promise<void> {
    // rows from before this migration (development databases only) keep an empty name
    this.addSql(`alter table allocation add column lender_name_zh text not null default '', add column borrower_name_zh text not null default ''`);
    this.addSql(`alter table allocation alter column lender_name_zh drop default, alter column borrower_name_zh drop default`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Who filed which credit-reference export with identity numbers (征信报送记录): the person, when,
 * the county (and cooperative) and period, how many rows and borrowers, the format and a SHA-256 of
 * the exact content handed out, so a file found later can be matched to its filing. Append-only.
 */
export class Migration0008CreditExports extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table credit_export (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      actor text not null,
      request_id text,
      county_id int not null,
      cooperative_id int,
      period_from date not null,
      period_to date not null check (period_to >= period_from),
      format text not null check (format in ('CSV', 'JSONL')),
      row_count int not null check (row_count >= 0),
      borrower_count int not null check (borrower_count >= 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'))`);
    // the list is read per county (or cooperative, for an auditor of one), newest first
    this.addSql(`create index credit_export_county on credit_export (county_id, id desc)`);
    this.addSql(`create index credit_export_cooperative on credit_export (cooperative_id, id desc) where cooperative_id is not null`);
  }
}

import { Migration } from '@mikro-orm/migrations';
import { LOAN_PURPOSE_NAMES, purposeOfTextSql } from '../purpose.rules';

/**
 * The public board publishes structured fields only. A loan's purpose becomes a category of a
 * closed list (existing texts classified by `purposeOfText`, kept as the internal note); a ledger
 * transaction that concerns one household carries its masked name (contributions: sent by members
 * with the saga step), so no memo has to be published.
 */
export class Migration0003Privacy extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table loan add column purpose_note text`);
    this.addSql(`update loan set purpose_note = purpose, purpose = ${purposeOfTextSql('purpose')}`);
    this.addSql(`alter table loan add constraint loan_purpose_known check (purpose in (${LOAN_PURPOSE_NAMES.map((p) => `'${p}'`).join(', ')}))`);
    this.addSql(`alter table ledger_txn add column name_masked text`);
  }
}

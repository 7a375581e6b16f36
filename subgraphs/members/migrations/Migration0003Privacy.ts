import { Migration } from '@mikro-orm/migrations';

/**
 * No household's identity number or name where others read it:
 * - the audit trail is read by supervisors, auditors among them, who never see identity numbers:
 *   an admission's record keeps the number masked like `maskIdNumber` (first 6, ********, last 4);
 *   the full number lives only in the member row;
 * - the demo seed named party-member guarantees after both households (党员王某一帮一(李某)); a
 *   group's name is shown to its households, so such groups take the name the service gives them.
 */
export class Migration0003Privacy extends Migration {
  override async up(): Promise<void> {
    this.addSql(`update audit_log
                    set after = jsonb_set(after, '{idNumber}', to_jsonb(left(after->>'idNumber', 6) || '********' || right(after->>'idNumber', 4)))
                  where action = 'admitMember' and after ? 'idNumber' and after->>'idNumber' not like '%*%'`);
    this.addSql(`update guarantee_group g
                    set name = '党员一帮一 ' || (select m.household_no from guarantee_group_member gm join member m on m.id = gm.member_id
                                               where gm.group_id = g.id order by gm.member_id limit 1)
                  where g.kind = 'PARTY_MEMBER' and g.name like '党员%一帮一(%)'`);
  }
}

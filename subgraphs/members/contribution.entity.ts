import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { ContributionKind, LedgerStatus } from './contribution.rules';

/** One contribution row (互助金): a share part, 双到 money, or a withdrawal of the household's own part. */
@Entity({ tableName: 'contribution' })
export class ContributionEntity {
  @PrimaryKey({ type: new BigIntType('number'), fieldName: 'id', autoincrement: true }) id!: number;
  @Property({ type: 'integer', fieldName: 'member_id' }) memberId!: number;
  @Property({ type: 'integer', fieldName: 'cooperative_id' }) cooperativeId!: number;
  @Property({ type: 'text', fieldName: 'kind' }) kind!: ContributionKind;
  @Property({ type: new BigIntType('bigint'), fieldName: 'amount_fen' }) amountFen!: bigint;
  @Property({ type: 'string', columnType: 'date', fieldName: 'paid_on' }) paidOn!: string;
  @Property({ type: 'text', fieldName: 'ledger_status' }) ledgerStatus: LedgerStatus = 'PENDING';
  /** The key of the ledger posting in the loans subgraph: `contribution:<id>`. */
  @Property({ type: 'text', fieldName: 'idempotency_key', nullable: true }) idempotencyKey: string | null = null;
}

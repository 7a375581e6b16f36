import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** The fund row: location for scope, and the row each money-moving transaction locks. */
@Entity({ tableName: 'fund' })
export class FundEntity {
  @PrimaryKey({ type: 'integer' }) cooperativeId!: number;
  @Property({ type: 'integer' }) countyId!: number;
  @Property({ type: 'integer' }) townshipId!: number;
}

@Entity({ tableName: 'ledger_txn' })
export class LedgerTxnEntity {
  @PrimaryKey({ type: 'bigint' }) id!: string;
  @Property({ type: 'integer' }) cooperativeId!: number;
  @Property({ type: 'text' }) kind!: string;
  @Property({ type: 'date' }) occurredOn!: string;
  @Property({ type: 'text' }) memo!: string;
  /** The household's name masked (张*明) when the transaction concerns one; what the board shows. */
  @Property({ type: 'text', nullable: true }) nameMasked?: string | null;
  @Property({ type: 'text', nullable: true }) refType?: string | null;
  @Property({ type: 'text', nullable: true }) refId?: string | null;
  @Property({ type: 'bigint', nullable: true }) reversesTxnId?: string | null;
  /** The business event, once per ledger (`disbursement:<loan>`, `repayment:<repayment>`…): unique. */
  @Property({ type: 'text' }) eventRef!: string;
  /** The caller's token subject (system values for seeded and migrated rows). */
  @Property({ type: 'text' }) postedBy!: string;
  /** A reversal's written reason. */
  @Property({ type: 'text', nullable: true }) reason?: string | null;
}

/** Signed amounts: debit positive, credit negative. Append-only. */
@Entity({ tableName: 'ledger_line' })
export class LedgerLineEntity {
  @PrimaryKey({ type: 'bigint' }) id!: string;
  @Property({ type: 'bigint' }) txnId!: string;
  @Property({ type: 'integer' }) cooperativeId!: number;
  @Property({ type: 'text' }) account!: string;
  @Property({ type: new BigIntType('bigint') }) amountFen!: bigint;
}

@Entity({ tableName: 'fund_balance' })
export class FundBalanceEntity {
  @PrimaryKey({ type: 'integer' }) cooperativeId!: number;
  @PrimaryKey({ type: 'text' }) account!: string;
  @Property({ type: new BigIntType('bigint') }) balanceFen!: bigint;
  /** Volumes: the sum of the account's debit lines and of its credit lines (positive), kept with each posting. */
  @Property({ type: new BigIntType('bigint') }) debitFen!: bigint;
  @Property({ type: new BigIntType('bigint') }) creditFen!: bigint;
}

export const LOANS_ENTITIES = [FundEntity, LedgerTxnEntity, LedgerLineEntity, FundBalanceEntity];

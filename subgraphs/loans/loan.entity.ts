import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** MikroORM mappings of the loans tables (migrations/Migration0001Loans.ts). Writes go through these. */
@Entity({ tableName: 'loan' })
export class LoanEntity {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'integer' }) cooperativeId!: number;
  @Property({ type: 'integer' }) countyId!: number;
  @Property({ type: 'integer' }) townshipId!: number;
  @Property({ type: 'integer' }) memberId!: number;
  @Property({ type: 'text' }) borrowerName!: string;
  @Property({ type: 'text', nullable: true }) cardAccount?: string | null;
  @Property({ type: 'integer', nullable: true }) guaranteeGroupId?: number | null;
  @Property({ type: 'integer', nullable: true }) guarantorMemberId?: number | null;
  @Property({ type: new BigIntType('bigint') }) amountFen!: bigint;
  @Property({ type: 'integer' }) feeRateBp!: number;
  @Property({ type: 'integer' }) termMonths!: number;
  @Property({ type: 'text' }) repaymentMode!: string;
  @Property({ type: 'text' }) purpose!: string;
  @Property({ type: 'text', nullable: true }) purposeNote?: string | null;
  @Property({ type: 'text' }) status!: string;
  @Property({ type: 'boolean' }) isFirstLoan!: boolean;
  @Property({ type: 'boolean' }) isShuangdao!: boolean;
  @Property({ type: 'boolean' }) needsCountyApproval!: boolean;
  @Property({ type: 'text' }) requestedBy!: string;
  @Property({ type: 'text', nullable: true }) approvedBy?: string | null;
  @Property({ type: 'text', nullable: true }) countyApprovedBy?: string | null;
  @Property({ type: 'date' }) appliedOn!: string;
  @Property({ type: 'date', nullable: true }) endorsedOn?: string | null;
  @Property({ type: 'date', nullable: true }) approvedOn?: string | null;
  @Property({ type: 'date', nullable: true }) countyApprovedOn?: string | null;
  @Property({ type: 'date', nullable: true }) publishedOn?: string | null;
  @Property({ type: 'date', nullable: true }) contractedOn?: string | null;
  @Property({ type: 'date', nullable: true }) disbursedOn?: string | null;
  @Property({ type: 'date', nullable: true }) dueOn?: string | null;
  @Property({ type: 'date', nullable: true }) closedOn?: string | null;
  @Property({ type: 'date', nullable: true }) writtenOffOn?: string | null;
  @Property({ type: new BigIntType('bigint') }) principalRepaidFen!: bigint;
  @Property({ type: new BigIntType('bigint') }) feePaidFen!: bigint;
  @Property({ type: new BigIntType('bigint') }) writtenOffFen!: bigint;
}

@Entity({ tableName: 'loan_instalment' })
export class LoanInstalmentEntity {
  @PrimaryKey({ type: 'integer' }) loanId!: number;
  @PrimaryKey({ type: 'integer' }) seq!: number;
  @Property({ type: 'date' }) dueOn!: string;
  @Property({ type: new BigIntType('bigint') }) principalFen!: bigint;
  @Property({ type: new BigIntType('bigint') }) feeFen!: bigint;
}

@Entity({ tableName: 'repayment' })
export class RepaymentEntity {
  @PrimaryKey({ type: 'bigint' }) id!: string;
  @Property({ type: 'integer' }) loanId!: number;
  @Property({ type: 'integer' }) cooperativeId!: number;
  @Property({ type: 'integer' }) memberId!: number;
  @Property({ type: 'date' }) paidOn!: string;
  @Property({ type: new BigIntType('bigint') }) principalFen!: bigint;
  @Property({ type: new BigIntType('bigint') }) feeFen!: bigint;
  @Property({ type: 'text' }) channel!: string;
  @Property({ type: 'text', nullable: true }) bankRef?: string | null;
}

@Entity({ tableName: 'bank_transfer' })
export class BankTransferEntity {
  @PrimaryKey({ type: 'bigint' }) id!: string;
  @Property({ type: 'integer' }) cooperativeId!: number;
  @Property({ type: 'integer', nullable: true }) loanId?: number | null;
  @Property({ type: 'integer', nullable: true }) memberId?: number | null;
  @Property({ type: 'text' }) direction!: string;
  @Property({ type: new BigIntType('bigint') }) amountFen!: bigint;
  @Property({ type: 'text' }) channel!: string;
  @Property({ type: 'text', nullable: true }) accountMasked?: string | null;
  @Property({ type: 'text' }) bankRef!: string;
  @Property({ type: 'date' }) executedOn!: string;
}

import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import type { ContributionKind, LedgerStatus } from './contribution.rules';

export const ContributionKindEnum = {
  HOUSEHOLD: 'HOUSEHOLD',
  GOVERNMENT_SUBSIDY: 'GOVERNMENT_SUBSIDY',
  SHUANGDAO: 'SHUANGDAO',
  HOUSEHOLD_WITHDRAWAL: 'HOUSEHOLD_WITHDRAWAL',
} as const;
registerEnumType(ContributionKindEnum, {
  name: 'ContributionKind',
  description: 'Kind of contribution row (互助金类别)',
  valuesConfig: {
    HOUSEHOLD: { description: 'Paid by the household (农户自缴)' },
    GOVERNMENT_SUBSIDY: { description: 'Government subsidy towards the share (政府配股)' },
    SHUANGDAO: { description: '双到 money injected as the household\'s contribution (“双到”资金入股)' },
    HOUSEHOLD_WITHDRAWAL: { description: 'Own part returned to the household (退还自缴互助金)' },
  },
});

export const ContributionSourceEnum = { HOUSEHOLD: 'HOUSEHOLD', SHUANGDAO: 'SHUANGDAO' } as const;
registerEnumType(ContributionSourceEnum, {
  name: 'ContributionSource',
  description: 'Where the money for a share comes from (入股资金来源)',
  valuesConfig: {
    HOUSEHOLD: { description: 'The household pays its part, the government the rest (农户自缴+政府配股)' },
    SHUANGDAO: { description: '双到 money pays the whole share, registered poor only (“双到”资金)' },
  },
});

export const LedgerStatusEnum = { PENDING: 'PENDING', POSTED: 'POSTED' } as const;
registerEnumType(LedgerStatusEnum, {
  name: 'LedgerStatus',
  description: 'Whether the row is posted to the cooperative fund ledger (记账状态)',
  valuesConfig: {
    PENDING: { description: 'Recorded, not yet in the ledger; reconciliation completes it (待记账)' },
    POSTED: { description: 'Posted to the fund ledger (已记账)' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'A contribution row (互助金)' })
export class Contribution {
  @Field(() => ID, { description: 'Contribution id (互助金记录编号)' }) id!: number;
  @Field(() => ContributionKindEnum, { description: 'Kind (类别)' }) kind!: ContributionKind;
  @Field(() => BigInt, { description: 'Amount, always positive (金额)' }) amount!: bigint;
  @Field(() => LocalDateScalar, { description: 'Date paid or returned (缴纳/退还日期)' }) paidOn!: string;
  @Field(() => LedgerStatusEnum, { description: 'Ledger status (记账状态)' }) ledgerStatus!: LedgerStatus;
  memberId!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Contribution totals of a household (互助金合计)' })
export class ContributionTotals {
  @Field(() => BigInt, { description: 'Paid by the household (农户自缴合计)' }) household!: bigint;
  @Field(() => BigInt, { description: 'Government subsidy (政府配股合计)' }) governmentSubsidy!: bigint;
  @Field(() => BigInt, { description: '双到 money (“双到”资金合计)' }) shuangdao!: bigint;
  @Field(() => BigInt, { description: 'Own part already returned (已退还)' }) withdrawn!: bigint;
  @Field(() => BigInt, { description: 'Own part still in the fund: household − withdrawn (自缴余额)' }) ownBalance!: bigint;
}

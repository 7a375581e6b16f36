import { Field, ID, InputType } from 'type-graphql';
import { MoneyScalar } from '../lib/money';
import { LocalDateScalar } from '../lib/dates';
import { MaxChars, NotFuture } from '../lib/input-check';
import type { ShareholdingSource } from './insurance.rules';
import { ShareholdingSourceEnum } from './insurance.type';

@InputType({ description: 'Record an accident insurance policy bought for a member (登记意外伤害保险)' })
export class RecordInsurancePolicyInput {
  @Field(() => ID, { description: 'The member household (社员)' }) memberId!: string;
  @MaxChars(100) @Field({ description: 'Insurer (保险公司)' }) insurer!: string;
  @MaxChars(64) @Field({ description: 'Policy number (保单号)' }) policyNo!: string;
  @Field(() => MoneyScalar, { description: 'Premium (保费)' }) premium!: bigint;
  @Field(() => MoneyScalar, { description: 'Sum insured (保额)' }) sumInsured!: bigint;
  @Field(() => LocalDateScalar, { description: 'First day covered (起保日期)' }) startsOn!: string;
  @Field(() => LocalDateScalar, { description: 'Last day covered (终保日期)' }) endsOn!: string;
}

@InputType({ description: 'Record shares of a poor household in a farmer cooperative (登记扶贫合作社入股)' })
export class RecordShareholdingInput {
  @Field(() => ID, { description: 'The member household (社员)' }) memberId!: string;
  @MaxChars(100) @Field({ description: 'Farmer cooperative, in Chinese (合作社名称)' }) farmerCooperativeZh!: string;
  @MaxChars(200) @Field({ description: 'Farmer cooperative, in English (英文名)' }) farmerCooperativeEn!: string;
  @Field(() => ShareholdingSourceEnum, { description: 'Money put in (入股资金来源)' }) source!: ShareholdingSource;
  @Field(() => MoneyScalar, { description: 'Amount (入股金额)' }) amount!: bigint;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date acquired (入股日期)' }) acquiredOn!: string;
  @Field(() => MoneyScalar, { nullable: true, description: 'Returns received so far, default 0 (累计分红)' }) returns?: bigint | null;
}

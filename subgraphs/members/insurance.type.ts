import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import type { ShareholdingSource } from './insurance.rules';

export const ShareholdingSourceEnum = { MUTUAL_AID: 'MUTUAL_AID', SHUANGDAO: 'SHUANGDAO' } as const;
registerEnumType(ShareholdingSourceEnum, {
  name: 'ShareholdingSource',
  description: 'Money put in as shares (入股资金来源)',
  valuesConfig: {
    MUTUAL_AID: { description: 'Mutual-aid money (互助资金)' },
    SHUANGDAO: { description: '双到 money (“双到”资金)' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'Accident insurance policy bought for a member (意外伤害综合保险)' })
export class InsurancePolicy {
  @Field(() => ID, { description: 'Policy record id (保单记录编号)' }) id!: number;
  @Field({ description: 'Insurer (保险公司)' }) insurer!: string;
  @Field({ description: 'Policy number (保单号)' }) policyNo!: string;
  @Field(() => BigInt, { description: 'Premium (保费)' }) premium!: bigint;
  @Field(() => BigInt, { description: 'Sum insured (保额)' }) sumInsured!: bigint;
  @Field(() => LocalDateScalar, { description: 'First day covered (起保日期)' }) startsOn!: string;
  @Field(() => LocalDateScalar, { description: 'Last day covered (终保日期)' }) endsOn!: string;
  memberId!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Shares of a household in a poverty-alleviation farmer cooperative (扶贫合作社入股)' })
export class Shareholding {
  @Field(() => ID, { description: 'Shareholding id (入股记录编号)' }) id!: number;
  @Field({ description: 'Farmer cooperative, in Chinese (合作社名称)' }) farmerCooperativeZh!: string;
  @Field({ description: 'Farmer cooperative, in English (英文名)' }) farmerCooperativeEn!: string;
  @Field(() => ShareholdingSourceEnum, { description: 'Money put in (入股资金来源)' }) source!: ShareholdingSource;
  @Field(() => BigInt, { description: 'Amount put in (入股金额)' }) amount!: bigint;
  @Field(() => LocalDateScalar, { description: 'Date acquired (入股日期)' }) acquiredOn!: string;
  @Field(() => BigInt, { description: 'Returns received so far (累计分红)' }) returns!: bigint;
  memberId!: number;
}

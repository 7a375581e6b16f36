import { Field, ID, InputType, Int } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { MaxChars, NotFuture } from '../lib/input-check';
import { MoneyScalar } from '../lib/money';
import type { UnionLevel } from './union.rules';
import { UnionLevelEnum } from './union.type';

@InputType({ description: 'Allocation policy of a union; omitted fields keep their value (or the default, when founding) (调剂政策)' })
export class UnionPolicyInput {
  @Field(() => Int, { nullable: true, description: 'Lowest allocation fee a year, bp (调剂费率下限)' }) feeRateMinBp?: number | null;
  @Field(() => Int, { nullable: true, description: 'Highest allocation fee a year, bp (调剂费率上限)' }) feeRateMaxBp?: number | null;
  @Field(() => Int, { nullable: true, description: 'Largest share of a lender\'s idle money one allocation may take, bp (单笔调出占闲置资金上限)' }) maxLenderShareBp?: number | null;
  @Field(() => Int, { nullable: true, description: 'Longest term, days (最长调剂期限)' }) maxTermDays?: number | null;
  @Field(() => MoneyScalar, { nullable: true, description: 'Above this amount the county approves as well (县级审批起点)' }) countyApprovalAbove?: bigint | null;
  @Field(() => Int, { nullable: true, description: 'The lender\'s part of the fee, bp (调出社分成比例)' }) lenderFeeShareBp?: number | null;
}

@InputType({ description: 'Found a county or township union; county only (成立联合社)' })
export class FoundUnionInput {
  @Field(() => UnionLevelEnum, { description: 'County or township union (层级)' }) level!: UnionLevel;
  @Field(() => ID, { description: 'Its county (县)' }) countyId!: string;
  @Field(() => ID, { nullable: true, description: 'Its township, for a township union (乡镇)' }) townshipId?: string | null;
  @MaxChars(100) @Field({ description: 'Name in Chinese (名称)' }) nameZh!: string;
  @MaxChars(200) @Field({ description: 'Name in English (英文名)' }) nameEn!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Founding date (成立日期)' }) foundedOn!: string;
  @Field(() => UnionPolicyInput, { nullable: true, description: 'Allocation policy; the documented defaults where omitted (调剂政策)' }) policy?: UnionPolicyInput | null;
}

@InputType({ description: 'Change a union\'s allocation policy; county only (修改调剂政策)' })
export class UpdateUnionPolicyInput {
  @Field(() => ID, { description: 'The union (联合社)' }) unionId!: string;
  @Field(() => UnionPolicyInput, { description: 'The parameters to change (调剂政策)' }) policy!: UnionPolicyInput;
  @MaxChars(100) @Field({ description: 'The county\'s document number or written reason (文件号或理由)' }) documentNo!: string;
}

@InputType({ description: 'A cooperative joins a union; county only (加入联合社)' })
export class JoinUnionInput {
  @Field(() => ID, { description: 'The union (联合社)' }) unionId!: string;
  @Field(() => ID, { description: 'The cooperative (互助社)' }) cooperativeId!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Joined on (加入日期)' }) joinedOn!: string;
  @MaxChars(100) @Field({ description: 'Document number of the members\' meeting or the county (文件号)' }) documentNo!: string;
}

@InputType({ description: 'A cooperative leaves a union; county only (退出联合社)' })
export class LeaveUnionInput {
  @Field(() => ID, { description: 'The union (联合社)' }) unionId!: string;
  @Field(() => ID, { description: 'The cooperative (互助社)' }) cooperativeId!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Left on (退出日期)' }) leftOn!: string;
  @MaxChars(500) @Field({ description: 'Why it leaves (退出原因)' }) reason!: string;
}

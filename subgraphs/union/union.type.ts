import 'reflect-metadata';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../lib/connection';
import { LocalDateScalar } from '../lib/dates';
import { MoneyScalar } from '../lib/money';
import type { UnionLevel } from './union.rules';

export const UnionLevelEnum = { COUNTY: 'COUNTY', TOWNSHIP: 'TOWNSHIP' } as const satisfies { [L in UnionLevel]: L };
registerEnumType(UnionLevelEnum, {
  name: 'UnionLevel',
  description: 'Level of a cooperative union (联合社层级)',
  valuesConfig: {
    COUNTY: { description: 'County union, of the county\'s cooperatives (县级联合社)' },
    TOWNSHIP: { description: 'Township union, of the township\'s cooperatives (乡级联合社)' },
  },
});

/**
 * Federation stub: Cooperative is owned by the members subgraph; union adds its memberships. Each
 * subgraph declares its own stub classes (loans too): type-graphql attaches a class's field
 * resolvers to every schema that includes the class, so one shared stub gave union's schema loans'
 * `County.portfolio` and composition refused it.
 */
@ObjectType('Cooperative', { simpleResolvers: true, description: 'Village mutual-aid cooperative (互助社)' })
@Directive('@key(fields: "id")')
export class CooperativeRef {
  @Field(() => ID, { description: 'Cooperative id (互助社编号)' }) id!: string;
}

/** Federation stub: County is owned by the members subgraph. */
@ObjectType('County', { simpleResolvers: true, description: 'County or district (县/区)' })
@Directive('@key(fields: "id")')
export class CountyRef {
  @Field(() => ID, { description: 'County id (县编号)' }) id!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Policy of a union for paid allocations between its members (有偿调剂政策); rates and shares in basis points' })
export class UnionPolicyType {
  @Field(() => Int, { description: 'Lowest allocation fee a year, bp (调剂费率下限)' }) feeRateMinBp!: number;
  @Field(() => Int, { description: 'Highest allocation fee a year, bp (调剂费率上限)' }) feeRateMaxBp!: number;
  @Field(() => Int, { description: 'Largest share of a lender\'s idle money one allocation may take, bp (单笔调出占闲置资金上限)' }) maxLenderShareBp!: number;
  @Field(() => Int, { description: 'Longest term of an allocation, days (最长调剂期限)' }) maxTermDays!: number;
  @Field(() => MoneyScalar, { description: 'Above this amount the county approves as well (县级审批起点)' }) countyApprovalAbove!: bigint;
  @Field(() => Int, { description: 'The lender\'s part of the fee, bp; the rest is the union\'s (调出社分成比例)' }) lenderFeeShareBp!: number;
}

@Directive('@key(fields: "id")')
@ObjectType({ simpleResolvers: true, description: 'Cooperative union (互助资金联合社): lends members\' idle money to members that are short, shares information, inspects and ranks' })
export class CooperativeUnion {
  @Field(() => ID, { description: 'Union id (联合社编号)' }) id!: string;
  @Field(() => UnionLevelEnum, { description: 'County or township union (层级)' }) level!: UnionLevel;
  @Field(() => CountyRef, { description: 'Its county (所属县)' }) county!: CountyRef;
  @Field(() => ID, { nullable: true, description: 'Its township, for a township union (所属乡镇)' }) townshipId!: string | null;
  @Field({ description: 'Name in Chinese (名称)' }) nameZh!: string;
  @Field({ description: 'Name in English (英文名)' }) nameEn!: string;
  @Field(() => LocalDateScalar, { description: 'Founding date (成立日期)' }) foundedOn!: string;
  @Field(() => UnionPolicyType, { description: 'Allocation policy (调剂政策)' }) policy!: UnionPolicyType;
}

@ObjectType({ simpleResolvers: true, description: 'A cooperative\'s membership of a union, from joining to leaving (联合社成员资格)' })
export class UnionMembership {
  @Field(() => ID, { description: 'Membership id (编号)' }) id!: string;
  @Field(() => CooperativeUnion, { description: 'The union (联合社)' }) union!: CooperativeUnion;
  @Field(() => CooperativeRef, { description: 'The member cooperative (成员互助社)' }) cooperative!: CooperativeRef;
  @Field(() => UnionLevelEnum, { description: 'The union\'s level (层级)' }) level!: UnionLevel;
  @Field(() => LocalDateScalar, { description: 'Joined on (加入日期)' }) joinedOn!: string;
  @Field({ description: 'Document number of the joining (加入文件号)' }) joinDocumentNo!: string;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Left on, null while a member (退出日期)' }) leftOn!: string | null;
  @Field(() => String, { nullable: true, description: 'Why it left (退出原因)' }) leaveReason!: string | null;
}

export const CooperativeUnionConnection = Connection(CooperativeUnion, 'CooperativeUnion', '联合社');
export type CooperativeUnionConnection = InstanceType<typeof CooperativeUnionConnection>;
export const UnionMembershipConnection = Connection(UnionMembership, 'UnionMembership', '联合社成员');
export type UnionMembershipConnection = InstanceType<typeof UnionMembershipConnection>;

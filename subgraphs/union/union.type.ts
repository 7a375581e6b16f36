import 'reflect-metadata';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../lib/connection';
import { LocalDateScalar } from '../lib/dates';
import { MoneyScalar } from '../lib/money';
import type { UnionLevel } from './union.rules';
import type { AllocationStatus } from '../lib/allocation.rules';

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

export const AllocationStatusEnum = {
  REQUESTED: 'REQUESTED', CONSENTED: 'CONSENTED', COUNTY_APPROVED: 'COUNTY_APPROVED', POSTING: 'POSTING', ACTIVE: 'ACTIVE', REPAID: 'REPAID', REFUSED: 'REFUSED',
} as const satisfies { [S in AllocationStatus]: S };
registerEnumType(AllocationStatusEnum, {
  name: 'AllocationStatus',
  description: 'Where an allocation stands (调剂状态)',
  valuesConfig: {
    REQUESTED: { description: 'Requested by the borrower\'s board (已申请)' },
    CONSENTED: { description: 'The lender\'s board consents (调出社已同意)' },
    COUNTY_APPROVED: { description: 'Approved by the county, above the union\'s limit; the union approves next (县级已批准)' },
    POSTING: { description: 'Approved by the union; the money is moving in both ledgers (划款中)' },
    ACTIVE: { description: 'Money lent, not yet repaid; overdue after its due date (占用中)' },
    REPAID: { description: 'Principal repaid in full (已归还)' },
    REFUSED: { description: 'Refused when the money was to move; see the refusal code (已拒绝)' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'One repayment of an allocation, with its fee split (调剂还款)' })
export class AllocationRepayment {
  @Field(() => ID, { description: 'Repayment id (还款编号)' }) id!: string;
  @Field(() => LocalDateScalar, { description: 'Date paid (还款日期)' }) paidOn!: string;
  @Field(() => MoneyScalar, { description: 'Principal (本金)' }) principal!: bigint;
  @Field(() => MoneyScalar, { description: 'Fee, accrued by days (调剂费)' }) fee!: bigint;
  @Field(() => MoneyScalar, { description: 'The lender\'s part of the fee (调出社分成)' }) lenderFee!: bigint;
  @Field(() => MoneyScalar, { description: 'The union\'s part of the fee (联合社分成)' }) unionFee!: bigint;
  @Field({ description: 'POSTING, POSTED or REFUSED (状态)' }) status!: string;
  @Field(() => String, { nullable: true, description: 'Why loans refused it (拒绝代码)' }) refusalCode!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A paid allocation of idle money from one member cooperative to another (有偿调剂)' })
export class Allocation {
  @Field(() => ID, { description: 'Allocation id (调剂编号)' }) id!: string;
  @Field(() => CooperativeUnion, { description: 'The union (联合社)' }) union!: CooperativeUnion;
  @Field(() => CooperativeRef, { nullable: true, description: 'The lender; null outside your scope in members, e.g. for the borrower\'s board: its name is lenderNameZh (调出社)' })
  lender!: CooperativeRef | null;
  @Field({ description: 'The lender\'s name when the allocation was requested: every party sees its counterparty (调出社名称)' }) lenderNameZh!: string;
  @Field(() => CooperativeRef, { nullable: true, description: 'The borrower; null outside your scope in members, e.g. for the lender\'s board: its name is borrowerNameZh (调入社)' })
  borrower!: CooperativeRef | null;
  @Field({ description: 'The borrower\'s name when the allocation was requested (调入社名称)' }) borrowerNameZh!: string;
  @Field(() => MoneyScalar, { description: 'Amount (调剂金额)' }) amount!: bigint;
  @Field(() => Int, { description: 'Term, days (期限天数)' }) termDays!: number;
  @Field(() => Int, { description: 'Fee rate a year, bp (调剂费率)' }) feeRateBp!: number;
  @Field({ description: 'What the borrower needs it for (用途)' }) purpose!: string;
  @Field(() => AllocationStatusEnum, { description: 'Status (状态)' }) status!: AllocationStatus;
  @Field(() => LocalDateScalar, { description: 'Requested on (申请日期)' }) requestedOn!: string;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Lender consented on (调出社同意日期)' }) consentedOn!: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'County approved on, above the limit (县级批准日期)' }) countyApprovedOn!: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'The money moved on (划款日期)' }) madeOn!: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Due on (到期日)' }) dueOn!: string | null;
  @Field(() => MoneyScalar, { description: 'Principal repaid (已还本金)' }) principalRepaid!: bigint;
  @Field(() => MoneyScalar, { description: 'Fees paid (已付调剂费)' }) feePaid!: bigint;
  @Field(() => MoneyScalar, { description: 'Principal outstanding (未还本金)' }) outstanding!: bigint;
  @Field({ description: 'Active and past its due date, today in China time (逾期)' }) overdue!: boolean;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Repaid in full on (结清日期)' }) repaidOn!: string | null;
  @Field(() => String, { nullable: true, description: 'The code it was refused with when the money was to move (拒绝代码)' }) refusalCode!: string | null;
  @Field(() => String, { nullable: true, description: 'The refusal, in Chinese (拒绝原因)' }) refusalMessage!: string | null;
  @Field(() => [AllocationRepayment], { description: 'Repayments, oldest first (还款记录)' }) repayments!: AllocationRepayment[];
}
export const AllocationConnection = Connection(Allocation, 'Allocation', '调剂');
export type AllocationConnection = InstanceType<typeof AllocationConnection>;

@ObjectType({ simpleResolvers: true, description: 'A union\'s position at a date, from its own books and its allocations (联合社头寸)' })
export class UnionPosition {
  @Field(() => LocalDateScalar, { description: 'As of (截至日期)' }) asOf!: string;
  @Field(() => MoneyScalar, { description: 'Owed to the union by borrowing members: principal outstanding (应收调剂款)' }) receivable!: bigint;
  @Field(() => MoneyScalar, { description: 'Owed by the union to lending members: the same principal, passed through (应付调剂款)' }) payable!: bigint;
  @Field(() => MoneyScalar, { description: 'The union\'s fee income to date, its part of the fees (调剂费收入)' }) feeIncome!: bigint;
  @Field(() => MoneyScalar, { description: 'The union\'s bank deposit from fees (银行存款)' }) bank!: bigint;
  @Field(() => Int, { description: 'Allocations with money out (占用中笔数)' }) activeCount!: number;
  @Field(() => Int, { description: 'Of them overdue at the date (逾期笔数)' }) overdueCount!: number;
  @Field(() => MoneyScalar, { description: 'Principal of the overdue ones (逾期本金)' }) overdueOutstanding!: bigint;
}

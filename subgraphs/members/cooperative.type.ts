import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import type { CooperativeStatus, ManagementMode } from './cooperative.rules';
import { Connection } from '../lib/connection';

export const CooperativeStatusEnum = { ACTIVE: 'ACTIVE', RECTIFYING: 'RECTIFYING', EXITED: 'EXITED' } as const;
registerEnumType(CooperativeStatusEnum, {
  name: 'CooperativeStatus',
  description: 'Status of a cooperative (互助社状态)',
  valuesConfig: {
    ACTIVE: { description: 'Operating normally (正常运行)' },
    RECTIFYING: { description: 'Under rectification, no new loans (整改中)' },
    EXITED: { description: 'Exited, closed to new business; final (已退出)' },
  },
});

export const ManagementModeEnum = { VILLAGE_CASH: 'VILLAGE_CASH', TOWNSHIP_BANK_ONLY: 'TOWNSHIP_BANK_ONLY' } as const;
registerEnumType(ManagementModeEnum, {
  name: 'ManagementMode',
  description: 'How the money is managed (管理模式)',
  valuesConfig: {
    VILLAGE_CASH: { description: 'Village management, cash (村级管理、现金收付)' },
    TOWNSHIP_BANK_ONLY: { description: 'Township management, bank only (社财乡管、银收银付)' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'Policy parameters of a cooperative (政策参数); money in fen, rates in basis points' })
export class CooperativePolicy {
  @Field(() => BigInt, { description: 'Cap of a first loan (首次借款上限)' }) maxFirstLoan!: bigint;
  @Field(() => BigInt, { description: 'Cap of later loans (再次借款上限)' }) maxLaterLoan!: bigint;
  @Field(() => BigInt, { description: 'Loan cap of a 双到 household (“双到”户借款上限)' }) shuangdaoLoanCap!: bigint;
  @Field(() => BigInt, { description: 'Maximum loan amount; a payment above it needs county approval (最高借款限额)' }) maxLoan!: bigint;
  @Field(() => Int, { description: 'Maximum term in months (最长借款期限)' }) maxTermMonths!: number;
  @Field(() => Int, { description: 'Yearly usage fee rate in basis points (占用费率)' }) feeRateBp!: number;
  @Field(() => Int, { description: 'Largest share of the lendable fund one household may hold, bp (单户集中度上限)' }) concentrationBp!: number;
  @Field(() => Int, { description: 'Households in a joint guarantee group (联保小组户数)' }) groupSize!: number;
  @Field(() => Int, { description: 'Share of fee income to the risk reserve, bp (风险准备金比例)' }) splitRiskReserveBp!: number;
  @Field(() => Int, { description: 'Share of fee income to public welfare, bp (公益金比例)' }) splitWelfareBp!: number;
  @Field(() => Int, { description: 'Share of fee income to management costs, bp (管理费用比例)' }) splitManagementBp!: number;
  @Field(() => Int, { description: 'Share of fee income retained as capital, bp (转入本金比例)' }) splitCapitalBp!: number;
  @Field(() => BigInt, { description: 'One share of contribution (每股互助金)' }) share!: bigint;
  @Field(() => BigInt, { description: 'Government subsidy per share (政府配股)' }) shareSubsidy!: bigint;
  @Field(() => BigInt, { description: 'Household part per share (农户自缴)' }) shareHousehold!: bigint;
  @Field(() => BigInt, { description: 'Household part of an absolutely poor household (绝对贫困户自缴)' }) shareAbsolutePoor!: bigint;
  @Field(() => Int, { description: 'Months before the own contribution may be withdrawn (退股最短期限)' }) withdrawalMinMonths!: number;
  @Field(() => BigInt, { description: 'Largest cash payment under village management (现金收付上限)' }) cashLimit!: bigint;
}

@Directive('@key(fields: "id")')
@ObjectType({ simpleResolvers: true, description: 'Village mutual-aid cooperative (互助社), one per village' })
export class Cooperative {
  @Field(() => ID, { description: 'Cooperative id (互助社编号)' }) id!: number;
  @Field({ description: 'Name in Chinese (社名)' }) nameZh!: string;
  @Field({ description: 'Name in English (英文名)' }) nameEn!: string;
  @Field(() => CooperativeStatusEnum, { description: 'Status (状态): active, rectifying (整改) or exited (退出)' }) status!: CooperativeStatus;
  @Field(() => ManagementModeEnum, { description: 'Management mode (管理模式)' }) managementMode!: ManagementMode;
  @Field(() => LocalDateScalar, { description: 'Founding date (成立日期)' }) foundedOn!: string;
  @Field(() => Int, { description: 'Active member households (在社户数)' }) memberCount!: number;
  @Field(() => Int, { description: 'Active registered poor households (建档立卡贫困户数)' }) registeredPoorCount!: number;
  @Field(() => Int, { description: 'Active households headed by a party member (党员户数)' }) partyMemberCount!: number;
  villageId!: number;
  townshipId!: number;
  countyId!: number;
  /** The whole row (policy columns included) when the cooperative was read by id; lists leave it out. */
  policyRow?: object;
}

export const CooperativeConnection = Connection(Cooperative, 'Cooperative', '互助社', {
  connection: 'A page of cooperatives, ordered by id (互助社分页列表)',
  edge: 'An edge of a cooperative list (互助社列表项)',
  cursor: 'Opaque cursor of this item (游标)',
  node: 'The cooperative (互助社)',
  totalCount: 'Number of cooperatives matching, all pages (总数)',
});
export type CooperativeConnection = InstanceType<typeof CooperativeConnection>;

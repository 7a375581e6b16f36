import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import type { MemberStatus, PovertyStatus } from './member.rules';
import { Connection } from '../lib/connection';

export const PovertyStatusEnum = { REGISTERED_POOR: 'REGISTERED_POOR', ORDINARY: 'ORDINARY', WEALTHY: 'WEALTHY' } as const;
registerEnumType(PovertyStatusEnum, {
  name: 'PovertyStatus',
  description: 'Poverty status of a household (贫困状况)',
  valuesConfig: {
    REGISTERED_POOR: { description: 'Registered poor household (建档立卡贫困户)' },
    ORDINARY: { description: 'Ordinary household (一般户)' },
    WEALTHY: { description: 'Wealthy household, may never borrow (富裕户)' },
  },
});

export const MemberStatusEnum = { ACTIVE: 'ACTIVE', WITHDRAWN: 'WITHDRAWN' } as const;
registerEnumType(MemberStatusEnum, {
  name: 'MemberStatus',
  description: 'Membership status (社员状态)',
  valuesConfig: {
    ACTIVE: { description: 'Member (在社)' },
    WITHDRAWN: { description: 'Withdrawn from the cooperative (已退社)' },
  },
});

@Directive('@key(fields: "id")')
@ObjectType({ simpleResolvers: true, description: 'Member household (社员) of a village cooperative' })
export class Member {
  @Field(() => ID, { description: 'Member id (社员编号)' }) id!: number;
  @Field({ description: 'Household registration number (户号)' }) householdNo!: string;
  @Field({ description: 'Full name of the head of household (户主姓名)' }) headName!: string;
  @Field({ description: 'Masked name of the head of household, as published (户主姓名脱敏), e.g. 张*明' }) headNameMasked!: string;
  @Field(() => String, { nullable: true, description: 'Masked resident identity number (身份证号脱敏): first 6, ********, last 4; null for unions and auditors' }) idNumberMasked!: string | null;
  @Field(() => Int, { description: 'Persons in the household (家庭人口)' }) householdSize!: number;
  @Field(() => PovertyStatusEnum, { description: 'Poverty status (贫困状况)' }) povertyStatus!: PovertyStatus;
  @Field({ description: 'An absolutely poor household, paying a smaller household part (绝对贫困户)' }) isAbsolutePoor!: boolean;
  @Field({ description: 'The head is a Communist Party member, may guarantee (党员)' }) isPartyMember!: boolean;
  @Field(() => String, { nullable: true, description: 'Bank of the one-card account (一卡通开户行)' }) cardBank!: string | null;
  @Field(() => String, { nullable: true, description: 'Masked one-card account, last four digits (一卡通账号脱敏); null when none, and for unions and auditors' }) cardAccountMasked!: string | null;
  @Field(() => MemberStatusEnum, { description: 'Membership status (社员状态)' }) status!: MemberStatus;
  @Field(() => LocalDateScalar, { description: 'Date of joining (入社日期)' }) joinedOn!: string;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Date of leaving, when withdrawn (退社日期)' }) leftOn!: string | null;
  cooperativeId!: number;
  residenceVillageId!: number;
}

export const MemberConnection = Connection(Member, 'Member', '社员', {
  connection: 'A page of member households, ordered by id (社员分页列表)',
  edge: 'An edge of a member list (社员列表项)',
  cursor: 'Opaque cursor of this item (游标)',
  node: 'The member household (社员)',
  totalCount: 'Number of members matching, all pages (总数)',
});
export type MemberConnection = InstanceType<typeof MemberConnection>;

import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import type { GroupKind, GroupStatus } from './guarantee.rules';

export const GuaranteeGroupKindEnum = { JOINT: 'JOINT', PARTY_MEMBER: 'PARTY_MEMBER' } as const;
registerEnumType(GuaranteeGroupKindEnum, {
  name: 'GuaranteeGroupKind',
  description: 'Kind of guarantee (担保方式)',
  valuesConfig: {
    JOINT: { description: 'Joint guarantee of households (五户联保)' },
    PARTY_MEMBER: { description: 'A party member guarantees one household (党员一帮一)' },
  },
});

export const GuaranteeGroupStatusEnum = { ACTIVE: 'ACTIVE', DISSOLVED: 'DISSOLVED' } as const;
registerEnumType(GuaranteeGroupStatusEnum, {
  name: 'GuaranteeGroupStatus',
  description: 'Status of a guarantee group (联保小组状态)',
  valuesConfig: { ACTIVE: { description: 'In force (有效)' }, DISSOLVED: { description: 'Dissolved (已解散)' } },
});

@ObjectType({ simpleResolvers: true, description: 'Guarantee group (联保小组) or party-member guarantee (党员一帮一)' })
export class GuaranteeGroup {
  @Field(() => ID, { description: 'Group id (小组编号)' }) id!: number;
  @Field({ description: 'Name (小组名称)' }) name!: string;
  @Field(() => GuaranteeGroupKindEnum, { description: 'Kind of guarantee (担保方式)' }) kind!: GroupKind;
  @Field(() => GuaranteeGroupStatusEnum, { description: 'Status (状态)' }) status!: GroupStatus;
  @Field(() => LocalDateScalar, { description: 'Date formed (成立日期)' }) formedOn!: string;
  cooperativeId!: number;
  guarantorMemberId!: number | null;
}

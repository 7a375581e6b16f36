import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import type { GroupKind, GroupStatus } from './guarantee.rules';

/** Guarantee group (联保小组 / 党员一帮一). */
@Entity({ tableName: 'guarantee_group' })
export class GuaranteeGroupEntity {
  @PrimaryKey({ type: 'integer', fieldName: 'id', autoincrement: true }) id!: number;
  @Property({ type: 'integer', fieldName: 'cooperative_id' }) cooperativeId!: number;
  @Property({ type: 'text', fieldName: 'name' }) name!: string;
  @Property({ type: 'text', fieldName: 'kind' }) kind!: GroupKind;
  @Property({ type: 'integer', fieldName: 'guarantor_member_id', nullable: true }) guarantorMemberId: number | null = null;
  @Property({ type: 'text', fieldName: 'status' }) status: GroupStatus = 'ACTIVE';
  @Property({ type: 'string', columnType: 'date', fieldName: 'formed_on' }) formedOn!: string;
}

/** Membership of a household in a group; `active` false once it left or the group dissolved. */
@Entity({ tableName: 'guarantee_group_member' })
export class GuaranteeGroupMemberEntity {
  [PrimaryKeyProp]?: ['groupId', 'memberId'];
  @PrimaryKey({ type: 'integer', fieldName: 'group_id', autoincrement: false }) groupId!: number;
  @PrimaryKey({ type: 'integer', fieldName: 'member_id', autoincrement: false }) memberId!: number;
  @Property({ type: 'boolean', fieldName: 'active' }) active = true;
}

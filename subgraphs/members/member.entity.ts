import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { MemberStatus, PovertyStatus } from './member.rules';

/** Member household (社员). Used for writes. */
@Entity({ tableName: 'member' })
export class MemberEntity {
  @PrimaryKey({ type: 'integer', fieldName: 'id', autoincrement: true }) id!: number;
  @Property({ type: 'integer', fieldName: 'cooperative_id' }) cooperativeId!: number;
  @Property({ type: 'integer', fieldName: 'township_id' }) townshipId!: number;
  @Property({ type: 'integer', fieldName: 'county_id' }) countyId!: number;
  @Property({ type: 'text', fieldName: 'household_no' }) householdNo!: string;
  @Property({ type: 'text', fieldName: 'head_name' }) headName!: string;
  @Property({ type: 'text', fieldName: 'id_number' }) idNumber!: string;
  @Property({ type: 'integer', fieldName: 'residence_village_id' }) residenceVillageId!: number;
  @Property({ type: 'integer', fieldName: 'household_size' }) householdSize!: number;
  @Property({ type: 'text', fieldName: 'poverty_status' }) povertyStatus!: PovertyStatus;
  @Property({ type: 'boolean', fieldName: 'is_absolute_poor' }) isAbsolutePoor!: boolean;
  @Property({ type: 'boolean', fieldName: 'is_party_member' }) isPartyMember!: boolean;
  @Property({ type: 'text', fieldName: 'card_bank', nullable: true }) cardBank: string | null = null;
  @Property({ type: 'text', fieldName: 'card_account', nullable: true }) cardAccount: string | null = null;
  @Property({ type: 'text', fieldName: 'status' }) status: MemberStatus = 'ACTIVE';
  @Property({ type: 'string', columnType: 'date', fieldName: 'joined_on' }) joinedOn!: string;
  @Property({ type: 'string', columnType: 'date', fieldName: 'left_on', nullable: true }) leftOn: string | null = null;
}

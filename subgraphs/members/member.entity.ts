import { defineTable } from '../lib/table';
import type { MemberStatus, PovertyStatus } from './member.rules';

/** Member household (社员). */
export const MEMBER = defineTable('member', {
  id: { kind: 'serial', primary: true },
  cooperative_id: { kind: 'int' },
  township_id: { kind: 'int' },
  county_id: { kind: 'int' },
  household_no: { kind: 'text' },
  head_name: { kind: 'text' },
  id_number: { kind: 'text' },
  residence_village_id: { kind: 'int' },
  household_size: { kind: 'int', generated: true },
  poverty_status: { kind: 'text', values: ['REGISTERED_POOR', 'ORDINARY', 'WEALTHY'] satisfies PovertyStatus[] },
  is_absolute_poor: { kind: 'bool', generated: true },
  is_party_member: { kind: 'bool', generated: true },
  card_bank: { kind: 'text', nullable: true },
  card_account: { kind: 'text', nullable: true },
  status: { kind: 'text', generated: true, values: ['ACTIVE', 'WITHDRAWN'] satisfies MemberStatus[] },
  joined_on: { kind: 'date' },
  left_on: { kind: 'date', nullable: true },
});

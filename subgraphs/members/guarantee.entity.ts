import { defineTable } from '../lib/table';
import type { GroupKind, GroupStatus } from './guarantee.rules';

/** Guarantee group (联保小组 / 党员一帮一). */
export const GUARANTEE_GROUP = defineTable('guarantee_group', {
  id: { kind: 'serial', primary: true },
  cooperative_id: { kind: 'int' },
  name: { kind: 'text' },
  kind: { kind: 'text', values: ['JOINT', 'PARTY_MEMBER'] satisfies GroupKind[] },
  guarantor_member_id: { kind: 'int', nullable: true },
  status: { kind: 'text', generated: true, values: ['ACTIVE', 'DISSOLVED'] satisfies GroupStatus[] },
  formed_on: { kind: 'date' },
});

/** Membership of a household in a group; `active` false once it left or the group dissolved. */
export const GUARANTEE_GROUP_MEMBER = defineTable('guarantee_group_member', {
  group_id: { kind: 'int', primary: true },
  member_id: { kind: 'int', primary: true },
  active: { kind: 'bool', generated: true },
});

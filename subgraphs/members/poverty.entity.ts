import { defineTable } from '../lib/table';
import type { PovertyStatus } from './member.rules';

const STATUSES = ['REGISTERED_POOR', 'ORDINARY', 'WEALTHY'] satisfies PovertyStatus[];

/** A household's poverty status over time, append-only (Migration0007PovertyHistory): the first row is its status at admission. */
export const POVERTY_STATUS_CHANGE = defineTable('poverty_status_change', {
  id: { kind: 'bigserial', primary: true },
  member_id: { kind: 'int' },
  cooperative_id: { kind: 'int' },
  township_id: { kind: 'int' },
  county_id: { kind: 'int' },
  status: { kind: 'text', values: STATUSES },
  previous_status: { kind: 'text', nullable: true, values: STATUSES },
  effective_on: { kind: 'date' },
  reason: { kind: 'text', nullable: true },
  document_no: { kind: 'text', nullable: true },
  changed_by: { kind: 'text' },
  recorded_at: { kind: 'timestamptz', generated: true },
});

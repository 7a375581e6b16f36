import { defineTable } from '../lib/table';
import { UNION_LEVELS } from './union.rules';

/** A cooperative union (联合社) with its policy parameters (Migration0002Unions). */
export const COOPERATIVE_UNION = defineTable('cooperative_union', {
  id: { kind: 'serial', primary: true },
  level: { kind: 'text', values: UNION_LEVELS },
  county_id: { kind: 'int' },
  /** the township of a township union; null for a county union */
  township_id: { kind: 'int', nullable: true },
  name_zh: { kind: 'text' },
  name_en: { kind: 'text' },
  founded_on: { kind: 'date' },
  fee_rate_min_bp: { kind: 'int' },
  fee_rate_max_bp: { kind: 'int' },
  max_lender_share_bp: { kind: 'int' },
  max_term_days: { kind: 'int' },
  county_approval_above_fen: { kind: 'fen' },
  lender_fee_share_bp: { kind: 'int' },
  created_at: { kind: 'timestamptz', generated: true },
  updated_at: { kind: 'timestamptz', generated: true },
});

/**
 * A cooperative's membership of a union, from joining to leaving (Migration0002Unions). The
 * cooperative's county and township are copied from members when it joins (a cooperative never
 * moves), so scope is a WHERE clause here as everywhere.
 */
export const UNION_MEMBERSHIP = defineTable('union_membership', {
  id: { kind: 'serial', primary: true },
  union_id: { kind: 'int' },
  level: { kind: 'text', values: UNION_LEVELS },
  cooperative_id: { kind: 'int' },
  township_id: { kind: 'int' },
  county_id: { kind: 'int' },
  joined_on: { kind: 'date' },
  join_document_no: { kind: 'text' },
  left_on: { kind: 'date', nullable: true },
  leave_reason: { kind: 'text', nullable: true },
  created_at: { kind: 'timestamptz', generated: true },
});

export const UNION_TABLES = [COOPERATIVE_UNION, UNION_MEMBERSHIP] as const;

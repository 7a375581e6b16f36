import { defineTable } from '../lib/table';
import { ALLOCATION_STATUSES } from '../lib/allocation.rules';
import { UNION_ACCOUNTS, UNION_LEVELS } from './union.rules';
import { INSPECTION_POINTS, INSPECTOR_KINDS } from './inspection.rules';
import { PERIOD_KINDS, RATING_CLASSES } from './rating.rules';
import { RECTIFICATION_STATUSES } from './rectification.rules';

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


/** A paid allocation from one member cooperative to another (有偿调剂), from request to repaid (Migration0003Allocations). */
export const ALLOCATION = defineTable('allocation', {
  id: { kind: 'serial', primary: true },
  union_id: { kind: 'int' },
  county_id: { kind: 'int' },
  lender_cooperative_id: { kind: 'int' },
  lender_township_id: { kind: 'int' },
  borrower_cooperative_id: { kind: 'int' },
  borrower_township_id: { kind: 'int' },
  amount_fen: { kind: 'fen' },
  term_days: { kind: 'int' },
  fee_rate_bp: { kind: 'int' },
  purpose: { kind: 'text' },
  status: { kind: 'text', values: ALLOCATION_STATUSES },
  requested_by: { kind: 'text' },
  requested_on: { kind: 'date' },
  consented_by: { kind: 'text', nullable: true },
  consented_on: { kind: 'date', nullable: true },
  county_approved_by: { kind: 'text', nullable: true },
  county_approved_on: { kind: 'date', nullable: true },
  approved_by: { kind: 'text', nullable: true },
  /** the day the money moved (the union's approval); the fee accrues from it */
  made_on: { kind: 'date', nullable: true },
  due_on: { kind: 'date', nullable: true },
  principal_repaid_fen: { kind: 'fen', generated: true },
  fee_paid_fen: { kind: 'fen', generated: true },
  /** the fee is accrued from this day: made_on, then each repayment's day */
  fee_from: { kind: 'date', nullable: true },
  repaid_on: { kind: 'date', nullable: true },
  /** the code loans (or the union) refused the money movement with */
  refusal_code: { kind: 'text', nullable: true },
  refusal_message: { kind: 'text', nullable: true },
  created_at: { kind: 'timestamptz', generated: true },
  /** the parties' names when it was requested (Migration0004AllocationParties) */
  lender_name_zh: { kind: 'text' },
  borrower_name_zh: { kind: 'text' },
});

/** One repayment of an allocation with its fee split (Migration0003Allocations). */
export const ALLOCATION_REPAYMENT = defineTable('allocation_repayment', {
  id: { kind: 'serial', primary: true },
  allocation_id: { kind: 'int' },
  paid_on: { kind: 'date' },
  principal_fen: { kind: 'fen' },
  fee_fen: { kind: 'fen' },
  lender_fee_fen: { kind: 'fen' },
  union_fee_fen: { kind: 'fen' },
  /** the allocation's fee_from before this repayment, restored if loans refuses it */
  fee_from_before: { kind: 'date' },
  status: { kind: 'text', values: ['POSTING', 'POSTED', 'REFUSED'] },
  refusal_code: { kind: 'text', nullable: true },
  paid_by: { kind: 'text' },
  created_at: { kind: 'timestamptz', generated: true },
});

/** The union's own books (Migration0003Allocations): signed lines, debit positive, append-only. */
export const UNION_ENTRY = defineTable('union_entry', {
  id: { kind: 'bigserial', primary: true },
  union_id: { kind: 'int' },
  allocation_id: { kind: 'int' },
  event_ref: { kind: 'text' },
  occurred_on: { kind: 'date' },
  account: { kind: 'text', values: UNION_ACCOUNTS },
  amount_fen: { kind: 'fen' },
  created_at: { kind: 'timestamptz', generated: true },
});

/** An inspection of a cooperative by a union or the county (Migration0005Inspections). */
export const INSPECTION = defineTable('inspection', {
  id: { kind: 'serial', primary: true },
  cooperative_id: { kind: 'int' },
  township_id: { kind: 'int' },
  county_id: { kind: 'int' },
  inspector_kind: { kind: 'text', values: INSPECTOR_KINDS },
  /** the inspecting union; null when the county inspected */
  union_id: { kind: 'int', nullable: true },
  inspected_on: { kind: 'date' },
  inspected_by: { kind: 'text' },
  summary: { kind: 'text' },
  created_at: { kind: 'timestamptz', generated: true },
});

/** One point's finding of an inspection (Migration0005Inspections). */
export const INSPECTION_FINDING = defineTable('inspection_finding', {
  inspection_id: { kind: 'int', primary: true },
  point: { kind: 'text', primary: true, values: INSPECTION_POINTS },
  passed: { kind: 'bool' },
  note: { kind: 'text' },
});

/** A county's own rating thresholds (Migration0006Ratings). */
export const RATING_POLICY = defineTable('rating_policy', {
  county_id: { kind: 'int', primary: true },
  thresholds: { kind: 'jsonb' },
  document_no: { kind: 'text' },
  updated_by: { kind: 'text' },
  updated_at: { kind: 'timestamptz', generated: true },
});

/** A cooperative's rating for a period (Migration0006Ratings). */
export const RATING = defineTable('rating', {
  id: { kind: 'serial', primary: true },
  cooperative_id: { kind: 'int' },
  township_id: { kind: 'int' },
  county_id: { kind: 'int' },
  period_kind: { kind: 'text', values: PERIOD_KINDS },
  period_start: { kind: 'date' },
  period_end: { kind: 'date' },
  /** every indicator's value on the period's end, null where there was no data */
  indicators: { kind: 'jsonb' },
  /** the class each indicator earned */
  indicator_classes: { kind: 'jsonb' },
  /** the indicators without data, a JSON list of their names */
  missing: { kind: 'jsonb' },
  /** the thresholds in force when it was computed */
  thresholds: { kind: 'jsonb' },
  thresholds_source: { kind: 'text', values: ['DEFAULT', 'COUNTY'] },
  /** the period's latest inspection, which gave the bank-only and disclosure points */
  inspection_id: { kind: 'int', nullable: true },
  computed_class: { kind: 'text', values: RATING_CLASSES },
  score: { kind: 'int', nullable: true },
  /** the class in force: the computed one, or the county's override */
  rating_class: { kind: 'text', values: RATING_CLASSES },
  override_reason: { kind: 'text', nullable: true },
  overridden_by: { kind: 'text', nullable: true },
  overridden_at: { kind: 'timestamptz', nullable: true },
  computed_by: { kind: 'text' },
  computed_at: { kind: 'timestamptz', generated: true },
});

/** A rectification and its end (Migration0007Rectifications). */
export const RECTIFICATION = defineTable('rectification', {
  id: { kind: 'serial', primary: true },
  cooperative_id: { kind: 'int' },
  township_id: { kind: 'int' },
  county_id: { kind: 'int' },
  /** the C or D rating it followed; null when recorded from the paper files */
  rating_id: { kind: 'int', nullable: true },
  opened_on: { kind: 'date' },
  deadline: { kind: 'date' },
  /** the points to fix, a JSON list of their names */
  points: { kind: 'jsonb' },
  note: { kind: 'text' },
  status: { kind: 'text', values: RECTIFICATION_STATUSES },
  opened_by: { kind: 'text' },
  closing_rating_id: { kind: 'int', nullable: true },
  closed_on: { kind: 'date', nullable: true },
  closed_by: { kind: 'text', nullable: true },
  exited_on: { kind: 'date', nullable: true },
  exited_by: { kind: 'text', nullable: true },
  /** members' refusal of the status, when it cancelled the rectification */
  refusal_code: { kind: 'text', nullable: true },
  created_at: { kind: 'timestamptz', generated: true },
});

/** A recovery run of an exited cooperative's fund (Migration0008ExitRuns). */
export const EXIT_RUN = defineTable('exit_run', {
  id: { kind: 'serial', primary: true },
  rectification_id: { kind: 'int' },
  cooperative_id: { kind: 'int' },
  township_id: { kind: 'int' },
  county_id: { kind: 'int' },
  run_on: { kind: 'date' },
  bank_fen: { kind: 'fen' },
  allocations_fen: { kind: 'fen' },
  households_fen: { kind: 'fen' },
  household_count: { kind: 'int' },
  county_fen: { kind: 'fen' },
  left_fen: { kind: 'fen' },
  /** per household: memberId and amountFen, a JSON list */
  returns: { kind: 'jsonb' },
  run_by: { kind: 'text' },
  created_at: { kind: 'timestamptz', generated: true },
});

export const UNION_TABLES = [
  COOPERATIVE_UNION, UNION_MEMBERSHIP, ALLOCATION, ALLOCATION_REPAYMENT, UNION_ENTRY, INSPECTION, INSPECTION_FINDING, RATING_POLICY, RATING, RECTIFICATION, EXIT_RUN,
] as const;

import { seedTable, type SeedLayout } from '../lib/seed-layout';
import { ALLOCATION, ALLOCATION_REPAYMENT, COOPERATIVE_UNION, INSPECTION, INSPECTION_FINDING, EXIT_RUN, RATING, RATING_POLICY, RECTIFICATION, UNION_ENTRY, UNION_MEMBERSHIP } from './union.entity';

/** The union tables the bulk seed writes, referenced ones first (the unions are the root of every row). */
export const unionSeedLayout: SeedLayout = {
  tables: [
    seedTable(COOPERATIVE_UNION, [
      'id', 'level', 'county_id', 'township_id', 'name_zh', 'name_en', 'founded_on', 'fee_rate_min_bp', 'fee_rate_max_bp', 'max_lender_share_bp',
      'max_term_days', 'county_approval_above_fen', 'lender_fee_share_bp', 'created_at',
    ]),
    seedTable(UNION_MEMBERSHIP, ['id', 'union_id', 'level', 'cooperative_id', 'township_id', 'county_id', 'joined_on', 'join_document_no', 'left_on', 'leave_reason', 'created_at']),
    seedTable(ALLOCATION, [
      'id', 'union_id', 'county_id', 'lender_cooperative_id', 'lender_township_id', 'lender_name_zh', 'borrower_cooperative_id', 'borrower_township_id',
      'borrower_name_zh', 'amount_fen',
      'term_days', 'fee_rate_bp', 'purpose', 'status', 'requested_by', 'requested_on', 'consented_by', 'consented_on', 'county_approved_by',
      'county_approved_on', 'approved_by', 'made_on', 'due_on', 'principal_repaid_fen', 'fee_paid_fen', 'fee_from', 'repaid_on', 'created_at',
    ]),
    seedTable(ALLOCATION_REPAYMENT, [
      'id', 'allocation_id', 'paid_on', 'principal_fen', 'fee_fen', 'lender_fee_fen', 'union_fee_fen', 'fee_from_before', 'status', 'paid_by', 'created_at',
    ]),
    seedTable(UNION_ENTRY, ['id', 'union_id', 'allocation_id', 'event_ref', 'occurred_on', 'account', 'amount_fen', 'created_at']),
    seedTable(INSPECTION, ['id', 'cooperative_id', 'township_id', 'county_id', 'inspector_kind', 'union_id', 'inspected_on', 'inspected_by', 'summary', 'created_at']),
    seedTable(INSPECTION_FINDING, ['inspection_id', 'point', 'passed', 'note']),
    seedTable(RATING, [
      'id', 'cooperative_id', 'township_id', 'county_id', 'period_kind', 'period_start', 'period_end', 'indicators', 'indicator_classes', 'missing',
      'thresholds', 'thresholds_source', 'inspection_id', 'computed_class', 'score', 'rating_class', 'override_reason', 'overridden_by', 'overridden_at',
      'computed_by', 'computed_at',
    ]),
    seedTable(RECTIFICATION, [
      'id', 'cooperative_id', 'township_id', 'county_id', 'rating_id', 'opened_on', 'deadline', 'points', 'note', 'status', 'opened_by',
      'closing_rating_id', 'closed_on', 'closed_by', 'exited_on', 'exited_by', 'refusal_code', 'created_at',
    ]),
  ],
  // recovery runs and counties' own thresholds name cooperatives and counties of the data being replaced (the seed writes none)
  alsoTruncate: [EXIT_RUN.name, RATING_POLICY.name],
};

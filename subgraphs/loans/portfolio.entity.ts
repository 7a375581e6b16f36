import { defineTable } from '../lib/table';

/**
 * A cooperative's portfolio figures as of a date, kept while its fund's `version` is unchanged
 * (Migration0002PortfolioSnapshot); PAR days as they were when computed (Migration0006RegionPolicy).
 */
export const PORTFOLIO_SNAPSHOT = defineTable('portfolio_snapshot', {
  cooperative_id: { kind: 'int', primary: true },
  as_of: { kind: 'date', primary: true },
  version: { kind: 'bigint' },
  outstanding: { kind: 'fen' },
  active_loans: { kind: 'int' },
  borrowers: { kind: 'int' },
  overdue_loans: { kind: 'int' },
  overdue_outstanding: { kind: 'fen' },
  par_outstanding: { kind: 'fen' },
  principal_due: { kind: 'fen' },
  repaid_on_due: { kind: 'fen' },
  lendable_fund: { kind: 'fen' },
  loans_disbursed: { kind: 'int' },
  amount_disbursed: { kind: 'fen' },
  computed_at: { kind: 'timestamptz', generated: true },
  par_days: { kind: 'int' },
});

/** The region's one row of policy the portfolio terms read (PAR days). */
export const REGION_POLICY = defineTable('region_policy', {
  one: { kind: 'bool', primary: true, generated: true },
  par_days: { kind: 'int', generated: true },
  updated_at: { kind: 'timestamptz', generated: true },
});

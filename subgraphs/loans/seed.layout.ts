import type { SeedLayout } from '../lib/seed-layout';

/** The loans tables the bulk seed writes, referenced ones first (fund is the root of every row). */
export const loansSeedLayout: SeedLayout = {
  tables: [
    { name: 'fund', columns: 'cooperative_id, county_id, township_id, created_at' },
    { name: 'ledger_txn', columns: 'id, cooperative_id, kind, occurred_on, memo, ref_type, ref_id, name_masked, created_at', identity: true },
    { name: 'ledger_line', columns: 'id, txn_id, cooperative_id, account, amount_fen', identity: true },
    { name: 'fund_balance', columns: 'cooperative_id, account, balance_fen' },
    {
      name: 'loan',
      columns:
        'id, cooperative_id, county_id, township_id, member_id, borrower_name, card_account, guarantee_group_id, guarantor_member_id, amount_fen, ' +
        'fee_rate_bp, term_months, repayment_mode, purpose, purpose_note, status, is_first_loan, is_shuangdao, requested_by, approved_by, applied_on, ' +
        'endorsed_on, approved_on, published_on, contracted_on, disbursed_on, due_on, closed_on, written_off_on, principal_repaid_fen, ' +
        'fee_paid_fen, written_off_fen, created_at',
      identity: true,
    },
    { name: 'loan_instalment', columns: 'loan_id, seq, due_on, principal_fen, fee_fen' },
    { name: 'repayment', columns: 'id, loan_id, cooperative_id, member_id, paid_on, principal_fen, fee_fen, channel, bank_ref, created_at', identity: true },
    {
      name: 'bank_transfer',
      columns: 'id, cooperative_id, loan_id, member_id, direction, amount_fen, channel, account_masked, bank_ref, executed_on, created_at',
      identity: true,
    },
  ],
  // snapshots are computed from the loaded rows, and export records name files of the data; any left over would describe other data
  alsoTruncate: ['portfolio_snapshot', 'credit_export'],
  // what ledger_txn_bumps_fund_version would have done for one bulk insert (snapshots compare versions)
  recompute: [`update fund f set version = f.version + 1 where exists (select 1 from ledger_txn t where t.cooperative_id = f.cooperative_id)`],
};

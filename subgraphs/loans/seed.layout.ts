import { seedTable, type SeedLayout } from '../lib/seed-layout';
import { BANK_TRANSFER, LOAN, LOAN_INSTALMENT, REPAYMENT } from './loan.entity';
import { FUND, FUND_BALANCE, LEDGER_LINE, LEDGER_TXN } from './ledger.entity';
import { PORTFOLIO_SNAPSHOT } from './portfolio.entity';
import { CREDIT_EXPORT } from './credit.entity';

/** The loans tables the bulk seed writes, referenced ones first (fund is the root of every row). */
export const loansSeedLayout: SeedLayout = {
  tables: [
    seedTable(FUND, ['cooperative_id', 'county_id', 'township_id', 'created_at']),
    seedTable(LEDGER_TXN, ['id', 'cooperative_id', 'kind', 'occurred_on', 'memo', 'ref_type', 'ref_id', 'name_masked', 'event_ref', 'posted_by', 'created_at']),
    seedTable(LEDGER_LINE, ['id', 'txn_id', 'cooperative_id', 'account', 'amount_fen']),
    seedTable(FUND_BALANCE, ['cooperative_id', 'account', 'balance_fen', 'debit_fen', 'credit_fen']),
    seedTable(LOAN, [
      'id', 'cooperative_id', 'county_id', 'township_id', 'member_id', 'borrower_name', 'card_account', 'guarantee_group_id', 'guarantor_member_id',
      'amount_fen', 'fee_rate_bp', 'term_months', 'repayment_mode', 'purpose', 'purpose_note', 'status', 'is_first_loan', 'is_shuangdao',
      'requested_by', 'approved_by', 'applied_on', 'endorsed_on', 'approved_on', 'published_on', 'contracted_on', 'disbursed_on', 'due_on',
      'closed_on', 'written_off_on', 'principal_repaid_fen', 'fee_paid_fen', 'written_off_fen', 'created_at',
    ]),
    seedTable(LOAN_INSTALMENT, ['loan_id', 'seq', 'due_on', 'principal_fen', 'fee_fen']),
    seedTable(REPAYMENT, ['id', 'loan_id', 'cooperative_id', 'member_id', 'paid_on', 'principal_fen', 'fee_fen', 'channel', 'bank_ref', 'created_at']),
    seedTable(BANK_TRANSFER, ['id', 'cooperative_id', 'loan_id', 'member_id', 'direction', 'amount_fen', 'channel', 'account_masked', 'bank_ref', 'executed_on', 'created_at']),
  ],
  // snapshots are computed from the loaded rows, and export records name files of the data; any left over would describe other data
  alsoTruncate: [PORTFOLIO_SNAPSHOT.name, CREDIT_EXPORT.name],
  // what ledger_txn_bumps_fund_version would have done for one bulk insert (snapshots compare versions)
  recompute: [`update fund f set version = f.version + 1 where exists (select 1 from ledger_txn t where t.cooperative_id = f.cooperative_id)`],
};

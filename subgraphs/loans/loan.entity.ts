import { defineTable } from '../lib/table';
import { LOAN_STATUSES } from './loan.rules';
import { LOAN_PURPOSE_NAMES } from './purpose.rules';

/**
 * The loans tables (migrations/Migration0001Loans.ts and later), each declared once: the writes
 * use the generated entity, the reads the row type and select list, the seed the checked column list.
 */
export const LOAN = defineTable('loan', {
  id: { kind: 'serial', primary: true },
  cooperative_id: { kind: 'int' },
  county_id: { kind: 'int' },
  township_id: { kind: 'int' },
  member_id: { kind: 'int' },
  borrower_name: { kind: 'text' },
  card_account: { kind: 'text', nullable: true },
  guarantee_group_id: { kind: 'int', nullable: true },
  guarantor_member_id: { kind: 'int', nullable: true },
  amount_fen: { kind: 'fen' },
  fee_rate_bp: { kind: 'int' },
  term_months: { kind: 'int' },
  repayment_mode: { kind: 'text', values: ['BULLET', 'MONTHLY'] },
  purpose: { kind: 'text', values: LOAN_PURPOSE_NAMES },
  status: { kind: 'text', values: LOAN_STATUSES },
  is_first_loan: { kind: 'bool' },
  is_shuangdao: { kind: 'bool', generated: true },
  needs_county_approval: { kind: 'bool', generated: true },
  requested_by: { kind: 'text' },
  approved_by: { kind: 'text', nullable: true },
  county_approved_by: { kind: 'text', nullable: true },
  applied_on: { kind: 'date' },
  endorsed_on: { kind: 'date', nullable: true },
  approved_on: { kind: 'date', nullable: true },
  county_approved_on: { kind: 'date', nullable: true },
  published_on: { kind: 'date', nullable: true },
  contracted_on: { kind: 'date', nullable: true },
  disbursed_on: { kind: 'date', nullable: true },
  due_on: { kind: 'date', nullable: true },
  closed_on: { kind: 'date', nullable: true },
  written_off_on: { kind: 'date', nullable: true },
  principal_repaid_fen: { kind: 'fen', generated: true },
  fee_paid_fen: { kind: 'fen', generated: true },
  written_off_fen: { kind: 'fen', generated: true },
  created_at: { kind: 'timestamptz', generated: true },
  /** Migration0003Privacy */
  purpose_note: { kind: 'text', nullable: true },
});

export const LOAN_INSTALMENT = defineTable('loan_instalment', {
  loan_id: { kind: 'int', primary: true },
  seq: { kind: 'int', primary: true },
  due_on: { kind: 'date' },
  principal_fen: { kind: 'fen' },
  fee_fen: { kind: 'fen' },
});

export const REPAYMENT = defineTable('repayment', {
  id: { kind: 'bigserial', primary: true },
  loan_id: { kind: 'int' },
  cooperative_id: { kind: 'int' },
  member_id: { kind: 'int' },
  paid_on: { kind: 'date' },
  principal_fen: { kind: 'fen' },
  fee_fen: { kind: 'fen' },
  channel: { kind: 'text', values: ['BANK', 'CASH'] },
  bank_ref: { kind: 'text', nullable: true },
  created_at: { kind: 'timestamptz', generated: true },
  /** The reversal that cancelled it (Migration0007LedgerEvents): a reversed repayment counts nowhere. */
  reversed_txn_id: { kind: 'bigid', nullable: true },
  reversed_on: { kind: 'date', nullable: true },
});

export const BANK_TRANSFER = defineTable('bank_transfer', {
  id: { kind: 'bigserial', primary: true },
  cooperative_id: { kind: 'int' },
  loan_id: { kind: 'int', nullable: true },
  member_id: { kind: 'int', nullable: true },
  direction: { kind: 'text', values: ['OUT', 'IN'] },
  amount_fen: { kind: 'fen' },
  channel: { kind: 'text', values: ['BANK', 'CASH'] },
  account_masked: { kind: 'text', nullable: true },
  bank_ref: { kind: 'text' },
  executed_on: { kind: 'date' },
  created_at: { kind: 'timestamptz', generated: true },
});

import { defineTable } from '../lib/table';
import { ACCOUNT_NAMES } from './ledger.rules';

/** The fund row: location for scope, and the row each money-moving transaction locks; `version` is bumped by every ledger transaction (Migration0002PortfolioSnapshot). */
export const FUND = defineTable('fund', {
  cooperative_id: { kind: 'int', primary: true },
  county_id: { kind: 'int' },
  township_id: { kind: 'int' },
  created_at: { kind: 'timestamptz', generated: true },
  version: { kind: 'bigint', generated: true },
});

export const LEDGER_TXN = defineTable('ledger_txn', {
  id: { kind: 'bigserial', primary: true },
  cooperative_id: { kind: 'int' },
  kind: { kind: 'text' },
  occurred_on: { kind: 'date' },
  memo: { kind: 'text' },
  ref_type: { kind: 'text', nullable: true },
  ref_id: { kind: 'text', nullable: true },
  reverses_txn_id: { kind: 'bigid', nullable: true },
  created_at: { kind: 'timestamptz', generated: true },
  /** The household's name masked (张*明) when the transaction concerns one; what the board shows (Migration0003Privacy). */
  name_masked: { kind: 'text', nullable: true },
  /** The business event, once per ledger (`disbursement:<loan>`, `repayment:<repayment>`…): unique (Migration0007LedgerEvents). */
  event_ref: { kind: 'text' },
  /** The caller's token subject (system values for seeded and migrated rows): the reverser is never the poster. */
  posted_by: { kind: 'text' },
  /** A reversal's written reason. */
  reason: { kind: 'text', nullable: true },
});

/** Signed amounts: debit positive, credit negative. Append-only. */
export const LEDGER_LINE = defineTable('ledger_line', {
  id: { kind: 'bigserial', primary: true },
  txn_id: { kind: 'bigid' },
  cooperative_id: { kind: 'int' },
  account: { kind: 'text', values: ACCOUNT_NAMES },
  amount_fen: { kind: 'fen' },
});

/** Balances derived from the lines, maintained in the same transaction as each posting. */
export const FUND_BALANCE = defineTable('fund_balance', {
  cooperative_id: { kind: 'int', primary: true },
  account: { kind: 'text', primary: true, values: ACCOUNT_NAMES },
  balance_fen: { kind: 'fen', generated: true },
  /** Volumes: the sum of the account's debit lines and of its credit lines (positive), kept with each posting (Migration0007LedgerEvents). */
  debit_fen: { kind: 'fen', generated: true },
  credit_fen: { kind: 'fen', generated: true },
});

export const LEDGER_TABLES = [FUND, LEDGER_TXN, LEDGER_LINE, FUND_BALANCE];

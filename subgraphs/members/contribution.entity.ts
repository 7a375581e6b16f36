import { defineTable } from '../lib/table';
import type { ContributionKind, LedgerStatus } from './contribution.rules';

/** One contribution row (互助金): a share part, 双到 money, or a withdrawal of the household's own part. */
export const CONTRIBUTION = defineTable('contribution', {
  id: { kind: 'bigserial', primary: true, jsNumber: true },
  member_id: { kind: 'int' },
  cooperative_id: { kind: 'int' },
  kind: { kind: 'text', values: ['HOUSEHOLD', 'GOVERNMENT_SUBSIDY', 'SHUANGDAO', 'HOUSEHOLD_WITHDRAWAL'] satisfies ContributionKind[] },
  amount_fen: { kind: 'fen' },
  paid_on: { kind: 'date' },
  ledger_status: { kind: 'text', generated: true, values: ['PENDING', 'POSTED'] satisfies LedgerStatus[] },
  /** The key of the ledger posting in the loans subgraph: `contribution:<id>`. */
  idempotency_key: { kind: 'text', nullable: true },
  created_at: { kind: 'timestamptz', generated: true },
});

/** A household's own part returned by an exited cooperative's recovery run (退出清算, Migration0009ExitReturns). */
export const EXIT_RETURN = defineTable('exit_return', {
  id: { kind: 'bigserial', primary: true, jsNumber: true },
  /** the union's recovery run */
  run_id: { kind: 'int' },
  member_id: { kind: 'int' },
  cooperative_id: { kind: 'int' },
  amount_fen: { kind: 'fen' },
  returned_on: { kind: 'date' },
  created_at: { kind: 'timestamptz', generated: true },
});

import { defineTable } from '../lib/table';

/** Who filed which credit-reference export with identity numbers (Migration0008CreditExports). Append-only. */
export const CREDIT_EXPORT = defineTable('credit_export', {
  id: { kind: 'bigserial', primary: true },
  at: { kind: 'timestamptz', generated: true },
  actor: { kind: 'text' },
  request_id: { kind: 'text', nullable: true },
  county_id: { kind: 'int' },
  cooperative_id: { kind: 'int', nullable: true },
  period_from: { kind: 'date' },
  period_to: { kind: 'date' },
  format: { kind: 'text', values: ['CSV', 'JSONL'] },
  row_count: { kind: 'int' },
  borrower_count: { kind: 'int' },
  sha256: { kind: 'text' },
});

/**
 * Terms of the credit-reference export (征信报送), pure. A borrower's overdue status is built from
 * loan.rules' loan-level term ({@link loanOverdueAsOf}, SQL {@link overdueAsOfSql} and
 * {@link daysOverdueSql}); nothing here says again what "overdue" means.
 */
import { daysOverdueSql, overdueAsOfSql } from './loan.rules';

/**
 * A borrower's overdue status as of a date (借款人逾期状态): overdue when any of its loans is overdue
 * (loan.rules' `loanOverdueAsOf`), daysOverdue the largest of those loans' days (0 when none is).
 */
export function borrowerOverdue(loans: readonly { overdue: boolean; daysOverdue: number }[]): { overdue: boolean; daysOverdue: number } {
  let overdue = false;
  let daysOverdue = 0;
  for (const l of loans) {
    if (!l.overdue) continue;
    overdue = true;
    if (l.daysOverdue > daysOverdue) daysOverdue = l.daysOverdue;
  }
  return { overdue, daysOverdue };
}

/**
 * SQL of {@link borrowerOverdue}: aggregates over a borrower's loan rows (a GROUP BY member), from
 * expressions of each loan's outstanding at asOf and first-unpaid date (loan.rules' fragments).
 */
export function borrowerOverdueSql(outstanding: string, firstUnpaid: string, asOf: string): { overdue: string; daysOverdue: string } {
  const loanOverdue = overdueAsOfSql(outstanding, firstUnpaid);
  return {
    overdue: `coalesce(bool_or(${loanOverdue}), false)`,
    daysOverdue: `coalesce(max(case when ${loanOverdue} then ${daysOverdueSql(firstUnpaid, asOf)} end), 0)::int`,
  };
}

/** The export's file formats. */
export type ExportFormat = 'JSONL' | 'CSV';

/**
 * The text of an export: JSON Lines (one object per row, the columns in order) or CSV (a header of
 * the column names, RFC 4180 quoting of a value with a comma, quote or line break). Empty JSONL is "".
 */
export function renderExport<R extends object>(rows: readonly R[], columns: readonly (keyof R & string)[], format: ExportFormat): string {
  if (format === 'JSONL') return rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c) => [c, r[c]])))).join('\n') + (rows.length ? '\n' : '');
  const esc = (v: unknown) => {
    const s = String(v ?? '');
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => esc(r[c])).join(','))].join('\n') + '\n';
}

import type { Ctx } from '../lib/context';
import { parseDay } from '../lib/dates';
import { invalid } from './codes';
import { readScope } from '../lib/scope';

export interface CreditEvent {
  memberId: number;
  borrowerName: string;
  loanId: number;
  cooperativeId: number;
  event: 'DISBURSEMENT' | 'REPAYMENT' | 'WRITE_OFF';
  date: string;
  amountFen: string;
  principalFen: string;
  feeFen: string;
}

const COLUMNS: (keyof CreditEvent)[] = ['memberId', 'borrowerName', 'loanId', 'cooperativeId', 'event', 'date', 'amountFen', 'principalFen', 'feeFen'];

/**
 * Credit-reference export (征信): each borrower's loan events in a period, for the bank's
 * credit reference system, as JSON Lines or CSV. Scoped like every read.
 */
export async function creditReferenceExport(ctx: Ctx, o: { cooperativeId?: string; from: string; to: string; format: 'JSONL' | 'CSV' }): Promise<string> {
  const from = parseDay(o.from);
  const to = parseDay(o.to);
  if (to < from) invalid('截止日期早于起始日期', 'to is before from');
  const scope = readScope(ctx.caller, { county: 'l.county_id', township: 'l.township_id', cooperative: 'l.cooperative_id', member: 'l.member_id' });
  const coop = o.cooperativeId ? ' and l.cooperative_id = ?' : '';
  const coopParam = o.cooperativeId ? [Number(o.cooperativeId.replace(/\D/g, '') || 0)] : [];
  const rows = await ctx.em.execute<CreditEvent[]>(
    `select * from (
       select l.member_id "memberId", l.borrower_name "borrowerName", l.id "loanId", l.cooperative_id "cooperativeId", 'DISBURSEMENT' event,
              to_char(l.disbursed_on,'YYYY-MM-DD') date, l.amount_fen::text "amountFen", l.amount_fen::text "principalFen", '0' "feeFen"
         from loan l where l.disbursed_on between ? and ? and ${scope.sql}${coop}
       union all
       select l.member_id, l.borrower_name, l.id, l.cooperative_id, 'REPAYMENT', to_char(r.paid_on,'YYYY-MM-DD'),
              (r.principal_fen + r.fee_fen)::text, r.principal_fen::text, r.fee_fen::text
         from repayment r join loan l on l.id = r.loan_id where r.paid_on between ? and ? and ${scope.sql}${coop}
       union all
       select l.member_id, l.borrower_name, l.id, l.cooperative_id, 'WRITE_OFF', to_char(l.written_off_on,'YYYY-MM-DD'),
              l.written_off_fen::text, l.written_off_fen::text, '0'
         from loan l where l.written_off_on between ? and ? and ${scope.sql}${coop}
     ) e order by "memberId", date, "loanId", event`,
    [from, to, ...scope.params, ...coopParam, from, to, ...scope.params, ...coopParam, from, to, ...scope.params, ...coopParam],
  );
  if (o.format === 'JSONL') return rows.map((r) => JSON.stringify(Object.fromEntries(COLUMNS.map((c) => [c, r[c]])))).join('\n') + (rows.length ? '\n' : '');
  const esc = (v: unknown) => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => esc(r[c])).join(','))].join('\n') + '\n';
}

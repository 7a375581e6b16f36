import { createHash } from 'node:crypto';
import type { Ctx } from '../lib/context';
import { pageOf, toConnection, type PageArgs } from '../lib/connection';
import { parseDay } from '../lib/dates';
import { invalid } from './codes';
import { oneCounty, readScope, type Sql } from '../lib/scope';
import { borrowerOverdueSql, renderExport, type ExportFormat } from './credit.rules';
import { CREDIT_EXPORT } from './credit.entity';
import { selectList, type RowOf } from '../lib/table';
import { instalmentsDueSql, outstandingAsOfSql, repaidByAsOfSql, standingRepaymentSql } from './loan.rules';
import { memberIdentities } from './members.client';

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
  /** The borrower's overdue status as of the period's last day (credit.rules' borrowerOverdue). */
  overdue: boolean;
  daysOverdue: number;
}

/** Columns of creditReferenceExport, in file order (documented on the field). */
export const COLUMNS: (keyof CreditEvent)[] = ['memberId', 'borrowerName', 'loanId', 'cooperativeId', 'event', 'date', 'amountFen', 'principalFen', 'feeFen', 'overdue', 'daysOverdue'];

type CountyCreditEvent = CreditEvent & { idNumber: string };
/** Columns of countyCreditReferenceExport: the same, with the identity number after the name. */
export const COUNTY_COLUMNS: (keyof CountyCreditEvent)[] = ['memberId', 'borrowerName', 'idNumber', ...COLUMNS.slice(2)];

const LOAN_SCOPE = { county: 'l.county_id', township: 'l.township_id', cooperative: 'l.cooperative_id', member: 'l.member_id' };
const idOf = (raw: string): number => Number(raw.replace(/\D/g, '') || 0);

/**
 * Each borrower's loan events in a period inside `where` (a fragment on loan `l`), with the borrower's
 * overdue status and days as of the period's last day, in one statement.
 */
async function creditEvents(ctx: Ctx, from: string, to: string, where: Sql): Promise<CreditEvent[]> {
  const asOf = '(select t from p)';
  const w = where.sql;
  const repaid = repaidByAsOfSql('l.id', asOf);
  const b = borrowerOverdueSql('per.outstanding', 'per.first_unpaid', asOf);
  return ctx.read<CreditEvent[]>(
    `with p as (select ?::date f, ?::date t),
     ev as (
       select l.member_id "memberId", l.borrower_name "borrowerName", l.id "loanId", l.cooperative_id "cooperativeId", 'DISBURSEMENT' event,
              to_char(l.disbursed_on,'YYYY-MM-DD') date, l.amount_fen::text "amountFen", l.amount_fen::text "principalFen", '0' "feeFen"
         from loan l where l.disbursed_on between (select f from p) and (select t from p) and ${w}
       union all
       select l.member_id, l.borrower_name, l.id, l.cooperative_id, 'REPAYMENT', to_char(r.paid_on,'YYYY-MM-DD'),
              (r.principal_fen + r.fee_fen)::text, r.principal_fen::text, r.fee_fen::text
         from repayment r join loan l on l.id = r.loan_id
        -- a reversed repayment (recorded in error) never happened as far as the credit reference goes
        where r.paid_on between (select f from p) and (select t from p) and ${standingRepaymentSql('r')} and ${w}
       union all
       select l.member_id, l.borrower_name, l.id, l.cooperative_id, 'WRITE_OFF', to_char(l.written_off_on,'YYYY-MM-DD'),
              l.written_off_fen::text, l.written_off_fen::text, '0'
         from loan l where l.written_off_on between (select f from p) and (select t from p) and ${w}),
     -- every loan of the exported borrowers disbursed by the period's end, as loan.rules sees it then
     per as (
       select l.member_id, ${outstandingAsOfSql('l', repaid, asOf)} outstanding, d.first_unpaid
         from loan l left join lateral (${instalmentsDueSql('l.id', repaid, asOf)}) d on true
        where l.member_id in (select "memberId" from ev) and l.disbursed_on <= (select t from p) and ${w}),
     b as (select per.member_id, ${b.overdue} overdue, ${b.daysOverdue} "daysOverdue" from per group by per.member_id)
     select ev.*, coalesce(b.overdue, false) overdue, coalesce(b."daysOverdue", 0) "daysOverdue"
       from ev left join b on b.member_id = ev."memberId"
      order by "memberId", date, "loanId", event`,
    [from, to, ...where.params, ...where.params, ...where.params, ...where.params],
  );
}

function period(o: { from: string; to: string }): { from: string; to: string } {
  const from = parseDay(o.from);
  const to = parseDay(o.to);
  if (to < from) invalid('截止日期早于起始日期', 'to is before from');
  return { from, to };
}

/**
 * Credit-reference export (征信): each borrower's loan events in a period, for the bank's
 * credit reference system, as JSON Lines or CSV, without identity numbers. Scoped like every read.
 */
export async function creditReferenceExport(ctx: Ctx, o: { cooperativeId?: string; from: string; to: string; format: ExportFormat }): Promise<string> {
  const { from, to } = period(o);
  const scope = readScope(ctx.caller, LOAN_SCOPE);
  const where = o.cooperativeId ? { sql: `${scope.sql} and l.cooperative_id = ?`, params: [...scope.params, idOf(o.cooperativeId)] } : scope;
  return renderExport(await creditEvents(ctx, from, to, where), COLUMNS, o.format);
}

/** The purpose members records with each identity number it hands out. */
const IDENTITY_PURPOSE = '征信报送 credit-reference filing';

/**
 * The county's credit-reference filing (征信报送) with each borrower's identity number: the events of
 * the county (or one of its cooperatives) in a period, the numbers from members in one batched call
 * made for the caller (members audits it under the caller's name), and a record of the export here.
 * The county: `countyId`, else the token's only county (INVALID_INPUT when it names several);
 * a county outside the token is OUT_OF_SCOPE.
 */
export async function countyCreditReferenceExport(
  ctx: Ctx,
  o: { countyId?: string; cooperativeId?: string; from: string; to: string; format: ExportFormat },
): Promise<string> {
  const { from, to } = period(o);
  const countyId = oneCounty(ctx.caller, o.countyId ? idOf(o.countyId) : null);
  const cooperativeId = o.cooperativeId ? idOf(o.cooperativeId) : null;
  const scope = readScope(ctx.caller, LOAN_SCOPE);
  const where = {
    sql: `${scope.sql} and l.county_id = ?${cooperativeId === null ? '' : ' and l.cooperative_id = ?'}`,
    params: [...scope.params, countyId, ...(cooperativeId === null ? [] : [cooperativeId])],
  };
  const events = await creditEvents(ctx, from, to, where);
  const memberIds = [...new Set(events.map((e) => e.memberId))];
  const ids = memberIds.length ? await memberIdentities(ctx, memberIds, IDENTITY_PURPOSE) : new Map<number, string>();
  const rows: CountyCreditEvent[] = events.map((e) => ({ ...e, idNumber: ids.get(e.memberId) ?? '' }));
  const content = renderExport(rows, COUNTY_COLUMNS, o.format);
  await ctx.em.insert(CREDIT_EXPORT.entity, {
    actor: ctx.caller!.sub, requestId: ctx.requestId, countyId, cooperativeId, periodFrom: from, periodTo: to, format: o.format,
    rowCount: rows.length, borrowerCount: memberIds.length, sha256: createHash('sha256').update(content).digest('hex'),
  });
  return content;
}

/** A filing as the list shows it (credit_export, camelCase). */
export interface CreditExportRecord {
  id: string; at: string; actor: string; requestId: string | null; countyId: number; cooperativeId: number | null;
  from: string; to: string; format: ExportFormat; rowCount: number; borrowerCount: number; sha256: string;
}
const toRecord = (r: RowOf<typeof CREDIT_EXPORT>): CreditExportRecord => ({
  id: r.id, at: r.at, actor: r.actor, requestId: r.request_id, countyId: r.county_id, cooperativeId: r.cooperative_id,
  from: r.period_from, to: r.period_to, format: r.format, rowCount: r.row_count, borrowerCount: r.borrower_count, sha256: r.sha256,
});

/** Past identity-number exports visible to the caller, newest first (a county's own; an auditor's counties or cooperatives). */
export async function creditExportPage(ctx: Ctx, o: { countyId?: string }, args: PageArgs) {
  const page = pageOf(args);
  // an export is a county-level row; an auditor of one cooperative sees that cooperative's exports
  const scope = readScope(ctx.caller, { county: 'e.county_id', township: 'null::int', cooperative: 'e.cooperative_id' });
  const county = o.countyId ? { sql: ' and e.county_id = ?', params: [idOf(o.countyId)] } : { sql: '', params: [] };
  const filter = `${scope.sql}${county.sql}`;
  const rows = await ctx.read<RowOf<typeof CREDIT_EXPORT>[]>(
    `select ${selectList(CREDIT_EXPORT, 'e')}
       from credit_export e
      where ${filter}${page.afterId ? ' and e.id < ?' : ''}
      order by e.id desc limit ?`,
    [...scope.params, ...county.params, ...(page.afterId ? [page.afterId] : []), page.limit + 1],
  );
  const [{ n }] = await ctx.read<{ n: number }[]>(`select count(*)::int n from credit_export e where ${filter}`, [...scope.params, ...county.params]);
  return toConnection(rows.map(toRecord), page, n ?? 0);
}

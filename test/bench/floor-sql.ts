import type { Caller } from '../../subgraphs/lib/auth';
import { numberPlaceholders } from '../../subgraphs/lib/read-path';
import { readScope, scopedByCountyAlone, type ScopeColumns, type Sql } from '../../subgraphs/lib/scope';
import { daysOverdueSql, firstUnpaidDueSql, outstandingNowSql } from '../../subgraphs/loans/loan.rules';
import { figuresSql, PAR_DAYS_SQL } from '../../subgraphs/loans/portfolio.rules';
import { ratingInForceSql } from '../../subgraphs/union/rating.rules';

/**
 * The floor's SQL: one statement per database and operation, built per request from the shape of
 * the request (one county or all, one cooperative) and the caller's scope, so that each distinct text
 * is a prepared statement whose generic plan fits it. The first floor wrote one text per operation
 * with `($1::int is null or c.county_id = $1)` switches, which no generic plan can serve with the
 * index a given shape needs; at region scale it answered RegionDashboard slower than ours (p50 322
 * against 176 ms, 166 ms of PostgreSQL CPU per request against 41).
 *
 * Scope is the subgraphs' own `readScope` on the same columns they use (cooperative rows as
 * members' `coopScope`, households as `memberScope`, loans and funds as loans' LOAN_SCOPE and
 * FUND_SCOPE), so the floor does the work ours does to keep a caller to its rows.
 */

/** A statement being built: each value becomes the next `$n`, lib's `?` fragments are renumbered after them. */
export class Statement {
  readonly params: unknown[] = [];

  /** The value as the next placeholder, with a cast. */
  v(value: unknown, cast: string): string {
    this.params.push(value);
    return `$${this.params.length}::${cast}`;
  }

  /** A scope fragment (`?` bindings) with its values appended in order. */
  where(s: Sql): string {
    const base = this.params.length;
    this.params.push(...s.params);
    return numberPlaceholders(s.sql).text.replace(/\$(\d+)/g, (_, d: string) => `$${base + Number(d)}`);
  }
}

export interface Built {
  text: string;
  params: unknown[];
}

const COOP: ScopeColumns = { county: 'c.county_id', township: 'c.township_id', cooperative: 'c.id' };
const MEMBER: ScopeColumns = { ...COOP, member: 'm.id' };
const FUND: ScopeColumns = { county: 'f.county_id', township: 'f.township_id', cooperative: 'f.cooperative_id' };
const RATING: ScopeColumns = { county: 'r.county_id', township: 'r.township_id', cooperative: 'r.cooperative_id' };
const LOAN: ScopeColumns = { county: 'l.county_id', township: 'l.township_id', cooperative: 'l.cooperative_id', member: 'l.member_id' };

/** Refused by the floor: a caller whose county rows ours checks by joining down to its cooperatives. */
export class UnsupportedCaller extends Error {}

/** County row `k` visible to the caller (ours: geography.service countyVisible, county-level scopes only). */
function countyScope(caller: Caller | null): Sql {
  if (!scopedByCountyAlone(caller)) throw new UnsupportedCaller(`floor: county rows for role ${caller?.role} not implemented`);
  return readScope(caller, { county: 'k.id', township: 'null', cooperative: 'null' });
}

/**
 * Members side of the dashboards: one county (`countyId`) or all, their cooperatives up to `limit`
 * per county with township, maintained member counters and per-county totals (window sums over the
 * caller's cooperatives of the county), and, when `insured`, insured members as of `asOf`.
 */
export function membersDashboard(caller: Caller | null, countyId: number | null, asOf: string, limit: number, insured: boolean): Built {
  const s = new Statement();
  const one = countyId == null ? null : s.v(countyId, 'int');
  const coops = s.where(readScope(caller, COOP));
  const counties = s.where(countyScope(caller));
  const day = insured ? s.v(asOf, 'date') : null;
  const ins = day
    ? `ins as (
  select m.cooperative_id, count(distinct m.id)::int n
    from insurance_policy i join member m on m.id = i.member_id
   where m.status = 'ACTIVE' and i.starts_on <= ${day} and i.ends_on >= ${day}
     ${one ? `and m.county_id = ${one}` : ''} and m.cooperative_id in (select id from c)
   group by m.cooperative_id)`
    : `ins as (select null::int cooperative_id, 0 n where false)`;
  const text = `
with c as (
  select c.id, c.county_id, c.name_zh, c.name_en, c.status, c.management_mode, c.founded_on,
         c.member_count, c.registered_poor_count, c.party_member_count,
         t.id t_id, t.name_zh t_name_zh, t.name_en t_name_en,
         count(*) over w total, sum(c.member_count) over w sum_members,
         sum(c.registered_poor_count) over w sum_poor, sum(c.party_member_count) over w sum_party,
         row_number() over (partition by c.county_id order by c.id) rn
    from cooperative c join township t on t.id = c.township_id
   where ${one ? `c.county_id = ${one} and ` : ''}${coops}
  window w as (partition by c.county_id)),
${ins}
select k.id k_id, k.code k_code, k.name_zh k_name_zh, k.name_en k_name_en, k.city_zh k_city_zh,
       c.*, coalesce(ins.n, 0) insured
  from county k
  left join c on c.county_id = k.id and c.rn <= ${s.v(limit, 'int')}
  left join ins on ins.cooperative_id = c.id
 where ${one ? `k.id = ${one} and ` : ''}${counties}
 order by k.id, c.id`;
  return { text, params: s.params };
}

const BALANCE_ACCOUNTS = [
  'BANK', 'CASH', 'LOANS_RECEIVABLE', 'MEMBER_CONTRIBUTIONS', 'SHUANGDAO_CAPITAL', 'GOVERNMENT_CAPITAL',
  'DONATIONS', 'RISK_RESERVE', 'WELFARE_FUND', 'MANAGEMENT_FUND', 'RETAINED_CAPITAL', 'UNION_RECEIVABLE', 'UNION_PAYABLE', 'ALLOCATION_FEE_EXPENSE',
];
const column = (account: string): string => account.toLowerCase();

/**
 * Loans side of the dashboards and of a cooperative: per fund in scope (one county, one cooperative
 * or all) the portfolio figures as of `asOf` (the snapshot when current and `useSnapshots`, else
 * computed by the loans subgraph's own figuresSql with the region's PAR days), the current fund
 * balances, and when `memberOutstanding` the principal outstanding of every borrower of the cooperative.
 */
export function loansFunds(
  caller: Caller | null,
  where: { countyId: number | null; cooperativeId: number | null },
  asOf: string, useSnapshots: boolean, memberOutstanding: boolean,
): Built {
  const s = new Statement();
  const coop = where.cooperativeId != null ? s.v(where.cooperativeId, 'int') : null;
  const shape = coop ? `f.cooperative_id = ${coop} and `
    : where.countyId != null ? `f.county_id = ${s.v(where.countyId, 'int')} and ` : '';
  const scope = s.where(readScope(caller, FUND));
  const day = s.v(asOf, 'date');
  const snap = useSnapshots
    ? `select s.* from portfolio_snapshot s join f on f.cooperative_id = s.cooperative_id and s.version = f.version
        where s.as_of = ${day} and s.par_days = (select par_days from pol)`
    : `select s.* from portfolio_snapshot s where false`;
  const mo = memberOutstanding && coop
    ? `select coalesce(json_object_agg(x.member_id, x.outstanding::text), '{}') j from (
    select l.member_id, sum(${outstandingNowSql('l')}) outstanding from loan l
     where l.cooperative_id = ${coop} and l.status = 'DISBURSED' and ${s.where(readScope(caller, LOAN))}
     group by l.member_id) x`
    : `select null::json j`;
  const text = `
with f as (select f.cooperative_id, f.county_id, f.version from fund f where ${shape}${scope}),
pol as (select ${PAR_DAYS_SQL} par_days),
snap as (${snap}),
miss as (
  select coalesce(array_agg(f.cooperative_id), '{}') ids from f
   where not exists (select 1 from snap where snap.cooperative_id = f.cooperative_id)),
comp as (${figuresSql({ ids: '(select ids from miss)::int[]', asOf: day, parDays: '(select par_days from pol)' })}),
bal as (
  select b.cooperative_id,
         ${BALANCE_ACCOUNTS.map((a) => `coalesce(sum(b.balance_fen) filter (where b.account = '${a}'), 0)::text ${column(a)}`).join(',\n         ')}
    from fund_balance b join f on f.cooperative_id = b.cooperative_id group by b.cooperative_id),
mo as (${mo})
select f.cooperative_id, f.county_id,
       ${['outstanding', 'overdue_outstanding', 'par_outstanding', 'principal_due', 'repaid_on_due', 'lendable_fund', 'amount_disbursed']
         .map((c) => `coalesce(snap.${c}, comp.${c}, 0)::text ${c}`).join(', ')},
       ${['active_loans', 'borrowers', 'overdue_loans', 'loans_disbursed'].map((c) => `coalesce(snap.${c}, comp.${c}, 0) ${c}`).join(', ')},
       (select par_days from pol) par_days,
       ${BALANCE_ACCOUNTS.map((a) => `bal.${column(a)}`).join(', ')}, mo.j member_outstanding
  from f
  left join snap on snap.cooperative_id = f.cooperative_id
  left join comp on comp.cooperative_id = f.cooperative_id
  left join bal on bal.cooperative_id = f.cooperative_id
  cross join mo
 order by f.cooperative_id`;
  return { text, params: s.params };
}

/** Members side of CooperativeDetail: the cooperative, its member count and one page of its members (after id, limit + 1), in scope. */
export function membersCooperative(caller: Caller | null, id: number, afterId: number, limit: number): Built {
  const s = new Statement();
  const coop = s.v(id, 'int');
  const scope = s.where(readScope(caller, COOP));
  const members = s.where(readScope(caller, MEMBER)); // the connection's count and page alike
  const text = `
select c.*, t.name_zh t_name_zh, t.name_en t_name_en,
       (select count(*)::int from member m where m.cooperative_id = c.id and ${members}) total,
       (select coalesce(json_agg(x order by x.id), '[]') from (
          select m.id, m.household_no, m.head_name, m.poverty_status, m.is_party_member, m.status
            from member m where m.cooperative_id = c.id and m.id > ${s.v(afterId, 'int')} and ${members}
           order by m.id limit ${s.v(limit, 'int')}) x) page
  from cooperative c join township t on t.id = c.township_id where c.id = ${coop} and ${scope}`;
  return { text, params: s.params };
}

/** Members side of MemberDetail: the household in scope, its cooperative, contribution totals, active guarantee group with its active members. */
export function membersMember(caller: Caller | null, id: number): Built {
  const s = new Statement();
  const member = s.v(id, 'int');
  const text = `
select m.id, m.household_no, m.head_name, m.poverty_status, m.is_party_member, m.is_absolute_poor, m.household_size,
       m.card_bank, m.card_account, m.status, m.joined_on, m.left_on,
       c.id c_id, c.name_zh c_name_zh, c.name_en c_name_en, c.status c_status,
       ct.household::text, ct.subsidy::text, ct.shuangdao::text, ct.withdrawn::text,
       g.id g_id, g.name g_name, g.kind g_kind, g.status g_status, g.formed_on g_formed_on,
       (select coalesce(json_agg(json_build_array(m2.id, m2.head_name) order by m2.id), '[]')
          from guarantee_group_member gm2 join member m2 on m2.id = gm2.member_id
         where gm2.group_id = g.id and gm2.active) g_members
  from member m join cooperative c on c.id = m.cooperative_id
  cross join lateral (
    select coalesce(sum(amount_fen) filter (where kind = 'HOUSEHOLD'), 0) household,
           coalesce(sum(amount_fen) filter (where kind = 'GOVERNMENT_SUBSIDY'), 0) subsidy,
           coalesce(sum(amount_fen) filter (where kind = 'SHUANGDAO'), 0) shuangdao,
           coalesce(sum(amount_fen) filter (where kind = 'HOUSEHOLD_WITHDRAWAL'), 0) withdrawn
      from contribution where member_id = m.id) ct
  left join lateral (
    select g.* from guarantee_group_member gm join guarantee_group g on g.id = gm.group_id
     where gm.member_id = m.id and gm.active and g.status = 'ACTIVE' limit 1) g on true
 where m.id = ${member} and ${s.where(readScope(caller, MEMBER))}`;
  return { text, params: s.params };
}

/** Loans side of MemberDetail: every loan of the household in scope with its repayments and days overdue as of `asOf`. */
export function loansMember(caller: Caller | null, memberId: number, asOf: string): Built {
  const s = new Statement();
  const member = s.v(memberId, 'int');
  const day = s.v(asOf, 'date');
  const text = `
select l.id, l.amount_fen::text amount, l.status, l.purpose, l.fee_rate_bp, l.term_months, l.repayment_mode,
       l.applied_on, l.disbursed_on, l.due_on, l.closed_on,
       l.principal_repaid_fen::text repaid, l.written_off_fen::text written_off,
       (select coalesce(json_agg(json_build_array(r.paid_on, r.principal_fen::text, r.fee_fen::text) order by r.id), '[]')
          from repayment r where r.loan_id = l.id) repayments,
       case when l.status <> 'DISBURSED' then 0
            else ${daysOverdueSql(firstUnpaidDueSql('l.id', 'l.principal_repaid_fen', day), day)} end days_overdue
  from loan l where l.member_id = ${member} and ${s.where(readScope(caller, LOAN))} order by l.id`;
  return { text, params: s.params };
}

/**
 * Union side of the dashboards: each cooperative's rating in force on `asOf` (one county or all) as
 * the caller reads ratings, and whether it exited (ours: union rating.service currentRatingOf and
 * ratingCountsOf, the same order and scope columns). A UNION caller's scope goes through the
 * union's memberships, which the floor does not model: refused.
 */
export function unionRatings(caller: Caller | null, countyId: number | null, asOf: string): Built {
  if (caller?.role === 'UNION') throw new UnsupportedCaller('floor: ratings for a UNION caller not implemented');
  const st = new Statement();
  const county = countyId === null ? '' : `r.county_id = ${st.v(countyId, 'int')} and `;
  const scope = st.where(readScope(caller, RATING));
  const text = `select cur.cooperative_id, cur.county_id, cur.rating_class, to_char(cur.period_end, 'YYYY-MM-DD') period_end,
         exists (select 1 from rectification x where x.cooperative_id = cur.cooperative_id and x.status = 'EXITED') exited
    from (select distinct r.cooperative_id from rating r where ${county}${scope}) c
    cross join lateral (${ratingInForceSql({ columns: 'r.cooperative_id, r.county_id, r.rating_class, r.period_end', cooperativeId: 'c.cooperative_id', asOf: st.v(asOf, 'date'), where: scope })}) cur`;
  return { text, params: st.params };
}

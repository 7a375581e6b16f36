import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool, types, type QueryResultRow } from 'pg';
import { loadKey, verifyAuthorization } from '../../subgraphs/lib/auth';
import { DATA_DIR, databaseUrl } from '../../subgraphs/lib/config';
import '../../subgraphs/registry'; // the address book databaseUrl reads (the floor runs as its own process)
import { encodeCursor } from '../../subgraphs/lib/connection';
import { maskAccount, maskName } from '../../subgraphs/lib/mask';
import { ratioBp } from '../../subgraphs/lib/money';
import { fundTotal, moneyOnHand } from '../../subgraphs/loans/ledger.rules';
import { daysOverdueSql, firstUnpaidDueSql, outstandingNowSql } from '../../subgraphs/loans/loan.rules';
import { figuresSql, PAR_DAYS_SQL } from '../../subgraphs/loans/portfolio.rules';
import {
  argsNamed, argValue, compileProjector, fieldAt, fieldsOf, readOperations, UnsupportedField,
  type NamedOperation, type Projector,
} from './operations';

/**
 * The floor: what the committed operations cost without GraphQL, federation or an ORM. One Node
 * process, a plain `pg` pool per database, node:http; each operation is answered by ONE hand-written
 * SQL statement per database (both sent at once), joined in JS and serialised with exactly the
 * shape of the GraphQL response's `data` (the operation's selection set is read once at start-up,
 * see operations.ts; nothing GraphQL runs per request).
 *
 * It checks the bearer token like the gateway does but applies no scope beyond that: the benchmark
 * sends tokens that may see everything it asks for. Figures follow subgraphs/loans/portfolio.service.ts:
 * current portfolio snapshots are read when present (as the loans subgraph does), the rest is
 * computed in the same statement. POST /graphql?fresh=1 ignores the snapshots (used to verify).
 *
 * Run: node dist/test/bench/floor.js  (env PORT, MEMBERS_DATABASE_URL / LOANS_DATABASE_URL or PG_PORT).
 */

// dates as 'YYYY-MM-DD' strings (no time zone games), bigint / numeric stay strings
types.setTypeParser(1082, (v) => v);

const stats = { statements: 0 };
// Parallel workers cost more to launch than these statements take (they read a few hundred rows).
const poolOptions = { max: Number(process.env.DB_POOL_MAX ?? 8), options: '-c max_parallel_workers_per_gather=0' };
const pools = {
  members: new Pool({ connectionString: databaseUrl('members'), ...poolOptions }),
  loans: new Pool({ connectionString: databaseUrl('loans'), ...poolOptions }),
};

/** Named (prepared once per connection): planning these statements costs more than running them. */
const names = new Map<string, string>();
async function q<R extends QueryResultRow>(db: keyof typeof pools, sql: string, params: unknown[]): Promise<R[]> {
  stats.statements++;
  let name = names.get(sql);
  if (!name) names.set(sql, (name = `floor_${names.size + 1}`));
  return (await pools[db].query<R>({ name, text: sql, values: params })).rows;
}

// ---- SQL ------------------------------------------------------------------------------------

/**
 * Members side of the dashboards: the counties ($1 one county, or null for all), their
 * cooperatives up to $3 per county with township, maintained member counters and per-county totals
 * (window sums over all the county's cooperatives), and, when $4, insured members as of $2.
 */
const MEMBERS_DASHBOARD = `
with c as (
  select c.id, c.county_id, c.name_zh, c.name_en, c.status, c.management_mode, c.founded_on,
         c.member_count, c.registered_poor_count, c.party_member_count,
         t.id t_id, t.name_zh t_name_zh, t.name_en t_name_en,
         count(*) over w total, sum(c.member_count) over w sum_members,
         sum(c.registered_poor_count) over w sum_poor, sum(c.party_member_count) over w sum_party,
         row_number() over (partition by c.county_id order by c.id) rn
    from cooperative c join township t on t.id = c.township_id
   where ($1::int is null or c.county_id = $1)
  window w as (partition by c.county_id)),
ins as (
  select m.cooperative_id, count(distinct m.id)::int n
    from insurance_policy i join member m on m.id = i.member_id
   where $4::boolean and m.status = 'ACTIVE' and i.starts_on <= $2::date and i.ends_on >= $2::date
     and ($1::int is null or m.county_id = $1)
   group by m.cooperative_id)
select k.id k_id, k.code k_code, k.name_zh k_name_zh, k.name_en k_name_en, k.city_zh k_city_zh,
       c.*, coalesce(ins.n, 0) insured
  from county k
  left join c on c.county_id = k.id and c.rn <= $3
  left join ins on ins.cooperative_id = c.id
 where ($1::int is null or k.id = $1)
 order by k.id, c.id`;

/**
 * Loans side of the dashboards and of a cooperative: per fund ($1 county or null, $4 cooperative
 * or null) the portfolio figures as of $2 (snapshot when current and $3, else computed by the loans
 * subgraph's own figuresSql with the region's PAR days), the current fund balances, and when $5 the
 * principal outstanding of every member of cooperative $4.
 */
const LOANS_FUNDS = `
with f as (
  select cooperative_id, county_id, version from fund
   where ($1::int is null or county_id = $1) and ($4::int is null or cooperative_id = $4)),
pol as (select ${PAR_DAYS_SQL} par_days),
snap as (
  select s.* from portfolio_snapshot s join f on f.cooperative_id = s.cooperative_id and s.version = f.version
   where $3::boolean and s.as_of = $2::date and s.par_days = (select par_days from pol)),
miss as (
  select coalesce(array_agg(f.cooperative_id), '{}') ids from f
   where not exists (select 1 from snap where snap.cooperative_id = f.cooperative_id)),
comp as (${figuresSql({ ids: '(select ids from miss)::int[]', asOf: '$2::date', parDays: '(select par_days from pol)' })}),
bal as (
  select b.cooperative_id,
         coalesce(sum(b.balance_fen) filter (where b.account = 'BANK'), 0)::text bank,
         coalesce(sum(b.balance_fen) filter (where b.account = 'CASH'), 0)::text cash,
         coalesce(sum(b.balance_fen) filter (where b.account = 'LOANS_RECEIVABLE'), 0)::text loans_receivable,
         coalesce(sum(b.balance_fen) filter (where b.account = 'MEMBER_CONTRIBUTIONS'), 0)::text member_contributions,
         coalesce(sum(b.balance_fen) filter (where b.account = 'SHUANGDAO_CAPITAL'), 0)::text shuangdao_capital,
         coalesce(sum(b.balance_fen) filter (where b.account = 'GOVERNMENT_CAPITAL'), 0)::text government_capital,
         coalesce(sum(b.balance_fen) filter (where b.account = 'DONATIONS'), 0)::text donations,
         coalesce(sum(b.balance_fen) filter (where b.account = 'RISK_RESERVE'), 0)::text risk_reserve,
         coalesce(sum(b.balance_fen) filter (where b.account = 'WELFARE_FUND'), 0)::text welfare_fund,
         coalesce(sum(b.balance_fen) filter (where b.account = 'MANAGEMENT_FUND'), 0)::text management_fund,
         coalesce(sum(b.balance_fen) filter (where b.account = 'RETAINED_CAPITAL'), 0)::text retained_capital
    from fund_balance b join f on f.cooperative_id = b.cooperative_id group by b.cooperative_id),
mo as (
  select coalesce(json_object_agg(x.member_id, x.outstanding::text), '{}') j from (
    select l2.member_id, sum(${outstandingNowSql('l2')}) outstanding from loan l2
     where $5::boolean and l2.cooperative_id = $4 and l2.status = 'DISBURSED' group by l2.member_id) x)
select f.cooperative_id, f.county_id,
       coalesce(snap.outstanding, comp.outstanding, 0)::text outstanding,
       coalesce(snap.active_loans, comp.active_loans, 0) active_loans,
       coalesce(snap.borrowers, comp.borrowers, 0) borrowers,
       coalesce(snap.overdue_loans, comp.overdue_loans, 0) overdue_loans,
       coalesce(snap.overdue_outstanding, comp.overdue_outstanding, 0)::text overdue_outstanding,
       coalesce(snap.par_outstanding, comp.par_outstanding, 0)::text par_outstanding, (select par_days from pol) par_days,
       coalesce(snap.principal_due, comp.principal_due, 0)::text principal_due,
       coalesce(snap.repaid_on_due, comp.repaid_on_due, 0)::text repaid_on_due,
       coalesce(snap.lendable_fund, comp.lendable_fund, 0)::text lendable_fund,
       coalesce(snap.loans_disbursed, comp.loans_disbursed, 0) loans_disbursed,
       coalesce(snap.amount_disbursed, comp.amount_disbursed, 0)::text amount_disbursed,
       bal.bank, bal.cash, bal.loans_receivable, bal.member_contributions, bal.shuangdao_capital, bal.government_capital,
       bal.donations, bal.risk_reserve, bal.welfare_fund, bal.management_fund, bal.retained_capital,
       mo.j member_outstanding
  from f
  left join snap on snap.cooperative_id = f.cooperative_id
  left join comp on comp.cooperative_id = f.cooperative_id
  left join bal on bal.cooperative_id = f.cooperative_id
  cross join mo
 order by f.cooperative_id`;

/** Members side of CooperativeDetail: the cooperative, its member count and one page of members ($2 after id, $3 limit + 1). */
const MEMBERS_COOPERATIVE = `
select c.*, t.name_zh t_name_zh, t.name_en t_name_en,
       (select count(*)::int from member m where m.cooperative_id = c.id) total,
       (select coalesce(json_agg(x order by x.id), '[]') from (
          select m.id, m.household_no, m.head_name, m.poverty_status, m.is_party_member, m.status
            from member m where m.cooperative_id = c.id and m.id > $2 order by m.id limit $3) x) page
  from cooperative c join township t on t.id = c.township_id where c.id = $1`;

/** Members side of MemberDetail: the household, its cooperative, contribution totals, active guarantee group with its active members. */
const MEMBERS_MEMBER = `
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
 where m.id = $1`;

/** Loans side of MemberDetail: every loan of the household with its repayments and days overdue as of $2. */
const LOANS_MEMBER = `
select l.id, l.amount_fen::text amount, l.status, l.purpose, l.fee_rate_bp, l.term_months, l.repayment_mode,
       l.applied_on, l.disbursed_on, l.due_on, l.closed_on,
       l.principal_repaid_fen::text repaid, l.written_off_fen::text written_off,
       (select coalesce(json_agg(json_build_array(r.paid_on, r.principal_fen::text, r.fee_fen::text) order by r.id), '[]')
          from repayment r where r.loan_id = l.id) repayments,
       case when l.status <> 'DISBURSED' then 0
            else ${daysOverdueSql(firstUnpaidDueSql('l.id', 'l.principal_repaid_fen', '$2::date'), '$2::date')} end days_overdue
  from loan l where l.member_id = $1 order by l.id`;

// ---- rows → the superset objects the projector picks from -------------------------------------

type Row = Record<string, any>;
const DEBIT = ['bank', 'cash', 'loans_receivable'];

function fundOf(r: Row | undefined): Row | null {
  if (!r) return null;
  const b = (k: string): bigint => BigInt(r[k] ?? 0) * (DEBIT.includes(k) ? 1n : -1n);
  const now = moneyOnHand({ BANK: b('bank'), CASH: b('cash') });
  return {
    bankDeposit: b('bank').toString(), cash: b('cash').toString(), loansReceivable: b('loans_receivable').toString(),
    memberContributions: b('member_contributions').toString(), shuangdaoCapital: b('shuangdao_capital').toString(),
    governmentCapital: b('government_capital').toString(), donations: b('donations').toString(),
    riskReserve: b('risk_reserve').toString(), welfareFund: b('welfare_fund').toString(),
    managementFund: b('management_fund').toString(), retainedCapital: b('retained_capital').toString(),
    lendableNow: now.toString(), lendableFund: fundTotal({ BANK: b('bank'), CASH: b('cash'), LOANS_RECEIVABLE: b('loans_receivable') }).toString(),
  };
}

interface Figures {
  outstanding: bigint; activeLoans: number; borrowers: number; overdueLoans: number; overdueOutstanding: bigint;
  parDays: number; parOutstanding: bigint; principalDue: bigint; repaidOnDue: bigint; lendableFund: bigint; loansDisbursed: number; amountDisbursed: bigint;
}

const figuresOf = (r: Row): Figures => ({
  outstanding: BigInt(r.outstanding), activeLoans: Number(r.active_loans), borrowers: Number(r.borrowers),
  overdueLoans: Number(r.overdue_loans), overdueOutstanding: BigInt(r.overdue_outstanding), parDays: Number(r.par_days), parOutstanding: BigInt(r.par_outstanding),
  principalDue: BigInt(r.principal_due), repaidOnDue: BigInt(r.repaid_on_due), lendableFund: BigInt(r.lendable_fund),
  loansDisbursed: Number(r.loans_disbursed), amountDisbursed: BigInt(r.amount_disbursed),
});

function sumFigures(xs: Figures[]): Figures {
  const s: Figures = { outstanding: 0n, activeLoans: 0, borrowers: 0, overdueLoans: 0, overdueOutstanding: 0n, parDays: xs[0]?.parDays ?? 0, parOutstanding: 0n, principalDue: 0n, repaidOnDue: 0n, lendableFund: 0n, loansDisbursed: 0, amountDisbursed: 0n };
  for (const x of xs) {
    s.outstanding += x.outstanding; s.activeLoans += x.activeLoans; s.borrowers += x.borrowers; s.overdueLoans += x.overdueLoans;
    s.overdueOutstanding += x.overdueOutstanding; s.parOutstanding += x.parOutstanding; s.principalDue += x.principalDue;
    s.repaidOnDue += x.repaidOnDue; s.lendableFund += x.lendableFund; s.loansDisbursed += x.loansDisbursed; s.amountDisbursed += x.amountDisbursed;
  }
  return s;
}

function portfolioOf(asOf: string, f: Figures | null): Row | null {
  if (!f) return null;
  return {
    asOf, outstanding: f.outstanding.toString(), activeLoans: f.activeLoans, borrowers: f.borrowers, overdueLoans: f.overdueLoans,
    overdueOutstanding: f.overdueOutstanding.toString(), parDays: f.parDays, parOutstanding: f.parOutstanding.toString(),
    parBp: ratioBp(f.parOutstanding, f.outstanding), par30Outstanding: f.parOutstanding.toString(), par30Bp: ratioBp(f.parOutstanding, f.outstanding), principalDue: f.principalDue.toString(), repaidOnDue: f.repaidOnDue.toString(),
    repaymentRateBp: ratioBp(f.repaidOnDue, f.principalDue), lendableFund: f.lendableFund.toString(),
    utilisationBp: ratioBp(f.outstanding, f.lendableFund), loansDisbursed: f.loansDisbursed, amountDisbursed: f.amountDisbursed.toString(),
  };
}

function cooperativeOf(r: Row, asOf: string | null, funds: Map<number, Row>): Row {
  const fund = funds.get(r.id);
  return {
    id: String(r.id), nameZh: r.name_zh, nameEn: r.name_en, status: r.status, managementMode: r.management_mode, foundedOn: r.founded_on,
    memberCount: r.member_count, registeredPoorCount: r.registered_poor_count, partyMemberCount: r.party_member_count,
    insuredMemberCount: r.insured ?? null,
    township: { id: String(r.t_id ?? r.township_id), nameZh: r.t_name_zh, nameEn: r.t_name_en },
    portfolio: asOf && fund ? portfolioOf(asOf, figuresOf(fund)) : null,
    fund: fundOf(fund),
  };
}

const policyOf = (r: Row): Row => ({
  maxFirstLoan: r.max_first_loan_fen, maxLaterLoan: r.max_later_loan_fen, shuangdaoLoanCap: r.shuangdao_loan_cap_fen, maxLoan: r.max_loan_fen,
  maxTermMonths: r.max_term_months, feeRateBp: r.fee_rate_bp, concentrationBp: r.concentration_bp, groupSize: r.group_size,
  splitRiskReserveBp: r.split_risk_reserve_bp, splitWelfareBp: r.split_welfare_bp, splitManagementBp: r.split_management_bp,
  splitCapitalBp: r.split_capital_bp, share: r.share_fen, shareSubsidy: r.share_subsidy_fen, shareHousehold: r.share_household_fen,
  shareAbsolutePoor: r.share_absolute_poor_fen, withdrawalMinMonths: r.withdrawal_min_months, cashLimit: r.cash_limit_fen,
});

function connection(nodes: Row[], limit: number, total: number): Row {
  const more = nodes.length > limit;
  const items = more ? nodes.slice(0, limit) : nodes;
  const edges = items.map((node) => ({ cursor: encodeCursor(node.id as string), node }));
  return { totalCount: total, pageInfo: { hasNextPage: more, endCursor: edges.at(-1)?.cursor ?? null }, edges };
}

const decodeAfter = (after: unknown): number => {
  if (typeof after !== 'string' || !after) return 0;
  const s = Buffer.from(after, 'base64url').toString('utf8');
  return /^c:\d{1,10}$/.test(s) ? Number(s.slice(2)) : 0;
};

// ---- handlers, one per root field -----------------------------------------------------------

interface Handler {
  (vars: Record<string, unknown>, fresh: boolean): Promise<unknown>;
}

/** The one `asOf` of an operation (every asOf argument must resolve to the same date). */
function asOfOf(op: NamedOperation): (vars: Record<string, unknown>) => string | null {
  const fields = argsNamed(op, 'asOf');
  return (vars) => {
    const values = new Set(fields.map((f) => String(argValue(f, 'asOf', vars))));
    if (values.size > 1) throw new Error('the floor supports one asOf per operation');
    return values.size ? [...values][0]! : null;
  };
}

function dashboardHandler(op: NamedOperation, root: string, single: boolean): Handler {
  const asOfFn = asOfOf(op);
  const coopField = fieldAt(op, [root, 'cooperatives']);
  const insured = argsNamed(op, 'asOf').some((f) => f.name.value === 'insuredMemberCount');
  const rootField = fieldAt(op, [root]);
  return async (vars, fresh) => {
    const asOf = asOfFn(vars) ?? '1970-01-01';
    const countyId = single ? Number(argValue(rootField, 'id', vars)) : null;
    const first = Number(argValue(coopField, 'first', vars) ?? 50);
    const [mRows, lRows] = await Promise.all([
      q<Row>('members', MEMBERS_DASHBOARD, [countyId, asOf, first + 1, insured]),
      q<Row>('loans', LOANS_FUNDS, [countyId, asOf, !fresh, null, false]),
    ]);
    const funds = new Map(lRows.map((r) => [Number(r.cooperative_id), r]));
    const byCounty = new Map<number, Row[]>();
    for (const r of lRows) {
      const list = byCounty.get(Number(r.county_id)) ?? [];
      list.push(r);
      byCounty.set(Number(r.county_id), list);
    }
    const counties: Row[] = [];
    let current: Row | null = null;
    let nodes: Row[] = [];
    const close = () => {
      if (!current) return;
      current.cooperatives = connection(nodes, first, current.__total);
      delete current.__total;
      counties.push(current);
    };
    for (const r of mRows) {
      if (!current || current.id !== String(r.k_id)) {
        close();
        const mine = byCounty.get(Number(r.k_id)) ?? [];
        current = {
          id: String(r.k_id), code: r.k_code, nameZh: r.k_name_zh, nameEn: r.k_name_en, cityZh: r.k_city_zh,
          totals: { cooperatives: Number(r.total ?? 0), members: Number(r.sum_members ?? 0), registeredPoor: Number(r.sum_poor ?? 0), partyMembers: Number(r.sum_party ?? 0) },
          portfolio: mine.length ? portfolioOf(asOf, sumFigures(mine.map(figuresOf))) : null,
          __total: Number(r.total ?? 0),
        };
        nodes = [];
      }
      if (r.id != null) nodes.push(cooperativeOf(r, asOf, funds));
    }
    close();
    return single ? counties[0] ?? null : counties;
  };
}

function cooperativeHandler(op: NamedOperation, root: string): Handler {
  const asOfFn = asOfOf(op);
  const rootField = fieldAt(op, [root]);
  const membersField = fieldAt(op, [root, 'members']);
  const needOutstanding = !!fieldAt(op, [root, 'members', 'edges', 'node', 'outstanding']);
  return async (vars, fresh) => {
    const asOf = asOfFn(vars) ?? '1970-01-01';
    const id = Number(argValue(rootField, 'id', vars));
    const first = Number(argValue(membersField, 'first', vars) ?? 50);
    const afterId = decodeAfter(argValue(membersField, 'after', vars));
    const [[c], lRows] = await Promise.all([
      q<Row>('members', MEMBERS_COOPERATIVE, [id, afterId, first + 1]),
      q<Row>('loans', LOANS_FUNDS, [null, asOf, !fresh, id, needOutstanding]),
    ]);
    if (!c) return null;
    const funds = new Map(lRows.map((r) => [Number(r.cooperative_id), r]));
    const outstanding = (lRows[0]?.member_outstanding ?? {}) as Record<string, string>;
    const coop = cooperativeOf(c, asOf, funds);
    coop.policy = policyOf(c);
    const nodes = (c.page as Row[]).map((m) => ({
      id: String(m.id), householdNo: m.household_no, headName: m.head_name, headNameMasked: maskName(m.head_name),
      povertyStatus: m.poverty_status, isPartyMember: m.is_party_member, status: m.status, outstanding: outstanding[m.id] ?? '0',
    }));
    coop.members = connection(nodes, first, c.total);
    return coop;
  };
}

function memberHandler(op: NamedOperation, root: string): Handler {
  const asOfFn = asOfOf(op);
  const rootField = fieldAt(op, [root]);
  return async (vars) => {
    const asOf = asOfFn(vars) ?? '1970-01-01';
    const id = Number(argValue(rootField, 'id', vars));
    const [[m], loans] = await Promise.all([q<Row>('members', MEMBERS_MEMBER, [id]), q<Row>('loans', LOANS_MEMBER, [id, asOf])]);
    if (!m) return null;
    let outstanding = 0n;
    const loanNodes = loans.map((l) => {
      const out = l.status === 'DISBURSED' ? BigInt(l.amount) - BigInt(l.repaid) - BigInt(l.written_off) : 0n;
      outstanding += out;
      return {
        id: String(l.id), amount: l.amount, status: l.status, purpose: l.purpose, feeRateBp: l.fee_rate_bp, termMonths: l.term_months,
        repaymentMode: l.repayment_mode, appliedOn: l.applied_on, disbursedOn: l.disbursed_on, dueOn: l.due_on, closedOn: l.closed_on,
        principalRepaid: l.repaid, writtenOff: l.written_off, outstanding: out.toString(), daysOverdue: Number(l.days_overdue),
        repayments: (l.repayments as [string, string, string][]).map(([paidOn, principal, fee]) => ({ paidOn, principal, fee })),
      };
    });
    const household = BigInt(m.household);
    const withdrawn = BigInt(m.withdrawn);
    return {
      id: String(m.id), householdNo: m.household_no, headName: m.head_name, headNameMasked: maskName(m.head_name),
      povertyStatus: m.poverty_status, isPartyMember: m.is_party_member, isAbsolutePoor: m.is_absolute_poor, householdSize: m.household_size,
      cardBank: m.card_bank, cardAccountMasked: maskAccount(m.card_account), status: m.status, joinedOn: m.joined_on, leftOn: m.left_on,
      cooperative: { id: String(m.c_id), nameZh: m.c_name_zh, nameEn: m.c_name_en, status: m.c_status },
      contributionTotals: {
        household: household.toString(), governmentSubsidy: m.subsidy, shuangdao: m.shuangdao, withdrawn: withdrawn.toString(),
        ownBalance: (household - withdrawn).toString(),
      },
      guaranteeGroup: m.g_id == null ? null : {
        id: String(m.g_id), name: m.g_name, kind: m.g_kind, status: m.g_status, formedOn: m.g_formed_on,
        members: (m.g_members as [number, string][]).map(([mid, name]) => ({ id: String(mid), headName: name, headNameMasked: maskName(name) })),
      },
      outstanding: outstanding.toString(),
      loans: loanNodes,
    };
  };
}

const ROOTS: Record<string, (op: NamedOperation, root: string) => Handler> = {
  county: (op, root) => dashboardHandler(op, root, true),
  counties: (op, root) => dashboardHandler(op, root, false),
  cooperative: cooperativeHandler,
  member: memberHandler,
};

interface Compiled {
  handler: Handler;
  key: string;
  project: Projector;
}

/** Handlers of the operations the floor can answer; the others are listed with the reason. */
export function compileFloor(ops: NamedOperation[]): { compiled: Map<string, Compiled>; unsupported: Record<string, string> } {
  const compiled = new Map<string, Compiled>();
  const unsupported: Record<string, string> = {};
  for (const op of ops) {
    const roots = fieldsOf(op.definition.selectionSet, op.fragments);
    const root = roots[0]!;
    const make = ROOTS[root.name.value];
    if (roots.length !== 1 || !make) {
      unsupported[op.name] = `root field(s) ${roots.map((r) => r.name.value).join(', ')} not implemented in the floor`;
      continue;
    }
    compiled.set(op.name, {
      handler: make(op, root.name.value),
      key: root.alias?.value ?? root.name.value,
      project: compileProjector(root.selectionSet!, op.fragments, root.name.value),
    });
  }
  return { compiled, unsupported };
}

// ---- server ---------------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
  res.end(s);
}

async function main(): Promise<void> {
  const { compiled, unsupported } = compileFloor(readOperations());
  const key = loadKey(DATA_DIR);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/health') return send(res, 200, { status: 'ok' });
      if (url.pathname === '/metrics') {
        return send(res, 200, {
          pid: process.pid, service: 'floor', sqlStatements: stats.statements, rssBytes: process.memoryUsage().rss,
          maxRssBytes: process.resourceUsage().maxRSS * 1024, unsupported,
        });
      }
      if (url.pathname !== '/graphql' || req.method !== 'POST') return send(res, 404, { errors: [{ message: 'not found' }] });
      const body = JSON.parse(await readBody(req)) as { operationName?: string; variables?: Record<string, unknown> };
      const op = compiled.get(body.operationName ?? '');
      if (!op) return send(res, 400, { errors: [{ message: `floor: no handler for ${body.operationName}`, extensions: { code: 'BAD_REQUEST' } }] });
      const caller = await verifyAuthorization(key, req.headers.authorization).catch(() => null);
      if (!caller) return send(res, 401, { errors: [{ message: 'unauthenticated', extensions: { code: 'UNAUTHENTICATED' } }] });
      const value = await op.handler(body.variables ?? {}, url.searchParams.get('fresh') === '1');
      send(res, 200, { data: { [op.key]: value === null ? null : Array.isArray(value) ? value.map((v) => op.project(v)) : op.project(value) } });
    } catch (e) {
      const message = e instanceof UnsupportedField ? e.message : `floor: ${(e as Error).message}`;
      send(res, 500, { errors: [{ message, extensions: { code: e instanceof UnsupportedField ? 'UNSUPPORTED_FIELD' : 'INTERNAL_SERVER_ERROR' } }] });
    }
  });
  server.keepAliveTimeout = 65_000;
  const port = Number(process.env.PORT ?? 0);
  server.listen(port, '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(`floor listening on ${typeof a === 'object' && a ? a.port : port}\n`);
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void Promise.all([pools.members.end(), pools.loans.end()]).finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`floor failed: ${(e as Error).stack}\n`);
    process.exit(1);
  });
}

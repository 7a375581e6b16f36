import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { Pool, types, type QueryResultRow } from 'pg';
import { loadKey, verifyAuthorization, type Caller } from '../../subgraphs/lib/auth';
import { DATA_DIR, databaseUrl } from '../../subgraphs/lib/config';
import '../../subgraphs/registry'; // the address book databaseUrl reads (the floor runs as its own process)
import { encodeCursor } from '../../subgraphs/lib/connection';
import { maskAccount, maskName } from '../../subgraphs/lib/mask';
import { ratioBp } from '../../subgraphs/lib/money';
import { FUND_TOTAL_ACCOUNTS, fundTotal, moneyOnHand } from '../../subgraphs/loans/ledger.rules';
import { RATING_CLASSES } from '../../subgraphs/union/rating.rules';
import { loansFunds, loansMember, membersCooperative, membersDashboard, membersMember, unionRatings, UnsupportedCaller, type Built } from './floor-sql';
import {
  argsNamed, argValue, compileProjector, fieldAt, fieldsOf, included, readOperations, UnsupportedField, withDefaults,
  type NamedOperation, type Projector,
} from './operations';

/**
 * The floor: what the committed operations cost without GraphQL, federation or an ORM. One Node
 * process, a plain `pg` pool per database, node:http; each operation is answered by ONE hand-written
 * SQL statement per database (both sent at once), joined in JS and serialised with exactly the
 * shape of the GraphQL response's `data` (the operation's selection set is read once at start-up,
 * see operations.ts; nothing GraphQL runs per request).
 *
 * It checks the bearer token like the gateway does and keeps the caller to its rows with the
 * subgraphs' own scope fragments, in the SQL (floor-sql.ts). Figures follow subgraphs/loans/portfolio.service.ts:
 * current portfolio snapshots are read when present (as the loans subgraph does), the rest is
 * computed in the same statement. POST /graphql?fresh=1 ignores the snapshots (used to verify).
 *
 * Run: node dist/test/bench/floor.js  (env PORT, MEMBERS_DATABASE_URL / LOANS_DATABASE_URL or PG_PORT).
 */

// dates as 'YYYY-MM-DD' strings (no time zone games), bigint / numeric stay strings
types.setTypeParser(1082, (v) => v);

// Parallel workers cost more to launch than these statements take (they read a few hundred rows).
const POOL_OPTIONS = { max: Number(process.env.DB_POOL_MAX ?? 8), options: '-c max_parallel_workers_per_gather=0' };

type Db = 'members' | 'loans' | 'union';
type Query = <R extends QueryResultRow>(db: Db, st: Built) => Promise<R[]>;

/** One pool per database; each distinct text named, so prepared once per connection (planning these statements costs more than running them). */
function queries(urls: Record<Db, string>): { q: Query; stats: { statements: number }; end: () => Promise<void> } {
  const pools = {
    members: new Pool({ connectionString: urls.members, ...POOL_OPTIONS }), loans: new Pool({ connectionString: urls.loans, ...POOL_OPTIONS }),
    union: new Pool({ connectionString: urls.union, ...POOL_OPTIONS }),
  };
  const names = new Map<string, string>();
  const stats = { statements: 0 };
  const q: Query = async (db, st) => {
    stats.statements++;
    let name = names.get(st.text);
    if (!name) names.set(st.text, (name = `floor_${names.size + 1}`));
    return (await pools[db].query({ name, text: st.text, values: st.params })).rows;
  };
  return { q, stats, end: async () => void (await Promise.all([pools.members.end(), pools.loans.end(), pools.union.end()])) };
}

// ---- rows → the superset objects the projector picks from -------------------------------------

type Row = Record<string, any>;
const DEBIT = ['bank', 'cash', 'loans_receivable', 'union_receivable', 'allocation_fee_expense'];

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
    unionReceivable: b('union_receivable').toString(), unionPayable: b('union_payable').toString(), allocationFeesPaid: b('allocation_fee_expense').toString(),
    lendableNow: now.toString(), lendableFund: fundTotal(Object.fromEntries(FUND_TOTAL_ACCOUNTS.map((a) => [a, b(a.toLowerCase())]))).toString(),
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

function cooperativeOf(r: Row, asOf: string | null, funds: Map<number, Row>, ratings: Map<number, Row> = new Map()): Row {
  const fund = funds.get(r.id);
  const rating = ratings.get(r.id);
  return {
    rating: rating ? { ratingClass: rating.rating_class, periodEnd: rating.period_end } : null,
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
  (vars: Record<string, unknown>, fresh: boolean, caller: Caller): Promise<unknown>;
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

function dashboardHandler(op: NamedOperation, root: string, q: Query, single: boolean): Handler {
  const asOfFn = asOfOf(op);
  const coopField = fieldAt(op, [root, 'cooperatives']);
  const insured = argsNamed(op, 'asOf').some((f) => f.name.value === 'insuredMemberCount');
  const rootField = fieldAt(op, [root]);
  // the union's ratings only when the request selects them (ours sends nothing to the union otherwise)
  const ratingFields = [fieldAt(op, [root, 'ratingCounts']), fieldAt(op, [root, 'cooperatives', 'edges', 'node', 'rating'])].filter((f) => f !== null);
  return async (vars, fresh, caller) => {
    const asOf = asOfFn(vars) ?? '1970-01-01';
    const countyId = single ? Number(argValue(rootField, 'id', vars)) : null;
    const first = Number(argValue(coopField, 'first', vars) ?? 50);
    const withRatings = ratingFields.some((f) => included(f, vars));
    const [mRows, lRows, rRows] = await Promise.all([
      q<Row>('members', membersDashboard(caller, countyId, asOf, first + 1, insured)),
      q<Row>('loans', loansFunds(caller, { countyId, cooperativeId: null }, asOf, !fresh, false)),
      withRatings ? q<Row>('union', unionRatings(caller, countyId, asOf)) : Promise.resolve([] as Row[]),
    ]);
    const funds = new Map(lRows.map((r) => [Number(r.cooperative_id), r]));
    const ratings = new Map(rRows.map((r) => [Number(r.cooperative_id), r]));
    const countsOf = (county: number): Row[] => RATING_CLASSES.map((c) => ({
      ratingClass: c, count: rRows.filter((r) => Number(r.county_id) === county && r.rating_class === c && !r.exited).length,
    }));
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
          ratingCounts: countsOf(Number(r.k_id)),
          __total: Number(r.total ?? 0),
        };
        nodes = [];
      }
      if (r.id != null) nodes.push(cooperativeOf(r, asOf, funds, ratings));
    }
    close();
    return single ? counties[0] ?? null : counties;
  };
}

function cooperativeHandler(op: NamedOperation, root: string, q: Query): Handler {
  const asOfFn = asOfOf(op);
  const rootField = fieldAt(op, [root]);
  const membersField = fieldAt(op, [root, 'members']);
  const needOutstanding = !!fieldAt(op, [root, 'members', 'edges', 'node', 'outstanding']);
  return async (vars, fresh, caller) => {
    const asOf = asOfFn(vars) ?? '1970-01-01';
    const id = Number(argValue(rootField, 'id', vars));
    const first = Number(argValue(membersField, 'first', vars) ?? 50);
    const afterId = decodeAfter(argValue(membersField, 'after', vars));
    const [[c], lRows] = await Promise.all([
      q<Row>('members', membersCooperative(caller, id, afterId, first + 1)),
      q<Row>('loans', loansFunds(caller, { countyId: null, cooperativeId: id }, asOf, !fresh, needOutstanding)),
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

function memberHandler(op: NamedOperation, root: string, q: Query): Handler {
  const asOfFn = asOfOf(op);
  const rootField = fieldAt(op, [root]);
  return async (vars, _fresh, caller) => {
    const asOf = asOfFn(vars) ?? '1970-01-01';
    const id = Number(argValue(rootField, 'id', vars));
    const [[m], loans] = await Promise.all([q<Row>('members', membersMember(caller, id)), q<Row>('loans', loansMember(caller, id, asOf))]);
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

const ROOTS: Record<string, (op: NamedOperation, root: string, q: Query) => Handler> = {
  county: (op, root, q) => dashboardHandler(op, root, q, true),
  counties: (op, root, q) => dashboardHandler(op, root, q, false),
  cooperative: cooperativeHandler,
  member: memberHandler,
};

interface Compiled {
  handler: Handler;
  /** the request's variables with the operation's defaults */
  variables: (given: Record<string, unknown>) => Record<string, unknown>;
  key: string;
  project: Projector;
}

/** Handlers of the operations the floor can answer; the others are listed with the reason. */
function compileFloor(ops: NamedOperation[], q: Query): { compiled: Map<string, Compiled>; unsupported: Record<string, string> } {
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
      handler: make(op, root.name.value, q),
      variables: (given) => withDefaults(op, given),
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

export interface Floor {
  server: Server;
  /** Closes the server and the pools. */
  stop(): Promise<void>;
}

/** The floor's HTTP server on the two databases, checking tokens with `key` (not listening yet). */
export function createFloor(opts: { urls: Record<Db, string>; key: KeyObject; ops?: NamedOperation[] }): Floor {
  const db = queries(opts.urls);
  const { compiled, unsupported } = compileFloor(opts.ops ?? readOperations(), db.q);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/health') return send(res, 200, { status: 'ok' });
      if (url.pathname === '/metrics') {
        return send(res, 200, {
          pid: process.pid, service: 'floor', sqlStatements: db.stats.statements, rssBytes: process.memoryUsage().rss,
          maxRssBytes: process.resourceUsage().maxRSS * 1024, unsupported,
        });
      }
      if (url.pathname !== '/graphql' || req.method !== 'POST') return send(res, 404, { errors: [{ message: 'not found' }] });
      const body = JSON.parse(await readBody(req)) as { operationName?: string; variables?: Record<string, unknown> };
      const op = compiled.get(body.operationName ?? '');
      if (!op) return send(res, 400, { errors: [{ message: `floor: no handler for ${body.operationName}`, extensions: { code: 'BAD_REQUEST' } }] });
      const caller = await verifyAuthorization(opts.key, req.headers.authorization).catch(() => null);
      if (!caller) return send(res, 401, { errors: [{ message: 'unauthenticated', extensions: { code: 'UNAUTHENTICATED' } }] });
      const vars = op.variables(body.variables ?? {});
      const value = await op.handler(vars, url.searchParams.get('fresh') === '1', caller);
      send(res, 200, { data: { [op.key]: value === null ? null : Array.isArray(value) ? value.map((v) => op.project(v, vars)) : op.project(value, vars) } });
    } catch (e) {
      const unsupported = e instanceof UnsupportedField || e instanceof UnsupportedCaller;
      const message = unsupported ? (e as Error).message : `floor: ${(e as Error).message}`;
      send(res, 500, { errors: [{ message, extensions: { code: unsupported ? 'UNSUPPORTED' : 'INTERNAL_SERVER_ERROR' } }] });
    }
  });
  server.keepAliveTimeout = 65_000;
  return {
    server,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await db.end();
    },
  };
}

function main(): void {
  const floor = createFloor({ urls: { members: databaseUrl('members'), loans: databaseUrl('loans'), union: databaseUrl('union') }, key: loadKey(DATA_DIR) });
  const port = Number(process.env.PORT ?? 0);
  floor.server.listen(port, '127.0.0.1', () => {
    const a = floor.server.address();
    process.stdout.write(`floor listening on ${typeof a === 'object' && a ? a.port : port}\n`);
  });
  const stop = () => void floor.stop().finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) main();

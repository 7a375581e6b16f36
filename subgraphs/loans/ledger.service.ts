import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import { groupInKeyOrder } from '../lib/context';
import { fail } from './codes';
import { maskName } from '../lib/mask';
import { readScope } from '../lib/scope';
import { pageOf, toConnection, type PageArgs } from '../lib/connection';
import { ACCOUNT_NAMES, ACCOUNTS, displayBalance, fundTotal, moneyOnHand, type Account, type Line } from './ledger.rules';
import { FUND, LEDGER_LINE } from './ledger.entity';
import type { EntityOf } from '../lib/table';
import { LOAN_PURPOSES, type LoanPurpose } from './purpose.rules';
import type { AccountBalance, FundBalances, LedgerTxn, TrialBalance } from './ledger.type';

export interface FundLocation {
  cooperativeId: number;
  countyId: number;
  townshipId: number;
}

export type Balances = Partial<Record<Account, bigint>>;

/** Register a cooperative's fund (idempotent). */
export async function ensureFund(em: EntityManager, loc: FundLocation): Promise<void> {
  await em.execute(`insert into fund (cooperative_id, county_id, township_id) values (?, ?, ?) on conflict (cooperative_id) do nothing`, [
    loc.cooperativeId,
    loc.countyId,
    loc.townshipId,
  ]);
}

/**
 * Lock the fund row for the rest of the transaction and return the current balances.
 * Every money-moving write calls this first, so concurrent writes on one fund serialise
 * and a balance check cannot be overtaken (no overdraft under concurrency).
 */
export async function lockFund(em: EntityManager, cooperativeId: number): Promise<Balances> {
  const locked = await em.execute<{ cooperative_id: number }[]>(`select cooperative_id from fund where cooperative_id = ? for update`, [cooperativeId]);
  if (locked.length === 0) fail('NOT_FOUND', { cooperativeId });
  return toBalances(await em.execute<BalanceRow[]>(BALANCES_SQL, [cooperativeId]));
}

type BalanceRow = { account: Account; balance_fen: string };
const BALANCES_SQL = `select account, balance_fen from fund_balance where cooperative_id = ?`;
function toBalances(rows: BalanceRow[]): Balances {
  const b: Balances = {};
  for (const r of rows) b[r.account] = BigInt(r.balance_fen);
  return b;
}

/** A fund's balances read without a lock (checks made before a write, made again under the lock). */
export async function lockFreeBalances(ctx: Ctx, cooperativeId: number): Promise<Balances> {
  return toBalances(await ctx.read<BalanceRow[]>(BALANCES_SQL, [cooperativeId]));
}

export interface Posting {
  cooperativeId: number;
  kind: string;
  occurredOn: string;
  memo: string;
  refType?: string;
  refId?: string;
  /** The business event, unique in the ledger (`repayment:<id>`…): a second posting of it is refused. */
  eventRef: string;
  /** Who posts it: the caller's token subject. */
  postedBy: string;
  /** The household's masked name, when the transaction concerns one and no loan row names it. */
  nameMasked?: string | null;
  reversesTxnId?: string | null;
  reason?: string | null;
  lines: Line[];
}

/**
 * Append one balanced transaction and move the derived balances and volumes (one upsert),
 * inside the caller's transaction. The event ref is a second idempotency guard: an event already
 * in the ledger is refused (IDEMPOTENCY_KEY_REUSED with `eventRef`), whatever key the request had.
 */
export async function post(em: EntityManager, p: Posting): Promise<string> {
  let net = 0n;
  for (const l of p.lines) net += l.amountFen;
  if (net !== 0n || p.lines.length === 0) throw new Error('refusing an unbalanced or empty posting');
  const [row] = await em.execute<{ id: string }[]>(
    `insert into ledger_txn (cooperative_id, kind, occurred_on, memo, ref_type, ref_id, name_masked, event_ref, posted_by, reverses_txn_id, reason)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (event_ref) do nothing returning id::text`,
    [p.cooperativeId, p.kind, p.occurredOn, p.memo, p.refType ?? null, p.refId ?? null, p.nameMasked ?? null, p.eventRef, p.postedBy, p.reversesTxnId ?? null, p.reason ?? null],
  );
  if (!row) fail('IDEMPOTENCY_KEY_REUSED', { eventRef: p.eventRef });
  const txnId = row.id;
  await em.insertMany<EntityOf<typeof LEDGER_LINE.columns>>(
    LEDGER_LINE.entity,
    p.lines.map((l) => ({ txnId, cooperativeId: p.cooperativeId, account: l.account, amountFen: l.amountFen })),
  );
  const arr = (xs: (string | bigint)[]) => `{${xs.join(',')}}`;
  await em.execute(
    `insert into fund_balance (cooperative_id, account, balance_fen, debit_fen, credit_fen)
       select ?, a, sum(v), sum(greatest(v, 0)), sum(greatest(-v, 0)) from unnest(?::text[], ?::bigint[]) x(a, v) group by a
     on conflict (cooperative_id, account) do update set balance_fen = fund_balance.balance_fen + excluded.balance_fen,
       debit_fen = fund_balance.debit_fen + excluded.debit_fen, credit_fen = fund_balance.credit_fen + excluded.credit_fen`,
    [p.cooperativeId, arr(p.lines.map((l) => l.account)), arr(p.lines.map((l) => l.amountFen))],
  );
  return txnId;
}

export async function fundLocation(em: EntityManager, cooperativeId: number): Promise<FundLocation | null> {
  const f = await em.findOne(FUND.entity, { cooperativeId });
  return f ? { cooperativeId: f.cooperativeId, countyId: f.countyId, townshipId: f.townshipId } : null;
}

function accountList(b: Balances): AccountBalance[] {
  return ACCOUNT_NAMES.map((a) => ({
    account: a as AccountBalance['account'],
    code: ACCOUNTS[a].code,
    nameZh: ACCOUNTS[a].zh,
    nameEn: ACCOUNTS[a].en,
    balance: displayBalance(a, b[a] ?? 0n),
  }));
}

export function toFundBalances(b: Balances): FundBalances {
  const d = (a: Account) => displayBalance(a, b[a] ?? 0n);
  return {
    bankDeposit: d('BANK'),
    cash: d('CASH'),
    loansReceivable: d('LOANS_RECEIVABLE'),
    memberContributions: d('MEMBER_CONTRIBUTIONS'),
    shuangdaoCapital: d('SHUANGDAO_CAPITAL'),
    governmentCapital: d('GOVERNMENT_CAPITAL'),
    donations: d('DONATIONS'),
    riskReserve: d('RISK_RESERVE'),
    welfareFund: d('WELFARE_FUND'),
    managementFund: d('MANAGEMENT_FUND'),
    retainedCapital: d('RETAINED_CAPITAL'),
    unionReceivable: d('UNION_RECEIVABLE'),
    unionPayable: d('UNION_PAYABLE'),
    allocationFeesPaid: d('ALLOCATION_FEE_EXPENSE'),
    lendableNow: moneyOnHand(b),
    lendableFund: fundTotal(b),
    // built only when the field is selected (dashboards list hundreds of funds and never ask for it)
    get accounts() {
      return accountList(b);
    },
  };
}

/** Scope columns of a fund row `f` (one per cooperative). */
export const FUND_SCOPE = { county: 'f.county_id', township: 'f.township_id', cooperative: 'f.cooperative_id' };

async function readableFund(ctx: Ctx, cooperativeId: number): Promise<void> {
  const scope = readScope(ctx.caller, FUND_SCOPE);
  const rows = await ctx.read(`select 1 from fund f where f.cooperative_id = ? and ${scope.sql}`, [cooperativeId, ...scope.params]);
  if (rows.length === 0) fail('NOT_FOUND', { cooperativeId });
}

/** One account's volumes and balance: as maintained (fund_balance) or as rescanned from the lines. */
export interface AccountVolumes { cooperativeId: number; account: Account; debitFen: bigint; creditFen: bigint; balanceFen: bigint }

/**
 * SQL: every account of the funds `$ids` (all funds when the expression is null) where the maintained
 * volumes and balance differ from a full rescan of ledger_line, or the balance is not debits less
 * credits. No row: the books agree. One statement (test/support/stack.ts runs it after every e2e).
 */
export function volumeMismatchSql(ids: string): string {
  return `with scan as (
      select cooperative_id, account, coalesce(sum(amount_fen) filter (where amount_fen > 0), 0) debit,
             coalesce(-sum(amount_fen) filter (where amount_fen < 0), 0) credit
        from ledger_line where ${ids} is null or cooperative_id = any(${ids}::int[]) group by 1, 2),
    kept as (select cooperative_id, account, debit_fen debit, credit_fen credit, balance_fen balance from fund_balance
              where ${ids} is null or cooperative_id = any(${ids}::int[]))
    select coalesce(k.cooperative_id, s.cooperative_id) cooperative_id, coalesce(k.account, s.account) account,
           k.debit::text kept_debit, k.credit::text kept_credit, k.balance::text kept_balance, s.debit::text scan_debit, s.credit::text scan_credit
      from kept k full join scan s on s.cooperative_id = k.cooperative_id and s.account = k.account
     where k.account is null and (s.debit <> 0 or s.credit <> 0)
        or s.account is null and (k.debit <> 0 or k.credit <> 0 or k.balance <> 0)
        or k.debit <> s.debit or k.credit <> s.credit or k.balance <> k.debit - k.credit
     order by 1, 2`;
}

/** The accounts whose maintained volumes disagree with a full rescan of the lines (none: the books agree). */
export async function volumesMismatch(em: EntityManager, cooperativeId?: number): Promise<Record<string, string | number | null>[]> {
  const ids = cooperativeId === undefined ? 'null::int[]' : `'{${Math.trunc(cooperativeId)}}'::int[]`;
  return em.execute(volumeMismatchSql(ids));
}

/**
 * Trial balance from the maintained volumes, without rescanning the lines: debits and credits are
 * the accounts' volumes; `balancesMatchEntries` says each balance equals its debits less credits and
 * the debits equal the credits. The full rescan is {@link volumesMismatch} (tests run it after
 * every end-to-end scenario).
 */
export async function trialBalance(ctx: Ctx, cooperativeId: number): Promise<TrialBalance> {
  await readableFund(ctx, cooperativeId);
  const rows = await ctx.read<{ account: Account; balance_fen: string; debit_fen: string; credit_fen: string }[]>(
    `select account, balance_fen, debit_fen, credit_fen from fund_balance where cooperative_id = ?`,
    [cooperativeId],
  );
  const b: Balances = {};
  let debits = 0n;
  let credits = 0n;
  let match = true;
  for (const r of rows) {
    b[r.account] = BigInt(r.balance_fen);
    debits += BigInt(r.debit_fen);
    credits += BigInt(r.credit_fen);
    if (BigInt(r.balance_fen) !== BigInt(r.debit_fen) - BigInt(r.credit_fen)) match = false;
  }
  if (debits !== credits) match = false;
  return { cooperativeId: String(cooperativeId), totalDebits: debits, totalCredits: credits, net: debits - credits, balancesMatchEntries: match, accounts: accountList(b) };
}

/** The fund's ledger, newest first, as a connection. */
export async function ledgerPage(ctx: Ctx, cooperativeId: number, args: PageArgs) {
  await readableFund(ctx, cooperativeId);
  const page = pageOf(args);
  const txns = await ctx.read<{ id: string; kind: string; occurred_on: string; memo: string; ref_type: string | null; ref_id: string | null;
    event_ref: string; reverses: string | null; reversed_by: string | null; reason: string | null }[]>(
    `select id::text, kind, to_char(occurred_on, 'YYYY-MM-DD') as occurred_on, memo, ref_type, ref_id, event_ref, reverses_txn_id::text reverses, reason,
            (select r.id::text from ledger_txn r where r.reverses_txn_id = ledger_txn.id) reversed_by
       from ledger_txn
      where cooperative_id = ? ${page.afterId ? 'and id < ?' : ''} order by ledger_txn.id desc limit ?`,
    [cooperativeId, ...(page.afterId ? [page.afterId] : []), page.limit + 1],
  );
  const [{ n }] = await ctx.read<{ n: number }[]>(`select count(*)::int as n from ledger_txn where cooperative_id = ?`, [cooperativeId]);
  const lines = txns.length
    ? await ctx.read<{ txn_id: string; account: Account; amount_fen: string }[]>(
        `select txn_id::text, account, amount_fen from ledger_line where txn_id = any(?::bigint[]) order by id`,
        [`{${txns.map((t) => t.id).join(',')}}`],
      )
    : [];
  const byTxn = groupInKeyOrder(txns.map((t) => t.id), lines, (l) => l.txn_id);
  const nodes: LedgerTxn[] = txns.map((t, i) => ({
    id: t.id,
    kind: t.kind,
    occurredOn: t.occurred_on,
    memo: t.memo,
    refType: t.ref_type,
    refId: t.ref_id,
    eventRef: t.event_ref,
    reverses: t.reverses,
    reversedBy: t.reversed_by,
    reason: t.reason,
    lines: byTxn[i]!.map((l) => {
      const a = BigInt(l.amount_fen);
      return { account: l.account as LedgerTxn['lines'][number]['account'], debit: a > 0n ? a : 0n, credit: a < 0n ? -a : 0n };
    }),
  }));
  return toConnection(nodes, page, n ?? 0);
}

/** Board names of the ledger kinds that differ (a reversal is its own entry; the original stays). */
const BOARD_KIND: Record<string, string> = { DISBURSEMENT: 'LOAN_DISBURSED', REPAYMENT_REVERSAL: 'REPAYMENT_REVERSED' };

/**
 * The public disclosure board (阳光操作): every fund movement with names masked, no ids or
 * account numbers. Open to anyone, including callers without a token.
 */
export async function disclosurePage(ctx: Ctx, cooperativeId: number, args: PageArgs) {
  const page = pageOf(args);
  // Structured fields only: a memo is typed by people and can name anyone, so it is never published.
  const rows = await ctx.read<{ id: string; kind: string; on: string; name_masked: string | null; amount: string; borrower_name: string | null; purpose: LoanPurpose | null }[]>(
    `select t.id::text, t.kind, to_char(t.occurred_on, 'YYYY-MM-DD') as on, t.name_masked,
            (select sum(l.amount_fen) from ledger_line l where l.txn_id = t.id and l.amount_fen > 0) as amount,
            lo.borrower_name, lo.purpose
       from ledger_txn t left join loan lo on t.ref_type = 'loan' and lo.id::text = t.ref_id
      where t.cooperative_id = ? ${page.afterId ? 'and t.id < ?' : ''}
      order by t.id desc limit ?`,
    [cooperativeId, ...(page.afterId ? [page.afterId] : []), page.limit + 1],
  );
  const [{ n }] = await ctx.read<{ n: number }[]>(`select count(*)::int as n from ledger_txn where cooperative_id = ?`, [cooperativeId]);
  const nodes = rows.map((r) => ({
    id: r.id,
    kind: BOARD_KIND[r.kind] ?? r.kind,
    on: r.on,
    amount: BigInt(r.amount ?? 0),
    nameMasked: r.borrower_name ? maskName(r.borrower_name) : r.name_masked,
    purpose: r.purpose,
    purposeZh: r.purpose ? LOAN_PURPOSES[r.purpose].zh : null,
  }));
  return toConnection(nodes, page, n ?? 0);
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import { groupInKeyOrder } from '../lib/context';
import { fail } from './codes';
import { maskName } from '../lib/mask';
import { readScope } from '../lib/scope';
import { pageOf, toConnection, type PageArgs } from '../lib/connection';
import { ACCOUNT_NAMES, ACCOUNTS, displayBalance, fundTotal, moneyOnHand, type Account, type Line } from './ledger.rules';
import { FUND, LEDGER_LINE, LEDGER_TXN } from './ledger.entity';
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
  const rows = await em.execute<{ account: Account; balance_fen: string }[]>(
    `select account, balance_fen from fund_balance where cooperative_id = ?`,
    [cooperativeId],
  );
  const b: Balances = {};
  for (const r of rows) b[r.account] = BigInt(r.balance_fen);
  return b;
}

export interface Posting {
  cooperativeId: number;
  kind: string;
  occurredOn: string;
  memo: string;
  refType?: string;
  refId?: string;
  /** The household's masked name, when the transaction concerns one and no loan row names it. */
  nameMasked?: string | null;
  lines: Line[];
}

/** Append one balanced transaction and move the derived balances, inside the caller's transaction. */
export async function post(em: EntityManager, p: Posting): Promise<string> {
  let net = 0n;
  for (const l of p.lines) net += l.amountFen;
  if (net !== 0n || p.lines.length === 0) throw new Error('refusing an unbalanced or empty posting');
  const txnId = String(
    await em.insert(LEDGER_TXN.entity, {
      cooperativeId: p.cooperativeId,
      kind: p.kind,
      occurredOn: p.occurredOn,
      memo: p.memo,
      refType: p.refType ?? null,
      refId: p.refId ?? null,
      nameMasked: p.nameMasked ?? null,
    }),
  );
  await em.insertMany<EntityOf<typeof LEDGER_LINE.columns>>(
    LEDGER_LINE.entity,
    p.lines.map((l) => ({ txnId, cooperativeId: p.cooperativeId, account: l.account, amountFen: l.amountFen })),
  );
  for (const l of p.lines) {
    await em.execute(
      `insert into fund_balance (cooperative_id, account, balance_fen) values (?, ?, ?)
       on conflict (cooperative_id, account) do update set balance_fen = fund_balance.balance_fen + excluded.balance_fen`,
      [p.cooperativeId, l.account, l.amountFen.toString()],
    );
  }
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
  const rows = await ctx.em.execute(`select 1 from fund f where f.cooperative_id = ? and ${scope.sql}`, [cooperativeId, ...scope.params]);
  if (rows.length === 0) fail('NOT_FOUND', { cooperativeId });
}

/** Trial balance from the entries themselves, compared with the maintained balances. */
export async function trialBalance(ctx: Ctx, cooperativeId: number): Promise<TrialBalance> {
  await readableFund(ctx, cooperativeId);
  const rows = await ctx.em.execute<{ account: Account; from_lines: string; stored: string | null; debits: string; credits: string }[]>(
    `select l.account, sum(l.amount_fen) as from_lines,
            sum(l.amount_fen) filter (where l.amount_fen > 0) as debits,
            -sum(l.amount_fen) filter (where l.amount_fen < 0) as credits,
            (select b.balance_fen from fund_balance b where b.cooperative_id = ? and b.account = l.account) as stored
       from ledger_line l where l.cooperative_id = ? group by l.account`,
    [cooperativeId, cooperativeId],
  );
  const b: Balances = {};
  let debits = 0n;
  let credits = 0n;
  let match = true;
  for (const r of rows) {
    b[r.account] = BigInt(r.from_lines);
    debits += BigInt(r.debits ?? 0);
    credits += BigInt(r.credits ?? 0);
    if (BigInt(r.stored ?? 0) !== BigInt(r.from_lines)) match = false;
  }
  const stored = await ctx.em.execute<{ n: number }[]>(
    `select count(*)::int as n from fund_balance b where b.cooperative_id = ? and b.balance_fen <> 0
        and not exists (select 1 from ledger_line l where l.cooperative_id = b.cooperative_id and l.account = b.account)`,
    [cooperativeId],
  );
  if ((stored[0]?.n ?? 0) > 0) match = false;
  return { cooperativeId: String(cooperativeId), totalDebits: debits, totalCredits: credits, net: debits - credits, balancesMatchEntries: match, accounts: accountList(b) };
}

/** The fund's ledger, newest first, as a connection. */
export async function ledgerPage(ctx: Ctx, cooperativeId: number, args: PageArgs) {
  await readableFund(ctx, cooperativeId);
  const page = pageOf(args);
  const txns = await ctx.em.execute<{ id: string; kind: string; occurred_on: string; memo: string; ref_type: string | null; ref_id: string | null }[]>(
    `select id::text, kind, to_char(occurred_on, 'YYYY-MM-DD') as occurred_on, memo, ref_type, ref_id from ledger_txn
      where cooperative_id = ? ${page.afterId ? 'and id < ?' : ''} order by ledger_txn.id desc limit ?`,
    [cooperativeId, ...(page.afterId ? [page.afterId] : []), page.limit + 1],
  );
  const [{ n }] = await ctx.em.execute<{ n: number }[]>(`select count(*)::int as n from ledger_txn where cooperative_id = ?`, [cooperativeId]);
  const lines = txns.length
    ? await ctx.em.execute<{ txn_id: string; account: Account; amount_fen: string }[]>(
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
    lines: byTxn[i]!.map((l) => {
      const a = BigInt(l.amount_fen);
      return { account: l.account as LedgerTxn['lines'][number]['account'], debit: a > 0n ? a : 0n, credit: a < 0n ? -a : 0n };
    }),
  }));
  return toConnection(nodes, page, n ?? 0);
}

/**
 * The public disclosure board (阳光操作): every fund movement with names masked, no ids or
 * account numbers. Open to anyone, including callers without a token.
 */
export async function disclosurePage(ctx: Ctx, cooperativeId: number, args: PageArgs) {
  const page = pageOf(args);
  // Structured fields only: a memo is typed by people and can name anyone, so it is never published.
  const rows = await ctx.em.execute<{ id: string; kind: string; on: string; name_masked: string | null; amount: string; borrower_name: string | null; purpose: LoanPurpose | null }[]>(
    `select t.id::text, t.kind, to_char(t.occurred_on, 'YYYY-MM-DD') as on, t.name_masked,
            (select sum(l.amount_fen) from ledger_line l where l.txn_id = t.id and l.amount_fen > 0) as amount,
            lo.borrower_name, lo.purpose
       from ledger_txn t left join loan lo on t.ref_type = 'loan' and lo.id::text = t.ref_id
      where t.cooperative_id = ? ${page.afterId ? 'and t.id < ?' : ''}
      order by t.id desc limit ?`,
    [cooperativeId, ...(page.afterId ? [page.afterId] : []), page.limit + 1],
  );
  const [{ n }] = await ctx.em.execute<{ n: number }[]>(`select count(*)::int as n from ledger_txn where cooperative_id = ?`, [cooperativeId]);
  const nodes = rows.map((r) => ({
    id: r.id,
    kind: r.kind === 'DISBURSEMENT' ? 'LOAN_DISBURSED' : r.kind,
    on: r.on,
    amount: BigInt(r.amount ?? 0),
    nameMasked: r.borrower_name ? maskName(r.borrower_name) : r.name_masked,
    purpose: r.purpose,
    purposeZh: r.purpose ? LOAN_PURPOSES[r.purpose].zh : null,
  }));
  return toConnection(nodes, page, n ?? 0);
}

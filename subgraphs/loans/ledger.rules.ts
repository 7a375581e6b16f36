/**
 * The cooperative fund's chart of accounts and the postings each business event makes.
 * Pure: no ORM, GraphQL or I/O. A line's amount is signed: debit positive, credit negative;
 * every posting's lines sum to zero.
 */
import { fail, invalid } from './codes';

export const ACCOUNTS = {
  BANK: { code: '1002', zh: '银行存款', en: 'Bank deposit', normal: 'DEBIT' },
  CASH: { code: '1001', zh: '库存现金', en: 'Cash on hand', normal: 'DEBIT' },
  LOANS_RECEIVABLE: { code: '1301', zh: '应收借款', en: 'Loans receivable', normal: 'DEBIT' },
  MEMBER_CONTRIBUTIONS: { code: '3101', zh: '社员互助金', en: 'Member contributions (household part)', normal: 'CREDIT' },
  SHUANGDAO_CAPITAL: { code: '3102', zh: '“双到”资金', en: '双到 money injected for poor households', normal: 'CREDIT' },
  GOVERNMENT_CAPITAL: { code: '3103', zh: '财政扶贫资金', en: 'Government capital (seed money and share subsidies)', normal: 'CREDIT' },
  DONATIONS: { code: '3104', zh: '捐赠资金', en: 'Donations', normal: 'CREDIT' },
  RISK_RESERVE: { code: '3201', zh: '风险准备金', en: 'Risk reserve', normal: 'CREDIT' },
  WELFARE_FUND: { code: '3202', zh: '公益金', en: 'Public welfare fund', normal: 'CREDIT' },
  MANAGEMENT_FUND: { code: '3203', zh: '管理费', en: 'Management costs', normal: 'CREDIT' },
  RETAINED_CAPITAL: { code: '3204', zh: '积累资金', en: 'Retained capital', normal: 'CREDIT' },
  UNION_RECEIVABLE: { code: '1311', zh: '应收联合社调剂款', en: 'Allocations lent through the union (receivable)', normal: 'DEBIT' },
  UNION_PAYABLE: { code: '2201', zh: '应付联合社调剂款', en: 'Allocations borrowed through the union (payable)', normal: 'CREDIT' },
  ALLOCATION_FEE_EXPENSE: { code: '5201', zh: '调剂费支出', en: 'Allocation fees paid', normal: 'DEBIT' },
} as const;

export type Account = keyof typeof ACCOUNTS;
export const ACCOUNT_NAMES = Object.keys(ACCOUNTS) as Account[];

export interface Line {
  account: Account;
  amountFen: bigint;
}

export type Channel = 'BANK' | 'CASH';
export type ContributionKind = 'HOUSEHOLD' | 'GOVERNMENT_SUBSIDY' | 'SHUANGDAO' | 'HOUSEHOLD_WITHDRAWAL';
export type CapitalSource = 'GOVERNMENT' | 'DONATION';

export interface FeeSplitPolicy {
  splitRiskReserveBp: number;
  splitWelfareBp: number;
  splitManagementBp: number;
  splitCapitalBp: number;
}

export interface FeeSplit {
  riskReserveFen: bigint;
  welfareFen: bigint;
  managementFen: bigint;
  capitalFen: bigint;
}

const dr = (account: Account, amountFen: bigint): Line => ({ account, amountFen });
const cr = (account: Account, amountFen: bigint): Line => ({ account, amountFen: -amountFen });
const moneyAccount = (c: Channel): Account => (c === 'CASH' ? 'CASH' : 'BANK');

/** Drop zero lines (a fee of 0 fen posts nothing) and check the posting balances. */
function posting(lines: Line[]): Line[] {
  const out = lines.filter((l) => l.amountFen !== 0n);
  assertBalanced(out);
  return out;
}

export function assertBalanced(lines: readonly Line[]): void {
  let sum = 0n;
  for (const l of lines) sum += l.amountFen;
  if (sum !== 0n) throw new Error(`unbalanced posting: net ${sum}`);
}

/**
 * Split a fee by the policy's percentages (basis points summing to 10,000). Each share is
 * floored; the rounding remainder goes to retained capital so the parts add up exactly.
 */
export function splitFee(feeFen: bigint, p: FeeSplitPolicy): FeeSplit {
  const part = (bp: number) => (feeFen * BigInt(bp)) / 10_000n;
  const riskReserveFen = part(p.splitRiskReserveBp);
  const welfareFen = part(p.splitWelfareBp);
  const managementFen = part(p.splitManagementBp);
  return { riskReserveFen, welfareFen, managementFen, capitalFen: feeFen - riskReserveFen - welfareFen - managementFen };
}

export function capitalInjection(amountFen: bigint, source: CapitalSource): Line[] {
  return posting([dr('BANK', amountFen), cr(source === 'DONATION' ? 'DONATIONS' : 'GOVERNMENT_CAPITAL', amountFen)]);
}

/** A contribution (positive amount) or the return of a household's own part (HOUSEHOLD_WITHDRAWAL, positive amount). */
export function contribution(kind: ContributionKind, amountFen: bigint): Line[] {
  switch (kind) {
    case 'HOUSEHOLD':
      return posting([dr('BANK', amountFen), cr('MEMBER_CONTRIBUTIONS', amountFen)]);
    case 'GOVERNMENT_SUBSIDY':
      return posting([dr('BANK', amountFen), cr('GOVERNMENT_CAPITAL', amountFen)]);
    case 'SHUANGDAO':
      return posting([dr('BANK', amountFen), cr('SHUANGDAO_CAPITAL', amountFen)]);
    case 'HOUSEHOLD_WITHDRAWAL':
      return posting([dr('MEMBER_CONTRIBUTIONS', amountFen), cr('BANK', amountFen)]);
  }
}

/**
 * The business events another subgraph posts to the fund ledger: a closed list, each with its own
 * facts (loans' internal `_postLedgerEvent` takes exactly one). Its postings are derived here, like
 * every other posting of the ledger.
 */
export const LEDGER_EVENTS = ['CONTRIBUTION_RECEIVED', 'CONTRIBUTION_RETURNED', 'ALLOCATION_MADE', 'ALLOCATION_REPAID', 'EXIT_RETURNED'] as const;
export type LedgerEventName = (typeof LEDGER_EVENTS)[number];
export type ContributionSource = Exclude<ContributionKind, 'HOUSEHOLD_WITHDRAWAL'>;

export type LedgerEvent =
  | { event: 'CONTRIBUTION_RECEIVED'; source: ContributionSource; amountFen: bigint }
  | { event: 'CONTRIBUTION_RETURNED'; amountFen: bigint };

/** The ledger transaction kind and lines of an event (the amount is checked positive by the caller). */
export function ledgerEventPosting(e: LedgerEvent): { txnKind: 'CONTRIBUTION' | 'CONTRIBUTION_RETURN'; lines: Line[] } {
  switch (e.event) {
    case 'CONTRIBUTION_RECEIVED':
      return { txnKind: 'CONTRIBUTION', lines: contribution(e.source, e.amountFen) };
    case 'CONTRIBUTION_RETURNED':
      return { txnKind: 'CONTRIBUTION_RETURN', lines: contribution('HOUSEHOLD_WITHDRAWAL', e.amountFen) };
  }
}

// ---- Allocations between cooperatives (有偿调剂): both sides, posted in one loans transaction ----

/** Kinds of the allocation postings: each belongs to an allocation of the union, never reversed alone. */
export const ALLOCATION_POSTING_KINDS = {
  lent: 'ALLOCATION_LENT',
  borrowed: 'ALLOCATION_BORROWED',
  repaid: 'ALLOCATION_REPAID',
  received: 'ALLOCATION_REPAYMENT_RECEIVED',
} as const;

/** Their event references: the allocation's id when made, the repayment's when repaid (one posting per event and side). */
export const ALLOCATION_EVENT_REFS = {
  lent: (allocationId: number): string => `allocation-lent:${allocationId}`,
  borrowed: (allocationId: number): string => `allocation-borrowed:${allocationId}`,
  repaid: (repaymentId: number): string => `allocation-repaid:${repaymentId}`,
  received: (repaymentId: number): string => `allocation-received:${repaymentId}`,
} as const;

/** Their memos (the same words on every board; a seeded posting says what a live one says). */
export const ALLOCATION_MEMOS = {
  lent: '调出资金(联合社有偿调剂) / Allocation lent through the union',
  borrowed: '调入资金(联合社有偿调剂) / Allocation borrowed through the union',
  repaid: '归还调剂款及调剂费 / Allocation repaid with its fee',
  received: '收回调剂款及调剂费分成 / Allocation repayment received with the lender\'s fee',
} as const;

/** The money moves: the lender's bank deposit becomes a claim on the union, the borrower's a debt to it. */
export function allocationMade(amountFen: bigint): { lender: Line[]; borrower: Line[] } {
  return {
    lender: posting([dr('UNION_RECEIVABLE', amountFen), cr('BANK', amountFen)]),
    borrower: posting([dr('BANK', amountFen), cr('UNION_PAYABLE', amountFen)]),
  };
}

/**
 * A repayment through the union: the borrower pays principal and the whole fee from its bank
 * account (the fee an expense); the lender gets the principal back and its part of the fee, which
 * is fee income and so split into its four policy funds like a loan's fee. The union's part leaves
 * both cooperatives' books: the union keeps it in its own.
 */
export function allocationRepaid(principalFen: bigint, feeFen: bigint, lenderFee: FeeSplit): { lender: Line[]; borrower: Line[] } {
  const lenderFeeFen = lenderFee.riskReserveFen + lenderFee.welfareFen + lenderFee.managementFen + lenderFee.capitalFen;
  if (lenderFeeFen > feeFen) throw new Error('the lender\'s part of a fee cannot exceed the fee');
  return {
    borrower: posting([dr('UNION_PAYABLE', principalFen), dr('ALLOCATION_FEE_EXPENSE', feeFen), cr('BANK', principalFen + feeFen)]),
    lender: posting([
      dr('BANK', principalFen + lenderFeeFen),
      cr('UNION_RECEIVABLE', principalFen),
      cr('RISK_RESERVE', lenderFee.riskReserveFen),
      cr('WELFARE_FUND', lenderFee.welfareFen),
      cr('MANAGEMENT_FUND', lenderFee.managementFen),
      cr('RETAINED_CAPITAL', lenderFee.capitalFen),
    ]),
  };
}

// ---- Exit (退出): the fund's money back to its households and its county ----------------------

/** Kinds of the exit's postings: what the households get back of their own part, and what goes back to the county. */
export const EXIT_POSTING_KINDS = { households: 'EXIT_RETURN_HOUSEHOLDS', county: 'EXIT_RETURN_COUNTY' } as const;

/** Their event references: one of each per recovery run of the union. */
export const EXIT_EVENT_REFS = {
  households: (runId: number): string => `exit-households:${runId}`,
  county: (runId: number): string => `exit-county:${runId}`,
} as const;

export const EXIT_MEMOS = {
  households: '退出清算:退还社员自缴互助金 / Exit: members\' own contributions returned',
  county: '退出清算:财政扶贫资金等收回县扶贫办 / Exit: government capital and the fund\'s reserves back to the county',
} as const;

/**
 * What goes back to the county, in this order: the government's capital and 双到 money first, then
 * donations (given to the poor villages' fund, not to a household) and the fund's own reserves and
 * retained fee income, each up to its credit balance. Members' own part is the households'.
 */
export const COUNTY_EQUITY_ACCOUNTS: readonly Account[] = ['GOVERNMENT_CAPITAL', 'SHUANGDAO_CAPITAL', 'DONATIONS', 'RISK_RESERVE', 'WELFARE_FUND', 'MANAGEMENT_FUND', 'RETAINED_CAPITAL'];

const creditOf = (b: Readonly<Partial<Record<Account, bigint>>>, a: Account): bigint => {
  const v = -(b[a] ?? 0n);
  return v > 0n ? v : 0n;
};

/** What the county may still recover of the fund: the credit balances of its accounts. */
export function countyEquityFen(b: Readonly<Partial<Record<Account, bigint>>>): bigint {
  return COUNTY_EQUITY_ACCOUNTS.reduce((s, a) => s + creditOf(b, a), 0n);
}

/** Members' own part still in the fund: the credit balance of their contributions. */
export const memberContributionsFen = (b: Readonly<Partial<Record<Account, bigint>>>): bigint => creditOf(b, 'MEMBER_CONTRIBUTIONS');

/**
 * An exit's return from the bank account: the households' total against their contributions, the
 * county's against its accounts in order (COUNTY_EQUITY_ACCOUNTS), each account up to its balance.
 * The caller has checked the totals against the balances; more than they hold is a programming error.
 */
export function exitReturned(householdFen: bigint, countyFen: bigint, b: Readonly<Partial<Record<Account, bigint>>>): { households: Line[]; county: Line[] } {
  if (householdFen > memberContributionsFen(b) || countyFen > countyEquityFen(b)) throw new Error('an exit cannot return more than the fund holds for it');
  const county: Line[] = [];
  let left = countyFen;
  for (const a of COUNTY_EQUITY_ACCOUNTS) {
    const take = left < creditOf(b, a) ? left : creditOf(b, a);
    if (take > 0n) county.push(dr(a, take));
    left -= take;
  }
  return {
    households: householdFen > 0n ? posting([dr('MEMBER_CONTRIBUTIONS', householdFen), cr('BANK', householdFen)]) : [],
    county: countyFen > 0n ? posting([...county, cr('BANK', countyFen)]) : [],
  };
}

export function disbursement(amountFen: bigint, channel: Channel): Line[] {
  return posting([dr('LOANS_RECEIVABLE', amountFen), cr(moneyAccount(channel), amountFen)]);
}

/** Principal back to receivables; the fee credited straight into its four policy funds. */
export function repayment(principalFen: bigint, fee: FeeSplit, channel: Channel): Line[] {
  const feeFen = fee.riskReserveFen + fee.welfareFen + fee.managementFen + fee.capitalFen;
  return posting([
    dr(moneyAccount(channel), principalFen + feeFen),
    cr('LOANS_RECEIVABLE', principalFen),
    cr('RISK_RESERVE', fee.riskReserveFen),
    cr('WELFARE_FUND', fee.welfareFen),
    cr('MANAGEMENT_FUND', fee.managementFen),
    cr('RETAINED_CAPITAL', fee.capitalFen),
  ]);
}

/** A bad loan written off against the risk reserve (by county decision). */
export function writeOff(outstandingFen: bigint): Line[] {
  return posting([dr('RISK_RESERVE', outstandingFen), cr('LOANS_RECEIVABLE', outstandingFen)]);
}

/** Entries are never edited: a correction posts the negation. */
export function reversal(lines: readonly Line[]): Line[] {
  return posting(lines.map((l) => ({ account: l.account, amountFen: -l.amountFen })));
}

/** A balance as people read it: positive on the account's normal side. */
export function displayBalance(account: Account, signedFen: bigint): bigint {
  return ACCOUNTS[account].normal === 'DEBIT' ? signedFen : -signedFen;
}

// ---- What "lendable" means: three terms, each defined once ----------------------------------------
// Balances here are signed like ledger lines (debit positive). The SQL beside each rule sums signed
// ledger amounts: give it the line's account and amount column expressions (within an aggregate).

/** Accounts of money on hand (bank deposit and cash). */
export const ON_HAND_ACCOUNTS: readonly Account[] = ['BANK', 'CASH'];
/** Accounts of the fund total: money on hand and money lent out, to households and through the union
 * (placed with another cooperative, it is still this fund's money). */
export const FUND_TOTAL_ACCOUNTS: readonly Account[] = ['BANK', 'CASH', 'LOANS_RECEIVABLE', 'UNION_RECEIVABLE'];
/** Equity that is kept, not lent: the risk reserve (write-offs draw on it), the welfare fund and
 * the management costs (both spent, not lent). Retained capital is lent like contributions. */
export const RESERVE_ACCOUNTS: readonly Account[] = ['RISK_RESERVE', 'WELFARE_FUND', 'MANAGEMENT_FUND'];

const sumOf = (b: Partial<Record<Account, bigint>>, accounts: readonly Account[]): bigint => accounts.reduce((s, a) => s + (b[a] ?? 0n), 0n);
/** SQL: the signed sum of the given accounts' amounts (an aggregate over ledger lines or balance rows). */
export function accountsSumSql(accounts: readonly Account[], c: { account: string; amount: string }): string {
  return `coalesce(sum(${c.amount}) filter (where ${c.account} in (${accounts.map((a) => `'${a}'`).join(', ')})), 0)`;
}

/** Money on hand (shown as `lendableNow`, 可借资金): bank deposit plus cash, what a disbursement or a
 * returned contribution can be paid from today. */
export function moneyOnHand(balances: Partial<Record<Account, bigint>>): bigint {
  return sumOf(balances, ON_HAND_ACCOUNTS);
}
export function moneyOnHandSql(c: { account: string; amount: string }): string {
  return accountsSumSql(ON_HAND_ACCOUNTS, c);
}

/** Fund total (shown as `lendableFund`, 资金总额): money on hand plus loans receivable. The base of
 * the household concentration limit (loan.rules' `concentrationLimit`) and of the portfolio's
 * utilisation (`utilisationBp`): lending money out must not shrink either base. */
export function fundTotal(balances: Partial<Record<Account, bigint>>): bigint {
  return sumOf(balances, FUND_TOTAL_ACCOUNTS);
}
export function fundTotalSql(c: { account: string; amount: string }): string {
  return accountsSumSql(FUND_TOTAL_ACCOUNTS, c);
}

/** Idle money (闲置资金): money on hand less the reserves kept ({@link RESERVE_ACCOUNTS}, credit
 * balances) and less the loans approved but not yet disbursed (`committedFen`, loan.rules'
 * `isCommittedAsOf`); never below zero. What a union could place elsewhere without refusing a
 * borrower. The union reads it before an allocation; loans checks it again under the fund lock. */
export function idleMoney(balances: Partial<Record<Account, bigint>>, committedFen: bigint): bigint {
  // reserves are credit balances: their signed sum is negative, so adding it subtracts them
  const idle = moneyOnHand(balances) + sumOf(balances, RESERVE_ACCOUNTS) - committedFen;
  return idle > 0n ? idle : 0n;
}
/** SQL of {@link idleMoney}: the lines' account and amount columns, and an expression of the committed amount. */
export function idleMoneySql(c: { account: string; amount: string }, committed: string): string {
  return `greatest(0, ${moneyOnHandSql(c)} + ${accountsSumSql(RESERVE_ACCOUNTS, c)} - ${committed})`;
}

// ---- Reversal (红字冲销): who may reverse what ---------------------------------------------------

/** Posting kinds that belong to a loan: reversing one alone would leave the loan saying otherwise. */
export const LOAN_POSTING_KINDS: readonly string[] = ['DISBURSEMENT', 'REPAYMENT', 'WRITE_OFF'];
/** Posting kinds that belong to a members contribution record (corrected there, by a withdrawal). */
export const CONTRIBUTION_POSTING_KINDS: readonly string[] = ['CONTRIBUTION', 'CONTRIBUTION_RETURN'];
/** Kinds of the reversal transactions themselves: the generic one, and a repayment's (with its loan restored). */
export const REVERSAL_KINDS = { generic: 'REVERSAL', repayment: 'REPAYMENT_REVERSAL' } as const;
export const REVERSAL_REASON_MAX = 500;

/** The written reason of a reversal, trimmed: required, at most {@link REVERSAL_REASON_MAX} characters. */
export function reversalReason(reason: string): string {
  const r = reason.trim();
  if (!r) invalid('冲销须写明理由', 'a reversal needs a written reason', { field: 'reason' });
  if ([...r].length > REVERSAL_REASON_MAX) invalid(`冲销理由不得超过${REVERSAL_REASON_MAX}个字符`, `reason may not exceed ${REVERSAL_REASON_MAX} characters`, { field: 'reason' });
  return r;
}

/** The facts of the transaction to reverse and of the request. */
export interface ReversalRequest {
  kind: string;
  postedBy: string;
  /** Set when this transaction is itself a reversal. */
  reversesTxnId: string | null;
  /** The reversal already posted for it, if any. */
  reversedByTxnId: string | null;
  reverser: string;
  /** GENERIC: reverseLedgerTransaction; REPAYMENT: reverseRepayment, which restores the loan too. */
  route: 'GENERIC' | 'REPAYMENT';
}

/**
 * May this transaction be reversed by this caller along this route? A reversal is never reversed
 * (post the original business again instead: a chain of reversals hides what happened); a
 * transaction is reversed once; the reverser is never its poster (maker-checker); loan postings
 * only through the operation that restores the loan (repayments: reverseRepayment; a disbursement
 * or write-off is corrected by other means, never by a reversal); contribution postings belong to
 * the members contribution record; allocation and exit postings to the union's allocation or recovery run.
 */
export function checkReversal(o: ReversalRequest): void {
  if (o.reversesTxnId !== null) fail('REVERSAL_NOT_REVERSIBLE', { txnId: o.reversesTxnId });
  if (o.reversedByTxnId !== null) fail('ALREADY_REVERSED', { reversedBy: o.reversedByTxnId });
  if (o.postedBy === o.reverser) fail('SELF_REVERSAL');
  if (o.route === 'GENERIC' && LOAN_POSTING_KINDS.includes(o.kind)) {
    fail('LOAN_POSTING_NEEDS_LOAN_REVERSAL', { kind: o.kind, use: o.kind === 'REPAYMENT' ? 'reverseRepayment' : null });
  }
  if (o.route === 'GENERIC' && CONTRIBUTION_POSTING_KINDS.includes(o.kind)) fail('CONTRIBUTION_POSTING_NOT_REVERSIBLE', { kind: o.kind });
  if ((Object.values(ALLOCATION_POSTING_KINDS) as string[]).includes(o.kind)) fail('ALLOCATION_POSTING_NOT_REVERSIBLE', { kind: o.kind });
  if ((Object.values(EXIT_POSTING_KINDS) as string[]).includes(o.kind)) fail('EXIT_POSTING_NOT_REVERSIBLE', { kind: o.kind });
}

/** The reversal's lines, refused when they would take money on hand (bank or cash) below zero:
 * capital already lent out cannot be reversed, nor a repayment whose money has gone out again. */
export function reversalPosting(lines: readonly Line[], balances: Partial<Record<Account, bigint>>): Line[] {
  const out = reversal(lines);
  for (const a of ON_HAND_ACCOUNTS) {
    let after = balances[a] ?? 0n;
    for (const l of out) if (l.account === a) after += l.amountFen;
    if (after < 0n) fail('INSUFFICIENT_FUND');
  }
  return out;
}

/** A loan with a repayment reversed: the repayment's principal and fee owed again, a closed loan
 * open again (DISBURSED: overdue is derived from the instalments, not a status). Only a loan's
 * latest standing repayment is reversed (later fees were accrued on what it left outstanding), and
 * never one of a written-off loan (its write-off took the outstanding as it stood). */
export function loanAfterRepaymentReversal(
  l: { status: string; principalRepaidFen: bigint; feePaidFen: bigint },
  r: { principalFen: bigint; feeFen: bigint; isLatest: boolean },
): { status: 'DISBURSED'; principalRepaidFen: bigint; feePaidFen: bigint } {
  if (l.status !== 'DISBURSED' && l.status !== 'CLOSED') fail('INVALID_TRANSITION', { status: l.status, action: 'reverse a repayment' });
  if (!r.isLatest) fail('NOT_LATEST_REPAYMENT');
  return { status: 'DISBURSED', principalRepaidFen: l.principalRepaidFen - r.principalFen, feePaidFen: l.feePaidFen - r.feeFen };
}

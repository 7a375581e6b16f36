import type { Client } from 'pg';
import { allocationOverdueSql } from '../subgraphs/lib/allocation.rules';
import { ALLOCATION_POSTING_KINDS } from '../subgraphs/loans/ledger.rules';
import { statusOf, type RectificationStatus } from '../subgraphs/union/rectification.rules';

/**
 * The seed's allocations (有偿调剂) read back from the union's and the loans databases and checked
 * against each other: every problem found, as a sentence (none: the books agree). Shared by the
 * county and the region seed tests.
 *
 * - each allocation's repaid principal and fee are its repayments' sums, every fee split adds up,
 *   and the allocation keeps its union's policy (term, fee range, county approval above the limit,
 *   approver not the requester, both parties members of the union on the day it was made);
 * - the union's books balance per event and hold what its allocations say (receivable = payable =
 *   principal outstanding, fee income = the union's fee parts);
 * - in loans, each allocation is posted once as lent and borrowed and each repayment once on both
 *   sides; every fund's union receivable, union payable and allocation fee expense are what its
 *   allocations say, and the lenders' fee income from allocations is their fee parts.
 */
export async function allocationProblems(union: Client, loans: Client, asOf: string): Promise<{ problems: string[]; counts: Record<string, number> }> {
  const problems: string[] = [];
  const q = async <T>(c: Client, text: string, params: unknown[] = []): Promise<T[]> => (await c.query(text, params)).rows as T[];

  const allocations = await q<{
    id: number; union_id: number; lender: number; borrower: number; amount: string; repaid: string; fee_paid: string; status: string;
    term_ok: boolean; fee_ok: boolean; county_ok: boolean; self_ok: boolean; members_ok: boolean; sums_ok: boolean; overdue: boolean;
  }>(union, `
    select a.id, a.union_id, a.lender_cooperative_id lender, a.borrower_cooperative_id borrower, a.amount_fen::text amount,
           a.principal_repaid_fen::text repaid, a.fee_paid_fen::text fee_paid, a.status,
           a.term_days <= u.max_term_days and a.due_on = a.made_on + a.term_days term_ok,
           a.fee_rate_bp between u.fee_rate_min_bp and u.fee_rate_max_bp fee_ok,
           (a.amount_fen > u.county_approval_above_fen) = (a.county_approved_by is not null) county_ok,
           a.approved_by <> a.requested_by self_ok,
           (select count(*) from union_membership m where m.union_id = a.union_id and m.cooperative_id in (a.lender_cooperative_id, a.borrower_cooperative_id)
              and m.joined_on <= a.made_on and (m.left_on is null or m.left_on > a.made_on)) = 2 members_ok,
           a.principal_repaid_fen = coalesce(r.principal, 0) and a.fee_paid_fen = coalesce(r.fee, 0)
             and (a.status = 'REPAID') = (a.principal_repaid_fen = a.amount_fen) and coalesce(r.bad_split, 0) = 0 sums_ok,
           ${allocationOverdueSql('a', `date '${asOf}'`)} overdue
      from allocation a join cooperative_union u on u.id = a.union_id
      left join (select allocation_id, sum(principal_fen) principal, sum(fee_fen) fee,
                        count(*) filter (where lender_fee_fen + union_fee_fen <> fee_fen or status <> 'POSTED') bad_split
                   from allocation_repayment group by 1) r on r.allocation_id = a.id
     order by a.id`);
  for (const a of allocations) {
    for (const k of ['term_ok', 'fee_ok', 'county_ok', 'self_ok', 'members_ok', 'sums_ok'] as const) {
      if (!a[k]) problems.push(`allocation ${a.id}: ${k} fails`);
    }
  }

  // the union's books
  const unbalanced = await q<{ event_ref: string }>(union, `select event_ref from union_entry group by 1 having sum(amount_fen) <> 0`);
  for (const e of unbalanced) problems.push(`union event ${e.event_ref} does not balance`);
  const books = await q<{ union_id: number; account: string; balance: string }>(union, `select union_id, account, sum(amount_fen)::text balance from union_entry group by 1, 2`);
  const unionFees = await q<{ union_id: number; fee: string }>(union,
    `select a.union_id, sum(r.union_fee_fen)::text fee from allocation_repayment r join allocation a on a.id = r.allocation_id group by 1`);
  const balance = (u: number, account: string): bigint => BigInt(books.find((b) => b.union_id === u && b.account === account)?.balance ?? '0');
  for (const u of new Set(allocations.map((a) => a.union_id))) {
    const outstanding = allocations.filter((a) => a.union_id === u).reduce((s, a) => s + BigInt(a.amount) - BigInt(a.repaid), 0n);
    if (balance(u, 'ALLOCATIONS_RECEIVABLE') !== outstanding) problems.push(`union ${u}: receivable ${balance(u, 'ALLOCATIONS_RECEIVABLE')} ≠ outstanding ${outstanding}`);
    if (balance(u, 'ALLOCATIONS_PAYABLE') !== -outstanding) problems.push(`union ${u}: payable ${balance(u, 'ALLOCATIONS_PAYABLE')} ≠ −outstanding ${outstanding}`);
    const fee = BigInt(unionFees.find((f) => f.union_id === u)?.fee ?? '0');
    if (balance(u, 'FEE_INCOME') !== -fee || balance(u, 'BANK') !== fee) problems.push(`union ${u}: fee income ${balance(u, 'FEE_INCOME')} / bank ${balance(u, 'BANK')} ≠ fees ${fee}`);
  }

  // loans: postings, per fund balances, lenders' fee income
  const k = ALLOCATION_POSTING_KINDS;
  const posted = await q<{ kind: string; n: number; distinct_refs: number }>(loans,
    `select kind, count(*)::int n, count(distinct event_ref)::int distinct_refs from ledger_txn where ref_type = 'allocation' group by 1`);
  const repayments = await q<{ n: number }>(union, `select count(*)::int n from allocation_repayment`);
  const expectCount = { [k.lent]: allocations.length, [k.borrowed]: allocations.length, [k.repaid]: repayments[0]!.n, [k.received]: repayments[0]!.n };
  for (const [kind, n] of Object.entries(expectCount)) {
    const p = posted.find((x) => x.kind === kind);
    if ((p?.n ?? 0) !== n || (p?.distinct_refs ?? 0) !== n) problems.push(`loans: ${p?.n ?? 0} ${kind} postings (${p?.distinct_refs ?? 0} events) for ${n}`);
  }
  const funds = await q<{ cooperative_id: number; account: string; balance: string }>(loans,
    `select cooperative_id, account, balance_fen::text balance from fund_balance where account in ('UNION_RECEIVABLE', 'UNION_PAYABLE', 'ALLOCATION_FEE_EXPENSE') and balance_fen <> 0`);
  const expected = new Map<string, bigint>();
  const addTo = (coop: number, account: string, fen: bigint): void => {
    if (fen !== 0n) expected.set(`${coop}:${account}`, (expected.get(`${coop}:${account}`) ?? 0n) + fen);
  };
  for (const a of allocations) {
    const out = BigInt(a.amount) - BigInt(a.repaid);
    addTo(a.lender, 'UNION_RECEIVABLE', out);
    addTo(a.borrower, 'UNION_PAYABLE', -out);
    addTo(a.borrower, 'ALLOCATION_FEE_EXPENSE', BigInt(a.fee_paid));
  }
  for (const [key, fen] of [...expected].filter(([, v]) => v === 0n)) expected.delete(key);
  const actual = new Map(funds.map((f) => [`${f.cooperative_id}:${f.account}`, BigInt(f.balance)]));
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    if ((expected.get(key) ?? 0n) !== (actual.get(key) ?? 0n)) problems.push(`fund ${key}: ${actual.get(key) ?? 0n} in loans, ${expected.get(key) ?? 0n} by the allocations`);
  }
  const lenderFees = await q<{ fee: string }>(union, `select coalesce(sum(lender_fee_fen), 0)::text fee from allocation_repayment`);
  const income = await q<{ fee: string }>(loans,
    `select coalesce(-sum(l.amount_fen), 0)::text fee from ledger_line l join ledger_txn t on t.id = l.txn_id
      where t.kind = '${k.received}' and l.account not in ('BANK', 'UNION_RECEIVABLE')`);
  if (lenderFees[0]!.fee !== income[0]!.fee) problems.push(`lenders' fee income ${income[0]!.fee} in loans, ${lenderFees[0]!.fee} in the union`);

  const counts = {
    allocations: allocations.length,
    repaid: allocations.filter((a) => a.status === 'REPAID').length,
    active: allocations.filter((a) => a.status === 'ACTIVE').length,
    overdue: allocations.filter((a) => a.overdue).length,
    countyApproved: (await q<{ n: number }>(union, `select count(*)::int n from allocation where county_approved_by is not null`))[0]!.n,
    repayments: repayments[0]!.n,
    unions: (await q<{ n: number }>(union, `select count(*)::int n from cooperative_union`))[0]!.n,
  };
  return { problems, counts };
}

/**
 * Every cooperative's status in members is the one its rectifications in the union give
 * (rectification.rules' statusOf), and a rectification names the cooperative's own county and
 * township: the union owns the decision, members the status. Every disagreement, as a sentence.
 */
export async function statusProblems(union: Client, members: Client): Promise<string[]> {
  const decided = new Map<number, { status: RectificationStatus; county: number; township: number }[]>();
  for (const r of (await union.query<{ cooperative_id: number; status: RectificationStatus; county_id: number; township_id: number }>(
    `select cooperative_id, status, county_id, township_id from rectification`)).rows) {
    decided.set(r.cooperative_id, [...(decided.get(r.cooperative_id) ?? []), { status: r.status, county: r.county_id, township: r.township_id }]);
  }
  const problems: string[] = [];
  for (const c of (await members.query<{ id: number; status: string; county_id: number; township_id: number }>(`select id, status, county_id, township_id from cooperative`)).rows) {
    const rs = decided.get(c.id) ?? [];
    const expected = statusOf(rs);
    if (expected !== c.status) problems.push(`cooperative ${c.id}: ${c.status} in members, ${expected} by its rectifications`);
    if (rs.some((r) => r.county !== c.county_id || r.township !== c.township_id)) problems.push(`cooperative ${c.id}: a rectification names another place`);
  }
  return problems;
}

import type { Client } from 'pg';
import { createTestDatabases, sql, type TestDatabases } from '../test/support/db';
import { buildCounty, statsOf, type SeedStats } from './county';
import { isEmpty, seedCounty } from '.';
import { firstUnpaidDueSql, openLoanSql } from '../subgraphs/loans/loan.rules';
import { povertyStatusAsOfSql } from '../subgraphs/members/member.rules';
import { allocationProblems, statusProblems } from './seed-allocations';
import { pointsOf } from '../subgraphs/union/rectification.rules';

jest.setTimeout(120_000);

let dbs: TestDatabases;
let members: Client;
let loans: Client;
let union: Client;
let stats: SeedStats;
let emptyBefore: boolean;

beforeAll(async () => {
  dbs = await createTestDatabases();
  emptyBefore = await isEmpty(dbs);
  stats = await seedCounty(dbs);
  members = await sql(dbs.members);
  loans = await sql(dbs.loans);
  union = await sql(dbs.union!);
});

afterAll(async () => {
  await members?.end();
  await loans?.end();
  await union?.end();
});

const one = async <T = Record<string, unknown>>(c: Client, text: string): Promise<T> => (await c.query(text)).rows[0] as T;
const rows = async <T = Record<string, unknown>>(c: Client, text: string): Promise<T[]> => (await c.query(text)).rows as T[];

it('is empty before and not after', async () => {
  expect(emptyBefore).toBe(true);
  expect(await isEmpty(dbs)).toBe(false);
});

it('finishes quickly and reports what it wrote', async () => {
  expect(stats.ms).toBeLessThan(30_000);
  expect(stats.counties).toBe(1);
  expect(stats.townships).toBe(8);
  const counts = await one<Record<string, number>>(
    members,
    `select (select count(*)::int from cooperative) as coops, (select count(*)::int from member) as members,
            (select count(*)::int from township) as townships, (select count(*)::int from village) as villages`,
  );
  expect(counts.coops).toBe(stats.cooperatives);
  expect(counts.coops).toBeGreaterThanOrEqual(40);
  expect(counts.members).toBe(stats.members);
  expect(counts.members).toBeGreaterThanOrEqual(5000);
  expect(counts.members).toBeLessThanOrEqual(7000);
  const l = await one<Record<string, number>>(
    loans,
    `select (select count(*)::int from loan) as loans, (select count(*)::int from repayment) as repayments,
            (select count(*)::int from ledger_txn) as txns`,
  );
  expect(l.loans).toBe(stats.loans);
  expect(l.loans).toBeGreaterThanOrEqual(14_000);
  expect(l.repayments).toBe(stats.repayments);
  expect(l.txns).toBe(stats.ledgerTxns);
});

it('has loans in every status, including written-off and overdue ones', async () => {
  const byStatus = await rows<{ status: string; n: number }>(loans, `select status, count(*)::int as n from loan group by status`);
  const have = new Set(byStatus.map((r) => r.status));
  // COUNTY_APPROVED needs a loan above max_loan_fen, which the caps (first 5,000 / later 10,000 yuan) never allow.
  for (const s of ['APPLIED', 'ENDORSED', 'APPROVED', 'PUBLISHED', 'CONTRACTED', 'DISBURSED', 'CLOSED', 'WRITTEN_OFF', 'REJECTED']) {
    expect([s, have.has(s)]).toEqual([s, true]);
  }
  const overdue = await one<{ n: number }>(
    loans,
    `select count(*)::int as n from loan l where l.status = 'DISBURSED'
       and ${firstUnpaidDueSql('l.id', 'l.principal_repaid_fen', `date '2026-11-27'`)} is not null`,
  );
  expect(overdue.n).toBeGreaterThan(100);
  const pipeline = await one<{ n: number }>(loans, `select count(*)::int as n from loan where status in ('APPLIED','ENDORSED','APPROVED','PUBLISHED','CONTRACTED')`);
  expect(pipeline.n).toBeGreaterThanOrEqual(10);
  expect(pipeline.n).toBeLessThanOrEqual(80);
});

it('keeps balanced books: per transaction, per cooperative, and fund_balance = sum of lines', async () => {
  const unbalancedTxns = await one<{ n: number }>(
    loans,
    `select count(*)::int as n from (select txn_id from ledger_line group by txn_id having sum(amount_fen) <> 0) x`,
  );
  expect(unbalancedTxns.n).toBe(0);
  const emptyTxns = await one<{ n: number }>(loans, `select count(*)::int as n from ledger_txn t where not exists (select 1 from ledger_line l where l.txn_id = t.id)`);
  expect(emptyTxns.n).toBe(0);
  const lineCoopMismatch = await one<{ n: number }>(loans, `select count(*)::int as n from ledger_line l join ledger_txn t on t.id = l.txn_id where l.cooperative_id <> t.cooperative_id`);
  expect(lineCoopMismatch.n).toBe(0);
  const perCoop = await rows<{ cooperative_id: number; s: string }>(loans, `select cooperative_id, sum(amount_fen)::text as s from ledger_line group by cooperative_id`);
  expect(perCoop.length).toBe(stats.cooperatives);
  for (const r of perCoop) expect(r.s).toBe('0');
  const diff = await one<{ n: number }>(
    loans,
    `select count(*)::int as n from (
       select coalesce(b.cooperative_id, s.cooperative_id) c from fund_balance b
       full join (select cooperative_id, account, sum(amount_fen) as total from ledger_line group by 1, 2) s
         on s.cooperative_id = b.cooperative_id and s.account = b.account
       where coalesce(b.balance_fen, 0) <> coalesce(s.total, 0)) x`,
  );
  expect(diff.n).toBe(0);
  const funds = await one<{ n: number }>(loans, `select count(*)::int as n from fund`);
  expect(funds.n).toBe(stats.cooperatives);
});

it('never lets a cooperative bank balance go negative, on any day', async () => {
  const negative = await one<{ n: number }>(
    loans,
    `select count(*)::int as n from (
       select sum(d.amount) over (partition by d.cooperative_id order by d.occurred_on) as running
       from (select t.cooperative_id, t.occurred_on, sum(l.amount_fen) as amount
               from ledger_line l join ledger_txn t on t.id = l.txn_id
              where l.account = 'BANK' group by 1, 2) d) x
     where running < 0`,
  );
  expect(negative.n).toBe(0);
  const end = await one<{ n: number }>(loans, `select count(*)::int as n from fund_balance where account = 'BANK' and balance_fen < 0`);
  expect(end.n).toBe(0);
});

it('keeps each loan consistent with its instalments, repayments and transfers', async () => {
  const badSchedule = await one<{ n: number }>(
    loans,
    `select count(*)::int as n from loan l where l.disbursed_on is not null and l.amount_fen <>
       (select coalesce(sum(principal_fen), 0) from loan_instalment i where i.loan_id = l.id)`,
  );
  expect(badSchedule.n).toBe(0);
  const scheduleWithoutMoney = await one<{ n: number }>(loans, `select count(*)::int as n from loan l where l.disbursed_on is null and exists (select 1 from loan_instalment i where i.loan_id = l.id)`);
  expect(scheduleWithoutMoney.n).toBe(0);
  const badSums = await one<{ n: number }>(
    loans,
    `select count(*)::int as n from loan l left join (select loan_id, sum(principal_fen) p, sum(fee_fen) f from repayment group by 1) r on r.loan_id = l.id
      where l.principal_repaid_fen <> coalesce(r.p, 0) or l.fee_paid_fen <> coalesce(r.f, 0)`,
  );
  expect(badSums.n).toBe(0);
  const badStatus = await one<{ n: number }>(
    loans,
    `select count(*)::int as n from loan where
        (status = 'CLOSED' and (principal_repaid_fen <> amount_fen or closed_on is null))
     or (status = 'WRITTEN_OFF' and (written_off_fen <> amount_fen - principal_repaid_fen or written_off_on is null or written_off_fen <= 0))
     or (status = 'DISBURSED' and (principal_repaid_fen >= amount_fen or disbursed_on is null or closed_on is not null))
     or (status in ('APPLIED','ENDORSED','APPROVED','PUBLISHED','CONTRACTED','REJECTED') and (disbursed_on is not null or principal_repaid_fen <> 0))`,
  );
  expect(badStatus.n).toBe(0);
  const transfers = await one<{ outs: number; disbursed: number; ins: number; reps: number; orphan: number }>(
    loans,
    `select (select count(*)::int from bank_transfer where direction = 'OUT') as outs,
            (select count(*)::int from loan where disbursed_on is not null) as disbursed,
            (select count(*)::int from bank_transfer where direction = 'IN') as ins,
            (select count(*)::int from repayment) as reps,
            (select count(*)::int from repayment r where not exists (select 1 from bank_transfer b where b.bank_ref = r.bank_ref and b.direction = 'IN' and b.loan_id = r.loan_id)) as orphan`,
  );
  expect(transfers.outs).toBe(transfers.disbursed);
  expect(transfers.ins).toBe(transfers.reps);
  expect(transfers.orphan).toBe(0);
  const dated = await one<{ d: string }>(
    loans,
    `select greatest((select max(occurred_on) from ledger_txn), (select max(paid_on) from repayment), (select max(executed_on) from bank_transfer),
                     (select max(applied_on) from loan), (select max(contracted_on) from loan), (select max(closed_on) from loan))::text as d`,
  );
  expect(dated.d <= '2026-11-27').toBe(true);
});

it('gives every household a poverty history: its status at admission, a few changes since, ending in today\'s status', async () => {
  const h = await one<{ members: number; admitted: number; wrong_latest: number; tuopin: number; enriched: number; bad_order: number }>(
    members,
    `select (select count(*)::int from member) members,
            (select count(*)::int from poverty_status_change p join member m on m.id = p.member_id
              where p.previous_status is null and p.effective_on = m.joined_on) admitted,
            (select count(*)::int from member m where m.poverty_status is distinct from ${povertyStatusAsOfSql('m.id', "date '9999-12-31'")}) wrong_latest,
            (select count(*)::int from poverty_status_change where previous_status = 'REGISTERED_POOR' and status = 'ORDINARY') tuopin,
            (select count(*)::int from poverty_status_change where previous_status = 'ORDINARY' and status = 'WEALTHY') enriched,
            (select count(*)::int from poverty_status_change p join member m on m.id = p.member_id
              where p.effective_on < m.joined_on or p.effective_on > date '2026-11-27') bad_order`,
  );
  expect(h.admitted).toBe(h.members);
  expect(h.wrong_latest).toBe(0);
  expect(h.tuopin).toBeGreaterThan(5);
  expect(h.enriched).toBeGreaterThan(0);
  expect(h.bad_order).toBe(0);
});

it('lends only to eligible members, one open loan at a time', async () => {
  const mem = await rows<{ id: number; poverty_status: string; status: string }>(members, `select id, poverty_status, status from member`);
  const wealthy = new Set(mem.filter((m) => m.poverty_status === 'WEALTHY').map((m) => m.id));
  const borrowers = await rows<{ member_id: number }>(loans, `select distinct member_id from loan`);
  expect(borrowers.filter((b) => wealthy.has(b.member_id))).toEqual([]);
  const overlaps = await one<{ n: number }>(
    loans,
    `select count(*)::int as n from loan a join loan b on a.member_id = b.member_id and a.id < b.id
      where a.applied_on <= coalesce(b.closed_on, date '9999-12-31') and b.applied_on <= coalesce(a.closed_on, date '9999-12-31')`,
  );
  expect(overlaps.n).toBe(0);
  const open = await one<{ n: number }>(
    loans,
    `select count(*)::int as n from (select member_id from loan where ${openLoanSql('status')} group by 1 having count(*) > 1) x`,
  );
  expect(open.n).toBe(0);
  const firstTooBig = await one<{ n: number }>(loans, `select count(*)::int as n from loan where (is_first_loan and not is_shuangdao and amount_fen > 500000) or amount_fen > 1000000`);
  expect(firstTooBig.n).toBe(0);
});

it('forms JOINT guarantee groups of exactly five active members, one active group per member', async () => {
  const bad = await one<{ n: number }>(
    members,
    `select count(*)::int as n from guarantee_group g where g.kind = 'JOINT' and g.status = 'ACTIVE'
       and (select count(*) from guarantee_group_member m where m.group_id = g.id and m.active) <> 5`,
  );
  expect(bad.n).toBe(0);
  const party = await one<{ n: number; bad: number }>(
    members,
    `select count(*)::int as n, count(*) filter (where p.is_party_member is not true or p.cooperative_id <> g.cooperative_id
              or (select count(*) from guarantee_group_member m where m.group_id = g.id) <> 1)::int as bad
       from guarantee_group g left join member p on p.id = g.guarantor_member_id where g.kind = 'PARTY_MEMBER'`,
  );
  expect(party.n).toBeGreaterThan(0);
  expect(party.bad).toBe(0);
  const crossCoop = await one<{ n: number }>(
    members,
    `select count(*)::int as n from guarantee_group_member gm join guarantee_group g on g.id = gm.group_id join member m on m.id = gm.member_id
      where m.cooperative_id <> g.cooperative_id or m.poverty_status = 'WEALTHY'`,
  );
  expect(crossCoop.n).toBe(0);
});

it('records one share per household in contributions', async () => {
  const c = await one<{ bad: number; withdrawn: number }>(
    members,
    `select count(*) filter (where s.total <> 100000)::int as bad, (select count(*)::int from member where status = 'WITHDRAWN') as withdrawn
       from (select member_id, sum(amount_fen) filter (where kind <> 'HOUSEHOLD_WITHDRAWAL') as total from contribution group by 1) s`,
  );
  expect(c.bad).toBe(0);
  expect(c.withdrawn).toBeGreaterThan(0);
  const ids = await one<{ bad: number }>(members, `select count(*) filter (where id_number !~ '^640323[0-9]{11}[0-9X]$' or card_account !~ '^[0-9]{19}$')::int as bad from member`);
  expect(ids.bad).toBe(0);
});

it('has a county union and two township unions with a year of allocations that balance in both ledgers and the union\'s books', async () => {
  const u = await rows<{ level: string; name_zh: string; members: number; grants_members: number; grants_loans: number }>(union,
    `select u.level, u.name_zh, (select count(*)::int from union_membership m where m.union_id = u.id and m.left_on is null) members
       from cooperative_union u order by u.id`);
  expect(u.map((x) => [x.level, x.name_zh])).toEqual([['COUNTY', '盐池县互助资金联合社'], ['TOWNSHIP', '大水坑镇互助资金联合社'], ['TOWNSHIP', '惠安堡镇互助资金联合社']]);
  expect(u[0]!.members).toBe(stats.cooperatives - 1); // the exited cooperative left
  expect(u[1]!.members).toBe(6);
  // a current member's union reaches its rows in members and loans (the grants the join saga would push)
  const memberships = await rows<{ k: string }>(union, `select 'UNION:' || union_id || ':' || cooperative_id k from union_membership where left_on is null order by 1`);
  for (const c of [members, loans]) {
    const g = await rows<{ k: string }>(c, `select grantee_kind || ':' || grantee_id || ':' || cooperative_id k from access_grant where member_id is null order by 1`);
    expect(g).toEqual(memberships);
  }
  const { problems, counts } = await allocationProblems(union, loans, '2026-11-27');
  expect(problems).toEqual([]);
  expect(counts.allocations).toBeGreaterThanOrEqual(10);
  expect(counts.repaid).toBeGreaterThanOrEqual(5);
  expect(counts.active).toBeGreaterThanOrEqual(2);
  expect(counts.overdue).toBeGreaterThanOrEqual(1);
  expect(counts.countyApproved).toBeGreaterThanOrEqual(1);
  const span = await one<{ first: string; last: string }>(union, `select min(made_on)::text first, max(made_on)::text last from allocation`);
  expect(span.first < '2026-02-01' && span.last > '2026-09-01').toBe(true);
});

it('keeps every cooperative\'s status the one its rectifications in the union give: one opened after its C or D rating, the exit from the paper files', async () => {
  expect(await statusProblems(union, members)).toEqual([]);
  const r = await rows<{ status: string; opened_on: string; points: string[]; rating_class: string | null; period_end: string | null; indicator_classes: any }>(union,
    `select x.status, x.opened_on::text, x.points, r.rating_class, r.period_end::text, r.indicator_classes
       from rectification x left join rating r on r.id = x.rating_id order by x.status`);
  expect(r).toEqual([
    { status: 'EXITED', opened_on: '2024-12-04', points: ['COLLECT_OVERDUE', 'BANK_ONLY'], rating_class: null, period_end: null, indicator_classes: null },
    { status: 'OPEN', opened_on: '2026-05-20', points: expect.any(Array), rating_class: expect.stringMatching(/^[CD]$/), period_end: '2026-03-31', indicator_classes: expect.anything() },
  ]);
  // the points its rating asks for
  expect(r[1]!.points).toEqual(pointsOf(r[1]!.indicator_classes));
  expect(r[1]!.points.length).toBeGreaterThan(0);
});

it('has four quarters of inspections and ratings: most cooperatives inspected each quarter, every one but the exited rated', async () => {
  const q = await rows(union, `select r.period_start::text, count(*)::int ratings, count(r.inspection_id)::int inspected,
        count(*) filter (where i.inspected_on between r.period_start and r.period_end)::int inspected_in_period,
        count(*) filter (where i.inspector_kind = 'UNION')::int by_union
      from rating r left join inspection i on i.id = r.inspection_id group by 1 order by 1`);
  const coops = await one<{ n: number }>(members, `select count(*)::int n from cooperative where status <> 'EXITED'`);
  expect(q.map((x) => x.period_start)).toEqual(['2025-10-01', '2026-01-01', '2026-04-01', '2026-07-01']);
  for (const x of q as { ratings: number; inspected: number; inspected_in_period: number; by_union: number }[]) {
    expect(x.ratings).toBe(coops.n);
    expect(x.inspected_in_period).toBe(x.inspected);
    expect(x.inspected / x.ratings).toBeGreaterThan(0.75);
    expect(x.inspected).toBeLessThan(x.ratings);
    expect(x.by_union).toBeGreaterThan(0);
  }
  const classes = await rows<{ c: string }>(union, `select distinct rating_class c from rating order by 1`);
  expect(classes.map((x) => x.c)).toEqual(expect.arrayContaining(['A', 'B', 'C']));
  // every failed point has its note; a union inspected only its members on the day
  const bad = await one<{ notes: number; outside: number }>(union, `select
      (select count(*)::int from inspection_finding where not passed and note = '') notes,
      (select count(*)::int from inspection i where i.union_id is not null and not exists (select 1 from union_membership m where m.union_id = i.union_id
         and m.cooperative_id = i.cooperative_id and m.joined_on <= i.inspected_on and (m.left_on is null or m.left_on > i.inspected_on))) outside`);
  expect(bad).toEqual({ notes: 0, outside: 0 });
});

it('the allocation check finds books that disagree', async () => {
  // one fen moved in each database, inside transactions rolled back: the check must name both
  await union.query('begin');
  await loans.query('begin');
  try {
    await union.query(`update union_entry set amount_fen = amount_fen + 1 where id = (select min(id) from union_entry where account = 'ALLOCATIONS_RECEIVABLE')`);
    await loans.query(`update fund_balance set balance_fen = balance_fen + 1 where (cooperative_id, account) = (select cooperative_id, account from fund_balance where account = 'UNION_RECEIVABLE' and balance_fen <> 0 limit 1)`);
    const { problems } = await allocationProblems(union, loans, '2026-11-27');
    expect(problems.some((p) => p.startsWith('union event'))).toBe(true);
    expect(problems.some((p) => p.startsWith('fund '))).toBe(true);
  } finally {
    await union.query('rollback');
    await loans.query('rollback');
  }
});

it('resets identity sequences after explicit ids', async () => {
  const r = await one<{ id: number }>(
    loans,
    `insert into ledger_txn (cooperative_id, kind, occurred_on, memo, event_ref, posted_by) values (1, 'TEST', date '2026-11-27', 'sequence check', 'test:sequence-check', 'test') returning id::int`,
  );
  expect(r.id).toBe(stats.ledgerTxns + 1);
  await loans.query(`delete from ledger_txn where id = $1`, [r.id]);
});

it('is deterministic for a seed', () => {
  const strip = (s: SeedStats) => ({ ...s, ms: 0 });
  const a = buildCounty({ seed: 42 });
  expect(strip(statsOf(a, 0))).toEqual(strip(stats));
  const b = buildCounty({ seed: 42 });
  const fingerprint = (d: ReturnType<typeof buildCounty>) =>
    JSON.stringify([
      d.members.slice(0, 50).map((m) => [m.headName, m.idNumber, m.cardAccount]),
      d.loans.slice(-50).map((l) => [l.id, l.member.id, l.amountFen.toString(), l.status]),
      [...d.balances.get(1)!.entries()].map(([k, v]) => [k, v.toString()]),
    ]);
  expect(fingerprint(b)).toBe(fingerprint(a));
  const other = buildCounty({ seed: 7 });
  expect(fingerprint(other)).not.toBe(fingerprint(a));
});

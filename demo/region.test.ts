import type { Client } from 'pg';
import { REGISTRY } from '../subgraphs/registry';
import { createTestDatabases, sql, type TestDatabases } from '../test/support/db';
import { buildCounty } from './county';
import { isEmpty, seed, type SeedReport } from '.';
import { firstUnpaidDueSql, openLoanSql } from '../subgraphs/loans/loan.rules';
import { allocationProblems, statusProblems } from './seed-allocations';
import { ratedQuarters } from './ratings';
import { ok } from '../test/support/expect';
import { startStack } from '../test/support/stack';

/**
 * The region code path (22-county geography, COPY streaming in several batches, indexes and
 * constraints dropped and rebuilt, counters computed) on an evenly spread slice of 25 cooperatives.
 */
jest.setTimeout(120_000);

const SLICE = 25;
let dbs: TestDatabases;
let fresh: TestDatabases;
let members: Client;
let loans: Client;
let union: Client;
let report: SeedReport;

beforeAll(async () => {
  [dbs, fresh] = await Promise.all([createTestDatabases(), createTestDatabases()]);
  // small batches: many COPY statements per table, as at full scale
  report = await seed(dbs, { scale: 'region', cooperatives: SLICE, worker: false, batchChars: 1_000_000 });
  members = await sql(dbs.members);
  loans = await sql(dbs.loans);
  union = await sql(dbs.union!);
});

afterAll(async () => {
  await members?.end();
  await loans?.end();
  await union?.end();
});

const one = async <T = Record<string, number>>(c: Client, text: string): Promise<T> => (await c.query(text)).rows[0] as T;
const rows = async <T = Record<string, unknown>>(c: Client, text: string): Promise<T[]> => (await c.query(text)).rows as T[];

it('writes the whole region geography and a slice of cooperatives spread over many counties', async () => {
  expect(await isEmpty(dbs)).toBe(false);
  const g = await one(
    members,
    `select (select count(*)::int from county) as counties, (select count(*)::int from township) as townships,
            (select count(*)::int from village) as villages, (select count(*)::int from village where is_poor) as poor,
            (select count(*)::int from village where is_migrant) as migrant, (select count(*)::int from cooperative) as coops,
            (select count(distinct county_id)::int from cooperative) as coop_counties,
            (select count(*)::int from village v join township t on t.id = v.township_id where t.county_id <> v.county_id) as bad_village`,
  );
  expect(g).toMatchObject({ counties: 22, poor: 1100, migrant: 132, villages: 1232, coops: SLICE, bad_village: 0 });
  expect(g.townships).toBeGreaterThan(150);
  expect(g.coop_counties).toBeGreaterThanOrEqual(12);
  // most poor villages in the southern mountains (固原市) and the central arid belt
  const south = await one(members, `select count(*)::int as n from village where is_poor and county_id in (select id from county where city_zh in ('固原市') or name_zh in ('海原县','同心县','红寺堡区','盐池县'))`);
  expect(south.n).toBeGreaterThan(800);
  expect(report.stats).toMatchObject({ counties: 22, cooperatives: SLICE });
  const counted = await one(loans, `select (select count(*)::int from loan) as loans, (select count(*)::int from repayment) as repayments, (select count(*)::int from ledger_txn) as txns`);
  expect(counted).toEqual({ loans: report.stats.loans, repayments: report.stats.repayments, txns: report.stats.ledgerTxns });
  const m = await one(members, `select count(*)::int as n from member`);
  expect(m.n).toBe(report.stats.members);
  // five years of lending, about a thousand loans a cooperative
  expect(report.stats.loans / SLICE).toBeGreaterThan(700);
  const first = await one<{ d: string }>(loans, `select min(disbursed_on)::text as d from loan`);
  expect(first.d < '2022-03-01').toBe(true);
  // a slice may hold no cooperative the county had put under rectification (about 1 in 70 across the region)
  for (const t of report.tables.filter((x) => x.table !== 'rectification')) expect([t.table, t.rows > 0]).toEqual([t.table, true]);
});

it('recreates every index and constraint exactly as the migrations define them', async () => {
  const shape = async (url: string) => {
    const c = await sql(url);
    try {
      const ix = await rows<{ d: string }>(c, `select indexdef as d from pg_indexes where schemaname = 'public' order by indexname`);
      const k = await rows<{ d: string }>(
        c,
        `select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated::text as d
           from pg_constraint where connamespace = 'public'::regnamespace order by 1`,
      );
      const tg = await rows<{ d: string }>(c, `select tgrelid::regclass::text || ' ' || tgname || ' ' || tgenabled::text as d from pg_trigger where not tgisinternal order by 1`);
      return [...ix, ...k, ...tg].map((r) => r.d);
    } finally {
      await c.end();
    }
  };
  for (const { name } of REGISTRY) expect([name, await shape(dbs[name]!)]).toEqual([name, await shape(fresh[name]!)]);
});

it('keeps every reference intact (foreign-key checks were off during the load)', async () => {
  const orphans = await one(
    members,
    `select (select count(*)::int from member m where not exists (select 1 from cooperative c where c.id = m.cooperative_id)) as member,
            (select count(*)::int from contribution x where not exists (select 1 from member m where m.id = x.member_id and m.cooperative_id = x.cooperative_id)) as contribution,
            (select count(*)::int from guarantee_group_member x where not exists (select 1 from guarantee_group g where g.id = x.group_id)
                                                             or not exists (select 1 from member m where m.id = x.member_id)) as group_member,
            (select count(*)::int from guarantee_group g where g.guarantor_member_id is not null and not exists (select 1 from member m where m.id = g.guarantor_member_id)) as guarantor,
            (select count(*)::int from insurance_policy x where not exists (select 1 from member m where m.id = x.member_id and m.cooperative_id = x.cooperative_id)) as insurance,
            (select count(*)::int from shareholding x where not exists (select 1 from member m where m.id = x.member_id)) as shareholding,
            (select count(*)::int from cooperative c where not exists (select 1 from village v where v.id = c.village_id and v.township_id = c.township_id and v.county_id = c.county_id)) as cooperative`,
  );
  expect(orphans).toEqual({ member: 0, contribution: 0, group_member: 0, guarantor: 0, insurance: 0, shareholding: 0, cooperative: 0 });
  const lo = await one(
    loans,
    `select (select count(*)::int from ledger_line l where not exists (select 1 from ledger_txn t where t.id = l.txn_id)) as line,
            (select count(*)::int from ledger_txn t where not exists (select 1 from fund f where f.cooperative_id = t.cooperative_id)) as txn,
            (select count(*)::int from loan l where not exists (select 1 from fund f where f.cooperative_id = l.cooperative_id)) as loan,
            (select count(*)::int from loan_instalment i where not exists (select 1 from loan l where l.id = i.loan_id)) as instalment,
            (select count(*)::int from repayment r where not exists (select 1 from loan l where l.id = r.loan_id and l.member_id = r.member_id)) as repayment,
            (select count(*)::int from bank_transfer b where not exists (select 1 from loan l where l.id = b.loan_id and l.member_id = b.member_id)) as transfer,
            (select count(*)::int from fund_balance b where not exists (select 1 from fund f where f.cooperative_id = b.cooperative_id)) as balance`,
  );
  expect(lo).toEqual({ line: 0, txn: 0, loan: 0, instalment: 0, repayment: 0, transfer: 0, balance: 0 });
  // across the two databases: borrowers are members of the lending cooperative, groups exist
  const mem = new Map((await rows<{ id: number; cooperative_id: number; poverty_status: string }>(members, `select id, cooperative_id, poverty_status from member`)).map((m) => [m.id, m]));
  const groups = new Set((await rows<{ id: number }>(members, `select id from guarantee_group`)).map((g) => g.id));
  const borrowers = await rows<{ member_id: number; cooperative_id: number; guarantee_group_id: number }>(loans, `select distinct member_id, cooperative_id, guarantee_group_id from loan`);
  expect(borrowers.filter((b) => mem.get(b.member_id)?.cooperative_id !== b.cooperative_id || !groups.has(b.guarantee_group_id))).toEqual([]);
  // no wealthy borrower
  expect(borrowers.filter((b) => mem.get(b.member_id)!.poverty_status === 'WEALTHY')).toEqual([]);
});

it('computes the member counters and fund versions the triggers would have kept', async () => {
  const bad = await one(
    members,
    `select count(*)::int as n from cooperative c where
       member_count <> (select count(*) from member m where m.cooperative_id = c.id and m.status = 'ACTIVE')
       or registered_poor_count <> (select count(*) from member m where m.cooperative_id = c.id and m.status = 'ACTIVE' and m.poverty_status = 'REGISTERED_POOR')
       or party_member_count <> (select count(*) from member m where m.cooperative_id = c.id and m.status = 'ACTIVE' and m.is_party_member)`,
  );
  expect(bad.n).toBe(0);
  const nonzero = await one(members, `select count(*)::int as n from cooperative where member_count > 0 and registered_poor_count > 0 and party_member_count > 0`);
  expect(nonzero.n).toBe(SLICE);
  const versions = await one(
    loans,
    `select count(*) filter (where exists (select 1 from ledger_txn t where t.cooperative_id = f.cooperative_id) and f.version <= 0)::int as stale,
            count(*) filter (where not exists (select 1 from ledger_txn t where t.cooperative_id = f.cooperative_id) and f.version <> 0)::int as spurious,
            count(*)::int as funds
       from fund f`,
  );
  expect(versions).toEqual({ stale: 0, spurious: 0, funds: SLICE });
  // the triggers work again after the load
  const c = await one<{ id: number; before: number }>(members, `select id, member_count as before from cooperative order by id limit 1`);
  await members.query('begin');
  await members.query(
    `insert into member (cooperative_id, township_id, county_id, household_no, head_name, id_number, residence_village_id, poverty_status, joined_on)
     select id, township_id, county_id, 'T-1', '测试户', '640000199001010011', village_id, 'ORDINARY', date '2026-11-27' from cooperative where id = $1`,
    [c.id],
  );
  const after = await one<{ n: number }>(members, `select member_count as n from cooperative where id = ${c.id}`);
  await members.query('rollback');
  expect(after.n).toBe(c.before + 1);
});

it('keeps balanced books, fund_balance = sum of lines, and no negative bank balance on any day', async () => {
  const b = await one(
    loans,
    `select (select count(*)::int from (select txn_id from ledger_line group by txn_id having sum(amount_fen) <> 0) x) as unbalanced,
            (select count(*)::int from (select cooperative_id from ledger_line group by 1 having sum(amount_fen) <> 0) x) as coop_unbalanced,
            (select count(*)::int from ledger_txn t where not exists (select 1 from ledger_line l where l.txn_id = t.id)) as empty,
            (select count(*)::int from ledger_line l join ledger_txn t on t.id = l.txn_id where l.cooperative_id <> t.cooperative_id) as mismatch,
            (select count(*)::int from (select coalesce(b.cooperative_id, s.cooperative_id) c from fund_balance b
               full join (select cooperative_id, account, sum(amount_fen) as total from ledger_line group by 1, 2) s
                 on s.cooperative_id = b.cooperative_id and s.account = b.account
              where coalesce(b.balance_fen, 0) <> coalesce(s.total, 0)) x) as balance_diff,
            (select count(*)::int from (
               select sum(d.amount) over (partition by d.cooperative_id order by d.occurred_on) as running
                 from (select t.cooperative_id, t.occurred_on, sum(l.amount_fen) as amount
                         from ledger_line l join ledger_txn t on t.id = l.txn_id where l.account = 'BANK' group by 1, 2) d) x
              where running < 0) as negative`,
  );
  expect(b).toEqual({ unbalanced: 0, coop_unbalanced: 0, empty: 0, mismatch: 0, balance_diff: 0, negative: 0 });
});

it('keeps loans consistent: instalments, repayments, transfers, statuses, one open loan per member', async () => {
  const l = await one(
    loans,
    `select (select count(*)::int from loan l where l.disbursed_on is not null
               and l.amount_fen <> (select coalesce(sum(principal_fen), 0) from loan_instalment i where i.loan_id = l.id)) as schedule,
            (select count(*)::int from loan l left join (select loan_id, sum(principal_fen) p, sum(fee_fen) f from repayment group by 1) r on r.loan_id = l.id
              where l.principal_repaid_fen <> coalesce(r.p, 0) or l.fee_paid_fen <> coalesce(r.f, 0)) as sums,
            (select count(*)::int from loan where
                (status = 'CLOSED' and (principal_repaid_fen <> amount_fen or closed_on is null))
             or (status = 'WRITTEN_OFF' and (written_off_fen <> amount_fen - principal_repaid_fen or written_off_fen <= 0))
             or (status = 'DISBURSED' and (principal_repaid_fen >= amount_fen or closed_on is not null))) as status,
            (select count(*)::int from repayment r where not exists (select 1 from bank_transfer b where b.bank_ref = r.bank_ref and b.direction = 'IN' and b.loan_id = r.loan_id)) as orphan,
            (select count(*)::int from (select member_id from loan where ${openLoanSql('status')} group by 1 having count(*) > 1) x) as two_open,
            (select count(*)::int from loan a join loan b on a.member_id = b.member_id and a.id < b.id
              where a.applied_on <= coalesce(b.closed_on, date '9999-12-31') and b.applied_on <= coalesce(a.closed_on, date '9999-12-31')) as overlap,
            (select count(*)::int from loan where (is_first_loan and not is_shuangdao and amount_fen > 500000) or amount_fen > 1000000) as too_big`,
  );
  expect(l).toEqual({ schedule: 0, sums: 0, status: 0, orphan: 0, two_open: 0, overlap: 0, too_big: 0 });
  const byStatus = new Set((await rows<{ status: string }>(loans, `select distinct status from loan`)).map((r) => r.status));
  for (const s of ['DISBURSED', 'CLOSED', 'WRITTEN_OFF', 'REJECTED']) expect([s, byStatus.has(s)]).toEqual([s, true]);
  // realistic outcomes: mostly repaid, a few percent written off, some overdue now
  const o = await one<{ closed: number; written_off: number; overdue: number; all: number }>(
    loans,
    `select count(*) filter (where status = 'CLOSED')::float / count(*) as closed, count(*) filter (where status = 'WRITTEN_OFF')::float / count(*) as written_off,
            count(*) filter (where status = 'DISBURSED' and ${firstUnpaidDueSql('loan.id', 'loan.principal_repaid_fen', `date '2026-11-27'`)} is not null)::int as overdue,
            count(*)::int as all from loan`,
  );
  expect(o.closed).toBeGreaterThan(0.7);
  expect(o.written_off).toBeGreaterThan(0.005);
  expect(o.written_off).toBeLessThan(0.05);
  expect(o.overdue).toBeGreaterThan(0);
});

it('forms JOINT guarantee groups of exactly five, with valid ids and one share per household', async () => {
  const g = await one(
    members,
    `select (select count(*)::int from guarantee_group g where g.kind = 'JOINT' and g.status = 'ACTIVE'
               and (select count(*) from guarantee_group_member m where m.group_id = g.id and m.active) <> 5) as bad_joint,
            (select count(*)::int from guarantee_group g left join member p on p.id = g.guarantor_member_id where g.kind = 'PARTY_MEMBER'
               and (p.is_party_member is not true or p.cooperative_id <> g.cooperative_id)) as bad_party,
            (select count(*)::int from guarantee_group_member gm join guarantee_group g on g.id = gm.group_id join member m on m.id = gm.member_id
              where m.cooperative_id <> g.cooperative_id or m.poverty_status = 'WEALTHY') as cross_coop,
            (select count(*)::int from (select member_id from contribution group by 1
               having sum(amount_fen) filter (where kind <> 'HOUSEHOLD_WITHDRAWAL') <> 100000) x) as bad_share,
            (select count(*)::int from member m join county c on c.id = m.county_id
              where m.id_number !~ ('^' || c.code || '[0-9]{11}[0-9X]$') or m.card_account !~ '^[0-9]{19}$') as bad_ids,
            (select count(*)::int - count(distinct id_number)::int from member) as dup_ids,
            (select count(*)::int - count(distinct card_account)::int from member) as dup_cards`,
  );
  expect(g).toEqual({ bad_joint: 0, bad_party: 0, cross_coop: 0, bad_share: 0, bad_ids: 0, dup_ids: 0, dup_cards: 0 });
});

it('gives every county of the slice a union, and allocations that balance in both ledgers and the union\'s books', async () => {
  const u = await one(union,
    `select (select count(distinct county_id)::int from cooperative_union where level = 'COUNTY') as counties,
            (select count(distinct county_id)::int from union_membership) as member_counties,
            (select count(*)::int from union_membership m where not exists (select 1 from cooperative_union u where u.id = m.union_id and u.county_id = m.county_id)) as bad`);
  const coopCounties = await one(members, `select count(distinct county_id)::int as n from cooperative`);
  expect(u).toEqual({ counties: coopCounties.n, member_counties: coopCounties.n, bad: 0 });
  const { problems, counts } = await allocationProblems(union, loans, '2026-11-27');
  expect(problems).toEqual([]);
  expect(counts.allocations).toBeGreaterThan(0);
  // the statuses decided before the system are the union's rectifications
  expect(await statusProblems(union, members)).toEqual([]);
});

it('continues the identity sequences after the loaded ids', async () => {
  const r = await one<{ id: number }>(loans, `insert into ledger_txn (cooperative_id, kind, occurred_on, memo, event_ref, posted_by) select min(cooperative_id), 'TEST', date '2026-11-27', 'sequence check', 'test:sequence-check', 'test' from fund returning id::int`);
  expect(r.id).toBe(report.stats.ledgerTxns + 1);
  await loans.query(`delete from ledger_txn where id = $1`, [r.id]);
  // every layout's identity flags match the catalogue, and each such sequence is past the loaded ids
  for (const { name, seed: layout } of REGISTRY) {
    if (!layout) continue;
    const c = await sql(dbs[name]!);
    try {
      const tables = layout.tables.map((t) => t.name);
      const withIdentity = await rows<{ t: string }>(
        c,
        `select c.relname as t from pg_attribute a join pg_class c on c.oid = a.attrelid
          where c.relnamespace = 'public'::regnamespace and a.attname = 'id' and a.attidentity <> '' and c.relname = any('{${tables.join(',')}}') order by 1`,
      );
      expect([name, withIdentity.map((x) => x.t)]).toEqual([name, layout.tables.filter((t) => t.identity).map((t) => t.name).sort()]);
      for (const { t } of withIdentity) {
        const s = await one<{ next: boolean }>(c, `select nextval(pg_get_serial_sequence('${t}', 'id')) > (select coalesce(max(id), 0) from ${t}) as next`);
        expect([name, t, s.next]).toEqual([name, t, true]);
      }
    } finally {
      await c.end();
    }
  }
});

it('rates every cooperative but the exited ones for every quarter of the five years, as rateCounty does: a sample rated again gives the same records', async () => {
  const quarters = ratedQuarters({ scale: 'region', asOf: '2026-11-27', years: 5 });
  expect(quarters.map((q) => q.start)).toEqual(expect.arrayContaining(['2022-01-01', '2026-07-01']));
  expect(quarters).toHaveLength(19);
  const per = await one(union, `select count(*)::int n, count(distinct cooperative_id)::int coops, count(distinct period_start)::int quarters,
                                       count(*) filter (where inspection_id is null)::int uninspected from rating`);
  const rated = await one(members, `select count(*)::int n from cooperative where status <> 'EXITED'`);
  expect(per).toMatchObject({ n: rated.n * 19, coops: rated.n, quarters: 19 });
  expect(per.uninspected).toBeGreaterThan(0);
  // inspected by the township union where the cooperative was its member that day, else by the county
  const kinds = await rows<{ k: string }>(union, `select distinct inspector_kind k from inspection order by 1`);
  expect(kinds.map((x) => x.k)).toEqual(['COUNTY', 'UNION']);
  const outside = await one(union, `select count(*)::int n from inspection i where i.union_id is not null and not exists (
      select 1 from union_membership m where m.union_id = i.union_id and m.cooperative_id = i.cooperative_id and m.joined_on <= i.inspected_on and (m.left_on is null or m.left_on > i.inspected_on))`);
  expect(outside.n).toBe(0);
  // a sample: each county of the slice for one of the quarters in turn (first, last and between), through the gateway
  const counties = (await rows<{ id: number }>(union, `select distinct county_id id from rating order by 1`)).map((r) => r.id);
  const sample = counties.map((c, i) => ({ c, q: quarters[i === 0 ? 0 : i === 1 ? quarters.length - 1 : (i * 7) % quarters.length]! }));
  const records = () => rows(union, `select cooperative_id, period_kind, period_start::text, period_end::text, indicators, indicator_classes, missing, thresholds,
      thresholds_source, inspection_id, computed_class, score, rating_class, override_reason from rating order by cooperative_id, period_start`);
  const before = await records();
  const stack = await startStack({ urls: dbs });
  try {
    for (const { c, q } of sample) {
      const county = await stack.token({ sub: `county:${c}:rater`, role: 'COUNTY', counties: [c] });
      const r = ok(await stack.gql(`mutation($i: RateCountyInput!) { rateCounty(input: $i) { ranking { id } } }`,
        { i: { countyId: String(c), period: { kind: 'QUARTER', year: q.year, quarter: q.quarter } } }, county)).rateCounty;
      expect(r.ranking.length).toBeGreaterThan(0);
    }
  } finally {
    await stack.stop();
  }
  expect(await records()).toEqual(before);
  const recomputed = await one(union, `select count(*)::int n from rating where computed_by like 'county:%'`);
  expect(recomputed.n).toBeGreaterThanOrEqual(sample.length);
});

it('is deterministic for a seed', () => {
  const fingerprint = (seedNo: number) => {
    const d = buildCounty({ scale: 'region', cooperatives: 4, seed: seedNo });
    return JSON.stringify([
      d.coops.map((c) => [c.id, c.nameZh, c.status]),
      d.members.slice(0, 30).map((m) => [m.headName, m.idNumber, m.cardAccount]),
      d.loans.slice(-30).map((l) => [l.id, l.member.id, l.amountFen.toString(), l.status]),
    ]);
  };
  expect(fingerprint(42)).toBe(fingerprint(42));
  expect(fingerprint(7)).not.toBe(fingerprint(42));
});

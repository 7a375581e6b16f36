import { sqlStats } from '../subgraphs/lib/db';
import { makeCtx } from '../subgraphs/lib/context';
import { dayInChina } from '../subgraphs/lib/dates';
import { precomputeSnapshots } from '../subgraphs/loans/portfolio.service';
import { startSnapshotJob } from '../subgraphs/loans/snapshot-job';
import { addGroup, addMembers, createWorld, inject, loanThrough, tokens, withSql, WORLD } from './fixtures';
import { ok } from './support/expect';
import { operation } from './support/operations';
import { startStack, type Stack } from './support/stack';

/**
 * "For every cooperative of this county: members, registered-poor members, loans outstanding,
 * repayment rate, PAR30, fund balance" in one gateway query, with a number of SQL statements
 * that does not grow with the number of cooperatives.
 */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
afterAll(() => stack?.stop());

async function statementsFor(query: string, variables: object, token: string) {
  const before = sqlStats.statements;
  const r = await stack.gql(query, variables, token);
  return { data: ok(r), statements: sqlStats.statements - before };
}

/** Add `n` more cooperatives to county 1, each with members, capital and a loan. */
async function moreCooperatives(n: number, from: number): Promise<void> {
  await withSql(stack.urls.members, async (c) => {
    for (let i = 0; i < n; i++) {
      const id = from + i;
      await c.query(`insert into village (id, township_id, county_id, name_zh, name_en, is_poor, is_migrant) values ($1, 11, 1, $2, $3, true, false)`, [id, `测试${id}村`, `Village ${id}`]);
      await c.query(`insert into cooperative (id, village_id, township_id, county_id, name_zh, name_en, founded_on) values ($1, $1, 11, 1, $2, $3, '2016-01-01')`, [id, `测试${id}村互助社`, `Coop ${id}`]);
    }
  });
  for (let i = 0; i < n; i++) await inject(stack, t.county1, from + i, 5_000_000n, `cap-${from + i}`);
}

it('answers the county dashboard in one query with a fixed number of SQL statements', async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  const ms = await addMembers(stack, WORLD.coopA, [{ name: '马有福' }, { name: '杨秀兰' }, { name: '丁文斌', poverty: 'ORDINARY' }, { name: '海玉梅' }, { name: '白志强' }]);
  await addGroup(stack, WORLD.coopA, ms);
  await inject(stack, t.county1, WORLD.coopA, 10_000_000n, 'cap-A');
  await inject(stack, t.county1, WORLD.coopB, 10_000_000n, 'cap-B');
  await loanThrough(stack, t, { coop: WORLD.coopA, member: ms[0]!, amount: '400000', on: '2024-01-10', term: 6, key: 'D1' });
  await loanThrough(stack, t, { coop: WORLD.coopA, member: ms[1]!, amount: '300000', on: '2024-01-10', term: 12, key: 'D2' });

  const q = operation('CountyDashboard');
  const vars = { countyId: '1', asOf: '2024-08-15' };
  const small = await statementsFor(q, vars, t.county1);
  const coops = small.data.county.cooperatives.edges.map((e: any) => e.node);
  expect(coops).toHaveLength(2); // county 2's cooperative is not in county 1
  const a = coops.find((c: any) => c.id === String(WORLD.coopA));
  expect(a).toMatchObject({ memberCount: 5, registeredPoorCount: 4 });
  // loan D1 (4,000 yuan, 6 months) fell due 2024-07-10 unpaid: 36 days overdue at 2024-08-15 → PAR30
  expect(a.portfolio).toMatchObject({ outstanding: '700000', activeLoans: 2, overdueLoans: 1, parDays: 30, parOutstanding: '400000', parBp: 5714, repaymentRateBp: 0 });
  expect(a.fund.loansReceivable).toBe('700000');
  expect(a.fund.bankDeposit).toBe('9300000');

  await moreCooperatives(12, 300);
  const large = await statementsFor(q, vars, t.county1);
  expect(large.data.county.cooperatives.edges).toHaveLength(14);
  expect(large.statements).toBe(small.statements);
  expect(large.statements).toBeLessThanOrEqual(12);
});

it('takes PAR days from the region policy: a stored snapshot of other PAR days is recomputed, the par30 aliases follow', async () => {
  const q = `query($asOf: LocalDate!) { county(id: "1") { portfolio(asOf: $asOf) { parDays parOutstanding parBp par30Outstanding par30Bp overdueLoans } }
    cooperative(id: "${WORLD.coopA}") { portfolio(asOf: $asOf) { parDays parOutstanding parBp } } }`;
  const vars = { asOf: '2024-08-15' };
  const setParDays = (n: number) => withSql(stack.urls.loans, (c) => c.query(`update region_policy set par_days = $1`, [n]));
  try {
    // D1 is 36 days late on 2024-08-15: at risk over 30 days, not over 40; still overdue either way
    await setParDays(40);
    const at40 = ok(await stack.gql(q, vars, t.county1));
    expect(at40.county.portfolio).toEqual({ parDays: 40, parOutstanding: '0', parBp: 0, par30Outstanding: '0', par30Bp: 0, overdueLoans: 1 });
    expect(at40.cooperative.portfolio).toEqual({ parDays: 40, parOutstanding: '0', parBp: 0 });
    await setParDays(35);
    const at35 = ok(await stack.gql(q, vars, t.county1));
    expect(at35.county.portfolio).toMatchObject({ parDays: 35, parOutstanding: '400000', par30Outstanding: '400000', parBp: 5714 });
    const stored = await withSql(stack.urls.loans, (c) => c.query(`select distinct par_days from portfolio_snapshot where as_of = '2024-08-15'`));
    expect(stored.rows).toEqual([{ par_days: 35 }]);
  } finally {
    await setParDays(30);
  }
});

it('scopes the dashboard: a township sees only its own cooperatives, another county sees none of them', async () => {
  const town = await stack.token({ sub: 'township:12', role: 'TOWNSHIP', townships: [12] });
  const r = ok(await stack.gql(operation('CountyDashboard'), { countyId: '1', asOf: '2024-08-15' }, town));
  // a township officer may not open the county object itself, or sees only its townships' cooperatives
  const nodes = r.county ? r.county.cooperatives.edges.map((e: any) => e.node.id) : [];
  expect(nodes.every((id: string) => id === String(WORLD.coopB))).toBe(true);
  const other = ok(await stack.gql(operation('CountyDashboard'), { countyId: '1', asOf: '2024-08-15' }, t.county2));
  expect(other.county).toBeNull();
});

it('answers the region dashboard: county totals equal the sum of their cooperatives, fixed SQL statements', async () => {
  const region = await stack.token({ sub: 'region', role: 'REGION' });
  const q = operation('RegionDashboard');
  const first = await statementsFor(q, { asOf: '2024-08-16' }, region);
  const county1 = first.data.counties.find((c: any) => c.id === '1');
  const coops = county1.cooperatives.edges.map((e: any) => e.node);
  expect(county1.totals.cooperatives).toBe(coops.length);
  expect(county1.totals.members).toBe(coops.reduce((s: number, c: any) => s + c.memberCount, 0));
  expect(county1.portfolio.outstanding).toBe(String(coops.reduce((s: bigint, c: any) => s + BigInt(c.portfolio?.outstanding ?? 0), 0n)));
  // the second time every figure comes from current snapshots: fewer statements, same answer
  const second = await statementsFor(q, { asOf: '2024-08-16' }, region);
  expect(second.data).toEqual(first.data);
  expect(second.statements).toBeLessThan(first.statements);
  expect(second.statements).toBeLessThanOrEqual(8);
});

it('recomputes a snapshot after money moves (the fund version changes in the same transaction)', async () => {
  const q = `query($c: ID!) { cooperative(id: $c) { portfolio(asOf: "2024-12-31") { outstanding } } }`;
  const countyQ = `{ county(id: "1") { portfolio(asOf: "2024-12-31") { outstanding } cooperatives(first: 500) { edges { node { portfolio(asOf: "2024-12-31") { outstanding } } } } } }`;
  const countySum = (d: any) => String(d.county.cooperatives.edges.reduce((s: bigint, e: any) => s + BigInt(e.node.portfolio?.outstanding ?? 0), 0n));
  const countyBefore = ok(await stack.gql(countyQ, {}, t.county1));
  expect(countyBefore.county.portfolio.outstanding).toBe(countySum(countyBefore));
  const before = ok(await stack.gql(q, { c: String(WORLD.coopA) }, t.county1)).cooperative.portfolio.outstanding;
  const loanId = ok(await stack.gql(`query { loans(cooperativeId: "${WORLD.coopA}", status: DISBURSED, first: 1) { edges { node { id } } } }`, {}, t.county1)).loans.edges[0].node.id;
  const paid = ok(await stack.gql(`mutation($i: RecordRepaymentInput!) { recordRepayment(input: $i) { principal } }`, {
    i: { idempotencyKey: 'snap-r', loanId, amount: '50000', channel: 'BANK', bankRef: 'SNAP-1', paidOn: '2024-09-01' },
  }, t.township11)).recordRepayment.principal;
  // the county total sees the stale snapshot too: recomputed for that cooperative only, the others read
  const countyAfter = ok(await stack.gql(countyQ, {}, t.county1));
  expect(countyAfter.county.portfolio.outstanding).toBe(countySum(countyAfter));
  expect(BigInt(countyAfter.county.portfolio.outstanding)).toBe(BigInt(countyBefore.county.portfolio.outstanding) - BigInt(paid));
  const after = ok(await stack.gql(q, { c: String(WORLD.coopA) }, t.county1)).cooperative.portfolio.outstanding;
  expect(BigInt(after)).toBeLessThan(BigInt(before));
});

it('the snapshot job computes every missing snapshot of a date in batches; a dashboard then computes nothing, with the same answer', async () => {
  const orm = stack.subgraphs.loans!.orm;
  const system = { sub: 'test:snapshots', role: 'SERVICE' as const, counties: [], townships: [], cooperatives: [], bank: null, enterprise: null, union: null, member: null };
  const [{ n: funds }] = await orm.em.fork().execute<{ n: number }[]>('select count(*)::int n from fund');
  const asOf = '2025-01-31';
  let batches = 0;
  const computed = await precomputeSnapshots(() => makeCtx(orm, system, 'test', null), asOf, 3, async () => void batches++);
  expect(computed).toBe(funds);
  expect(batches).toBe(Math.ceil(funds / 3));
  expect(await precomputeSnapshots(() => makeCtx(orm, system, 'test', null), asOf, 3)).toBe(0);
  // the job reads the region's PAR days too: snapshots of other PAR days are computed again
  await orm.em.fork().execute(`update region_policy set par_days = 60`);
  try {
    expect(await precomputeSnapshots(() => makeCtx(orm, system, 'test', null), asOf, 3)).toBe(funds);
    const stored = await orm.em.fork().execute<{ par_days: number }[]>(`select distinct par_days from portfolio_snapshot where as_of = ?`, [asOf]);
    expect(stored).toEqual([{ par_days: 60 }]);
  } finally {
    await orm.em.fork().execute(`update region_policy set par_days = 30`);
  }
  expect(await precomputeSnapshots(() => makeCtx(orm, system, 'test', null), asOf, 3)).toBe(funds);

  const region = await stack.token({ sub: 'region', role: 'REGION' });
  const q = operation('RegionDashboard');
  const warm = await statementsFor(q, { asOf }, region);
  const again = await statementsFor(q, { asOf }, region);
  expect(warm.statements).toBe(again.statements); // nothing left to compute on the first read
  await orm.em.fork().execute(`delete from portfolio_snapshot where as_of = ?`, [asOf]);
  const cold = await statementsFor(q, { asOf }, region);
  expect(cold.statements).toBeGreaterThan(warm.statements);
  expect(cold.data).toEqual(warm.data);
});

it('the scheduled job fills in today (Ningxia time) shortly after start', async () => {
  const orm = stack.subgraphs.loans!.orm;
  const today = dayInChina(Date.now());
  await orm.em.fork().execute(`delete from portfolio_snapshot where as_of = ?`, [today]);
  const stop = startSnapshotJob(orm, { firstDelayMs: 1, everyMs: 60_000 });
  try {
    const [{ n: funds }] = await orm.em.fork().execute<{ n: number }[]>('select count(*)::int n from fund');
    let have = 0;
    for (let i = 0; i < 100 && have < funds; i++) {
      await new Promise((r) => setTimeout(r, 50));
      [{ n: have }] = await orm.em.fork().execute<{ n: number }[]>('select count(*)::int n from portfolio_snapshot where as_of = ?', [today]);
    }
    expect(have).toBe(funds);
  } finally {
    stop();
  }
});

import { dayInChina, addDays } from '../subgraphs/lib/dates';
import { keepSnapshot } from '../subgraphs/loans/portfolio.rules';
import { pruneSnapshots, startSnapshotJob } from '../subgraphs/loans/snapshot-job';
import { addGroup, addMembers, createWorld, inject, loanThrough, tokens, withSql, WORLD } from './fixtures';
import { ok } from './support/expect';
import { startStack, type Stack } from './support/stack';

/**
 * Portfolio snapshots kept bounded: daily for 90 days, month-ends for ever. The prune deletes in
 * batches exactly what portfolio.rules' keepSnapshot drops; a pruned past date is still answered,
 * recomputed like any missing snapshot, with the same figures.
 */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
const today = dayInChina(Date.now());
const PAST = '2024-08-15'; // not a month-end, long before the 90 days
const Q = `query($asOf: LocalDate!) { cooperative(id: "${WORLD.coopA}") { portfolio(asOf: $asOf) { asOf outstanding activeLoans overdueLoans overdueOutstanding parOutstanding principalDue repaidOnDue lendableFund repaymentRateBp } } }`;

const storedDates = () =>
  withSql(stack.urls.loans, async (c) => (await c.query(`select to_char(as_of, 'YYYY-MM-DD') d from portfolio_snapshot where cooperative_id = $1 order by as_of`, [WORLD.coopA])).rows.map((r) => r.d as string));

beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  await inject(stack, t.county1, WORLD.coopA, 10_000_000n, 'sr-capital');
  const ms = await addMembers(stack, WORLD.coopA, [{ name: '马成龙' }, { name: '马秀芳' }, { name: '马占林' }, { name: '马兰花' }, { name: '马有才' }]);
  await addGroup(stack, WORLD.coopA, ms);
  await loanThrough(stack, t, { coop: WORLD.coopA, member: ms[0]!, amount: '300000', on: '2024-03-01', key: 'sr-loan' });
});
afterAll(() => stack?.stop());

it('prunes ~200 days of snapshots in batches to what the rule keeps; a pruned past date is recomputed with the same figures', async () => {
  const first = ok(await stack.gql(Q, { asOf: PAST }, t.county1)).cooperative.portfolio;
  expect(first).toMatchObject({ asOf: PAST, outstanding: '300000', activeLoans: 1 });
  // 220 days of daily snapshots up to today, copies of the stored row (only their dates matter here)
  await withSql(stack.urls.loans, (c) => c.query(
    `insert into portfolio_snapshot select s.cooperative_id, d::date, s.version, s.outstanding, s.active_loans, s.borrowers, s.overdue_loans, s.overdue_outstanding,
            s.par_outstanding, s.principal_due, s.repaid_on_due, s.lendable_fund, s.loans_disbursed, s.amount_disbursed, s.computed_at, s.par_days
       from portfolio_snapshot s, generate_series($1::date - 219, $1::date, interval '1 day') d
      where s.cooperative_id = $2 and s.as_of = $3 on conflict do nothing`, [today, WORLD.coopA, PAST]));
  const all = await storedDates();
  expect(all.length).toBe(221);
  const kept = all.filter((d) => keepSnapshot(d, today));
  expect(kept.length).toBeGreaterThanOrEqual(90 + 4); // 90 dailies and the month-ends of the other ~130 days
  const pruned = await pruneSnapshots(stack.subgraphs.loans!.orm, today, 25);
  expect(pruned).toBe(all.length - kept.length);
  expect(await storedDates()).toEqual(kept);
  expect(kept).not.toContain(PAST);
  expect(kept).toContain(addDays(today, -89));
  const edge = addDays(today, -90);
  expect(kept.includes(edge)).toBe(keepSnapshot(edge, today)); // the first daily pruned, unless it is a month-end
  expect(kept.filter((d) => d <= edge).every((d) => addDays(d, 1).endsWith('-01'))).toBe(true);
  // nothing left to prune: a second run of the day deletes nothing
  expect(await pruneSnapshots(stack.subgraphs.loans!.orm, today, 25)).toBe(0);

  // the pruned past date is answered again, recomputed (and stored again as a read-through cache)
  const again = ok(await stack.gql(Q, { asOf: PAST }, t.county1)).cooperative.portfolio;
  expect(again).toEqual(first);
  expect(await storedDates()).toContain(PAST);
});

it('the snapshot job prunes on its first run of the day', async () => {
  const orm = stack.subgraphs.loans!.orm;
  const old = addDays(today, -120);
  const oldDay = old.endsWith('-01') ? addDays(old, 1) : old; // any non-month-end older than 90 days
  expect(keepSnapshot(oldDay, today)).toBe(false);
  await withSql(stack.urls.loans, (c) => c.query(
    `insert into portfolio_snapshot select s.cooperative_id, $1::date, s.version, s.outstanding, s.active_loans, s.borrowers, s.overdue_loans, s.overdue_outstanding,
            s.par_outstanding, s.principal_due, s.repaid_on_due, s.lendable_fund, s.loans_disbursed, s.amount_disbursed, s.computed_at, s.par_days
       from portfolio_snapshot s where s.cooperative_id = $2 and s.as_of = $3 on conflict do nothing`, [oldDay, WORLD.coopA, PAST]));
  expect(await storedDates()).toContain(oldDay);
  const stop = startSnapshotJob(orm, { firstDelayMs: 0, everyMs: 60_000 });
  try {
    for (let i = 0; i < 100 && (await storedDates()).includes(oldDay); i++) await new Promise((r) => setTimeout(r, 100));
  } finally {
    stop();
  }
  const left = await storedDates();
  expect(left).not.toContain(oldDay);
  expect(left).toContain(today);
});

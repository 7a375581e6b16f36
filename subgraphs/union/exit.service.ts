/**
 * Recovery runs of an exited cooperative's fund (退出清算): the county runs one after the exit and
 * again after later collections, until nothing is left. A run reads the fund (loans) and the
 * households' own part (members) first, then under the rectification's lock settles the open
 * allocations the cooperative borrowed, divides the rest (exit.rules) and queues its steps in one
 * saga: the allocation repayments, loans' postings, members' rows. Every run is audited.
 */
import type { Ctx } from '../lib/context';
import { intArray } from '../lib/db';
import { parseId } from '../lib/ids';
import { todayInChina } from '../lib/input-check';
import { enqueue, runSaga, type StepKind } from '../lib/saga';
import { callSubgraph } from '../lib/service-client';
import { selectList, type RowOf } from '../lib/table';
import { audit, once } from '../lib/tx';
import { ALLOCATION_REPAID, type AllocationRepaidStep } from './allocation.saga';
import { ALLOCATION_STEPS, owedOn, recordAllocationRepayment, type AllocationRow } from './allocation.service';
import { fail } from './codes';
import { planRecovery } from './exit.rules';
import { EXIT_RECORDED, EXIT_RETURNED, EXIT_STEPS, exitRunSaga, exitRunSagaSql } from './exit.saga';
import { ExitRun } from './exit.type';
import type { RectificationDecisionInput } from './rectification.inputs';
import { ALLOCATION, EXIT_RUN } from './union.entity';
import { rectificationScope } from './rectification.service';
import { leaveUnionsOnExit, sendLeaves } from './union.service';
import { requireWrite } from '../lib/scope';

type ExitRunRow = RowOf<typeof EXIT_RUN> & { state: 'POSTING' | 'DONE' | 'REFUSED'; refusal_code: string | null };
/** A run's state is its saga's: DONE when every step is, REFUSED when one was compensated, else POSTING. */
const COLUMNS = `${selectList(EXIT_RUN, 'e')},
  (select case when bool_and(s.status = 'DONE') then 'DONE' when bool_or(s.status = 'COMPENSATED') then 'REFUSED' else 'POSTING' end
     from saga_step s where s.saga_id = ${exitRunSagaSql('e.id')}) state,
  (select s.last_error ->> 'code' from saga_step s where s.saga_id = ${exitRunSagaSql('e.id')} and s.last_error is not null order by s.seq desc limit 1) refusal_code`;

const RUN_STEPS: readonly StepKind[] = [...ALLOCATION_STEPS, ...EXIT_STEPS];

const toRun = (r: ExitRunRow): ExitRun => Object.assign(new ExitRun(), {
  id: String(r.id), runOn: r.run_on, bank: BigInt(r.bank_fen), allocations: BigInt(r.allocations_fen), households: BigInt(r.households_fen),
  householdCount: r.household_count, county: BigInt(r.county_fen), left: BigInt(r.left_fen), status: r.state, refusalCode: r.state === 'REFUSED' ? r.refusal_code : null,
});

/** A rectification's recovery runs, oldest first; one statement per request. */
export function runsOf(ctx: Ctx, rectificationId: number): Promise<ExitRun[]> {
  return ctx.loaders
    .get<number, ExitRun[]>('exitRunsOf', async (ids) => {
      const s = rectificationScope(ctx, 'e');
      const rows = await ctx.read<ExitRunRow[]>(`select ${COLUMNS} from exit_run e where e.rectification_id = any(?::int[]) and ${s.sql} order by e.id`, [intArray(ids), ...s.params]);
      return ids.map((id) => rows.filter((r) => r.rectification_id === id).map(toRun));
    })
    .load(rectificationId);
}

interface FundFacts { bank: string; households: string; county: string }
interface HouseholdFacts { memberId: number; contributed: string; returned: string }

const ALLOCATION_COLUMNS = selectList(ALLOCATION, 'a');

/**
 * One recovery run of an exited cooperative: refused while an earlier run is still posting
 * (RECTIFICATION_INVALID_TRANSITION) and when it would pay nothing (EXIT_NOTHING_TO_RECOVER).
 */
export async function runExitRecovery(ctx: Ctx, input: RectificationDecisionInput): Promise<ExitRun> {
  const id = parseId(input.rectificationId, 'rectificationId');
  const s = rectificationScope(ctx);
  const [pre] = await ctx.read<{ cooperative_id: number; county_id: number; township_id: number }[]>(
    `select x.cooperative_id, x.county_id, x.township_id from rectification x where x.id = ? and ${s.sql}`, [id, ...s.params],
  );
  if (!pre) fail('NOT_FOUND', { rectificationId: id });
  requireWrite(ctx, { cooperativeId: pre!.cooperative_id, countyId: pre!.county_id, townshipId: pre!.township_id });
  const coop = pre!.cooperative_id;
  // the other subgraphs' facts before the transaction: no lock is held while they answer; loans checks the money again under its lock
  const [fund, households] = await Promise.all([
    callSubgraph<{ _exitFundFacts: FundFacts }>(ctx, 'loans', `query($c: Int!) { _exitFundFacts(cooperativeId: $c) { bank households county } }`, { c: coop }),
    callSubgraph<{ _exitHouseholds: HouseholdFacts[] }>(ctx, 'members', `query($c: Int!) { _exitHouseholds(cooperativeId: $c) { memberId contributed returned } }`, { c: coop }),
  ]);
  const today = todayInChina();
  let leaving: string[] = [];
  const runId = await once(ctx, input.idempotencyKey, 'runExitRecovery', input, async (em) => {
    const [r] = await em.execute<{ status: string }[]>(`select status from rectification where id = ? for update`, [id]);
    if (r!.status !== 'EXITED') fail('RECTIFICATION_INVALID_TRANSITION', { status: r!.status, action: 'run the recovery' });
    const [posting] = await em.execute<{ id: number }[]>(
      `select e.id from exit_run e where e.rectification_id = ? and exists (select 1 from saga_step s where s.saga_id = ${exitRunSagaSql('e.id')} and s.status in ('PENDING', 'FAILED'))`, [id],
    );
    if (posting) fail('RECTIFICATION_INVALID_TRANSITION', { status: 'EXITED', action: `run the recovery while run ${posting.id} is posting` });
    const borrowed = await em.execute<AllocationRow[]>(
      `select ${ALLOCATION_COLUMNS} from allocation a where a.borrower_cooperative_id = ? and a.status = 'ACTIVE' order by a.id for update`, [coop],
    );
    const owed = (a: AllocationRow) => { const o = owedOn(a, today); return o.principalFen + o.feeFen; };
    const plan = planRecovery({
      bankFen: BigInt(fund._exitFundFacts.bank),
      allocations: borrowed.map((a) => ({ allocationId: a.id, owedFen: owed(a) })),
      households: households._exitHouseholds.map((h) => ({ memberId: h.memberId, owedFen: BigInt(h.contributed) - BigInt(h.returned) })),
      householdsInFundFen: BigInt(fund._exitFundFacts.households),
      countyInFundFen: BigInt(fund._exitFundFacts.county),
    });
    const allocationsFen = plan.allocations.reduce((x, a) => x + a.amountFen, 0n);
    const [row] = await em.execute<{ id: number }[]>(
      `insert into exit_run (rectification_id, cooperative_id, township_id, county_id, run_on, bank_fen, allocations_fen, households_fen, household_count, county_fen, left_fen, returns, run_by)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) returning id`,
      [id, coop, pre!.township_id, pre!.county_id, today, fund._exitFundFacts.bank, allocationsFen.toString(), plan.householdsFen.toString(), plan.households.length,
        plan.countyFen.toString(), plan.leftFen.toString(), JSON.stringify(plan.households.map((h) => ({ memberId: h.memberId, amountFen: h.amountFen.toString() }))), ctx.caller!.sub],
    );
    const run = row!.id;
    const saga = exitRunSaga(run);
    const key = (what: string) => `${saga}:${what}`;
    const settled: AllocationRepaidStep[] = [];
    for (const p of plan.allocations) settled.push(await recordAllocationRepayment(em, ctx, borrowed.find((a) => a.id === p.allocationId)!, p.amountFen, today));
    leaving = await leaveUnionsOnExit(em, ctx, [coop], today);
    await enqueue(em, ALLOCATION_REPAID, saga, settled, (_i, st) => key(`allocation-repayment:${st.repaymentId}`), pre!.county_id);
    if (plan.householdsFen + plan.countyFen > 0n) {
      await enqueue(em, EXIT_RETURNED, saga, [{ runId: run, cooperativeId: coop, householdsFen: plan.householdsFen, householdCount: plan.households.length, countyFen: plan.countyFen, on: today }], () => key('returned'), pre!.county_id);
    }
    if (plan.households.length) {
      await enqueue(em, EXIT_RECORDED, saga, [{ runId: run, cooperativeId: coop, on: today, returns: plan.households }], () => key('recorded'), pre!.county_id);
    }
    await audit(em, ctx, 'runExitRecovery', 'Rectification', id, null, {
      runId: run, bank: fund._exitFundFacts.bank, allocations: plan.allocations.map((a) => ({ allocationId: a.allocationId, amount: a.amountFen.toString() })),
      households: plan.householdsFen.toString(), householdCount: plan.households.length, county: plan.countyFen.toString(), left: plan.leftFen.toString(),
    });
    return String(run);
  });
  await runSaga(ctx, RUN_STEPS, exitRunSaga(runId));
  await sendLeaves(ctx, leaving);
  return (await runsOf(ctx, id)).find((r) => r.id === runId)!;
}

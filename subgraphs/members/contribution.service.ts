/**
 * Contributions (互助金): reads, and the writes that start the contribution saga
 * (./contribution.saga.ts): the rows are written PENDING with their saga steps in one transaction
 * (`once(idempotencyKey)`), then the steps are sent at once. SAGA_STEP_FAILED tells the caller the
 * ledger could not be reached: the rows stay PENDING and the background runner posts them when it
 * can; a refusal by loans has deleted the rows (compensation) and is re-thrown.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { groupInKeyOrder, type Ctx } from '../lib/context';
import { intArray } from '../lib/db';
import { requireWrite } from '../lib/scope';
import { audit, once } from '../lib/tx';
import { enqueue, runSaga } from '../lib/saga';
import { CONTRIBUTION } from './contribution.entity';
import type { EntityOf, RowOf } from '../lib/table';
type ContributionRecord = EntityOf<typeof CONTRIBUTION.columns>;
import { CONTRIBUTION_STEPS, stepFor, type SagaResult } from './contribution.saga';
import type { RecordContributionInput, WithdrawContributionInput } from './contribution.inputs';
import {
  contributionTotals, isShuangdao, planContribution, planWithdrawal,
  type ContributionKind, type ContributionRow, type ContributionTotals as Totals,
} from './contribution.rules';
import { Contribution, ContributionTotals } from './contribution.type';
import { cooperativeForWrite, policyOfRow } from './cooperative.service';
import { memberForWrite, memberLocation, reloadMember } from './member.service';
import type { Member } from './member.type';
import { memberScope, parseId } from './shared';

type ContributionDbRow = Omit<RowOf<typeof CONTRIBUTION>, 'created_at'>;

const toRuleRow = (r: ContributionDbRow): ContributionRow => ({
  kind: r.kind, amountFen: BigInt(r.amount_fen), paidOn: r.paid_on, ledgerStatus: r.ledger_status,
});

const toContribution = (r: ContributionDbRow): Contribution =>
  Object.assign(new Contribution(), {
    id: Number(r.id), kind: r.kind, amount: BigInt(r.amount_fen), paidOn: r.paid_on, ledgerStatus: r.ledger_status, memberId: r.member_id,
  });

// ---- reads ---------------------------------------------------------------------------------

const CONTRIBUTION_COLUMNS = `ct.id::text id, ct.member_id, ct.cooperative_id, ct.kind, ct.amount_fen::text amount_fen, ct.paid_on, ct.ledger_status, ct.idempotency_key`;

const contributionLoader = (ctx: Ctx) =>
  ctx.loaders.get<number, ContributionDbRow[]>('contributionsOf', async (ids) => {
    const s = memberScope(ctx);
    const rows = await ctx.read<ContributionDbRow[]>(
      `select ${CONTRIBUTION_COLUMNS} from contribution ct join member m on m.id = ct.member_id join cooperative c on c.id = m.cooperative_id
       where ct.member_id = any(?::int[]) and ${s.sql} order by ct.id`,
      [intArray(ids), ...s.params],
    );
    return groupInKeyOrder(ids, rows, (r) => r.member_id);
  });

function rowsOfMember(ctx: Ctx, memberId: number): Promise<ContributionDbRow[]> {
  return contributionLoader(ctx).load(memberId);
}

/**
 * The contribution rows of member `m` as a JSON array: a column for a statement that reads
 * `member m` already in the caller's member scope (the same scope `contributionLoader` applies).
 * Its value goes to `primeContributions`.
 */
export const CONTRIBUTIONS_OF_M = `(select coalesce(json_agg(x order by x.id::bigint), '[]') from (
    select ${CONTRIBUTION_COLUMNS} from contribution ct where ct.member_id = m.id) x) contributions`;

export function primeContributions(ctx: Ctx, memberId: number, rows: ContributionDbRow[]): void {
  contributionLoader(ctx).prime(memberId, rows);
}

export async function contributionsOf(ctx: Ctx, memberId: number): Promise<Contribution[]> {
  return (await rowsOfMember(ctx, memberId)).map(toContribution);
}

export async function totalsOf(ctx: Ctx, memberId: number): Promise<ContributionTotals> {
  const t: Totals = contributionTotals((await rowsOfMember(ctx, memberId)).map(toRuleRow));
  return Object.assign(new ContributionTotals(), {
    household: t.householdFen, governmentSubsidy: t.governmentSubsidyFen, shuangdao: t.shuangdaoFen,
    withdrawn: t.withdrawnFen, ownBalance: t.ownBalanceFen,
  });
}

export async function isShuangdaoMember(ctx: Ctx, memberId: number): Promise<boolean> {
  return isShuangdao((await rowsOfMember(ctx, memberId)).map(toRuleRow));
}

async function freshContributions(ctx: Ctx, memberId: number): Promise<Contribution[]> {
  const s = memberScope(ctx);
  const rows = await ctx.read<ContributionDbRow[]>(
    `select ct.* from contribution ct join member m on m.id = ct.member_id join cooperative c on c.id = m.cooperative_id
     where ct.member_id = ? and ${s.sql} order by ct.id`,
    [memberId, ...s.params],
  );
  return rows.map(toContribution);
}

// ---- the writes ----------------------------------------------------------------------------

/** The rows, PENDING, and their saga's steps (one per row, in order), in the caller's transaction. */
async function insertRows(
  em: EntityManager, memberId: number, coop: { id: number; county_id: number }, paidOn: string, parts: { kind: ContributionKind; amountFen: bigint }[],
): Promise<{ rows: ContributionRecord[]; sagaId: string }> {
  const cooperativeId = coop.id;
  const rows = parts.map((p) => {
    const e = em.create(CONTRIBUTION.entity, { memberId, cooperativeId, kind: p.kind, amountFen: p.amountFen, paidOn, ledgerStatus: 'PENDING' });
    em.persist(e);
    return e;
  });
  await em.flush();
  for (const e of rows) e.idempotencyKey = `contribution:${e.id}`;
  await em.flush();
  // the first row's id names the saga: never reused
  const sagaId = `contribution:${rows[0]!.id}`;
  for (const e of rows) await enqueue(em, stepFor(e.kind), sagaId, [{ contributionId: e.id }], () => e.idempotencyKey!, coop.county_id);
  return { rows, sagaId };
}

/** Send the saga's steps now (after its transaction committed); results stored before sagas had ids have none to send. */
async function post(ctx: Ctx, result: string): Promise<void> {
  const { sagaId } = JSON.parse(result) as SagaResult;
  if (sagaId) await runSaga(ctx, CONTRIBUTION_STEPS, sagaId);
}

const snapshot = (rows: ContributionRecord[]) =>
  rows.map((e) => ({ id: e.id, kind: e.kind, amountFen: e.amountFen, paidOn: e.paidOn, ledgerStatus: e.ledgerStatus }));

export async function recordContribution(ctx: Ctx, input: RecordContributionInput): Promise<Contribution[]> {
  const memberId = parseId(input.memberId, 'memberId');
  const target = await memberForWrite(ctx.em, memberId);
  requireWrite(ctx, memberLocation(target));
  const result = await once(ctx, input.idempotencyKey, 'recordContribution', { memberId, paidOn: input.paidOn, source: input.source }, async (em) => {
    const m = await memberForWrite(em, memberId, true);
    const coop = await cooperativeForWrite(em, m.cooperative_id);
    const parts = planContribution(
      { status: m.status, povertyStatus: m.poverty_status, isAbsolutePoor: m.is_absolute_poor },
      coop.status, policyOfRow(coop), input.source,
    );
    const { rows, sagaId } = await insertRows(em, memberId, coop, input.paidOn, parts);
    await audit(em, ctx, 'recordContribution', 'Member', memberId, null, { source: input.source, contributions: snapshot(rows) });
    return JSON.stringify({ memberId, ids: rows.map((r) => r.id), sagaId } satisfies SagaResult);
  });
  await post(ctx, result);
  return freshContributions(ctx, memberId);
}

export async function withdrawContribution(ctx: Ctx, input: WithdrawContributionInput): Promise<Member> {
  const memberId = parseId(input.memberId, 'memberId');
  const target = await memberForWrite(ctx.em, memberId);
  requireWrite(ctx, memberLocation(target));
  const result = await once(ctx, input.idempotencyKey, 'withdrawContribution', { memberId, on: input.on }, async (em) => {
    const m = await memberForWrite(em, memberId, true);
    const coop = await cooperativeForWrite(em, m.cooperative_id);
    const existing = await em.execute<ContributionDbRow[]>(`select * from contribution where member_id = ? order by id`, [memberId]);
    const amountFen = planWithdrawal(m.status, existing.map(toRuleRow), coop.withdrawal_min_months, input.on);
    const { rows, sagaId } = await insertRows(em, memberId, coop, input.on, [{ kind: 'HOUSEHOLD_WITHDRAWAL', amountFen }]);
    await audit(em, ctx, 'withdrawContribution', 'Member', memberId, null, { contributions: snapshot(rows) });
    return JSON.stringify({ memberId, ids: rows.map((r) => r.id), sagaId } satisfies SagaResult);
  });
  await post(ctx, result);
  return reloadMember(ctx, memberId);
}

/**
 * Contributions (互助金) — a saga, because the money lives in the loans subgraph's fund ledger:
 *  1. `once(idempotencyKey)`: insert the rows as PENDING (committed, audited);
 *  2. post each row to the ledger through loans' internal `_postLedgerEvent`, keyed `contribution:<id>`;
 *  3. mark it POSTED (a withdrawal then also makes the member WITHDRAWN and leave its group).
 * A transport failure (SAGA_STEP_FAILED) leaves rows PENDING for `reconcileContributions`; a refusal by
 * loans deletes the pending rows (compensation) and is re-thrown.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../lib/auth';
import { requireRole } from '../lib/auth';
import { LoaderCache, groupInKeyOrder, type Ctx } from '../lib/context';
import { intArray } from '../lib/db';
import { DomainError } from '../lib/errors';
import { logger } from '../lib/logger';
import { maskName } from '../lib/mask';
import { requireWrite } from '../lib/scope';
import { callSubgraph } from '../lib/service-client';
import { audit, inTransaction, once } from '../lib/tx';
import { ContributionEntity } from './contribution.entity';
import type { RecordContributionInput, WithdrawContributionInput } from './contribution.inputs';
import {
  contributionTotals, isShuangdao, planContribution, planWithdrawal,
  type ContributionKind, type ContributionRow, type ContributionTotals as Totals, type LedgerStatus,
} from './contribution.rules';
import { Contribution, ContributionTotals } from './contribution.type';
import { cooperativeForWrite, policyOfRow } from './cooperative.service';
import { GuaranteeGroupEntity, GuaranteeGroupMemberEntity } from './guarantee.entity';
import { MemberEntity } from './member.entity';
import { MEMBER_WRITE_ROLES, memberForWrite, memberLocation, reloadMember } from './member.service';
import type { Member } from './member.type';
import { memberScope, parseId } from './shared';

interface ContributionDbRow {
  id: string; member_id: number; cooperative_id: number; kind: ContributionKind; amount_fen: string;
  paid_on: string; ledger_status: LedgerStatus; idempotency_key: string | null;
}

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
    const rows = await ctx.em.execute<ContributionDbRow[]>(
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
  const rows = await ctx.em.execute<ContributionDbRow[]>(
    `select ct.* from contribution ct join member m on m.id = ct.member_id join cooperative c on c.id = m.cooperative_id
     where ct.member_id = ? and ${s.sql} order by ct.id`,
    [memberId, ...s.params],
  );
  return rows.map(toContribution);
}

// ---- the saga ------------------------------------------------------------------------------

const POST_LEDGER_EVENT = `mutation($event: LedgerEventInput!) { _postLedgerEvent(event: $event) }`;

interface PendingRow extends ContributionDbRow { county_id: number; township_id: number; head_name: string }

interface SagaResult { memberId: number; ids: number[] }

async function pendingRows(em: EntityManager, ids: readonly number[] | null): Promise<PendingRow[]> {
  return em.execute<PendingRow[]>(
    `select ct.*, c.county_id, c.township_id, m.head_name from contribution ct join cooperative c on c.id = ct.cooperative_id
       join member m on m.id = ct.member_id
     where ct.ledger_status = 'PENDING' ${ids ? 'and ct.id = any(?::bigint[])' : ''} order by ct.id`,
    ids ? [intArray(ids)] : [],
  );
}

/** Step 2 + 3 for one row. Throws what loans throws. */
async function postRow(ctx: Ctx, r: PendingRow): Promise<void> {
  const key = r.idempotency_key ?? `contribution:${r.id}`;
  const facts = {
    cooperativeId: r.cooperative_id, countyId: r.county_id, townshipId: r.township_id, memberId: r.member_id, amount: BigInt(r.amount_fen),
    // the board shows who contributed, masked; the full name never leaves members
    nameMasked: maskName(r.head_name),
  };
  const event = r.kind === 'HOUSEHOLD_WITHDRAWAL'
    ? { idempotencyKey: key, contributionReturned: { ...facts, returnedOn: r.paid_on } }
    : { idempotencyKey: key, contributionReceived: { ...facts, source: r.kind, paidOn: r.paid_on } };
  const data = await callSubgraph<{ _postLedgerEvent: string }>(ctx, 'loans', POST_LEDGER_EVENT, { event });
  const ledgerTxnId = data?._postLedgerEvent ?? null;
  await inTransaction(ctx, async (em) => {
    const n = await em.nativeUpdate(ContributionEntity, { id: Number(r.id), ledgerStatus: 'PENDING' }, { ledgerStatus: 'POSTED' });
    if (n === 0) return; // posted meanwhile by a concurrent request or reconciliation
    await audit(em, ctx, 'postContribution', 'Contribution', r.id, { ledgerStatus: 'PENDING' }, { ledgerStatus: 'POSTED', ledgerTxnId });
    if (r.kind === 'HOUSEHOLD_WITHDRAWAL') {
      const m = await em.findOne(MemberEntity, { id: r.member_id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (m && m.status === 'ACTIVE') {
        m.status = 'WITHDRAWN';
        m.leftOn = r.paid_on;
        await em.flush();
        const left = await em.nativeUpdate(GuaranteeGroupMemberEntity, { memberId: r.member_id, active: true }, { active: false });
        // a party-member guarantee (党员一帮一) given or received by the household ends with its membership
        const party = await em.execute<{ id: number }[]>(
          `select g.id from guarantee_group g where g.status = 'ACTIVE' and g.kind = 'PARTY_MEMBER'
             and (g.guarantor_member_id = ? or exists (select 1 from guarantee_group_member gm where gm.group_id = g.id and gm.member_id = ?))`,
          [r.member_id, r.member_id],
        );
        const dissolved = party.map((g) => g.id);
        if (dissolved.length) {
          await em.nativeUpdate(GuaranteeGroupEntity, { id: { $in: dissolved } }, { status: 'DISSOLVED' });
          await em.nativeUpdate(GuaranteeGroupMemberEntity, { groupId: { $in: dissolved }, active: true }, { active: false });
        }
        await audit(em, ctx, 'memberWithdrawn', 'Member', r.member_id, { status: 'ACTIVE' },
          { status: 'WITHDRAWN', leftOn: r.paid_on, leftGroups: left, dissolvedPartyGuarantees: dissolved });
      }
    }
  });
}

/** Compensation: delete the still-pending rows; drop the idempotency key when nothing of its saga is left. */
async function compensate(ctx: Ctx, rows: readonly PendingRow[], refusal: DomainError): Promise<void> {
  const ids = rows.map((r) => Number(r.id));
  await inTransaction(ctx, async (em) => {
    const n = await em.nativeDelete(ContributionEntity, { id: { $in: ids }, ledgerStatus: 'PENDING' });
    if (n === 0) return;
    const keys = await em.execute<{ key: string; result: string }[]>(
      `select key, result from idempotency_key
       where operation in ('recordContribution', 'withdrawContribution') and result is not null
         and (result::jsonb -> 'ids') @> any(select jsonb_build_array(x) from unnest(?::bigint[]) x)`,
      [intArray(ids)],
    );
    for (const k of keys) {
      const theirs = (JSON.parse(k.result) as SagaResult).ids;
      const [left] = await em.execute<{ n: string }[]>(`select count(*) as n from contribution where id = any(?::bigint[])`, [intArray(theirs)]);
      if (Number(left?.n ?? 0) === 0) await em.execute(`delete from idempotency_key where key = ?`, [k.key]);
    }
    for (const r of rows) {
      await audit(em, ctx, 'compensateContribution', 'Contribution', r.id,
        { kind: r.kind, amountFen: r.amount_fen, ledgerStatus: 'PENDING' }, { deleted: true, refusal: refusal.code });
    }
  });
}

/** Post the given pending rows in order; compensate all of them on a refusal. */
async function postAll(ctx: Ctx, ids: readonly number[]): Promise<void> {
  const rows = await pendingRows(ctx.em, ids);
  for (let i = 0; i < rows.length; i++) {
    try {
      await postRow(ctx, rows[i]!);
    } catch (e) {
      if (e instanceof DomainError && e.code !== 'SAGA_STEP_FAILED') await compensate(ctx, rows.slice(i), e);
      throw e; // SAGA_STEP_FAILED (and anything unexpected) leaves the rows PENDING for reconciliation
    }
  }
}

async function insertRows(em: EntityManager, memberId: number, cooperativeId: number, paidOn: string, parts: { kind: ContributionKind; amountFen: bigint }[]): Promise<ContributionEntity[]> {
  const rows = parts.map((p) => {
    const e = new ContributionEntity();
    Object.assign(e, { memberId, cooperativeId, kind: p.kind, amountFen: p.amountFen, paidOn, ledgerStatus: 'PENDING' });
    em.persist(e);
    return e;
  });
  await em.flush();
  for (const e of rows) e.idempotencyKey = `contribution:${e.id}`;
  await em.flush();
  return rows;
}

const snapshot = (rows: ContributionEntity[]) =>
  rows.map((e) => ({ id: e.id, kind: e.kind, amountFen: e.amountFen, paidOn: e.paidOn, ledgerStatus: e.ledgerStatus }));

export async function recordContribution(ctx: Ctx, input: RecordContributionInput): Promise<Contribution[]> {
  requireRole(ctx.caller, MEMBER_WRITE_ROLES);
  const memberId = parseId(input.memberId, 'memberId');
  const target = await memberForWrite(ctx.em, memberId);
  requireWrite(ctx.caller, MEMBER_WRITE_ROLES, memberLocation(target));
  const result = await once(ctx, input.idempotencyKey, 'recordContribution', { memberId, paidOn: input.paidOn, source: input.source }, async (em) => {
    const m = await memberForWrite(em, memberId, true);
    const coop = await cooperativeForWrite(em, m.cooperative_id);
    const parts = planContribution(
      { status: m.status, povertyStatus: m.poverty_status, isAbsolutePoor: m.is_absolute_poor },
      coop.status, policyOfRow(coop), input.source,
    );
    const rows = await insertRows(em, memberId, m.cooperative_id, input.paidOn, parts);
    await audit(em, ctx, 'recordContribution', 'Member', memberId, null, { source: input.source, contributions: snapshot(rows) });
    return JSON.stringify({ memberId, ids: rows.map((r) => r.id) } satisfies SagaResult);
  });
  await postAll(ctx, (JSON.parse(result) as SagaResult).ids);
  return freshContributions(ctx, memberId);
}

export async function withdrawContribution(ctx: Ctx, input: WithdrawContributionInput): Promise<Member> {
  requireRole(ctx.caller, MEMBER_WRITE_ROLES);
  const memberId = parseId(input.memberId, 'memberId');
  const target = await memberForWrite(ctx.em, memberId);
  requireWrite(ctx.caller, MEMBER_WRITE_ROLES, memberLocation(target));
  const result = await once(ctx, input.idempotencyKey, 'withdrawContribution', { memberId, on: input.on }, async (em) => {
    const m = await memberForWrite(em, memberId, true);
    const coop = await cooperativeForWrite(em, m.cooperative_id);
    const existing = await em.execute<ContributionDbRow[]>(`select * from contribution where member_id = ? order by id`, [memberId]);
    const amountFen = planWithdrawal(m.status, existing.map(toRuleRow), coop.withdrawal_min_months, input.on);
    const rows = await insertRows(em, memberId, m.cooperative_id, input.on, [{ kind: 'HOUSEHOLD_WITHDRAWAL', amountFen }]);
    await audit(em, ctx, 'withdrawContribution', 'Member', memberId, null, { contributions: snapshot(rows) });
    return JSON.stringify({ memberId, ids: rows.map((r) => r.id) } satisfies SagaResult);
  });
  await postAll(ctx, (JSON.parse(result) as SagaResult).ids);
  return reloadMember(ctx, memberId);
}

// ---- reconciliation ------------------------------------------------------------------------

const RECONCILER: Caller = {
  sub: 'service:reconcile', role: 'SERVICE', counties: [], townships: [], cooperatives: [], bank: null, enterprise: null, member: null,
};

export interface ReconcileReport { posted: number; stillPending: number; compensated: number }

/**
 * Complete every half-finished contribution saga: re-post each PENDING row with its own idempotency
 * key (the ledger answers a repeat with the first result) and mark it POSTED; a refusal compensates.
 * Safe to run at any time and concurrently with live requests.
 */
export async function reconcileContributions(em: EntityManager): Promise<ReconcileReport> {
  const requestId = `reconcile-${Date.now()}`;
  const ctx: Ctx = {
    em: em.fork() as EntityManager, caller: RECONCILER, requestId, authorization: null,
    log: logger.child({ reqId: requestId }), loaders: new LoaderCache(),
  };
  const report: ReconcileReport = { posted: 0, stillPending: 0, compensated: 0 };
  for (const r of await pendingRows(ctx.em, null)) {
    try {
      await postRow(ctx, r);
      report.posted++;
    } catch (e) {
      if (e instanceof DomainError && e.code !== 'SAGA_STEP_FAILED') {
        await compensate(ctx, [r], e);
        report.compensated++;
      } else {
        ctx.log.warn({ err: e, contributionId: r.id }, 'contribution still pending');
        report.stillPending++;
      }
    }
  }
  return report;
}

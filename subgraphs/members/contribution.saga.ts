/**
 * The contribution saga's steps (lib/saga): the money of a contribution lives in the loans
 * subgraph's fund ledger, so recording one here queues a step that posts it there. The row is
 * written PENDING together with its step (one transaction); the step is sent with the key
 * `contribution:<id>` at once by the request, or later by the service's background runner;
 * loans posts it once whatever the repeats. Done: the row is POSTED (a withdrawal also makes the
 * member WITHDRAWN and leave its groups). Refused by loans: the row is deleted (compensation).
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import { intArray } from '../lib/db';
import type { DomainError } from '../lib/errors';
import { maskName } from '../lib/mask';
import { defineStep, type StepKind } from '../lib/saga';
import { callSubgraph } from '../lib/service-client';
import { audit } from '../lib/tx';
import { CONTRIBUTION } from './contribution.entity';
import type { ContributionKind } from './contribution.rules';
import { GUARANTEE_GROUP, GUARANTEE_GROUP_MEMBER } from './guarantee.entity';
import { MEMBER } from './member.entity';

/** A step's payload: the row it posts (its facts are read when it is sent). */
export interface ContributionStep { contributionId: number }

/** What recordContribution / withdrawContribution keep as their idempotent result. */
export interface SagaResult { memberId: number; ids: number[]; sagaId?: string }

const POST_LEDGER_EVENT = `mutation($event: LedgerEventInput!) { _postLedgerEvent(event: $event) }`;

interface RowFacts {
  id: string; member_id: number; cooperative_id: number; kind: ContributionKind; amount_fen: string; paid_on: string;
  county_id: number; township_id: number; head_name: string;
}

async function facts(em: EntityManager, id: number): Promise<RowFacts> {
  const [r] = await em.execute<RowFacts[]>(
    `select ct.id::text id, ct.member_id, ct.cooperative_id, ct.kind, ct.amount_fen::text amount_fen, ct.paid_on, c.county_id, c.township_id, m.head_name
       from contribution ct join cooperative c on c.id = ct.cooperative_id join member m on m.id = ct.member_id where ct.id = ?`,
    [id],
  );
  if (!r) throw new Error(`contribution ${id} of a pending step is missing`);
  return r;
}

/** The ledger event of a row, in loans' own input type for it. */
function ledgerEvent(r: RowFacts, idempotencyKey: string): Record<string, unknown> {
  const common = {
    cooperativeId: r.cooperative_id, countyId: r.county_id, townshipId: r.township_id, memberId: r.member_id, amount: BigInt(r.amount_fen),
    // the board shows who contributed, masked; the full name never leaves members
    nameMasked: maskName(r.head_name),
  };
  return r.kind === 'HOUSEHOLD_WITHDRAWAL'
    ? { idempotencyKey, contributionReturned: { ...common, returnedOn: r.paid_on } }
    : { idempotencyKey, contributionReceived: { ...common, source: r.kind, paidOn: r.paid_on } };
}

async function send(ctx: Ctx, p: ContributionStep, idempotencyKey: string): Promise<string | null> {
  const event = ledgerEvent(await facts(ctx.em, p.contributionId), idempotencyKey);
  const data = await callSubgraph<{ _postLedgerEvent: string }>(ctx, 'loans', POST_LEDGER_EVENT, { event });
  return data?._postLedgerEvent ?? null;
}

async function markPosted(em: EntityManager, ctx: Ctx, p: ContributionStep, ledgerTxnId: string | null): Promise<boolean> {
  const n = await em.nativeUpdate(CONTRIBUTION.entity, { id: p.contributionId, ledgerStatus: 'PENDING' }, { ledgerStatus: 'POSTED' });
  if (n === 0) return false;
  await audit(em, ctx, 'postContribution', 'Contribution', p.contributionId, { ledgerStatus: 'PENDING' }, { ledgerStatus: 'POSTED', ledgerTxnId });
  return true;
}

/** A household that took its own part back has left: WITHDRAWN, out of its groups, its party-member guarantees ended. */
async function memberLeaves(em: EntityManager, ctx: Ctx, memberId: number, on: string): Promise<void> {
  const m = await em.findOne(MEMBER.entity, { id: memberId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!m || m.status !== 'ACTIVE') return;
  m.status = 'WITHDRAWN';
  m.leftOn = on;
  await em.flush();
  const left = await em.nativeUpdate(GUARANTEE_GROUP_MEMBER.entity, { memberId, active: true }, { active: false });
  // a party-member guarantee (党员一帮一) given or received by the household ends with its membership
  const party = await em.execute<{ id: number }[]>(
    `select g.id from guarantee_group g where g.status = 'ACTIVE' and g.kind = 'PARTY_MEMBER'
       and (g.guarantor_member_id = ? or exists (select 1 from guarantee_group_member gm where gm.group_id = g.id and gm.member_id = ?))`,
    [memberId, memberId],
  );
  const dissolved = party.map((g) => g.id);
  if (dissolved.length) {
    await em.nativeUpdate(GUARANTEE_GROUP.entity, { id: { $in: dissolved } }, { status: 'DISSOLVED' });
    await em.nativeUpdate(GUARANTEE_GROUP_MEMBER.entity, { groupId: { $in: dissolved }, active: true }, { active: false });
  }
  await audit(em, ctx, 'memberWithdrawn', 'Member', memberId, { status: 'ACTIVE' }, { status: 'WITHDRAWN', leftOn: on, leftGroups: left, dissolvedPartyGuarantees: dissolved });
}

/** Compensation: delete the pending row; drop the request's idempotency key when nothing of its saga is left, so a retry runs anew. */
async function compensate(em: EntityManager, ctx: Ctx, p: ContributionStep, refusal: DomainError): Promise<void> {
  const [row] = await em.execute<{ kind: string; amount_fen: string }[]>(
    `delete from contribution where id = ? and ledger_status = 'PENDING' returning kind, amount_fen::text amount_fen`,
    [p.contributionId],
  );
  if (!row) return;
  const keys = await em.execute<{ key: string; result: string }[]>(
    `select key, result from idempotency_key
     where operation in ('recordContribution', 'withdrawContribution') and result is not null and (result::jsonb -> 'ids') @> ?::jsonb`,
    [JSON.stringify([p.contributionId])],
  );
  for (const k of keys) {
    const theirs = (JSON.parse(k.result) as SagaResult).ids;
    const [left] = await em.execute<{ n: string }[]>(`select count(*) as n from contribution where id = any(?::bigint[])`, [intArray(theirs)]);
    if (Number(left?.n ?? 0) === 0) await em.execute(`delete from idempotency_key where key = ?`, [k.key]);
  }
  await audit(em, ctx, 'compensateContribution', 'Contribution', p.contributionId,
    { kind: row.kind, amountFen: row.amount_fen, ledgerStatus: 'PENDING' }, { deleted: true, refusal: refusal.code });
}

const decode = (json: { contributionId: number }): ContributionStep => ({ contributionId: Number(json.contributionId) });

/** A household's contribution (own part, subsidy or 双到 money) received into the fund: loans' CONTRIBUTION_RECEIVED. */
export const CONTRIBUTION_RECEIVED = defineStep<ContributionStep, string | null>({
  event: 'CONTRIBUTION_RECEIVED',
  target: 'loans',
  decode,
  send,
  done: async (em, ctx, p, txn) => void (await markPosted(em, ctx, p, txn)),
  compensate,
});

/** A household's own part returned when it withdraws: loans' CONTRIBUTION_RETURNED; done, the household has left. */
export const CONTRIBUTION_RETURNED = defineStep<ContributionStep, string | null>({
  event: 'CONTRIBUTION_RETURNED',
  target: 'loans',
  decode,
  send,
  async done(em, ctx, p, txn) {
    if (!(await markPosted(em, ctx, p, txn))) return;
    const [r] = await em.execute<{ member_id: number; paid_on: string }[]>(`select member_id, paid_on from contribution where id = ?`, [p.contributionId]);
    if (r) await memberLeaves(em, ctx, r.member_id, r.paid_on);
  },
  compensate,
});

export const CONTRIBUTION_STEPS: readonly StepKind[] = [CONTRIBUTION_RECEIVED, CONTRIBUTION_RETURNED];

/** The step kind that posts a row of this kind. */
export const stepFor = (kind: ContributionKind) => (kind === 'HOUSEHOLD_WITHDRAWAL' ? CONTRIBUTION_RETURNED : CONTRIBUTION_RECEIVED);

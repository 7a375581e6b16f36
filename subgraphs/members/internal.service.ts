/**
 * Internal facts for the loans subgraph (SERVICE role only): the borrower and its cooperative as the
 * lending rules need them. Exposed as @inaccessible fields, never through the gateway.
 */
import type { Ctx } from '../lib/context';
import { intArray } from '../lib/db';
import { policyOfRow, type CooperativeRow } from './cooperative.service';
import { BorrowerFacts, CooperativeFacts, ExitHousehold, GuaranteeFacts, RatingMemberFacts } from './internal.type';
import { invalid } from './codes';
import { audit, inTransaction } from '../lib/tx';
import { memberOnSql, povertyStatusAsOfSql } from './member.rules';
import type { MemberRow } from './member.service';
import { coopScope, memberScope } from './shared';

function toCooperativeFacts(r: CooperativeRow): CooperativeFacts {
  const p = policyOfRow(r);
  return Object.assign(new CooperativeFacts(), {
    cooperativeId: r.id, countyId: r.county_id, townshipId: r.township_id, nameZh: r.name_zh, status: r.status, managementMode: r.management_mode,
    maxFirstLoan: p.maxFirstLoanFen, maxLaterLoan: p.maxLaterLoanFen, shuangdaoLoanCap: p.shuangdaoLoanCapFen, maxLoan: p.maxLoanFen,
    maxTermMonths: p.maxTermMonths, feeRateBp: p.feeRateBp, concentrationBp: p.concentrationBp, cashLimit: p.cashLimitFen,
    splitRiskReserveBp: p.splitRiskReserveBp, splitWelfareBp: p.splitWelfareBp, splitManagementBp: p.splitManagementBp, splitCapitalBp: p.splitCapitalBp,
  });
}

export async function cooperativeFacts(ctx: Ctx, cooperativeId: number): Promise<CooperativeFacts | null> {
  const s = coopScope(ctx);
  const [row] = await ctx.read<CooperativeRow[]>(`select c.* from cooperative c where c.id = ? and ${s.sql}`, [cooperativeId, ...s.params]);
  return row ? toCooperativeFacts(row) : null;
}

export async function borrowerFacts(ctx: Ctx, memberId: number): Promise<BorrowerFacts | null> {
  const s = memberScope(ctx);
  const [row] = await ctx.read<(MemberRow & { is_shuangdao: boolean; coop: CooperativeRow })[]>(
    `select m.*, to_jsonb(c) as coop,
            exists (select 1 from contribution ct where ct.member_id = m.id and ct.kind = 'SHUANGDAO') as is_shuangdao
     from member m join cooperative c on c.id = m.cooperative_id where m.id = ? and ${s.sql}`,
    [memberId, ...s.params],
  );
  if (!row) return null;
  const [group] = await ctx.read<{ id: number; kind: string; guarantor_member_id: number | null }[]>(
    `select g.id, g.kind, g.guarantor_member_id from guarantee_group_member gm join guarantee_group g on g.id = gm.group_id
     where gm.member_id = ? and gm.active and g.status = 'ACTIVE'`,
    [memberId],
  );
  let guarantee: GuaranteeFacts | null = null;
  if (group) {
    const ms = await ctx.read<{ member_id: number }[]>(
      `select member_id from guarantee_group_member where group_id = any(?::int[]) and active order by member_id`,
      [intArray([group.id])],
    );
    guarantee = Object.assign(new GuaranteeFacts(), {
      kind: group.kind, groupId: group.id, memberIds: ms.map((m) => m.member_id), guarantorMemberId: group.guarantor_member_id,
    });
  }
  return Object.assign(new BorrowerFacts(), {
    memberId: row.id, memberCooperativeId: row.cooperative_id, memberStatus: row.status, headName: row.head_name,
    cardAccount: row.card_account, povertyStatus: row.poverty_status, isShuangdao: row.is_shuangdao, isPartyMember: row.is_party_member,
    cooperative: toCooperativeFacts(row.coop), guarantee,
  });
}

/**
 * A county's cooperatives as a rating reads them on a day (union's rateCounty): members on the day,
 * how many were registered poor then and insured then, and of the borrowers loans named, how many
 * are each cooperative's and registered poor. One statement, whatever the county's size.
 */
export async function ratingMemberFacts(ctx: Ctx, countyId: number, asOf: string, borrowerIds: readonly number[]): Promise<RatingMemberFacts[]> {
  const s = coopScope(ctx);
  const rows = await ctx.read<{ id: number; township_id: number; status: string; members: number; poor: number; insured: number; borrowers: number; poor_borrowers: number }[]>(
    // the borrowers as a set, joined by hash: `m.id = any(array)` would scan the whole array once per
    // member, which a region county's tens of thousands of both make quadratic; both sets materialised,
    // so the read path's generic plan cannot put that join inside a loop over the cooperatives (README, "Ratings")
    `with arg as (select ?::date d),
     b as materialized (select distinct x id from unnest(?::int[]) x),
     m as materialized (
       select m.id, m.cooperative_id, ${memberOnSql('m', 'arg.d')} on_day,
              ${povertyStatusAsOfSql('m.id', 'arg.d')} = 'REGISTERED_POOR' poor,
              exists (select 1 from insurance_policy i where i.member_id = m.id and i.starts_on <= arg.d and i.ends_on >= arg.d) insured,
              b.id is not null borrower
         from member m cross join arg left join b on b.id = m.id where m.county_id = ?)
     select c.id, c.township_id, c.status,
            count(m.id) filter (where m.on_day)::int members, count(m.id) filter (where m.on_day and m.poor)::int poor,
            count(m.id) filter (where m.on_day and m.insured)::int insured,
            count(m.id) filter (where m.borrower)::int borrowers, count(m.id) filter (where m.borrower and m.poor)::int poor_borrowers
       from cooperative c left join m on m.cooperative_id = c.id
      where c.county_id = ? and ${s.sql}
      group by c.id order by c.id`,
    [asOf, intArray(borrowerIds), countyId, countyId, ...s.params],
  );
  return rows.map((r) => Object.assign(new RatingMemberFacts(), {
    cooperativeId: r.id, townshipId: r.township_id, status: r.status, members: r.members, poorMembers: r.poor, insuredMembers: r.insured,
    borrowers: r.borrowers, poorBorrowers: r.poor_borrowers,
  }));
}

/**
 * An exited cooperative's households with their own part (HOUSEHOLD posted, less withdrawals) and
 * what recovery runs returned so far: what the union's next run divides. One statement.
 */
export async function exitHouseholds(read: Ctx['read'], cooperativeId: number): Promise<ExitHousehold[]> {
  const rows = await read<{ member_id: number; contributed: string; returned: string }[]>(
    `select c.member_id, c.contributed::text,
            coalesce((select sum(r.amount_fen) from exit_return r where r.member_id = c.member_id and r.cooperative_id = ?), 0)::text returned
       from (select member_id, sum(case when kind = 'HOUSEHOLD' then amount_fen else -amount_fen end) contributed
               from contribution where cooperative_id = ? and kind in ('HOUSEHOLD', 'HOUSEHOLD_WITHDRAWAL') and ledger_status = 'POSTED'
              group by member_id) c
      where c.contributed > 0 order by c.member_id`,
    [cooperativeId, cooperativeId],
  );
  return rows.map((r) => Object.assign(new ExitHousehold(), { memberId: r.member_id, contributed: BigInt(r.contributed), returned: BigInt(r.returned) }));
}

/**
 * The union's recovery run records what it returned to each household, after loans moved the
 * money: one row per run and household, so a repeated step writes nothing twice. Refused when a
 * household is not the cooperative's or would get back more than its own part (INVALID_INPUT: the
 * union computed from this subgraph's own facts, so it is a programming error). Returns the rows written.
 */
export async function recordExitReturns(
  ctx: Ctx, runId: number, cooperativeId: number, returnedOn: string, returns: readonly { memberId: number; amount: bigint }[], idempotencyKey: string,
): Promise<number> {
  if (returns.some((r) => r.amount <= 0n)) invalid('退还金额必须大于零', 'each amount must be positive', { field: 'returns' });
  return inTransaction(ctx, async (em) => {
    await em.execute(`select id from cooperative where id = ? for update`, [cooperativeId]);
    const written = await em.execute<{ member_id: number }[]>(`select member_id from exit_return where run_id = ? limit 1`, [runId]);
    if (written.length) return 0; // the step again: this run is recorded
    // under the cooperative's lock, in this transaction: two runs recorded at once cannot both take a household's last fen
    const owed = new Map((await exitHouseholds((sql, params) => em.execute(sql, [...(params ?? [])]), cooperativeId)).map((h) => [h.memberId, h]));
    for (const r of returns) {
      const h = owed.get(r.memberId);
      if (!h || h.returned + r.amount > h.contributed) invalid('退还金额超过该户自缴互助金', `member ${r.memberId} would get back more than its own part`, { field: 'returns' });
    }
    await em.execute(
      `insert into exit_return (run_id, member_id, cooperative_id, amount_fen, returned_on) select ?, m, ?, a, ? from unnest(?::int[], ?::bigint[]) x(m, a)`,
      [runId, cooperativeId, returnedOn, intArray(returns.map((r) => r.memberId)), `{${returns.map((r) => r.amount.toString()).join(',')}}`],
    );
    await audit(em, ctx, 'recordExitReturns', 'Cooperative', cooperativeId, null, { runId, households: returns.length, total: returns.reduce((s, r) => s + r.amount, 0n).toString(), idempotencyKey });
    return returns.length;
  });
}

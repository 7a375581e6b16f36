/**
 * Accident insurance (意外伤害综合保险) and shareholdings in farmer cooperatives (扶贫合作社入股):
 * member-level rows, recorded by the cooperative, the township or the county.
 */
import type { Ctx } from '../lib/context';
import { groupInKeyOrder } from '../lib/context';
import { intArray } from '../lib/db';
import { fail } from './codes';
import { requireWrite } from '../lib/scope';
import { audit, inTransaction } from '../lib/tx';
import { INSURANCE_POLICY, SHAREHOLDING } from './insurance.entity';
import type { RecordInsurancePolicyInput, RecordShareholdingInput } from './insurance.inputs';
import { checkInsurancePolicy, checkShareholding } from './insurance.rules';
import { InsurancePolicy, Shareholding } from './insurance.type';
import { memberForWrite, memberLocation } from './member.service';
import { memberScope, parseId } from './shared';
import type { RowOf } from '../lib/table';


type PolicyRow = RowOf<typeof INSURANCE_POLICY>;
type ShareholdingRow = RowOf<typeof SHAREHOLDING>;

const toPolicy = (r: PolicyRow): InsurancePolicy =>
  Object.assign(new InsurancePolicy(), {
    id: r.id, insurer: r.insurer, policyNo: r.policy_no, premium: BigInt(r.premium_fen), sumInsured: BigInt(r.sum_insured_fen),
    startsOn: r.starts_on, endsOn: r.ends_on, memberId: r.member_id,
  });

const toShareholding = (r: ShareholdingRow): Shareholding =>
  Object.assign(new Shareholding(), {
    id: r.id, farmerCooperativeZh: r.farmer_cooperative_zh, farmerCooperativeEn: r.farmer_cooperative_en, source: r.source,
    amount: BigInt(r.amount_fen), acquiredOn: r.acquired_on, returns: BigInt(r.returns_fen), memberId: r.member_id,
  });

// ---- reads ---------------------------------------------------------------------------------

/** Rows of a per-household table for every requested member (scoped), one statement per batch. */
function rowsOfMember<R extends { member_id: number }, T>(ctx: Ctx, table: 'insurance_policy' | 'shareholding', map: (r: R) => T, memberId: number): Promise<T[]> {
  return ctx.loaders
    .get<number, T[]>(`${table}Of`, async (ids) => {
      const s = memberScope(ctx);
      const rows = await ctx.read<R[]>(
        `select x.* from ${table} x join member m on m.id = x.member_id join cooperative c on c.id = m.cooperative_id
         where x.member_id = any(?::int[]) and ${s.sql} order by x.id`,
        [intArray(ids), ...s.params],
      );
      return groupInKeyOrder(ids, rows, (r) => r.member_id).map((rs) => rs.map(map));
    })
    .load(memberId);
}

export const policiesOf = (ctx: Ctx, memberId: number): Promise<InsurancePolicy[]> =>
  rowsOfMember<PolicyRow, InsurancePolicy>(ctx, 'insurance_policy', toPolicy, memberId);

export const shareholdingsOf = (ctx: Ctx, memberId: number): Promise<Shareholding[]> =>
  rowsOfMember<ShareholdingRow, Shareholding>(ctx, 'shareholding', toShareholding, memberId);

// ---- writes --------------------------------------------------------------------------------

export async function recordInsurancePolicy(ctx: Ctx, input: RecordInsurancePolicyInput): Promise<InsurancePolicy> {
  const memberId = parseId(input.memberId, 'memberId');
  const id = await inTransaction(ctx, async (em) => {
    const m = await memberForWrite(em, memberId);
    requireWrite(ctx, memberLocation(m));
    checkInsurancePolicy({
      memberStatus: m.status, insurer: input.insurer, policyNo: input.policyNo, premiumFen: input.premium,
      sumInsuredFen: input.sumInsured, startsOn: input.startsOn, endsOn: input.endsOn,
    });
    const p = em.create(INSURANCE_POLICY.entity, {
      memberId, cooperativeId: m.cooperative_id, insurer: input.insurer.trim(), policyNo: input.policyNo.trim(),
      premiumFen: input.premium, sumInsuredFen: input.sumInsured, startsOn: input.startsOn, endsOn: input.endsOn,
    });
    em.persist(p);
    await em.flush();
    await audit(em, ctx, 'recordInsurancePolicy', 'InsurancePolicy', p.id, null, {
      memberId, insurer: p.insurer, policyNo: p.policyNo, premiumFen: p.premiumFen, sumInsuredFen: p.sumInsuredFen, startsOn: p.startsOn, endsOn: p.endsOn,
    });
    return p.id;
  });
  const s = memberScope(ctx);
  const [row] = await ctx.read<PolicyRow[]>(
    `select i.* from insurance_policy i join member m on m.id = i.member_id join cooperative c on c.id = m.cooperative_id where i.id = ? and ${s.sql}`,
    [id, ...s.params],
  );
  return row ? toPolicy(row) : fail('NOT_FOUND', { insurancePolicyId: id });
}

export async function recordShareholding(ctx: Ctx, input: RecordShareholdingInput): Promise<Shareholding> {
  const memberId = parseId(input.memberId, 'memberId');
  const id = await inTransaction(ctx, async (em) => {
    const m = await memberForWrite(em, memberId);
    requireWrite(ctx, memberLocation(m));
    const [sd] = await em.execute<{ yes: boolean }[]>(`select exists (select 1 from contribution where member_id = ? and kind = 'SHUANGDAO') as yes`, [memberId]);
    const returnsFen = input.returns ?? 0n;
    checkShareholding({
      memberStatus: m.status, povertyStatus: m.poverty_status, isShuangdao: !!sd?.yes,
      farmerCooperativeZh: input.farmerCooperativeZh, farmerCooperativeEn: input.farmerCooperativeEn,
      source: input.source, amountFen: input.amount, returnsFen,
    });
    const sh = em.create(SHAREHOLDING.entity, {
      memberId, cooperativeId: m.cooperative_id, farmerCooperativeZh: input.farmerCooperativeZh.trim(),
      farmerCooperativeEn: input.farmerCooperativeEn.trim(), source: input.source, amountFen: input.amount,
      acquiredOn: input.acquiredOn, returnsFen,
    });
    em.persist(sh);
    await em.flush();
    await audit(em, ctx, 'recordShareholding', 'Shareholding', sh.id, null, {
      memberId, farmerCooperativeZh: sh.farmerCooperativeZh, source: sh.source, amountFen: sh.amountFen, acquiredOn: sh.acquiredOn, returnsFen,
    });
    return sh.id;
  });
  const s = memberScope(ctx);
  const [row] = await ctx.read<ShareholdingRow[]>(
    `select sh.* from shareholding sh join member m on m.id = sh.member_id join cooperative c on c.id = m.cooperative_id where sh.id = ? and ${s.sql}`,
    [id, ...s.params],
  );
  return row ? toShareholding(row) : fail('NOT_FOUND', { shareholdingId: id });
}

/**
 * The demo's cooperative unions (联合社) and the paid allocations between their members (有偿调剂):
 * a county union in every county of the scale and township unions under it (the county demo: 盐池县
 * with 大水坑镇 and 惠安堡镇), every cooperative of the area a member, and about a year of
 * allocations. Who lends to whom, when, for how long and at what fee is planned here from the plan
 * alone; how much is lent is decided in the lender's simulation from its idle money that day, and
 * how the borrower repays in the borrower's (./county.ts).
 *
 * Cooperatives are simulated one after the other, so a lender always has a lower id than its
 * borrowers: the lender's simulation has run when the borrower's starts, and hands it the
 * allocations it made. Each borrower gets at most one allocation, so none is ever made to a
 * borrower with another one overdue. The allocation rules themselves are lib's (allocation.rules),
 * the same the union and loans apply.
 */
import type { AllocationPolicy } from '../subgraphs/lib/allocation.rules';
import { DEFAULT_UNION_POLICY, type UnionLevel } from '../subgraphs/union/union.rules';
import { dayNumber, fromDayNumber } from '../subgraphs/lib/dates';
import type { Random } from './random';

/** The parts of a cooperative the union plan needs (county.ts' CoopRow has them). */
export interface UnionCoop {
  id: number;
  nameZh: string;
  county: { id: number; nameZh: string; nameEn: string };
  village: { townshipId: number };
  status: string;
}

export interface UnionRow {
  id: number;
  level: UnionLevel;
  countyId: number;
  townshipId: number | null;
  nameZh: string;
  nameEn: string;
  foundedOn: number;
  policy: AllocationPolicy;
}

export interface MembershipRow {
  id: number;
  union: UnionRow;
  coopId: number;
  townshipId: number;
  countyId: number;
  joinedOn: number;
  documentNo: string;
  leftOn: number | null;
  leaveReason: string | null;
}

/** An allocation as planned: the lender's simulation decides the amount, or makes none. */
export interface PlannedAllocation {
  union: UnionRow;
  lenderId: number;
  lenderTownshipId: number;
  lenderNameZh: string;
  borrowerId: number;
  borrowerTownshipId: number;
  borrowerNameZh: string;
  /** What the borrower asks for; the lender lends at most its share limit of its idle money. */
  requestedFen: bigint;
  termDays: number;
  feeRateBp: number;
  purpose: string;
  requestedOn: number;
  consentedOn: number;
  /** The county's approval day, used only when the amount lent is above the union's limit. */
  countyApprovalOn: number;
  /** The union's approval: the money moves (later, with the consent, when the lender is short that day). */
  madeOn: number;
  /** The other members the union may ask when this lender cannot spare enough, by id (all below the borrower's). */
  otherLenders: readonly { id: number; townshipId: number; nameZh: string }[];
  /** The borrower does not repay (the demo's overdue allocation). */
  defaults: boolean;
  /** The borrower repays half the principal with the fee so far halfway through the term. */
  partial: boolean;
}

export interface UnionPlan {
  unions: UnionRow[];
  memberships: MembershipRow[];
  /** Planned allocations by lender id, in made order. */
  byLender: Map<number, PlannedAllocation[]>;
}

/** The smallest allocation worth the paperwork: a lender whose share of idle money is below it makes none that day. */
export const MIN_ALLOCATION_FEN = 2_000_000n;

/** What borrowers ask their union for. */
const PURPOSES: readonly string[] = [
  '春耕备耕借款需求集中,本社资金不足 / spring sowing: members\' loan demand above the fund',
  '滩羊补栏季节借款集中 / Tan sheep restocking season',
  '秋季饲草料收储借款集中 / autumn fodder purchases',
  '到期借款集中回收前的资金缺口 / a gap until the loans due next month are collected',
  '新入社农户首次借款较多 / many first loans of newly admitted households',
  '设施农业大棚建设借款 / greenhouse building loans',
];

const TERMS: readonly (readonly [number, number])[] = [[90, 25], [120, 25], [180, 35], [240, 15]];
const REQUESTS: readonly (readonly [bigint, number])[] = [
  [3_000_000n, 15], [5_000_000n, 30], [8_000_000n, 25], [10_000_000n, 15], [12_000_000n, 10], [15_000_000n, 5],
];

/** The demo county's township unions (大水坑镇, 惠安堡镇): a lively township and a migrant one. */
const COUNTY_SCALE_TOWNSHIP_UNIONS: readonly number[] = [2, 3];

/** The document a county issued to found a union and admit its members. */
const documentNo = (countyZh: string, year: number, n: number): string => `${countyZh.slice(0, 1)}扶发〔${year}〕${n}号`;

/**
 * The unions of a scale: one county union per county, township unions (the county demo's two, in
 * the region the township of each county with the most cooperatives), every cooperative of the
 * area a member from the union's founding; an EXITED cooperative left when it exited (`exitedOn`).
 * Allocations over the last year before `asOf`.
 */
export function planUnions(
  coops: readonly UnionCoop[],
  opts: { scale: 'county' | 'region'; asOf: number; exitedOn: number; rng: Random; township(id: number): { zh: string; en: string } },
): UnionPlan {
  const { asOf, rng } = opts;
  const unions: UnionRow[] = [];
  const memberships: MembershipRow[] = [];
  const byCounty = new Map<number, UnionCoop[]>();
  for (const c of coops) {
    const list = byCounty.get(c.county.id) ?? [];
    list.push(c);
    byCounty.set(c.county.id, list);
  }
  const areas: { union: UnionRow; members: UnionCoop[] }[] = [];
  const countyFounded = dayNumber('2024-03-18');
  for (const [countyId, list] of [...byCounty].sort((a, b) => a[0] - b[0])) {
    const county = list[0]!.county;
    const county_: UnionRow = {
      id: unions.length + 1, level: 'COUNTY', countyId, townshipId: null,
      nameZh: `${county.nameZh}互助资金联合社`, nameEn: `${county.nameEn} Mutual-Aid Fund Union`,
      foundedOn: countyFounded + (countyId % 20),
      // the county approves what a village fund cannot easily spare: above 60,000 yuan (a township union: 50,000)
      policy: { ...DEFAULT_UNION_POLICY, countyApprovalAboveFen: 6_000_000n },
    };
    unions.push(county_);
    areas.push({ union: county_, members: list });
    const perTownship = new Map<number, UnionCoop[]>();
    for (const c of list) perTownship.set(c.village.townshipId, [...(perTownship.get(c.village.townshipId) ?? []), c]);
    const townships = opts.scale === 'county'
      ? COUNTY_SCALE_TOWNSHIP_UNIONS.filter((t) => perTownship.has(t))
      : [...perTownship].filter(([, l]) => l.length >= 2).sort((a, b) => b[1].length - a[1].length || a[0] - b[0]).slice(0, 1).map(([t]) => t);
    for (const t of townships) {
      const township: UnionRow = {
        id: unions.length + 1, level: 'TOWNSHIP', countyId, townshipId: t,
        nameZh: `${opts.township(t).zh}互助资金联合社`, nameEn: `${opts.township(t).en} Mutual-Aid Fund Union`,
        foundedOn: county_.foundedOn + 60 + (t % 30),
        policy: { ...DEFAULT_UNION_POLICY, countyApprovalAboveFen: 5_000_000n, lenderFeeShareBp: 7_500 },
      };
      unions.push(township);
      areas.push({ union: township, members: perTownship.get(t)! });
    }
  }
  let doc = 10;
  for (const { union, members } of areas) {
    const county = members[0]!.county;
    const no = documentNo(county.nameZh, Number(fromDayNumber(union.foundedOn).slice(0, 4)), doc++);
    for (const c of [...members].sort((a, b) => a.id - b.id)) {
      const exited = c.status === 'EXITED';
      memberships.push({
        id: memberships.length + 1, union, coopId: c.id, townshipId: c.village.townshipId, countyId: c.county.id,
        joinedOn: union.foundedOn, documentNo: no,
        leftOn: exited ? Math.max(union.foundedOn, opts.exitedOn) : null,
        leaveReason: exited ? '互助社整改不合格,经县扶贫办批准退出 / the cooperative failed rectification and exited' : null,
      });
    }
  }

  // Allocations: lenders from the lower half of each union's active members (by id), borrowers
  // from the upper half, each borrower once over all unions.
  const byLender = new Map<number, PlannedAllocation[]>();
  const borrowed = new Set<number>();
  const first = Math.max(asOf - 365, 0);
  for (const { union, members } of areas) {
    const active = members.filter((c) => c.status === 'ACTIVE').sort((a, b) => a.id - b.id);
    if (active.length < 2) continue;
    const half = Math.ceil(active.length / 2);
    const lenders = active.slice(0, half);
    const borrowers = active.slice(half).filter((c) => !borrowed.has(c.id));
    const r = rng.fork(`union:${union.id}`);
    const wanted = union.level === 'COUNTY' ? Math.min(borrowers.length, opts.scale === 'county' ? 8 : 6) : Math.min(borrowers.length, 3);
    const picked = r.shuffle(borrowers).slice(0, wanted).sort((a, b) => a.id - b.id);
    for (const b of picked) {
      borrowed.add(b.id);
      const lender = r.pick(lenders.filter((l) => l.id < b.id));
      const termDays = r.weighted(TERMS);
      const madeOn = r.int(Math.max(first, union.foundedOn + 30), asOf - 15);
      const requestedOn = madeOn - r.int(6, 12);
      const consentedOn = requestedOn + r.int(1, 3);
      const plan: PlannedAllocation = {
        union, lenderId: lender.id, lenderTownshipId: lender.village.townshipId, lenderNameZh: lender.nameZh,
        borrowerId: b.id, borrowerTownshipId: b.village.townshipId, borrowerNameZh: b.nameZh,
        otherLenders: lenders.filter((l) => l.id < b.id && l !== lender).map((l) => ({ id: l.id, townshipId: l.village.townshipId, nameZh: l.nameZh })),
        requestedFen: r.weighted(REQUESTS), termDays,
        feeRateBp: r.pick([union.policy.feeRateMinBp, 400, 450, union.policy.feeRateMaxBp]),
        purpose: r.pick(PURPOSES), requestedOn, consentedOn, countyApprovalOn: consentedOn + r.int(1, 2), madeOn,
        defaults: false, partial: r.chance(0.3),
      };
      byLender.set(lender.id, [...(byLender.get(lender.id) ?? []), plan]);
    }
  }
  // one overdue per county union: the allocation due longest ago that is not long past (so its fee still accrues visibly)
  const all = [...byLender.values()].flat();
  for (const u of unions.filter((x) => x.level === 'COUNTY')) {
    const due = all.filter((p) => p.union === u && p.madeOn + p.termDays < asOf - 10 && p.madeOn + p.termDays > asOf - 150);
    const pick = due.sort((a, b) => a.madeOn + a.termDays - (b.madeOn + b.termDays))[0];
    if (pick) pick.defaults = true;
  }
  for (const list of byLender.values()) list.sort((a, b) => a.madeOn - b.madeOn || a.borrowerId - b.borrowerId);
  return { unions, memberships, byLender };
}

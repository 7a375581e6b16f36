/**
 * Demo data for an empty system, at two scales served by ONE generator:
 *
 * - `county`: one realistic Ningxia county (盐池县) with its real townships and villages, three
 *   years of loans (what `npm start` loads into empty databases);
 * - `region`: the whole region, 22 counties and districts, 1,232 cooperatives (1,100 poor villages
 *   and 132 ecological-migrant villages and sites), five years of loans (`npm run seed`).
 *
 * Each village has one mutual-aid cooperative with member households, contributions, guarantee
 * groups, insurance, shareholdings, loans with their repayments and bank transfers, and its
 * double-entry books. A cooperative is simulated day by day so that its bank balance never goes
 * negative (`simulateCoop`); cooperatives are independent, so they are generated one after the
 * other (`generateCoops`) and streamed into the databases (./rows.ts, ./index.ts) without holding the
 * whole scale in memory. The scale only changes geography, counts and years.
 */
import {
  ALLOCATION_MEMOS,
  ALLOCATION_POSTING_KINDS,
  allocationMade,
  allocationRepaid,
  capitalInjection,
  contribution as contributionPosting,
  idleMoney,
  disbursement,
  fundTotal,
  repayment as repaymentPosting,
  splitFee,
  writeOff,
  type Account,
  type ContributionKind,
  type FeeSplitPolicy,
  type Line,
} from '../subgraphs/loans/ledger.rules';
import { accruedFee, buildSchedule, concentrationLimit, loanCap, overdueStatus } from '../subgraphs/loans/loan.rules';
import {
  allocationOwed, allocationRepayment, checkLenderMoney, lenderShareCap, needsCountyApproval, splitAllocationFee,
} from '../subgraphs/lib/allocation.rules';
import { MIN_ALLOCATION_FEN, planUnions, type PlannedAllocation, type UnionPlan } from './unions';
import { addDays, dayNumber, fromDayNumber, parseDay } from '../subgraphs/lib/dates';
import { maskName } from '../subgraphs/lib/mask';
import { Random } from './random';
import {
  CARD_BIN,
  COUNTY,
  DONORS,
  FARMER_COOPERATIVES,
  FEMALE_FIRST,
  FEMALE_SECOND,
  INSURERS,
  MALE_FIRST,
  MALE_SECOND,
  PURPOSES,
  SPECIAL_COOPS,
  SURNAMES,
  TOWNSHIPS,
  VILLAGES,
  type VillageDef,
} from './names';
import { PURPOSES_BY_PROFILE, REGION_COUNTIES, TRADES_BY_PROFILE, regionVillages, type Profile } from './region';


export type ScaleName = 'county' | 'region';

export const DEFAULT_SEED = 42;
export const DEFAULT_AS_OF = '2026-11-27';

// ---------------------------------------------------------------------------------------------
// Rows (days are day numbers while simulating, turned into 'YYYY-MM-DD' when written)
// ---------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------

type CoopStatus = 'ACTIVE' | 'RECTIFYING' | 'EXITED';
type ManagementMode = 'VILLAGE_CASH' | 'TOWNSHIP_BANK_ONLY';
type Poverty = 'REGISTERED_POOR' | 'ORDINARY' | 'WEALTHY';
type LoanStatus = 'APPLIED' | 'ENDORSED' | 'APPROVED' | 'PUBLISHED' | 'CONTRACTED' | 'DISBURSED' | 'CLOSED' | 'WRITTEN_OFF' | 'REJECTED';
type Mode = 'BULLET' | 'MONTHLY';

export interface CountyInfo {
  id: number;
  code: string;
  cityZh: string;
  nameZh: string;
  nameEn: string;
}

export interface TownshipInfo {
  id: number;
  countyId: number;
  zh: string;
  en: string;
}

/** What differs between areas: what people borrow for, who insures them, who donates. */
export interface CoopProfile {
  purposes: readonly (readonly [string, number])[];
  insurers: readonly { zh: string; code: string }[];
  farmerCooperatives: readonly { zh: string; en: string }[];
  donors: readonly string[];
}

export interface CoopRow {
  id: number;
  county: CountyInfo;
  village: VillageDef;
  /** Position of the village within its township (1-based), for household numbers. */
  villageNo: number;
  /** Resident id sequence numbers reserved for this cooperative (see IdNumbers). */
  idSlots: { first: number; count: number };
  profile: CoopProfile;
  nameZh: string;
  nameEn: string;
  status: CoopStatus;
  mode: ManagementMode;
  foundedOn: number;
  /** Policy columns (the schema's defaults). */
  policy: FeeSplitPolicy & {
    feeRateBp: number;
    maxFirstLoanFen: bigint;
    maxLaterLoanFen: bigint;
    shuangdaoLoanCapFen: bigint;
    concentrationBp: number;
    shareFen: bigint;
    shareHouseholdFen: bigint;
    shareSubsidyFen: bigint;
    shareAbsolutePoorFen: bigint;
  };
}

export interface MemberRow {
  id: number;
  coopId: number;
  townshipId: number;
  householdNo: string;
  headName: string;
  idNumber: string;
  villageId: number;
  householdSize: number;
  poverty: Poverty;
  absolutePoor: boolean;
  party: boolean;
  shuangdao: boolean;
  cardAccount: string;
  status: 'ACTIVE' | 'WITHDRAWN';
  joinedOn: number;
  leftOn: number | null;
}

export interface ContributionRow {
  id: number;
  memberId: number;
  coopId: number;
  kind: ContributionKind;
  amountFen: bigint;
  paidOn: number;
}

export interface GroupRow {
  id: number;
  coopId: number;
  name: string;
  kind: 'JOINT' | 'PARTY_MEMBER';
  guarantorId: number | null;
  formedOn: number;
  memberIds: number[];
}

export interface InsuranceRow {
  memberId: number;
  coopId: number;
  insurer: string;
  policyNo: string;
  startsOn: number;
  endsOn: number;
}

export interface ShareholdingRow {
  memberId: number;
  coopId: number;
  zh: string;
  en: string;
  source: 'MUTUAL_AID' | 'SHUANGDAO';
  amountFen: bigint;
  acquiredOn: number;
  returnsFen: bigint;
}

export interface InstalmentRow {
  seq: number;
  dueOn: string;
  due: number;
  principalFen: bigint;
  feeFen: bigint;
  /** Day the instalment's principal was paid (simulation state). */
  paid?: number;
}

export interface LoanRow {
  id: number;
  coopId: number;
  townshipId: number;
  member: MemberRow;
  groupId: number;
  guarantorId: number | null;
  amountFen: bigint;
  feeRateBp: number;
  termMonths: number;
  mode: Mode;
  purpose: string;
  status: LoanStatus;
  isFirst: boolean;
  isShuangdao: boolean;
  appliedOn: number;
  endorsedOn: number | null;
  approvedOn: number | null;
  publishedOn: number | null;
  contractedOn: number | null;
  disbursedOn: number | null;
  dueOn: number | null;
  closedOn: number | null;
  writtenOffOn: number | null;
  principalRepaidFen: bigint;
  feePaidFen: bigint;
  writtenOffFen: bigint;
  instalments: InstalmentRow[];
  /** Last day fee was settled up to (disbursement or last repayment). */
  lastFeeDay: number;
}

export interface TransferRow {
  id: number;
  coopId: number;
  loan: LoanRow;
  direction: 'OUT' | 'IN';
  amountFen: bigint;
  executedOn: number;
  bankRef: string;
}

export interface RepaymentRow {
  id: number;
  loan: LoanRow;
  paidOn: number;
  principalFen: bigint;
  feeFen: bigint;
  transfer: TransferRow;
}

/** A paid allocation through a union (有偿调剂), as made by the lender's simulation and repaid in the borrower's. */
export interface AllocationRow {
  id: number;
  plan: PlannedAllocation;
  amountFen: bigint;
  /** Above the union's limit: the county approved it, on countyApprovedOn. */
  countyApproved: boolean;
  consentedOn: number;
  countyApprovedOn: number;
  /** The lender's fee split (its policy), for its part of each fee. */
  lenderPolicy: FeeSplitPolicy;
  madeOn: number;
  dueOn: number;
  principalRepaidFen: bigint;
  feePaidFen: bigint;
  /** The fee accrues from this day: the made day, then each repayment's. */
  feeFrom: number;
  repaidOn: number | null;
  repayments: AllocationRepaymentRow[];
}

export interface AllocationRepaymentRow {
  id: number;
  allocation: AllocationRow;
  paidOn: number;
  principalFen: bigint;
  feeFen: bigint;
  lenderFeeFen: bigint;
  unionFeeFen: bigint;
  feeFromBefore: number;
}

export type TxnRef =
  | { type: 'loan'; loan: LoanRow; repayment?: RepaymentRow }
  | { type: 'contribution'; c: ContributionRow }
  | { type: 'cooperative'; id: number }
  | { type: 'allocation'; a: AllocationRow; repayment?: AllocationRepaymentRow };

export interface TxnRow {
  id: number;
  coopId: number;
  // the kinds the loans service posts (a returned contribution is CONTRIBUTION_RETURN there too)
  kind: 'CAPITAL' | 'CONTRIBUTION' | 'CONTRIBUTION_RETURN' | 'DISBURSEMENT' | 'REPAYMENT' | 'WRITE_OFF' | (typeof ALLOCATION_POSTING_KINDS)[keyof typeof ALLOCATION_POSTING_KINDS];
  day: number;
  /** Internal memo: never a person's name (the board publishes structured fields only). */
  memo: string;
  /** The household's masked name where no loan row names it (contributions), as the saga sends it. */
  nameMasked: string | null;
  ref: TxnRef;
  lines: Line[];
}

/** The row lists a simulation produces, per table. */
const ROW_LISTS = ['members', 'contributions', 'groups', 'insurance', 'shareholdings', 'loans', 'repayments', 'transfers', 'txns', 'allocations'] as const;

interface RowLists {
  members: MemberRow[];
  contributions: ContributionRow[];
  groups: GroupRow[];
  insurance: InsuranceRow[];
  shareholdings: ShareholdingRow[];
  loans: LoanRow[];
  repayments: RepaymentRow[];
  transfers: TransferRow[];
  txns: TxnRow[];
  /** The allocations this cooperative borrowed (written with the borrower, whose simulation repays them). */
  allocations: AllocationRow[];
}

const emptyRowLists = (): RowLists => ({
  members: [], contributions: [], groups: [], insurance: [], shareholdings: [], loans: [], repayments: [], transfers: [], txns: [], allocations: [],
});

/** Everything one cooperative's simulation produces (ids of loans, transactions... set by `numberRows`). */
export interface CoopData extends RowLists {
  coop: CoopRow;
  /** The signed balance of every account that has lines. */
  balances: Map<Account, bigint>;
}

const emptyCoopData = (coop: CoopRow): CoopData => ({ coop, ...emptyRowLists(), balances: new Map() });

/** A whole (small) scale in memory: the concatenation of its cooperatives' data. */
export interface CountyData extends RowLists {
  asOf: string;
  coops: CoopRow[];
  /** Per cooperative, the signed balance of every account that has lines. */
  balances: Map<number, Map<Account, bigint>>;
}


// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** 'YYYY-MM-DD' of a day number, memoised (the simulation converts the same few thousand days a lot). */
const dayCache: string[] = [];
const DAY_CACHE_BASE = dayNumber('1940-01-01');
export function dayStr(n: number): string {
  const k = n - DAY_CACHE_BASE;
  if (k < 0 || k > 100_000) return fromDayNumber(n);
  return (dayCache[k] ??= fromDayNumber(n));
}

export const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const yuanStr = (fen: bigint): string => {
  const y = fen / 100n;
  const f = fen % 100n;
  return f === 0n ? `${y}` : `${y}.${pad(Number(f), 2)}`;
};

/** ISO 7064 MOD 11-2 check character of a mainland resident id number. */
function idCheckChar(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]!;
  return '10X98765432'[sum % 11]!;
}

/** Luhn check digit for a card number body. */
function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

// ---------------------------------------------------------------------------------------------
// Generation: cooperatives and members
// ---------------------------------------------------------------------------------------------

const OUTCOMES_NORMAL: readonly (readonly [Outcome, number])[] = [
  ['ONTIME', 82],
  ['LATE', 8],
  ['COLLECTED', 6],
  ['WRITE_OFF', 4],
];
const OUTCOMES_TROUBLED: readonly (readonly [Outcome, number])[] = [
  ['ONTIME', 60],
  ['LATE', 14],
  ['COLLECTED', 16],
  ['WRITE_OFF', 10],
];
type Outcome = 'ONTIME' | 'LATE' | 'COLLECTED' | 'WRITE_OFF';

const FIRST_LOAN_AMOUNTS: readonly (readonly [bigint, number])[] = [
  [100_000n, 15], [200_000n, 35], [300_000n, 30], [400_000n, 8], [500_000n, 12],
];
const LATER_LOAN_AMOUNTS: readonly (readonly [bigint, number])[] = [
  [100_000n, 8], [200_000n, 33], [300_000n, 35], [400_000n, 8], [500_000n, 11], [800_000n, 3], [1_000_000n, 2],
];
const SHUANGDAO_LOAN_AMOUNTS: readonly (readonly [bigint, number])[] = [
  [300_000n, 35], [500_000n, 35], [800_000n, 15], [1_000_000n, 15],
];

/**
 * Resident id numbers (身份证号): county code, birth date, a three-digit sequence whose last digit
 * is odd for men, and the check character. Every cooperative of a county owns its own stripe of
 * sequence numbers, so numbers are unique county-wide without any state shared between
 * cooperatives (which are generated independently).
 */
class IdNumbers {
  private used = new Set<string>();
  constructor(
    private readonly countyCode: string,
    private readonly slots: { first: number; count: number },
  ) {}
  make(rng: Random, male: boolean, birth: number): string {
    const start = rng.int(0, this.slots.count - 1);
    for (let day = birth; ; day++) {
      const ymd = dayStr(day).replace(/-/g, '');
      for (let k = 0; k < this.slots.count; k++) {
        const seq = 2 * (this.slots.first + ((start + k) % this.slots.count)) + (male ? 1 : 0);
        const first17 = `${this.countyCode}${ymd}${pad(seq, 3)}`;
        if (this.used.has(first17)) continue;
        this.used.add(first17);
        return first17 + idCheckChar(first17);
      }
    }
  }
}

/**
 * A 19-digit one-card (一卡通) account number: BIN, 12 digits, Luhn check digit. The 12 digits are
 * a fixed bijection of (cooperative, household) mixed with a random part, so numbers are unique
 * region-wide by construction.
 */
function cardNumber(coopId: number, household: number): string {
  const x = coopId * 10_000 + (household % 10_000); // < 1.3e7
  const mixed = (x * 7_919_113 + 340_282_366) % 1e12; // odd multiplier, not a multiple of 5: a bijection mod 10^12
  const body = CARD_BIN + pad(mixed, 12);
  return body + luhnDigit(body);
}

function personName(rng: Random, male: boolean): string {
  const surname = rng.weighted(SURNAMES);
  if (male) {
    return rng.chance(0.12) ? surname + rng.pick(MALE_SECOND) : surname + rng.pick(MALE_FIRST) + rng.pick(MALE_SECOND);
  }
  return rng.chance(0.1) ? surname + rng.pick(FEMALE_SECOND) : surname + rng.pick(FEMALE_FIRST) + rng.pick(FEMALE_SECOND);
}

// ---------------------------------------------------------------------------------------------
// The plan of a scale: geography, cooperatives and their parameters (cheap, deterministic)
// ---------------------------------------------------------------------------------------------

export interface SeedPlan {
  scale: ScaleName;
  seed: number;
  asOf: string;
  /** Years of lending simulated before asOf. */
  years: number;
  counties: CountyInfo[];
  townships: TownshipInfo[];
  villages: (VillageDef & { countyId: number })[];
  /** The cooperatives to generate (all villages, or an evenly spread slice of them). */
  coops: CoopRow[];
  /** Range of member households of a cooperative's village. */
  households(coop: CoopRow): readonly [number, number];
  /** The unions of the plan's counties, their members and the allocations planned between them. */
  unions: UnionPlan;
}

export interface PlanOptions {
  scale?: ScaleName;
  seed?: number;
  asOf?: string;
  /** Only this many cooperatives, evenly spread over the scale (for tests). */
  cooperatives?: number;
}

const NO_UNIONS: UnionPlan = { unions: [], memberships: [], byLender: new Map() };
/** The day lending stops at a cooperative under rectification, and the day an exited one exited. */
export const RECTIFYING_FROM = dayNumber('2026-05-20');
export const EXITED_ON = dayNumber('2025-08-31');

const POLICY: CoopRow['policy'] = {
  feeRateBp: 600,
  maxFirstLoanFen: 500_000n,
  maxLaterLoanFen: 1_000_000n,
  shuangdaoLoanCapFen: 1_000_000n,
  concentrationBp: 500,
  shareFen: 100_000n,
  shareHouseholdFen: 40_000n,
  shareSubsidyFen: 60_000n,
  shareAbsolutePoorFen: 20_000n,
  splitRiskReserveBp: 3000,
  splitWelfareBp: 1000,
  splitManagementBp: 2000,
  splitCapitalBp: 4000,
};

const YANCHI_PROFILE: CoopProfile = { purposes: PURPOSES, insurers: INSURERS, farmerCooperatives: FARMER_COOPERATIVES, donors: DONORS };

function regionProfile(c: { zh: string; en: string; profile: Profile }): CoopProfile {
  return {
    purposes: PURPOSES_BY_PROFILE[c.profile],
    insurers: [
      { zh: '中国人寿宁夏分公司', code: 'CLIC' },
      { zh: `中国人民财产保险${c.zh.slice(0, -1)}支公司`, code: 'PICC' },
      { zh: '中华联合财产保险宁夏分公司', code: 'CUIC' },
    ],
    farmerCooperatives: TRADES_BY_PROFILE[c.profile].map(([zh, en]) => ({ zh: `${c.zh}${zh}专业合作社`, en: `${c.en} ${en} Specialized Cooperative` })),
    donors: ['闽宁协作帮扶资金', '宁夏慈善总会', `${c.zh}工商联爱心企业`, '中国扶贫基金会'],
  };
}

/** Id-number stripes: every cooperative of a county gets `count` of the 500 sequence numbers per sex. */
function idSlots(rank: number, coopsInCounty: number): { first: number; count: number } {
  const count = Math.min(10, Math.floor(500 / coopsInCounty));
  if (count < 2) throw new Error(`too many cooperatives in one county (${coopsInCounty}) for unique id numbers`);
  return { first: rank * count, count };
}

export function planSeed(opts: PlanOptions = {}): SeedPlan {
  const scale = opts.scale ?? 'county';
  const seed = opts.seed ?? DEFAULT_SEED;
  const asOf = parseDay(opts.asOf ?? DEFAULT_AS_OF);
  const rng = new Random(seed);
  const coopRng = rng.fork('cooperatives');
  let plan: SeedPlan;
  if (scale === 'county') {
    const county: CountyInfo = { id: COUNTY.id, code: COUNTY.code, cityZh: COUNTY.cityZh, nameZh: COUNTY.nameZh, nameEn: COUNTY.nameEn };
    const townships = TOWNSHIPS.map((t) => ({ id: t.id, countyId: county.id, zh: t.zh, en: t.en }));
    const villages = VILLAGES.map((v) => ({ ...v, countyId: county.id }));
    const coops = villages.map((v, rank): CoopRow => {
      const township = TOWNSHIPS.find((t) => t.id === v.townshipId)!;
      const status: CoopStatus = v.id === SPECIAL_COOPS.rectifying ? 'RECTIFYING' : v.id === SPECIAL_COOPS.exited ? 'EXITED' : 'ACTIVE';
      return {
        id: v.id,
        county,
        village: v,
        villageNo: villages.filter((x) => x.townshipId === v.townshipId).indexOf(v) + 1,
        idSlots: idSlots(rank, villages.length),
        profile: YANCHI_PROFILE,
        nameZh: `${township.zh}${v.zh}村互助社`,
        nameEn: `${v.en} Village Mutual-Aid Cooperative`,
        status,
        mode: SPECIAL_COOPS.villageCash.includes(v.id) ? 'VILLAGE_CASH' : 'TOWNSHIP_BANK_ONLY',
        foundedOn: coopRng.int(dayNumber('2014-03-01'), dayNumber('2016-10-31')),
        policy: POLICY,
      };
    });
    plan = { scale, seed, asOf, years: 3, counties: [county], townships, villages, coops, households: () => [100, 160], unions: NO_UNIONS };
  } else {
    const geo = regionVillages(rng.fork('geography'));
    const counties: CountyInfo[] = REGION_COUNTIES.map((c, i) => ({ id: i + 1, code: c.code, cityZh: c.cityZh, nameZh: c.zh, nameEn: c.en }));
    const profiles = REGION_COUNTIES.map(regionProfile);
    const townshipById = new Map(geo.townships.map((t) => [t.id, t]));
    const villages = geo.villages.map((v, i) => ({ ...v, countyId: geo.countyOf[i]! }));
    const perCounty = new Map<number, number>();
    const perTownship = new Map<number, number>();
    for (const v of villages) perCounty.set(v.countyId, (perCounty.get(v.countyId) ?? 0) + 1);
    const rankInCounty = new Map<number, number>();
    const coops = villages.map((v): CoopRow => {
      const township = townshipById.get(v.townshipId)!;
      const c = REGION_COUNTIES[v.countyId - 1]!;
      const hard = c.profile === 'SOUTH' || c.profile === 'ARID';
      const rank = rankInCounty.get(v.countyId) ?? 0;
      rankInCounty.set(v.countyId, rank + 1);
      const villageNo = (perTownship.get(v.townshipId) ?? 0) + 1;
      perTownship.set(v.townshipId, villageNo);
      const r = coopRng.next();
      const status: CoopStatus = r < (hard ? 0.006 : 0.003) ? 'EXITED' : r < (hard ? 0.02 : 0.01) ? 'RECTIFYING' : 'ACTIVE';
      return {
        id: v.id,
        county: counties[v.countyId - 1]!,
        village: v,
        villageNo,
        idSlots: idSlots(rank, perCounty.get(v.countyId)!),
        profile: profiles[v.countyId - 1]!,
        nameZh: `${township.zh}${v.zh}村互助社`,
        nameEn: `${v.en} Village Mutual-Aid Cooperative`,
        status,
        mode: coopRng.chance(hard ? 0.03 : 0.01) ? 'VILLAGE_CASH' : 'TOWNSHIP_BANK_ONLY',
        foundedOn: coopRng.int(dayNumber('2010-03-01'), dayNumber('2016-10-31')),
        policy: POLICY,
      };
    });
    // Ecological-migrant villages and sites are large resettlements; the rest are ordinary poor villages.
    plan = {
      scale, seed, asOf, years: 5, counties, townships: geo.townships, villages, coops,
      households: (c) => (c.village.migrant ? [300, 520] : [180, 340]), unions: NO_UNIONS,
    };
  }
  const n = opts.cooperatives;
  if (n !== undefined && n < plan.coops.length) {
    if (n < 1) throw new Error('cooperatives must be at least 1');
    const all = plan.coops;
    plan.coops = Array.from({ length: n }, (_, i) => all[Math.floor((i * all.length) / n)]!);
  }
  const townships = new Map(plan.townships.map((t) => [t.id, t]));
  plan.unions = planUnions(plan.coops, {
    scale, asOf: dayNumber(asOf), exitedOn: EXITED_ON, rng: rng.fork('unions'), township: (id) => townships.get(id)!,
  });
  return plan;
}

/**
 * `buildSchedule`, memoised: a region draws the same few amounts, terms and days over and over.
 * Callers copy the instalments, never change them.
 */
const schedules = new Map<string, ReturnType<typeof buildSchedule>>();
function scheduleOf(amountFen: bigint, feeRateBp: number, termMonths: number, mode: Mode, disbursedOn: string): ReturnType<typeof buildSchedule> {
  const key = `${amountFen}|${feeRateBp}|${termMonths}|${mode}|${disbursedOn}`;
  let s = schedules.get(key);
  if (s === undefined) {
    if (schedules.size >= 100_000) schedules.clear();
    schedules.set(key, (s = buildSchedule({ amountFen, feeRateBp, termMonths, mode, disbursedOn })));
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// The per-cooperative simulation
// ---------------------------------------------------------------------------------------------


/** Event kinds, in the order they run within one day: money in first, then money out. */
const enum Ev {
  Inflow = 0, // capital, contributions
  Pay = 1,
  WriteOff = 2,
  Withdraw = 3,
  Disburse = 4,
  Apply = 5,
}

type Event =
  | { k: Ev.Inflow | Ev.Withdraw; run: () => void }
  | { k: Ev.Pay; loan: LoanRow; principalFen: bigint; insts: number[] }
  | { k: Ev.WriteOff; loan: LoanRow }
  | { k: Ev.Disburse; loan: LoanRow }
  | { k: Ev.Apply; m: MemberSim };

interface MemberSim {
  row: MemberRow;
  group: GroupRow | null;
  /** Members whose overdue loans block this member's new loans (group incl. self, or self + guarantor). */
  blockers: MemberSim[];
  disbursed: number;
  last: LoanRow | null;
  banned: boolean;
  /** A rejection was already recorded for the current overdue episode in the group. */
  rejected: boolean;
}


interface Ctx {
  rng: Random;
  asOf: number;
  windowStart: number;
  insuranceYears: readonly number[];
  householdsOf(coop: CoopRow): readonly [number, number];
  nextMemberId: { v: number };
  nextGroupId: { v: number };
  unions: UnionPlan;
  nextAllocationId: { v: number };
  /** Allocations made by lenders already simulated, by borrower, waiting for the borrower's simulation. */
  made: Map<number, AllocationRow[]>;
  /** Planned allocations a lender could not make, handed to another member not simulated yet, by that member. */
  asked: Map<number, PlannedAllocation[]>;
}

function simulateCoop(coop: CoopRow, ctx: Ctx): CoopData {
  const { asOf, windowStart } = ctx;
  const rng = ctx.rng.fork(`coop:${coop.id}`);
  const v = coop.village;
  const townshipId = v.townshipId;
  const villageNo = coop.villageNo;
  const out = emptyCoopData(coop);
  const ids = new IdNumbers(coop.county.code, coop.idSlots);
  const troubled = coop.status !== 'ACTIVE';
  // Lending stops when rectification starts / the cooperative exits.
  const stopDay = coop.status === 'RECTIFYING' ? RECTIFYING_FROM : coop.status === 'EXITED' ? EXITED_ON : Infinity;

  // Event buckets by day offset from founding.
  const base = coop.foundedOn;
  const buckets: (Event[] | null)[] = new Array<Event[] | null>(asOf - base + 1).fill(null);
  const at = (day: number, e: Event): void => {
    if (day > asOf) return;
    if (day < base) throw new Error(`event before founding in coop ${coop.id}`);
    (buckets[day - base] ??= []).push(e);
  };

  // Books
  const balances = new Map<Account, bigint>();
  out.balances = balances;
  const bal = (a: Account): bigint => balances.get(a) ?? 0n;
  const post = (kind: TxnRow['kind'], day: number, memo: string, ref: TxnRef, lines: Line[], nameMasked: string | null = null): void => {
    for (const l of lines) balances.set(l.account, bal(l.account) + l.amountFen);
    if (bal('BANK') < 0n) throw new Error(`coop ${coop.id}: bank balance negative on ${dayStr(day)}`);
    out.txns.push({ id: 0, coopId: coop.id, kind, day, memo, ref, lines, nameMasked });
  };
  let pendingOut = 0n; // approved loans waiting for their disbursement day

  // --- capital ---------------------------------------------------------------------------
  const seedFen = BigInt(rng.int(15, 30)) * 1_000_000n; // 150,000–300,000 yuan
  at(coop.foundedOn, {
    k: Ev.Inflow,
    run: () => post('CAPITAL', coop.foundedOn, '财政扶贫资金注入(互助社启动资金)', { type: 'cooperative', id: coop.id }, capitalInjection(seedFen, 'GOVERNMENT')),
  });
  if (rng.chance(0.3)) {
    const day = rng.int(dayNumber('2019-03-01'), dayNumber('2022-10-31'));
    const fen = BigInt(rng.int(5, 10)) * 1_000_000n;
    at(day, {
      k: Ev.Inflow,
      run: () => post('CAPITAL', day, '财政扶贫资金追加(考核评级奖补)', { type: 'cooperative', id: coop.id }, capitalInjection(fen, 'GOVERNMENT')),
    });
  }
  if (rng.chance(0.2)) {
    const day = rng.int(coop.foundedOn + 180, windowStart - 30);
    const fen = BigInt(rng.int(2, 10)) * 1_000_000n;
    const donor = rng.pick(coop.profile.donors);
    at(day, {
      k: Ev.Inflow,
      run: () => post('CAPITAL', day, `社会捐赠资金(${donor})`, { type: 'cooperative', id: coop.id }, capitalInjection(fen, 'DONATION')),
    });
  }

  // --- members -----------------------------------------------------------------------------
  const n = rng.int(...ctx.householdsOf(coop));
  const sims: MemberSim[] = [];
  const lastJoin = asOf - 30;
  for (let i = 1; i <= n; i++) {
    const povertyTable: readonly (readonly [Poverty, number])[] = v.poor
      ? [['REGISTERED_POOR', 46], ['ORDINARY', 50], ['WEALTHY', 4]]
      : [['REGISTERED_POOR', 29], ['ORDINARY', 63], ['WEALTHY', 8]];
    const poverty = rng.weighted(povertyTable);
    const absolutePoor = poverty === 'REGISTERED_POOR' && rng.chance(0.15);
    const shuangdao = poverty === 'REGISTERED_POOR' && rng.chance(0.25);
    const male = rng.chance(0.88);
    const birth = rng.int(dayNumber('1952-01-01'), dayNumber('1996-12-31'));
    const joinedOn = rng.chance(0.82) ? coop.foundedOn + rng.int(0, 60) : rng.int(coop.foundedOn + 61, lastJoin);
    let status: MemberRow['status'] = 'ACTIVE';
    let leftOn: number | null = null;
    if (joinedOn + 400 < windowStart && rng.chance(0.012)) {
      status = 'WITHDRAWN';
      leftOn = rng.int(joinedOn + 366, windowStart - 1);
    }
    const row: MemberRow = {
      id: ctx.nextMemberId.v++,
      coopId: coop.id,
      townshipId,
      householdNo: `${coop.county.code}${pad(townshipId, 3)}${pad(villageNo, 3)}${pad(i, 4)}`,
      headName: personName(rng, male),
      idNumber: ids.make(rng, male, birth),
      villageId: v.id,
      householdSize: rng.weighted([[2, 12], [3, 20], [4, 30], [5, 20], [6, 12], [7, 6]] as const),
      poverty,
      absolutePoor,
      party: rng.chance(0.08),
      shuangdao,
      cardAccount: cardNumber(coop.id, i),
      status,
      joinedOn,
      leftOn,
    };
    out.members.push(row);
    sims.push({ row, group: null, blockers: [], disbursed: 0, last: null, banned: false, rejected: false });

    // contributions: one share per household
    const addContribution = (kind: ContributionKind, amountFen: bigint, day: number, memo: string, k: Ev.Inflow | Ev.Withdraw): void => {
      const c: ContributionRow = { id: 0, memberId: row.id, coopId: coop.id, kind, amountFen, paidOn: day };
      out.contributions.push(c);
      const masked = maskName(row.headName);
      const run = (): void =>
        post(kind === 'HOUSEHOLD_WITHDRAWAL' ? 'CONTRIBUTION_RETURN' : 'CONTRIBUTION', day, memo, { type: 'contribution', c }, contributionPosting(kind, amountFen), masked);
      at(day, { k, run });
    };
    const p = coop.policy;
    let householdPart = 0n;
    if (shuangdao) {
      addContribution('SHUANGDAO', p.shareFen, joinedOn, '“双到”资金入股', Ev.Inflow);
    } else {
      householdPart = absolutePoor ? p.shareAbsolutePoorFen : p.shareHouseholdFen;
      addContribution('HOUSEHOLD', householdPart, joinedOn, '社员缴纳互助金', Ev.Inflow);
      addContribution('GOVERNMENT_SUBSIDY', p.shareFen - householdPart, joinedOn, '财政配股补助', Ev.Inflow);
    }
    if (leftOn !== null && householdPart > 0n) {
      addContribution('HOUSEHOLD_WITHDRAWAL', householdPart, leftOn, '社员退社,退还本户互助金', Ev.Withdraw);
    }
  }

  // --- guarantee groups ----------------------------------------------------------------------
  const partyMembers = sims.filter((s) => s.row.party && s.row.status === 'ACTIVE');
  const candidates = rng.shuffle(sims.filter((s) => s.row.status === 'ACTIVE' && s.row.poverty !== 'WEALTHY' && !rng.chance(0.03)));
  const partyGroupOf: MemberSim[] = [];
  const joint: MemberSim[] = [];
  for (const s of candidates) (partyMembers.length > 1 && rng.chance(0.06) ? partyGroupOf : joint).push(s);
  joint.sort((a, b) => a.row.joinedOn - b.row.joinedOn); // stable: founding cohort stays shuffled
  const rest = joint.length % 5;
  if (rest > 0) partyGroupOf.push(...joint.splice(joint.length - rest, rest));
  let groupNo = 0;
  for (let i = 0; i < joint.length; i += 5) {
    const five = joint.slice(i, i + 5);
    const formedOn = Math.min(asOf, Math.max(...five.map((s) => s.row.joinedOn)) + rng.int(0, 20));
    const g: GroupRow = {
      id: ctx.nextGroupId.v++,
      coopId: coop.id,
      name: `第${++groupNo}联保小组`,
      kind: 'JOINT',
      guarantorId: null,
      formedOn,
      memberIds: five.map((s) => s.row.id),
    };
    out.groups.push(g);
    for (const s of five) {
      s.group = g;
      s.blockers = five;
    }
  }
  for (const s of partyGroupOf) {
    const helpers = partyMembers.filter((pm) => pm !== s);
    if (helpers.length === 0) continue; // stays without a group: cannot borrow
    const guarantor = rng.pick(helpers);
    const g: GroupRow = {
      id: ctx.nextGroupId.v++,
      coopId: coop.id,
      // as the service names it: a group's name is shown to its households, so it carries no one's name
      name: `党员一帮一 ${s.row.householdNo}`,
      kind: 'PARTY_MEMBER',
      guarantorId: guarantor.row.id,
      formedOn: Math.min(asOf, Math.max(s.row.joinedOn, guarantor.row.joinedOn) + rng.int(0, 30)),
      memberIds: [s.row.id],
    };
    out.groups.push(g);
    s.group = g;
    s.blockers = [s, guarantor];
  }

  // --- insurance and shareholdings -------------------------------------------------------------
  const coverage = 0.75 + rng.next() * 0.2;
  for (const year of ctx.insuranceYears) {
    const ys = dayNumber(`${year}-01-01`);
    const ye = dayNumber(`${year}-12-31`);
    if (ys > asOf) continue;
    const insurer = rng.pick(coop.profile.insurers);
    let serial = 0;
    for (const s of sims) {
      const m = s.row;
      if (m.joinedOn > Math.min(ye, asOf) || (m.leftOn !== null && m.leftOn < ys)) continue;
      if (!rng.chance(coverage)) continue;
      out.insurance.push({
        memberId: m.id,
        coopId: coop.id,
        insurer: insurer.zh,
        policyNo: `${insurer.code}${year}${coop.county.code}${pad(coop.id, 4)}${pad(++serial, 4)}`,
        startsOn: Math.max(ys, m.joinedOn),
        endsOn: ye,
      });
    }
  }
  for (const s of sims) {
    const m = s.row;
    if (m.poverty !== 'REGISTERED_POOR' || m.status !== 'ACTIVE' || !rng.chance(0.05)) continue;
    const from = Math.max(m.joinedOn, dayNumber('2017-03-01'));
    if (from >= windowStart) continue;
    const acquiredOn = rng.int(from, windowStart);
    const fc = rng.pick(coop.profile.farmerCooperatives);
    const amountFen = m.shuangdao ? 100_000n : rng.pick([50_000n, 100_000n, 200_000n]);
    const years = BigInt(Math.floor((asOf - acquiredOn) / 365));
    out.shareholdings.push({
      memberId: m.id,
      coopId: coop.id,
      zh: fc.zh,
      en: fc.en,
      source: m.shuangdao ? 'SHUANGDAO' : 'MUTUAL_AID',
      amountFen,
      acquiredOn,
      returnsFen: (amountFen * BigInt(rng.int(5, 10)) * years) / 100n,
    });
  }

  // --- loans -------------------------------------------------------------------------------------
  const simOf = new Map<number, MemberSim>();
  for (const s of sims) simOf.set(s.row.id, s);
  const p = coop.policy;
  const bp = p.feeRateBp;
  const split = (fee: bigint) => splitFee(fee, p);

  // --- allocations through the unions (有偿调剂) -------------------------------------------------
  // As lender: on the planned day, at most the union's share of today's idle money (the rule loans
  // checks), or nothing when that is too little. As borrower: the money arrives on the made day; in
  // the last two months before the due day the board keeps back what it owes (no new loan eats it);
  // it repays on time, or what it can and the rest every fortnight after.
  const RESERVE_DAYS = 60;
  const allocationReserve = (day: number): bigint => {
    let fen = 0n;
    for (const al of out.allocations) {
      if (al.repaidOn !== null || al.plan.defaults || day < al.dueOn - RESERVE_DAYS) continue;
      const o = allocationOwed({ outstandingFen: al.amountFen - al.principalRepaidFen, feeRateBp: al.plan.feeRateBp, feeFrom: dayStr(al.feeFrom) }, dayStr(al.dueOn));
      fen += o.principalFen + o.feeFen;
    }
    return fen;
  };
  // A lender short on the planned day consents once its repayments are in: it looks again every
  // fortnight, three times; then the union asks another member not simulated yet (a higher id).
  const lend = (pa: PlannedAllocation, day: number, tries = 3): void => {
    const idle = idleMoney(Object.fromEntries(balances) as Partial<Record<Account, bigint>>, pendingOut);
    const cap = lenderShareCap(idle, pa.union.policy.maxLenderShareBp);
    const amountFen = pa.requestedFen <= cap ? pa.requestedFen : (cap / 100_000n) * 100_000n;
    if (amountFen < MIN_ALLOCATION_FEN) {
      const next = day + 15;
      if (next > asOf - 5) return;
      if (tries > 0) {
        at(next, { k: Ev.Withdraw, run: () => lend(pa, next, tries - 1) });
        return;
      }
      const other = pa.otherLenders.find((l) => l.id > coop.id);
      if (!other) return;
      const shift = next - pa.madeOn;
      const asked: PlannedAllocation = {
        ...pa, lenderId: other.id, lenderTownshipId: other.townshipId, lenderNameZh: other.nameZh, madeOn: next,
        consentedOn: pa.consentedOn + shift, countyApprovalOn: pa.countyApprovalOn + shift,
      };
      ctx.asked.set(other.id, [...(ctx.asked.get(other.id) ?? []), asked]);
      return;
    }
    checkLenderMoney(amountFen, idle, pa.union.policy.maxLenderShareBp);
    const late = day - pa.madeOn; // the consent and the county's approval move with the day the money could move
    const al: AllocationRow = {
      id: ctx.nextAllocationId.v++, plan: pa, amountFen, countyApproved: needsCountyApproval(amountFen, pa.union.policy), lenderPolicy: coop.policy,
      consentedOn: pa.consentedOn + late, countyApprovedOn: pa.countyApprovalOn + late,
      madeOn: day, dueOn: day + pa.termDays, principalRepaidFen: 0n, feePaidFen: 0n, feeFrom: day, repaidOn: null, repayments: [],
    };
    post(ALLOCATION_POSTING_KINDS.lent, day, ALLOCATION_MEMOS.lent, { type: 'allocation', a: al }, allocationMade(amountFen).lender);
    const waiting = ctx.made.get(pa.borrowerId) ?? [];
    waiting.push(al);
    ctx.made.set(pa.borrowerId, waiting);
  };
  for (const pa of [...(ctx.unions.byLender.get(coop.id) ?? []), ...(ctx.asked.get(coop.id) ?? [])]) at(pa.madeOn, { k: Ev.Withdraw, run: () => lend(pa, pa.madeOn) });
  ctx.asked.delete(coop.id);

  const repayAllocation = (al: AllocationRow, day: number, whole: boolean): void => {
    if (al.repaidOn !== null) return;
    const outstanding = al.amountFen - al.principalRepaidFen;
    const owed = allocationOwed({ outstandingFen: outstanding, feeRateBp: al.plan.feeRateBp, feeFrom: dayStr(al.feeFrom) }, dayStr(day));
    const want = whole ? owed.principalFen + owed.feeFen : owed.feeFen + ((outstanding / 2n) / 100_000n) * 100_000n;
    const available = bal('BANK') - pendingOut;
    const payFen = want <= available ? want : available > 0n ? (available / 10_000n) * 10_000n : 0n;
    if (payFen > 0n) {
      const r = allocationRepayment(payFen, owed);
      const fee = splitAllocationFee(r.feeFen, al.plan.union.policy.lenderFeeShareBp);
      const rep: AllocationRepaymentRow = {
        id: 0, allocation: al, paidOn: day, principalFen: r.principalFen, feeFen: r.feeFen, lenderFeeFen: fee.lenderFen, unionFeeFen: fee.unionFen, feeFromBefore: al.feeFrom,
      };
      al.repayments.push(rep);
      const lines = allocationRepaid(r.principalFen, r.feeFen, splitFee(fee.lenderFen, al.lenderPolicy));
      const ref: TxnRef = { type: 'allocation', a: al, repayment: rep };
      post(ALLOCATION_POSTING_KINDS.repaid, day, ALLOCATION_MEMOS.repaid, ref, lines.borrower);
      // the lender's side of the same loans transaction (its own balances are summed from the lines when written)
      out.txns.push({ id: 0, coopId: al.plan.lenderId, kind: ALLOCATION_POSTING_KINDS.received, day, memo: ALLOCATION_MEMOS.received, nameMasked: null, ref, lines: lines.lender });
      al.principalRepaidFen += r.principalFen;
      al.feePaidFen += r.feeFen;
      al.feeFrom = day;
      if (r.closes) al.repaidOn = day;
    }
    if (whole && al.repaidOn === null) at(day + 15, { k: Ev.Withdraw, run: () => repayAllocation(al, day + 15, true) });
  };
  for (const al of ctx.made.get(coop.id) ?? []) {
    out.allocations.push(al);
    at(al.madeOn, { k: Ev.Inflow, run: () => post(ALLOCATION_POSTING_KINDS.borrowed, al.madeOn, ALLOCATION_MEMOS.borrowed, { type: 'allocation', a: al }, allocationMade(al.amountFen).borrower) });
    if (al.plan.defaults) continue;
    const ar = ctx.rng.fork(`allocation:${al.id}`);
    const mid = al.madeOn + Math.floor(al.plan.termDays / 2);
    if (al.plan.partial) at(mid, { k: Ev.Withdraw, run: () => repayAllocation(al, mid, false) });
    const onDue = al.dueOn - ar.int(0, 5);
    at(onDue, { k: Ev.Withdraw, run: () => repayAllocation(al, onDue, true) });
  }
  ctx.made.delete(coop.id);

  // The application's own rule (loan.rules): the simulated repayments move principalRepaidFen on their day.
  const overdueNow = (s: MemberSim, day: number): boolean => {
    const l = s.last;
    if (!l || l.status !== 'DISBURSED') return false;
    return overdueStatus(l.instalments, l.principalRepaidFen, dayStr(day)).overdue;
  };

  const scheduleNext = (s: MemberSim, from: number, longBreak: number): void => {
    const gap = rng.chance(1 - longBreak) ? rng.int(3, 30) : rng.int(31, 180);
    at(from + gap, { k: Ev.Apply, m: s });
  };

  const onApply = (s: MemberSim, a: number): void => {
    if (s.banned || a > stopDay) return;
    const m = s.row;
    const g = s.group!;
    const drawn = {
      amount: m.shuangdao
        ? rng.weighted(SHUANGDAO_LOAN_AMOUNTS)
        : rng.weighted(s.disbursed === 0 ? FIRST_LOAN_AMOUNTS : LATER_LOAN_AMOUNTS),
      term: rng.weighted([[12, 76], [10, 12], [6, 12]] as const),
      mode: (rng.chance(0.8) ? 'BULLET' : 'MONTHLY') as Mode,
      purpose: rng.weighted(coop.profile.purposes),
    };
    const isFirst = s.disbursed === 0;
    const cap = loanCap(p, { isFirstLoan: isFirst, isShuangdao: m.shuangdao }).capFen;
    let amount = drawn.amount > cap ? cap : drawn.amount;
    const loan: LoanRow = {
      id: 0,
      coopId: coop.id,
      townshipId,
      member: m,
      groupId: g.id,
      guarantorId: g.guarantorId,
      amountFen: amount,
      feeRateBp: bp,
      termMonths: drawn.term,
      mode: drawn.mode,
      purpose: drawn.purpose,
      status: 'APPLIED',
      isFirst,
      isShuangdao: m.shuangdao,
      appliedOn: a,
      endorsedOn: null,
      approvedOn: null,
      publishedOn: null,
      contractedOn: null,
      disbursedOn: null,
      dueOn: null,
      closedOn: null,
      writtenOffOn: null,
      principalRepaidFen: 0n,
      feePaidFen: 0n,
      writtenOffFen: 0n,
      instalments: [],
      lastFeeDay: a,
    };

    // 联保: while anyone in the group is overdue, the group does not endorse new loans.
    if (s.blockers.some((b) => overdueNow(b, a))) {
      if (!s.rejected && rng.chance(0.1) && a + 3 <= asOf && a + 3 <= stopDay) {
        s.rejected = true;
        loan.status = 'REJECTED';
        loan.closedOn = a + rng.int(1, 3);
        out.loans.push(loan);
      }
      at(a + rng.int(30, 90), { k: Ev.Apply, m: s });
      return;
    }

    const e = a + rng.int(1, 3);
    const ap = e + rng.int(1, 6);
    const pub = ap + rng.int(0, 2);
    const c = pub + rng.int(5, 7); // 公示 at least five days
    const d = c + rng.int(0, 2);
    if (d > stopDay) return;
    if (d > asOf) {
      // Still in the pipeline today: keep only a few (about thirty county-wide).
      if (!rng.chance(0.35)) return;
      loan.status = 'APPLIED';
      if (e <= asOf) ((loan.endorsedOn = e), (loan.status = 'ENDORSED'));
      if (ap <= asOf) ((loan.approvedOn = ap), (loan.status = 'APPROVED'));
      if (pub <= asOf) ((loan.publishedOn = pub), (loan.status = 'PUBLISHED'));
      if (c <= asOf) ((loan.contractedOn = c), (loan.status = 'CONTRACTED'));
      out.loans.push(loan);
      return;
    }
    // The board only approves what the fund can pay out, within the concentration limit.
    const limit = concentrationLimit(p, fundTotal({ BANK: bal('BANK'), CASH: bal('CASH'), LOANS_RECEIVABLE: bal('LOANS_RECEIVABLE') }));
    if (amount > limit) amount = (limit / 10_000n) * 10_000n;
    const available = bal('BANK') - pendingOut - allocationReserve(a);
    if (amount < 100_000n || available < amount) {
      at(a + rng.int(10, 45), { k: Ev.Apply, m: s });
      return;
    }
    loan.amountFen = amount;
    loan.endorsedOn = e;
    loan.approvedOn = ap;
    loan.publishedOn = pub;
    loan.contractedOn = c;
    loan.status = 'CONTRACTED';
    pendingOut += amount;
    s.rejected = false;
    out.loans.push(loan);
    s.last = loan;
    at(d, { k: Ev.Disburse, loan });
  };

  const onDisburse = (loan: LoanRow, d: number): void => {
    const s = simOf.get(loan.member.id)!;
    pendingOut -= loan.amountFen;
    const disbursedOn = dayStr(d);
    loan.disbursedOn = d;
    loan.lastFeeDay = d;
    loan.status = 'DISBURSED';
    s.disbursed++;
    const schedule = scheduleOf(loan.amountFen, bp, loan.termMonths, loan.mode, disbursedOn);
    loan.instalments = schedule.map((i) => ({ seq: i.seq, dueOn: i.dueOn, due: dayNumber(i.dueOn), principalFen: i.principalFen, feeFen: i.feeFen }));
    const inst = loan.instalments;
    loan.dueOn = inst[inst.length - 1]!.due;
    const transfer: TransferRow = { id: 0, coopId: coop.id, loan, direction: 'OUT', amountFen: loan.amountFen, executedOn: d, bankRef: '' };
    out.transfers.push(transfer);
    post('DISBURSEMENT', d, `借款发放:${loan.purpose},${yuanStr(loan.amountFen)}元`, { type: 'loan', loan }, disbursement(loan.amountFen, 'BANK'));

    // Decide now how this borrower will behave; payments after asOf simply have not happened.
    const outcome = rng.weighted(troubled ? OUTCOMES_TROUBLED : OUTCOMES_NORMAL);
    const pays: { day: number; insts: number[] }[] = [];
    let prev = d;
    const push = (day: number, insts: number[]): void => {
      const dd = Math.max(day, prev + 1);
      pays.push({ day: dd, insts });
      prev = dd;
    };
    const onTime = (i: number): number => inst[i]!.due - (rng.chance(0.7) ? 0 : rng.int(1, 5));
    if (outcome === 'ONTIME') {
      for (let i = 0; i < inst.length; i++) push(onTime(i), [i]);
    } else if (outcome === 'LATE') {
      const late = rng.int(5, 75);
      for (let i = 0; i < inst.length; i++) push(inst[i]!.due + Math.max(1, late + rng.int(-4, 10)), [i]);
    } else {
      const k = rng.int(0, inst.length - 1); // first instalment missed
      for (let i = 0; i < k; i++) push(onTime(i), [i]);
      if (outcome === 'COLLECTED') {
        const restIdx: number[] = [];
        for (let i = k; i < inst.length; i++) restIdx.push(i);
        push(inst[k]!.due + rng.int(30, 540), restIdx); // collected by the board / township in one sum
      } else {
        const wo = Math.max(inst[inst.length - 1]!.due, prev) + rng.int(60, 300);
        at(wo, { k: Ev.WriteOff, loan });
      }
    }
    for (const pay of pays) {
      let principalFen = 0n;
      for (const i of pay.insts) principalFen += inst[i]!.principalFen;
      at(pay.day, { k: Ev.Pay, loan, principalFen, insts: pay.insts });
    }
  };

  const onPay = (loan: LoanRow, day: number, principalFen: bigint, insts: number[]): void => {
    const outstanding = loan.amountFen - loan.principalRepaidFen;
    const feeFen = accruedFee(outstanding, bp, dayStr(loan.lastFeeDay), dayStr(day));
    const transfer: TransferRow = { id: 0, coopId: coop.id, loan, direction: 'IN', amountFen: principalFen + feeFen, executedOn: day, bankRef: '' };
    out.transfers.push(transfer);
    const repayment: RepaymentRow = { id: 0, loan, paidOn: day, principalFen, feeFen, transfer };
    out.repayments.push(repayment);
    post('REPAYMENT', day, `收回借款:本金${yuanStr(principalFen)}元,占用费${yuanStr(feeFen)}元`, { type: 'loan', loan, repayment }, repaymentPosting(principalFen, split(feeFen), 'BANK'));
    loan.principalRepaidFen += principalFen;
    loan.feePaidFen += feeFen;
    loan.lastFeeDay = day;
    for (const i of insts) loan.instalments[i]!.paid = day;
    if (loan.principalRepaidFen === loan.amountFen) {
      loan.status = 'CLOSED';
      loan.closedOn = day;
      const s = simOf.get(loan.member.id)!;
      const wasLate = loan.instalments.some((i) => i.paid! > i.due);
      scheduleNext(s, day, wasLate ? 0.5 : 0.12);
    }
  };

  const unpaidInstalments = (loan: LoanRow): number[] => {
    const idx: number[] = [];
    loan.instalments.forEach((i, k) => {
      if (i.paid === undefined) idx.push(k);
    });
    return idx;
  };

  const onWriteOff = (loan: LoanRow, day: number): void => {
    if (loan.status !== 'DISBURSED') return;
    const outstanding = loan.amountFen - loan.principalRepaidFen;
    const reserve = -bal('RISK_RESERVE'); // credit balance
    if (reserve < outstanding) {
      // Not enough risk reserve to write it off: the guarantee group is called on (联保连带责任)
      // and usually pays the rest some months later; otherwise the loan simply stays overdue.
      if (rng.chance(0.7)) at(day + rng.int(30, 180), { k: Ev.Pay, loan, principalFen: outstanding, insts: unpaidInstalments(loan) });
      return;
    }
    post('WRITE_OFF', day, `经县扶贫办批准,以风险准备金核销呆账:本金${yuanStr(outstanding)}元`, { type: 'loan', loan }, writeOff(outstanding));
    loan.status = 'WRITTEN_OFF';
    loan.writtenOffOn = day;
    loan.writtenOffFen = outstanding;
    loan.closedOn = day;
    simOf.get(loan.member.id)!.banned = true;
  };

  // first applications of every member who can borrow
  for (const s of sims) {
    if (!s.group || s.row.status !== 'ACTIVE' || s.row.poverty === 'WEALTHY') continue;
    const first = Math.max(windowStart + rng.int(0, 120), s.row.joinedOn + rng.int(20, 60), s.group.formedOn + 1);
    at(first, { k: Ev.Apply, m: s });
  }

  // --- run the days ------------------------------------------------------------------------------
  for (let off = 0; base + off <= asOf; off++) {
    const evs = buckets[off];
    if (!evs) continue;
    const day = base + off;
    // Events of the same day can add more events of the same day only for later days, so
    // sorting once by kind (stable) is enough.
    evs.sort((x, y) => x.k - y.k);
    for (const e of evs) {
      switch (e.k) {
        case Ev.Inflow:
        case Ev.Withdraw:
          e.run();
          break;
        case Ev.Pay:
          onPay(e.loan, day, e.principalFen, e.insts);
          break;
        case Ev.WriteOff:
          onWriteOff(e.loan, day);
          break;
        case Ev.Disburse:
          onDisburse(e.loan, day);
          break;
        case Ev.Apply:
          onApply(e.m, day);
          break;
      }
    }
    buckets[off] = null;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Generation, cooperative by cooperative
// ---------------------------------------------------------------------------------------------

/** Next ids per table; cooperatives take consecutive ranges, so ids are dense. */
export interface IdCounters {
  loan: number;
  contribution: number;
  txn: number;
  repayment: number;
  transfer: number;
  allocationRepayment: number;
}

/**
 * Ids within a cooperative in date order (as if its rows had been written day by day; ties keep
 * creation order), after the previous cooperatives' ids; bank references per cooperative and day.
 */
function numberRows(d: CoopData, next: IdCounters): void {
  const byDay = <T>(rows: T[], day: (r: T) => number): void => {
    rows.sort((a, b) => day(a) - day(b)); // stable
  };
  byDay(d.loans, (l) => l.appliedOn);
  for (const l of d.loans) l.id = next.loan++;
  byDay(d.contributions, (c) => c.paidOn);
  for (const c of d.contributions) c.id = next.contribution++;
  byDay(d.txns, (t) => t.day);
  for (const t of d.txns) t.id = next.txn++;
  byDay(d.repayments, (r) => r.paidOn);
  for (const r of d.repayments) r.id = next.repayment++;
  const allocationRepayments = d.allocations.flatMap((a) => a.repayments);
  byDay(allocationRepayments, (r) => r.paidOn);
  for (const r of allocationRepayments) r.id = next.allocationRepayment++;
  byDay(d.transfers, (t) => t.executedOn);
  // The cooperative's settlement account first, then the day: references grow in load order.
  let lastDay = -1;
  let counter = 0;
  const account = pad(d.coop.id, 5);
  for (const t of d.transfers) {
    t.id = next.transfer++;
    if (t.executedOn !== lastDay) {
      lastDay = t.executedOn;
      counter = 0;
    }
    t.bankRef = `HHNS${account}${dayStr(t.executedOn).replace(/-/g, '')}${pad(++counter, 4)}`;
  }
}

/**
 * The plan's cooperatives one at a time, simulated and numbered. Pure: the same plan gives the
 * same data; only one cooperative's rows are alive at a time unless the caller keeps them.
 */
export function* generateCoops(plan: SeedPlan): Generator<CoopData> {
  const asOf = dayNumber(plan.asOf);
  const asOfYear = Number(plan.asOf.slice(0, 4));
  const ctx: Ctx = {
    rng: new Random(plan.seed),
    asOf,
    windowStart: dayNumber(addDays(plan.asOf, -plan.years * 365)),
    insuranceYears: Array.from({ length: plan.years }, (_, i) => asOfYear - plan.years + 1 + i),
    householdsOf: plan.households,
    nextMemberId: { v: 1 },
    nextGroupId: { v: 1 },
    unions: plan.unions,
    nextAllocationId: { v: 1 },
    made: new Map(),
    asked: new Map(),
  };
  const next: IdCounters = { loan: 1, contribution: 1, txn: 1, repayment: 1, transfer: 1, allocationRepayment: 1 };
  for (const coop of plan.coops) {
    const d = simulateCoop(coop, ctx);
    numberRows(d, next);
    yield d;
  }
}

/** Builds a whole (small) scale in memory, by default the county. Pure: the same seed and asOf give the same data. */
export function buildCounty(opts: PlanOptions = {}): CountyData {
  const plan = planSeed(opts);
  const out: CountyData = { asOf: plan.asOf, coops: [], ...emptyRowLists(), balances: new Map() };
  for (const d of generateCoops(plan)) {
    out.coops.push(d.coop);
    for (const k of ROW_LISTS) {
      const target = out[k] as unknown[];
      for (const r of d[k]) target.push(r);
    }
    out.balances.set(d.coop.id, d.balances);
  }
  return out;
}

export interface SeedStats {
  counties: number;
  townships: number;
  cooperatives: number;
  members: number;
  loans: number;
  repayments: number;
  ledgerTxns: number;
  ms: number;
}

export function statsOf(data: CountyData, ms: number): SeedStats {
  return {
    counties: new Set(data.coops.map((c) => c.county.id)).size,
    townships: new Set(data.coops.map((c) => c.village.townshipId)).size,
    cooperatives: data.coops.length,
    members: data.members.length,
    loans: data.loans.length,
    repayments: data.repayments.length,
    ledgerTxns: data.txns.length,
    ms,
  };
}

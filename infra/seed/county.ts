/**
 * Demo data for an empty system: one realistic Ningxia county (盐池县) with its townships,
 * villages, one mutual-aid cooperative per village, member households, contributions,
 * guarantee groups, insurance, shareholdings, three years of loans with their repayments and
 * bank transfers, and every cooperative's double-entry books.
 *
 * The data is built in memory first (pure and deterministic for a seed: `buildCounty`), by
 * simulating each cooperative day by day so that its bank balance never goes negative, and then
 * written straight into the two databases with bulk `insert ... select from unnest(...)`
 * statements, one transaction per database.
 */
import { Client } from 'pg';
import {
  ACCOUNT_NAMES,
  capitalInjection,
  contribution as contributionPosting,
  disbursement,
  repayment as repaymentPosting,
  splitFee,
  writeOff,
  type Account,
  type ContributionKind,
  type FeeSplitPolicy,
  type Line,
} from '../../subgraphs/loans/ledger.rules';
import { accruedFee, buildSchedule } from '../../subgraphs/loans/loan.rules';
import { addDays, dayNumber, fromDayNumber, parseDay } from '../../subgraphs/lib/dates';
import { applyBp } from '../../subgraphs/lib/money';
import { Random } from './random';
import {
  BANK_NAME,
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

export interface SeedUrls {
  members: string;
  loans: string;
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

export interface SeedOptions {
  seed?: number;
  asOf?: string;
  log?: (msg: string) => void;
}

export const DEFAULT_SEED = 42;
export const DEFAULT_AS_OF = '2026-11-27';

// ---------------------------------------------------------------------------------------------
// Rows (days are day numbers while simulating, turned into 'YYYY-MM-DD' when written)
// ---------------------------------------------------------------------------------------------

type CoopStatus = 'ACTIVE' | 'RECTIFYING' | 'EXITED';
type ManagementMode = 'VILLAGE_CASH' | 'TOWNSHIP_BANK_ONLY';
type Poverty = 'REGISTERED_POOR' | 'ORDINARY' | 'WEALTHY';
type LoanStatus = 'APPLIED' | 'ENDORSED' | 'APPROVED' | 'PUBLISHED' | 'CONTRACTED' | 'DISBURSED' | 'CLOSED' | 'WRITTEN_OFF' | 'REJECTED';
type Mode = 'BULLET' | 'MONTHLY';

interface CoopRow {
  id: number;
  village: VillageDef;
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

interface MemberRow {
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

interface ContributionRow {
  id: number;
  memberId: number;
  coopId: number;
  kind: ContributionKind;
  amountFen: bigint;
  paidOn: number;
}

interface GroupRow {
  id: number;
  coopId: number;
  name: string;
  kind: 'JOINT' | 'PARTY_MEMBER';
  guarantorId: number | null;
  formedOn: number;
  memberIds: number[];
}

interface InsuranceRow {
  memberId: number;
  coopId: number;
  insurer: string;
  policyNo: string;
  startsOn: number;
  endsOn: number;
}

interface ShareholdingRow {
  memberId: number;
  coopId: number;
  zh: string;
  en: string;
  source: 'MUTUAL_AID' | 'SHUANGDAO';
  amountFen: bigint;
  acquiredOn: number;
  returnsFen: bigint;
}

interface InstalmentRow {
  seq: number;
  dueOn: string;
  due: number;
  principalFen: bigint;
  feeFen: bigint;
  /** Day the instalment's principal was paid (simulation state). */
  paid?: number;
}

interface LoanRow {
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

interface TransferRow {
  id: number;
  coopId: number;
  loan: LoanRow;
  direction: 'OUT' | 'IN';
  amountFen: bigint;
  executedOn: number;
  bankRef: string;
}

interface RepaymentRow {
  id: number;
  loan: LoanRow;
  paidOn: number;
  principalFen: bigint;
  feeFen: bigint;
  transfer: TransferRow;
}

type TxnRef = { type: 'loan'; loan: LoanRow } | { type: 'contribution'; c: ContributionRow } | { type: 'cooperative'; id: number };

interface TxnRow {
  id: number;
  coopId: number;
  kind: 'CAPITAL' | 'CONTRIBUTION' | 'WITHDRAWAL' | 'DISBURSEMENT' | 'REPAYMENT' | 'WRITE_OFF';
  day: number;
  memo: string;
  ref: TxnRef;
  lines: Line[];
}

export interface CountyData {
  asOf: string;
  coops: CoopRow[];
  members: MemberRow[];
  contributions: ContributionRow[];
  groups: GroupRow[];
  insurance: InsuranceRow[];
  shareholdings: ShareholdingRow[];
  loans: LoanRow[];
  repayments: RepaymentRow[];
  transfers: TransferRow[];
  txns: TxnRow[];
  /** Per cooperative, the signed balance of every account that has lines. */
  balances: Map<number, Map<Account, bigint>>;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** 'YYYY-MM-DD' of a day number, memoised (the simulation converts the same few thousand days a lot). */
const dayCache: string[] = [];
const DAY_CACHE_BASE = dayNumber('1940-01-01');
function dayStr(n: number): string {
  const k = n - DAY_CACHE_BASE;
  if (k < 0 || k > 100_000) return fromDayNumber(n);
  return (dayCache[k] ??= fromDayNumber(n));
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
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

class IdNumbers {
  private used = new Set<string>();
  make(rng: Random, male: boolean, birth: number): string {
    for (;;) {
      const ymd = dayStr(birth).replace(/-/g, '');
      let seq = rng.int(0, 999);
      // the 17th digit is odd for men, even for women
      if ((seq % 2 === 1) !== male) seq = (seq + 1) % 1000;
      const first17 = `${COUNTY.code}${ymd}${pad(seq, 3)}`;
      const id = first17 + idCheckChar(first17);
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }
}

class CardNumbers {
  private used = new Set<string>();
  make(rng: Random): string {
    for (;;) {
      const body = CARD_BIN + rng.digits(12);
      const card = body + luhnDigit(body);
      if (!this.used.has(card)) {
        this.used.add(card);
        return card;
      }
    }
  }
}

function personName(rng: Random, male: boolean): string {
  const surname = rng.weighted(SURNAMES);
  if (male) {
    return rng.chance(0.12) ? surname + rng.pick(MALE_SECOND) : surname + rng.pick(MALE_FIRST) + rng.pick(MALE_SECOND);
  }
  return rng.chance(0.1) ? surname + rng.pick(FEMALE_SECOND) : surname + rng.pick(FEMALE_FIRST) + rng.pick(FEMALE_SECOND);
}

function makeCoop(v: VillageDef, rng: Random): CoopRow {
  const township = TOWNSHIPS.find((t) => t.id === v.townshipId)!;
  const status: CoopStatus = v.id === SPECIAL_COOPS.rectifying ? 'RECTIFYING' : v.id === SPECIAL_COOPS.exited ? 'EXITED' : 'ACTIVE';
  const mode: ManagementMode = SPECIAL_COOPS.villageCash.includes(v.id) ? 'VILLAGE_CASH' : 'TOWNSHIP_BANK_ONLY';
  return {
    id: v.id,
    village: v,
    nameZh: `${township.zh}${v.zh}村互助社`,
    nameEn: `${v.en} Village Mutual-Aid Cooperative`,
    status,
    mode,
    foundedOn: rng.int(dayNumber('2014-03-01'), dayNumber('2016-10-31')),
    policy: {
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
    },
  };
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
  out: CountyData;
  nextMemberId: { v: number };
  nextGroupId: { v: number };
  ids: IdNumbers;
  cards: CardNumbers;
}

function simulateCoop(coop: CoopRow, ctx: Ctx): void {
  const { asOf, windowStart, out } = ctx;
  const rng = ctx.rng.fork(`coop:${coop.id}`);
  const v = coop.village;
  const townshipId = v.townshipId;
  const villageNo = VILLAGES.filter((x) => x.townshipId === townshipId).indexOf(v) + 1;
  const troubled = coop.status !== 'ACTIVE';
  // Lending stops when rectification starts / the cooperative exits.
  const stopDay = coop.status === 'RECTIFYING' ? dayNumber('2026-05-20') : coop.status === 'EXITED' ? dayNumber('2025-08-31') : Infinity;

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
  out.balances.set(coop.id, balances);
  const bal = (a: Account): bigint => balances.get(a) ?? 0n;
  const post = (kind: TxnRow['kind'], day: number, memo: string, ref: TxnRef, lines: Line[]): void => {
    for (const l of lines) balances.set(l.account, bal(l.account) + l.amountFen);
    if (bal('BANK') < 0n) throw new Error(`coop ${coop.id}: bank balance negative on ${dayStr(day)}`);
    out.txns.push({ id: 0, coopId: coop.id, kind, day, memo, ref, lines });
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
    const donor = rng.pick(DONORS);
    at(day, {
      k: Ev.Inflow,
      run: () => post('CAPITAL', day, `社会捐赠资金(${donor})`, { type: 'cooperative', id: coop.id }, capitalInjection(fen, 'DONATION')),
    });
  }

  // --- members -----------------------------------------------------------------------------
  const n = rng.int(100, 160);
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
      householdNo: `${COUNTY.code}${pad(townshipId, 3)}${pad(villageNo, 3)}${pad(i, 4)}`,
      headName: personName(rng, male),
      idNumber: ctx.ids.make(rng, male, birth),
      villageId: v.id,
      householdSize: rng.weighted([[2, 12], [3, 20], [4, 30], [5, 20], [6, 12], [7, 6]] as const),
      poverty,
      absolutePoor,
      party: rng.chance(0.08),
      shuangdao,
      cardAccount: ctx.cards.make(rng),
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
      const run = (): void => post(kind === 'HOUSEHOLD_WITHDRAWAL' ? 'WITHDRAWAL' : 'CONTRIBUTION', day, memo, { type: 'contribution', c }, contributionPosting(kind, amountFen));
      at(day, { k, run });
    };
    const p = coop.policy;
    let householdPart = 0n;
    if (shuangdao) {
      addContribution('SHUANGDAO', p.shareFen, joinedOn, `“双到”资金入股(${row.headName})`, Ev.Inflow);
    } else {
      householdPart = absolutePoor ? p.shareAbsolutePoorFen : p.shareHouseholdFen;
      addContribution('HOUSEHOLD', householdPart, joinedOn, `社员${row.headName}缴纳互助金`, Ev.Inflow);
      addContribution('GOVERNMENT_SUBSIDY', p.shareFen - householdPart, joinedOn, `财政配股补助(${row.headName})`, Ev.Inflow);
    }
    if (leftOn !== null && householdPart > 0n) {
      addContribution('HOUSEHOLD_WITHDRAWAL', householdPart, leftOn, `社员${row.headName}退社,退还本户互助金`, Ev.Withdraw);
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
      name: `党员${guarantor.row.headName}一帮一(${s.row.headName})`,
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
  for (const year of [2024, 2025, 2026]) {
    const ys = dayNumber(`${year}-01-01`);
    const ye = dayNumber(`${year}-12-31`);
    if (ys > asOf) continue;
    const insurer = rng.pick(INSURERS);
    let serial = 0;
    for (const s of sims) {
      const m = s.row;
      if (m.joinedOn > Math.min(ye, asOf) || (m.leftOn !== null && m.leftOn < ys)) continue;
      if (!rng.chance(coverage)) continue;
      out.insurance.push({
        memberId: m.id,
        coopId: coop.id,
        insurer: insurer.zh,
        policyNo: `${insurer.code}${year}${COUNTY.code}${pad(coop.id, 3)}${pad(++serial, 4)}`,
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
    const fc = rng.pick(FARMER_COOPERATIVES);
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

  const overdueNow = (s: MemberSim, day: number): boolean => {
    const l = s.last;
    if (!l || l.status !== 'DISBURSED') return false;
    for (const i of l.instalments) if (i.due < day && i.paid === undefined) return true;
    return false;
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
      purpose: rng.weighted(PURPOSES),
    };
    const isFirst = s.disbursed === 0;
    const cap = (() => {
      const normal = isFirst ? p.maxFirstLoanFen : p.maxLaterLoanFen;
      return m.shuangdao && p.shuangdaoLoanCapFen > normal ? p.shuangdaoLoanCapFen : normal;
    })();
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
    const limit = applyBp(bal('BANK') + bal('LOANS_RECEIVABLE'), p.concentrationBp);
    if (amount > limit) amount = (limit / 10_000n) * 10_000n;
    const available = bal('BANK') - pendingOut;
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
    const schedule = buildSchedule({ amountFen: loan.amountFen, feeRateBp: bp, termMonths: loan.termMonths, mode: loan.mode, disbursedOn });
    loan.instalments = schedule.map((i) => ({ seq: i.seq, dueOn: i.dueOn, due: dayNumber(i.dueOn), principalFen: i.principalFen, feeFen: i.feeFen }));
    const inst = loan.instalments;
    loan.dueOn = inst[inst.length - 1]!.due;
    const transfer: TransferRow = { id: 0, coopId: coop.id, loan, direction: 'OUT', amountFen: loan.amountFen, executedOn: d, bankRef: '' };
    out.transfers.push(transfer);
    post('DISBURSEMENT', d, `借款发放:${loan.member.headName},${loan.purpose},${yuanStr(loan.amountFen)}元`, { type: 'loan', loan }, disbursement(loan.amountFen, 'BANK'));

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
    out.repayments.push({ id: 0, loan, paidOn: day, principalFen, feeFen, transfer });
    post('REPAYMENT', day, `收回借款:${loan.member.headName},本金${yuanStr(principalFen)}元,占用费${yuanStr(feeFen)}元`, { type: 'loan', loan }, repaymentPosting(principalFen, split(feeFen), 'BANK'));
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
    post('WRITE_OFF', day, `经县扶贫办批准,以风险准备金核销呆账:${loan.member.headName},本金${yuanStr(outstanding)}元`, { type: 'loan', loan }, writeOff(outstanding));
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
}

/** Builds the whole county in memory. Pure: the same seed and asOf give the same data. */
export function buildCounty(opts: { seed?: number; asOf?: string } = {}): CountyData {
  const asOfStr = parseDay(opts.asOf ?? DEFAULT_AS_OF);
  const asOf = dayNumber(asOfStr);
  const rng = new Random(opts.seed ?? DEFAULT_SEED);
  const out: CountyData = {
    asOf: asOfStr,
    coops: [],
    members: [],
    contributions: [],
    groups: [],
    insurance: [],
    shareholdings: [],
    loans: [],
    repayments: [],
    transfers: [],
    txns: [],
    balances: new Map(),
  };
  const ctx: Ctx = {
    rng,
    asOf,
    windowStart: dayNumber(addDays(asOfStr, -3 * 365)),
    out,
    nextMemberId: { v: 1 },
    nextGroupId: { v: 1 },
    ids: new IdNumbers(),
    cards: new CardNumbers(),
  };
  const coopRng = rng.fork('cooperatives');
  for (const v of VILLAGES) out.coops.push(makeCoop(v, coopRng));
  for (const coop of out.coops) simulateCoop(coop, ctx);

  // Ids in date order county-wide, as if the rows had been written day by day.
  const byDay = <T>(rows: T[], day: (r: T) => number): void => {
    rows.sort((a, b) => day(a) - day(b)); // stable: ties keep cooperative, then creation order
  };
  byDay(out.loans, (l) => l.appliedOn);
  out.loans.forEach((l, i) => (l.id = i + 1));
  byDay(out.contributions, (c) => c.paidOn);
  out.contributions.forEach((c, i) => (c.id = i + 1));
  byDay(out.txns, (t) => t.day);
  out.txns.forEach((t, i) => (t.id = i + 1));
  byDay(out.repayments, (r) => r.paidOn);
  out.repayments.forEach((r, i) => (r.id = i + 1));
  byDay(out.transfers, (t) => t.executedOn);
  let lastDay = -1;
  let counter = 0;
  out.transfers.forEach((t, i) => {
    t.id = i + 1;
    if (t.executedOn !== lastDay) {
      lastDay = t.executedOn;
      counter = 100;
    }
    t.bankRef = `HHNS${dayStr(t.executedOn).replace(/-/g, '')}${pad(++counter, 6)}`;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

type Col = readonly [name: string, pgType: string, insert?: false];

type Cell = string | number | boolean | null;

/**
 * `insert into t (cols) select cols[, extras] from unnest($1::type[], ...) as u(cols)` in chunks.
 * Columns marked `insert: false` are only available to the extra expressions.
 */
async function bulkInsert(
  timings: string[],
  db: Client,
  table: string,
  cols: readonly Col[],
  rows: readonly Cell[][],
  extras: readonly (readonly [col: string, expr: string])[] = [],
  chunk = 20_000,
): Promise<void> {
  const names = cols.filter((c) => c[2] !== false).map((c) => c[0]);
  const sqlText =
    `insert into ${table} (${[...names, ...extras.map((e) => e[0])].join(', ')}) ` +
    `select ${[...names, ...extras.map((e) => e[1])].join(', ')} ` +
    `from unnest(${cols.map((c, i) => `$${i + 1}::${c[1]}[]`).join(', ')}) as u(${cols.map((c) => c[0]).join(', ')})`;
  const t0 = Date.now();
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.slice(start, start + chunk);
    const params = cols.map((_, ci) => part.map((r) => r[ci]!));
    await db.query(sqlText, params);
  }
  timings.push(`${table} ${rows.length} rows ${Date.now() - t0} ms`);
}

const localTs = (dateCol: string, time = '09:30'): string => `(${dateCol} + time '${time}') at time zone 'Asia/Shanghai'`;

async function resetIdentities(db: Client, tables: readonly string[]): Promise<void> {
  for (const t of tables) {
    await db.query(`select setval(pg_get_serial_sequence('${t}', 'id'), (select coalesce(max(id), 0) + 1 from ${t}), false)`);
  }
}

async function writeMembers(timing: string[], db: Client, data: CountyData, day: (n: number) => string): Promise<void> {
  await bulkInsert(timing, db, 'county', [['id', 'int'], ['code', 'text'], ['city_zh', 'text'], ['name_zh', 'text'], ['name_en', 'text']], [
    [COUNTY.id, COUNTY.code, COUNTY.cityZh, COUNTY.nameZh, COUNTY.nameEn],
  ]);
  await bulkInsert(
    timing,
    db,
    'township',
    [['id', 'int'], ['county_id', 'int'], ['name_zh', 'text'], ['name_en', 'text']],
    TOWNSHIPS.map((t) => [t.id, COUNTY.id, t.zh, t.en]),
  );
  await bulkInsert(
    timing,
    db,
    'village',
    [['id', 'int'], ['township_id', 'int'], ['county_id', 'int'], ['name_zh', 'text'], ['name_en', 'text'], ['is_poor', 'boolean'], ['is_migrant', 'boolean']],
    VILLAGES.map((v) => [v.id, v.townshipId, COUNTY.id, `${v.zh}村`, `${v.en} Village`, v.poor, v.migrant]),
  );
  await bulkInsert(
    timing,
    db,
    'cooperative',
    [['id', 'int'], ['village_id', 'int'], ['township_id', 'int'], ['county_id', 'int'], ['name_zh', 'text'], ['name_en', 'text'], ['status', 'text'], ['management_mode', 'text'], ['founded_on', 'date']],
    data.coops.map((c) => [c.id, c.village.id, c.village.townshipId, COUNTY.id, c.nameZh, c.nameEn, c.status, c.mode, day(c.foundedOn)]),
  );
  await bulkInsert(
    timing,
    db,
    'member',
    [
      ['id', 'int'], ['cooperative_id', 'int'], ['township_id', 'int'], ['county_id', 'int'], ['household_no', 'text'], ['head_name', 'text'],
      ['id_number', 'text'], ['residence_village_id', 'int'], ['household_size', 'int'], ['poverty_status', 'text'], ['is_absolute_poor', 'boolean'],
      ['is_party_member', 'boolean'], ['card_bank', 'text'], ['card_account', 'text'], ['status', 'text'], ['joined_on', 'date'], ['left_on', 'date'],
    ],
    data.members.map((m) => [
      m.id, m.coopId, m.townshipId, COUNTY.id, m.householdNo, m.headName, m.idNumber, m.villageId, m.householdSize, m.poverty, m.absolutePoor,
      m.party, BANK_NAME, m.cardAccount, m.status, day(m.joinedOn), m.leftOn === null ? null : day(m.leftOn),
    ]),
  );
  await bulkInsert(
    timing,
    db,
    'contribution',
    [['id', 'bigint'], ['member_id', 'int'], ['cooperative_id', 'int'], ['kind', 'text'], ['amount_fen', 'bigint'], ['paid_on', 'date'], ['ledger_status', 'text']],
    data.contributions.map((c) => [c.id, c.memberId, c.coopId, c.kind, c.amountFen.toString(), day(c.paidOn), 'POSTED']),
    [['created_at', localTs('paid_on')]],
  );
  await bulkInsert(
    timing,
    db,
    'guarantee_group',
    [['id', 'int'], ['cooperative_id', 'int'], ['name', 'text'], ['kind', 'text'], ['guarantor_member_id', 'int'], ['status', 'text'], ['formed_on', 'date']],
    data.groups.map((g) => [g.id, g.coopId, g.name, g.kind, g.guarantorId, 'ACTIVE', day(g.formedOn)]),
  );
  await bulkInsert(
    timing,
    db,
    'guarantee_group_member',
    [['group_id', 'int'], ['member_id', 'int'], ['active', 'boolean']],
    data.groups.flatMap((g) => g.memberIds.map((m) => [g.id, m, true])),
  );
  await bulkInsert(
    timing,
    db,
    'insurance_policy',
    [['id', 'int'], ['member_id', 'int'], ['cooperative_id', 'int'], ['insurer', 'text'], ['policy_no', 'text'], ['premium_fen', 'bigint'], ['sum_insured_fen', 'bigint'], ['starts_on', 'date'], ['ends_on', 'date']],
    data.insurance.map((p, i) => [i + 1, p.memberId, p.coopId, p.insurer, p.policyNo, '5000', '3000000', day(p.startsOn), day(p.endsOn)]),
  );
  await bulkInsert(
    timing,
    db,
    'shareholding',
    [['id', 'int'], ['member_id', 'int'], ['cooperative_id', 'int'], ['farmer_cooperative_zh', 'text'], ['farmer_cooperative_en', 'text'], ['source', 'text'], ['amount_fen', 'bigint'], ['acquired_on', 'date'], ['returns_fen', 'bigint']],
    data.shareholdings.map((s, i) => [i + 1, s.memberId, s.coopId, s.zh, s.en, s.source, s.amountFen.toString(), day(s.acquiredOn), s.returnsFen.toString()]),
  );
  await resetIdentities(db, ['cooperative', 'member', 'contribution', 'guarantee_group', 'insurance_policy', 'shareholding']);
}

async function writeLoans(timing: string[], db: Client, data: CountyData, day: (n: number) => string): Promise<void> {
  const dayOrNull = (n: number | null): string | null => (n === null ? null : day(n));
  await bulkInsert(
    timing,
    db,
    'fund',
    [['cooperative_id', 'int'], ['county_id', 'int'], ['township_id', 'int'], ['founded_on', 'date', false]],
    data.coops.map((c) => [c.id, COUNTY.id, c.village.townshipId, day(c.foundedOn)]),
    [['created_at', localTs('founded_on', '09:00')]],
  );
  const refId = (r: TxnRef): [string, string] =>
    r.type === 'loan' ? ['loan', String(r.loan.id)] : r.type === 'contribution' ? ['contribution', String(r.c.id)] : ['cooperative', String(r.id)];
  await bulkInsert(
    timing,
    db,
    'ledger_txn',
    [['id', 'bigint'], ['cooperative_id', 'int'], ['kind', 'text'], ['occurred_on', 'date'], ['memo', 'text'], ['ref_type', 'text'], ['ref_id', 'text']],
    data.txns.map((t) => [t.id, t.coopId, t.kind, day(t.day), t.memo, ...refId(t.ref)]),
    [['created_at', localTs('occurred_on', '10:00')]],
  );
  const lines: Cell[][] = [];
  for (const t of data.txns) for (const l of t.lines) lines.push([lines.length + 1, t.id, t.coopId, l.account, l.amountFen.toString()]);
  await bulkInsert(timing, db, 'ledger_line', [['id', 'bigint'], ['txn_id', 'bigint'], ['cooperative_id', 'int'], ['account', 'text'], ['amount_fen', 'bigint']], lines, [], 25_000);
  const balances: Cell[][] = [];
  for (const c of data.coops) {
    const b = data.balances.get(c.id)!;
    for (const a of ACCOUNT_NAMES) if (b.has(a)) balances.push([c.id, a, b.get(a)!.toString()]);
  }
  await bulkInsert(timing, db, 'fund_balance', [['cooperative_id', 'int'], ['account', 'text'], ['balance_fen', 'bigint']], balances);
  await bulkInsert(
    timing,
    db,
    'loan',
    [
      ['id', 'int'], ['cooperative_id', 'int'], ['county_id', 'int'], ['township_id', 'int'], ['member_id', 'int'], ['borrower_name', 'text'],
      ['card_account', 'text'], ['guarantee_group_id', 'int'], ['guarantor_member_id', 'int'], ['amount_fen', 'bigint'], ['fee_rate_bp', 'int'],
      ['term_months', 'int'], ['repayment_mode', 'text'], ['purpose', 'text'], ['status', 'text'], ['is_first_loan', 'boolean'],
      ['is_shuangdao', 'boolean'], ['requested_by', 'text'], ['approved_by', 'text'], ['applied_on', 'date'], ['endorsed_on', 'date'],
      ['approved_on', 'date'], ['published_on', 'date'], ['contracted_on', 'date'], ['disbursed_on', 'date'], ['due_on', 'date'],
      ['closed_on', 'date'], ['written_off_on', 'date'], ['principal_repaid_fen', 'bigint'], ['fee_paid_fen', 'bigint'], ['written_off_fen', 'bigint'],
    ],
    data.loans.map((l) => [
      l.id, l.coopId, COUNTY.id, l.townshipId, l.member.id, l.member.headName, l.member.cardAccount, l.groupId, l.guarantorId,
      l.amountFen.toString(), l.feeRateBp, l.termMonths, l.mode, l.purpose, l.status, l.isFirst, l.isShuangdao, `board:${l.coopId}`,
      l.approvedOn === null ? null : `board-chair:${l.coopId}`, day(l.appliedOn), dayOrNull(l.endorsedOn), dayOrNull(l.approvedOn),
      dayOrNull(l.publishedOn), dayOrNull(l.contractedOn), dayOrNull(l.disbursedOn), dayOrNull(l.dueOn), dayOrNull(l.closedOn),
      dayOrNull(l.writtenOffOn), l.principalRepaidFen.toString(), l.feePaidFen.toString(), l.writtenOffFen.toString(),
    ]),
    [['created_at', localTs('applied_on', '09:00')]],
  );
  const inst: Cell[][] = [];
  for (const l of data.loans) for (const i of l.instalments) inst.push([l.id, i.seq, i.dueOn, i.principalFen.toString(), i.feeFen.toString()]);
  await bulkInsert(timing, db, 'loan_instalment', [['loan_id', 'int'], ['seq', 'int'], ['due_on', 'date'], ['principal_fen', 'bigint'], ['fee_fen', 'bigint']], inst);
  await bulkInsert(
    timing,
    db,
    'repayment',
    [['id', 'bigint'], ['loan_id', 'int'], ['cooperative_id', 'int'], ['member_id', 'int'], ['paid_on', 'date'], ['principal_fen', 'bigint'], ['fee_fen', 'bigint'], ['channel', 'text'], ['bank_ref', 'text']],
    data.repayments.map((r) => [r.id, r.loan.id, r.loan.coopId, r.loan.member.id, day(r.paidOn), r.principalFen.toString(), r.feeFen.toString(), 'BANK', r.transfer.bankRef]),
    [['created_at', localTs('paid_on', '11:00')]],
  );
  await bulkInsert(
    timing,
    db,
    'bank_transfer',
    [['id', 'bigint'], ['cooperative_id', 'int'], ['loan_id', 'int'], ['member_id', 'int'], ['direction', 'text'], ['amount_fen', 'bigint'], ['channel', 'text'], ['account_masked', 'text'], ['bank_ref', 'text'], ['executed_on', 'date']],
    data.transfers.map((t) => [t.id, t.coopId, t.loan.id, t.loan.member.id, t.direction, t.amountFen.toString(), 'BANK', `****${t.loan.member.cardAccount.slice(-4)}`, t.bankRef, day(t.executedOn)]),
    [['created_at', localTs('executed_on', '11:00')]],
  );
  await resetIdentities(db, ['ledger_txn', 'ledger_line', 'loan', 'repayment', 'bank_transfer']);
}

/** True when the members database has no cooperative yet (the seed runs only then). */
export async function isEmpty(urls: SeedUrls): Promise<boolean> {
  const db = new Client({ connectionString: urls.members });
  await db.connect();
  try {
    const r = await db.query<{ empty: boolean }>('select not exists (select 1 from cooperative) as empty');
    return r.rows[0]!.empty;
  } finally {
    await db.end();
  }
}

export function statsOf(data: CountyData, ms: number): SeedStats {
  return {
    counties: 1,
    townships: TOWNSHIPS.length,
    cooperatives: data.coops.length,
    members: data.members.length,
    loans: data.loans.length,
    repayments: data.repayments.length,
    ledgerTxns: data.txns.length,
    ms,
  };
}

/**
 * Generates the county and writes it into the two (migrated, empty) databases, one transaction
 * each; both commit only when both succeeded.
 */
export async function seedCounty(urls: SeedUrls, opts: SeedOptions = {}): Promise<SeedStats> {
  const t0 = Date.now();
  const log = opts.log ?? (() => undefined);
  const data = buildCounty({ seed: opts.seed, asOf: opts.asOf });
  log(`seed: generated ${data.members.length} households, ${data.loans.length} loans, ${data.txns.length} ledger transactions in ${Date.now() - t0} ms`);

  const day = dayStr;
  const timings: string[] = [];

  const members = new Client({ connectionString: urls.members });
  const loans = new Client({ connectionString: urls.loans });
  await members.connect();
  try {
    await loans.connect();
    try {
      await members.query('begin');
      await loans.query('begin');
      await members.query('set local synchronous_commit = off');
      await loans.query('set local synchronous_commit = off');
      const results = await Promise.allSettled([writeMembers(timings, members, data, day), writeLoans(timings, loans, data, day)]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        await Promise.allSettled([members.query('rollback'), loans.query('rollback')]);
        throw failed.reason;
      }
      await loans.query('commit');
      await members.query('commit'); // last: isEmpty() looks at the members database
    } finally {
      await loans.end();
    }
  } finally {
    await members.end();
  }
  const stats = statsOf(data, Date.now() - t0);
  log(`seed: wrote ${timings.join(', ')}`);
  log(`seed: ${JSON.stringify(stats)}`);
  return stats;
}

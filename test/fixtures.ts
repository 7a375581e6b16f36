import type { Client } from 'pg';
import { idNumberCheckChar } from '../subgraphs/lib/id-number';
import { sql } from './support/db';
import { insertRows } from './support/rows';
import { COOPERATIVE } from '../subgraphs/members/cooperative.entity';
import { COUNTY, TOWNSHIP, VILLAGE } from '../subgraphs/members/geography.entity';
import { GUARANTEE_GROUP, GUARANTEE_GROUP_MEMBER } from '../subgraphs/members/guarantee.entity';
import { MEMBER } from '../subgraphs/members/member.entity';
import { POVERTY_STATUS_CHANGE } from '../subgraphs/members/poverty.entity';
import type { Stack } from './support/stack';
import { REGISTRY } from '../subgraphs/registry';

/**
 * A small, explicit world for end-to-end tests (not the demo seed):
 * county 1 盐池县 (townships 11 花马池镇, 12 大水坑镇), county 2 同心县 (township 21 河西镇);
 * cooperatives 101 (village 1011, township 11), 102 (village 1021, township 12), 201 (village 2011, county 2).
 * Members are created per test with `addMembers`.
 */
export const WORLD = {
  county1: 1,
  county2: 2,
  township11: 11,
  township12: 12,
  township21: 21,
  coopA: 101,
  coopB: 102,
  coopC: 201,
  villageA: 1011,
  villageB: 1021,
  villageC: 2011,
} as const;

export async function createWorld(stack: Stack): Promise<void> {
  const c = await sql(stack.urls.members);
  try {
    await insertRows(c, COUNTY, [
      { id: 1, code: '640323', city_zh: '吴忠市', name_zh: '盐池县', name_en: 'Yanchi County' },
      { id: 2, code: '640324', city_zh: '吴忠市', name_zh: '同心县', name_en: 'Tongxin County' },
    ]);
    await insertRows(c, TOWNSHIP, [
      { id: 11, county_id: 1, name_zh: '花马池镇', name_en: 'Huamachi Town' },
      { id: 12, county_id: 1, name_zh: '大水坑镇', name_en: 'Dashuikeng Town' },
      { id: 21, county_id: 2, name_zh: '河西镇', name_en: 'Hexi Town' },
    ]);
    await insertRows(c, VILLAGE, [
      { id: 1011, township_id: 11, county_id: 1, name_zh: '柳杨堡村', name_en: 'Liuyangbao Village', is_poor: true, is_migrant: false },
      { id: 1012, township_id: 11, county_id: 1, name_zh: '四墩子村', name_en: 'Sidunzi Village', is_poor: true, is_migrant: false },
      { id: 1021, township_id: 12, county_id: 1, name_zh: '新泉井村', name_en: 'Xinquanjing Village', is_poor: true, is_migrant: true },
      { id: 2011, township_id: 21, county_id: 2, name_zh: '旱天岭村', name_en: 'Hantianling Village', is_poor: true, is_migrant: false },
    ]);
    await insertRows(c, COOPERATIVE, [
      { id: 101, village_id: 1011, township_id: 11, county_id: 1, name_zh: '柳杨堡村互助社', name_en: 'Liuyangbao Mutual-Aid Cooperative', founded_on: '2015-03-01' },
      { id: 102, village_id: 1021, township_id: 12, county_id: 1, name_zh: '新泉井村互助社', name_en: 'Xinquanjing Mutual-Aid Cooperative', founded_on: '2015-05-01' },
      { id: 201, village_id: 2011, township_id: 21, county_id: 2, name_zh: '旱天岭村互助社', name_en: 'Hantianling Mutual-Aid Cooperative', founded_on: '2016-04-01' },
    ]);
  } finally {
    await c.end();
  }
}

export interface NewMember {
  name: string;
  poverty?: 'REGISTERED_POOR' | 'ORDINARY' | 'WEALTHY';
  party?: boolean;
  card?: string | null;
  absolutePoor?: boolean;
}

let seq = 1;

/** A well-formed 18-character resident id number from its first 17 digits. */
export const validIdNumber = (first17: string): string => first17 + idNumberCheckChar(first17);
const COOP_LOC: Record<number, { village: number; township: number; county: number }> = {
  101: { village: 1011, township: 11, county: 1 },
  102: { village: 1021, township: 12, county: 1 },
  201: { village: 2011, township: 21, county: 2 },
  103: { village: 1012, township: 11, county: 1 },
};

/** Insert member households straight into the members database; returns their ids. */
export async function addMembers(stack: Stack, coop: number, members: NewMember[], joinedOn = '2024-01-01'): Promise<number[]> {
  const c = await sql(stack.urls.members);
  const loc = COOP_LOC[coop]!;
  const ids: number[] = [];
  try {
    for (const m of members) {
      const n = seq++;
      const idNo = validIdNumber(`6403231990${String(n).padStart(6, '0')}1`);
      const [row] = await insertRows(c, MEMBER, [{
        cooperative_id: coop, township_id: loc.township, county_id: loc.county, household_no: `H${coop}-${n}`, head_name: m.name, id_number: idNo,
        residence_village_id: loc.village, household_size: 4, poverty_status: m.poverty ?? 'REGISTERED_POOR', is_absolute_poor: m.absolutePoor ?? false,
        is_party_member: m.party ?? false, card_bank: '宁夏黄河农村商业银行', card_account: m.card === undefined ? `622947${String(n).padStart(13, '0')}` : m.card,
        joined_on: joinedOn,
      }], 'id');
      ids.push(row!.id);
      // the status at admission, as admitMember writes it
      await insertRows(c, POVERTY_STATUS_CHANGE, [{
        member_id: row!.id, cooperative_id: coop, township_id: loc.township, county_id: loc.county, status: m.poverty ?? 'REGISTERED_POOR',
        effective_on: joinedOn, reason: '入社时状况 / status at admission', changed_by: 'fixture',
      }]);
    }
  } finally {
    await c.end();
  }
  return ids;
}

/** Put the members into one active JOINT guarantee group (directly, for loan tests). */
export async function addGroup(stack: Stack, coop: number, memberIds: number[]): Promise<number> {
  const c = await sql(stack.urls.members);
  try {
    const [g] = await insertRows(c, GUARANTEE_GROUP, [{ cooperative_id: coop, name: `联保小组${memberIds[0]}`, kind: 'JOINT', formed_on: '2024-01-02' }], 'id');
    await insertRows(c, GUARANTEE_GROUP_MEMBER, memberIds.map((m) => ({ group_id: g!.id, member_id: m })));
    return g!.id;
  } finally {
    await c.end();
  }
}

export async function setPolicy(stack: Stack, coop: number, cols: Record<string, string | number>): Promise<void> {
  const c = await sql(stack.urls.members);
  try {
    const keys = Object.keys(cols);
    await c.query(`update cooperative set ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} where id = $1`, [coop, ...keys.map((k) => cols[k])]);
  } finally {
    await c.end();
  }
}

/**
 * Grant cooperatives to an organisation straight into the `access_grant` of every subgraph that
 * scopes by grants (`grants` in its definition), as the owner's saga does (test/union.e2e.test.ts
 * has the union's own): for tests of the scope alone, without founding unions.
 */
export async function grantCooperatives(stack: Stack, kind: 'UNION' | 'BANK' | 'ENTERPRISE', granteeId: number, coops: readonly number[]): Promise<void> {
  for (const def of REGISTRY.filter((d) => d.grants)) {
    await withSql(stack.urls[def.name]!, async (c) => {
      for (const coop of coops) {
        await c.query(`insert into access_grant (grantee_kind, grantee_id, cooperative_id) values ($1, $2, $3) on conflict do nothing`, [kind, granteeId, coop]);
      }
    });
  }
}

/**
 * A cooperative's status as the union's rectification or exit sets it: members' internal mutation
 * with a service token, for tests of what the status blocks (test/rectification.e2e.test.ts has
 * the union's own path). Returns the answer, so a refusal can be asserted.
 */
export async function setCooperativeStatus(stack: Stack, coop: number, status: 'ACTIVE' | 'RECTIFYING' | 'EXITED', key = `test-status-${coop}-${status}`) {
  const service = await stack.token({ sub: 'service:test', role: 'SERVICE' });
  return stack.subgraphGql('members', `mutation($c: Int!, $s: CooperativeStatus!, $k: String!) { _setCooperativeStatus(cooperativeId: $c, status: $s, reason: "test", idempotencyKey: $k) }`,
    { c: coop, s: status, k: key }, service);
}

export const TOKENS = {
  region: { sub: 'region:1', role: 'REGION' as const },
  county1: { sub: 'county:1:officer', role: 'COUNTY' as const, counties: [1] },
  county2: { sub: 'county:2:officer', role: 'COUNTY' as const, counties: [2] },
  township11: { sub: 'township:11:bookkeeper', role: 'TOWNSHIP' as const, townships: [11] },
  township12: { sub: 'township:12:bookkeeper', role: 'TOWNSHIP' as const, townships: [12] },
  boardA: { sub: 'board:101:clerk', role: 'COOPERATIVE' as const, cooperatives: [101] },
  boardA2: { sub: 'board:101:chair', role: 'COOPERATIVE' as const, cooperatives: [101] },
  boardB: { sub: 'board:102:clerk', role: 'COOPERATIVE' as const, cooperatives: [102] },
  boardC: { sub: 'board:201:clerk', role: 'COOPERATIVE' as const, cooperatives: [201] },
  auditor1: { sub: 'auditor:1', role: 'AUDITOR' as const, counties: [1] },
  bank: { sub: 'bank:1', role: 'BANK' as const, bank: 1 },
  enterprise: { sub: 'enterprise:1', role: 'ENTERPRISE' as const, enterprise: 1 },
};

export async function tokens(stack: Stack): Promise<Record<keyof typeof TOKENS, string>> {
  const out = {} as Record<keyof typeof TOKENS, string>;
  for (const [k, v] of Object.entries(TOKENS)) out[k as keyof typeof TOKENS] = await stack.token(v);
  return out;
}

export async function withSql<T>(url: string, f: (c: Client) => Promise<T>): Promise<T> {
  const c = await sql(url);
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** Inject government capital through the API (county officer). */
export async function inject(stack: Stack, countyToken: string, coop: number, amountFen: bigint | string, key: string, on = '2024-01-01'): Promise<void> {
  const r = await stack.gql(`mutation($i: InjectCapitalInput!) { injectCapital(input: $i) }`, {
    i: { idempotencyKey: key, cooperativeId: String(coop), amount: String(amountFen), source: 'GOVERNMENT', on },
  }, countyToken);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
}

/** Take a loan from application to disbursement; returns the loan id. */
export async function loanThrough(
  stack: Stack,
  t: Record<keyof typeof TOKENS, string>,
  o: { coop: number; member: number; amount: string; term?: number; mode?: 'BULLET' | 'MONTHLY'; on?: string; key: string; board?: string; approver?: string; bookkeeper?: string },
): Promise<string> {
  const on = o.on ?? '2024-03-01';
  const board = o.board ?? t.boardA;
  const approver = o.approver ?? t.boardA2;
  const bookkeeper = o.bookkeeper ?? t.township11;
  const apply = await stack.gql(`mutation($i: ApplyForLoanInput!) { applyForLoan(input: $i) { id status } }`, {
    i: { idempotencyKey: `${o.key}:apply`, cooperativeId: String(o.coop), memberId: String(o.member), amount: o.amount, termMonths: o.term ?? 12, repaymentMode: o.mode ?? 'BULLET', purpose: 'SHEEP', appliedOn: on },
  }, board);
  if (apply.errors) throw new Error(JSON.stringify(apply.errors));
  const id = apply.data.applyForLoan.id as string;
  for (const [m, tok] of [['endorseLoan', board], ['approveLoan', approver], ['publishLoan', board], ['signLoanContract', board]] as const) {
    const r = await stack.gql(`mutation($i: LoanStepInput!) { ${m}(input: $i) { id status } }`, { i: { loanId: id, on } }, tok);
    if (r.errors) throw new Error(`${m}: ${JSON.stringify(r.errors)}`);
  }
  const d = await stack.gql(`mutation($i: DisburseLoanInput!) { disburseLoan(input: $i) { id status } }`, {
    i: { idempotencyKey: `${o.key}:disburse`, loanId: id, channel: 'BANK', bankRef: `HHNS${o.key}`, on },
  }, bookkeeper);
  if (d.errors) throw new Error(`disburse: ${JSON.stringify(d.errors)}`);
  return id;
}

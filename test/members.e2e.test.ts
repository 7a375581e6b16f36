import { createServer, type Server } from 'node:http';
import { sqlStats } from '../subgraphs/lib/db';
import { reconcileSagas } from '../subgraphs/lib/saga-operators';
import { CONTRIBUTION_STEPS } from '../subgraphs/members/contribution.saga';
import { addMembers, createWorld, setCooperativeStatus, tokens, validIdNumber, withSql, WORLD } from './fixtures';
import { expectCode, ok } from './support/expect';
import { startStack, type GqlResult, type Stack } from './support/stack';

/**
 * The members subgraph through the gateway: admission, guarantee groups, policy, contributions
 * (a saga with the loans ledger, including compensation and reconciliation) and scoped reads.
 * World: support/fixtures (counties 1 and 2, cooperatives 101/102 in county 1, 201 in county 2)
 * plus cooperative 103 (village 1012, township 11) created here.
 */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
const COOP_D = 103;

beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  await withSql(stack.urls.members, (c) =>
    c.query(`insert into cooperative (id, village_id, township_id, county_id, name_zh, name_en, founded_on)
             values (103, 1012, 11, 1, '四墩子村互助社', 'Sidunzi Mutual-Aid Cooperative', '2016-01-01')`),
  );
  t = await tokens(stack);
});
afterAll(() => stack?.stop());

const ADMIT = `mutation($i: AdmitMemberInput!) { admitMember(input: $i) {
  id householdNo headName headNameMasked idNumberMasked cardBank cardAccountMasked povertyStatus isAbsolutePoor status joinedOn
  cooperative { id } residenceVillage { id } } }`;
const CONTRIBUTE = `mutation($i: RecordContributionInput!) { recordContribution(input: $i) { id kind amount paidOn ledgerStatus } }`;
const WITHDRAW = `mutation($i: WithdrawContributionInput!) { withdrawContribution(input: $i) { id status leftOn guaranteeGroup { id }
  contributionTotals { household governmentSubsidy shuangdao withdrawn ownBalance } } }`;
const GROUP = `mutation($i: FormGuaranteeGroupInput!) { formGuaranteeGroup(input: $i) { id name kind status formedOn members { id } guarantor { id } } }`;
const PARTY = `mutation($i: AssignPartyGuarantorInput!) { assignPartyGuarantor(input: $i) { id kind status members { id } guarantor { id } } }`;
const DISSOLVE = `mutation($id: ID!) { dissolveGuaranteeGroup(id: $id) { id status members { id } } }`;
const POLICY = `mutation($i: UpdateCooperativePolicyInput!) { updateCooperativePolicy(input: $i) { id policy { feeRateBp groupSize share shareHousehold shareSubsidy maxFirstLoan } } }`;
const MEMBER = `query($id: ID!) { member(id: $id) { id status leftOn isShuangdao guaranteeGroup { id kind }
  contributions { kind amount ledgerStatus } contributionTotals { household governmentSubsidy shuangdao withdrawn ownBalance } } }`;

let idSeq = 100;
const newIdNumber = (): string => validIdNumber(`64032319850101${String(++idSeq).padStart(3, '0')}`);
const admitInput = (coop: number, village: number, extra: Record<string, unknown> = {}) => ({
  cooperativeId: String(coop), householdNo: `N-${idSeq}`, headName: '海兰英', idNumber: newIdNumber(), residenceVillageId: String(village),
  householdSize: 3, povertyStatus: 'REGISTERED_POOR', joinedOn: '2024-01-01', cardBank: '宁夏黄河农村商业银行', cardAccount: '6229 4700 0000 0012 345',
  ...extra,
});

const ledgerTxns = (coop: number, kind: string) =>
  withSql(stack.urls.loans, (c) => c.query(`select count(*)::int as n from ledger_txn where cooperative_id = $1 and kind = $2`, [coop, kind])).then((r) => r.rows[0].n as number);
const auditRows = (action: string, entityId: string | number) =>
  withSql(stack.urls.members, (c) => c.query(`select actor, role, before, after from audit_log where action = $1 and entity_id = $2`, [action, String(entityId)])).then((r) => r.rows);

/** Every error response: a code, both languages, no stack trace or internals. */
function expectClean(r: GqlResult<unknown>): void {
  expect(r.errors?.length).toBeGreaterThan(0);
  for (const e of r.errors!) {
    expect(typeof e.extensions?.code).toBe('string');
    expect(e.extensions?.stacktrace).toBeUndefined();
    expect(JSON.stringify(e)).not.toMatch(/node_modules|\.ts:\d+|\bat \w+ \(/);
  }
}

describe('admitMember', () => {
  it('admits a household of the village, masking what is published and auditing the write', async () => {
    const input = admitInput(WORLD.coopA, WORLD.villageA, { headName: '马金花', isAbsolutePoor: true });
    const m = ok(await stack.gql(ADMIT, { i: input }, t.boardA)).admitMember;
    expect(m).toMatchObject({
      headName: '马金花', headNameMasked: '马*花', idNumberMasked: `${input.idNumber.slice(0, 6)}********${input.idNumber.slice(-4)}`,
      cardBank: '宁夏黄河农村商业银行', cardAccountMasked: '****2345', povertyStatus: 'REGISTERED_POOR', isAbsolutePoor: true,
      status: 'ACTIVE', joinedOn: '2024-01-01', cooperative: { id: String(WORLD.coopA) }, residenceVillage: { id: String(WORLD.villageA) },
    });
    const stored = await withSql(stack.urls.members, (c) => c.query(`select card_account, township_id, county_id from member where id = $1`, [m.id]));
    expect(stored.rows[0]).toEqual({ card_account: '6229470000000012345', township_id: WORLD.township11, county_id: WORLD.county1 });
    const audit = await auditRows('admitMember', m.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'board:101:clerk', role: 'COOPERATIVE', before: null });
  });

  it('the township may admit too', async () => {
    ok(await stack.gql(ADMIT, { i: admitInput(WORLD.coopA, WORLD.villageA) }, t.township11));
  });

  it('NOT_RESIDENT: a household of another village (closed membership)', async () => {
    expectCode(await stack.gql(ADMIT, { i: admitInput(WORLD.coopA, 1012) }, t.boardA), 'NOT_RESIDENT');
  });

  it('ALREADY_MEMBER: the same identity number twice', async () => {
    const input = admitInput(WORLD.coopA, WORLD.villageA);
    ok(await stack.gql(ADMIT, { i: input }, t.boardA));
    expectCode(await stack.gql(ADMIT, { i: { ...input, householdNo: 'other' } }, t.boardA), 'ALREADY_MEMBER');
  });

  it('INVALID_INPUT: a malformed identity number or card account', async () => {
    expectCode(await stack.gql(ADMIT, { i: { ...admitInput(WORLD.coopA, WORLD.villageA), idNumber: '64032319850101123' } }, t.boardA), 'INVALID_INPUT');
    const wrongCheck = newIdNumber().slice(0, 17) + 'Y';
    expectCode(await stack.gql(ADMIT, { i: { ...admitInput(WORLD.coopA, WORLD.villageA), idNumber: wrongCheck } }, t.boardA), 'INVALID_INPUT');
    expectCode(await stack.gql(ADMIT, { i: admitInput(WORLD.coopA, WORLD.villageA, { cardAccount: '12-34' }) }, t.boardA), 'INVALID_INPUT');
  });

  it('FORBIDDEN for a county officer, OUT_OF_SCOPE for another board, UNAUTHENTICATED without a token', async () => {
    expectCode(await stack.gql(ADMIT, { i: admitInput(WORLD.coopA, WORLD.villageA) }, t.county1), 'FORBIDDEN');
    expectCode(await stack.gql(ADMIT, { i: admitInput(WORLD.coopA, WORLD.villageA) }, t.boardB), 'OUT_OF_SCOPE');
    expectCode(await stack.gql(ADMIT, { i: admitInput(WORLD.coopA, WORLD.villageA) }, t.township12), 'OUT_OF_SCOPE');
    expectCode(await stack.gql(ADMIT, { i: admitInput(WORLD.coopA, WORLD.villageA) }), 'UNAUTHENTICATED');
    expectCode(await stack.gql(ADMIT, { i: admitInput(999, WORLD.villageA) }, t.boardA), 'NOT_FOUND');
  });

  it('COOPERATIVE_EXITED: no admission after exit; EXITED is final; the status is the union\'s to set, not a public mutation', async () => {
    const [keep] = await addMembers(stack, WORLD.coopC, [{ name: '旱天岭一户' }]);
    expectCode(await stack.gql(`mutation { setCooperativeStatus(input: { cooperativeId: "${WORLD.coopC}", status: EXITED }) { id } }`, {}, t.county2), 'GRAPHQL_VALIDATION_FAILED');
    expectCode(await stack.subgraphGql('members', `mutation { _setCooperativeStatus(cooperativeId: ${WORLD.coopC}, status: EXITED, reason: "x", idempotencyKey: "k") }`, {}, t.county2), 'FORBIDDEN');
    expect((await setCooperativeStatus(stack, WORLD.coopC, 'RECTIFYING')).data).toEqual({ _setCooperativeStatus: true });
    expect((await setCooperativeStatus(stack, WORLD.coopC, 'RECTIFYING', 'again')).data).toEqual({ _setCooperativeStatus: false }); // a repeated step changes nothing
    expect((await setCooperativeStatus(stack, WORLD.coopC, 'EXITED')).data).toEqual({ _setCooperativeStatus: true });
    expectCode(await stack.gql(ADMIT, { i: admitInput(WORLD.coopC, WORLD.villageC) }, t.boardC), 'COOPERATIVE_EXITED');
    expectCode(await setCooperativeStatus(stack, WORLD.coopC, 'ACTIVE'), 'COOPERATIVE_EXITED');
    expectCode(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'exit-c', memberId: String(keep), paidOn: '2024-05-01', source: 'HOUSEHOLD' } }, t.boardC), 'COOPERATIVE_EXITED');
    expect((await auditRows('setCooperativeStatus', WORLD.coopC)).map((a) => a.after.status)).toEqual(['RECTIFYING', 'EXITED']);
  });
});

describe('guarantee groups', () => {
  let five: number[];
  let party: number;
  let inB: number;
  beforeAll(async () => {
    five = await addMembers(stack, WORLD.coopA, [{ name: '甲一' }, { name: '乙二' }, { name: '丙三' }, { name: '丁四' }, { name: '戊五' }]);
    [party] = await addMembers(stack, WORLD.coopA, [{ name: '杨建国', party: true }]) as [number];
    [inB] = await addMembers(stack, WORLD.coopB, [{ name: '苏学礼' }]) as [number];
  });
  const form = (ids: number[], token = t.boardA, coop: number = WORLD.coopA) =>
    stack.gql(GROUP, { i: { cooperativeId: String(coop), name: '第一联保组', memberIds: ids.map(String), formedOn: '2024-02-01' } }, token);

  it('GROUP_SIZE_MISMATCH with the policy size in the details', async () => {
    const r = await form(five.slice(0, 4));
    expectCode(r, 'GROUP_SIZE_MISMATCH');
    expect(r.errors![0]!.extensions!.details).toEqual({ size: 5 });
    expectCode(await form([...five.slice(0, 4), five[0]!]), 'GROUP_SIZE_MISMATCH');
  });

  it('GROUP_CROSS_COOPERATIVE when one household is of another cooperative', async () => {
    expectCode(await form([...five.slice(0, 4), inB]), 'GROUP_CROSS_COOPERATIVE');
  });

  it('forms a group of five; ALREADY_IN_GROUP for a second one', async () => {
    const g = ok(await form(five)).formGuaranteeGroup;
    expect(g).toMatchObject({ name: '第一联保组', kind: 'JOINT', status: 'ACTIVE', formedOn: '2024-02-01', guarantor: null });
    expect(g.members.map((m: { id: string }) => Number(m.id))).toEqual(five);
    const m = ok(await stack.gql(MEMBER, { id: String(five[2]) }, t.boardA)).member;
    expect(m.guaranteeGroup).toEqual({ id: g.id, kind: 'JOINT' });
    const others = await addMembers(stack, WORLD.coopA, [{ name: '己六' }, { name: '庚七' }, { name: '辛八' }, { name: '壬九' }]);
    expectCode(await form([...others, five[0]!]), 'ALREADY_IN_GROUP');
    expect(await auditRows('formGuaranteeGroup', g.id)).toHaveLength(1);
  });

  it('OUT_OF_SCOPE for the board of another cooperative', async () => {
    expectCode(await form(five, t.boardB), 'OUT_OF_SCOPE');
  });

  it('party-member guarantee: GUARANTOR_NOT_PARTY_MEMBER unless an active party member of the same cooperative', async () => {
    const [borrower, plain] = await addMembers(stack, WORLD.coopA, [{ name: '金宝山' }, { name: '白春梅' }]) as [number, number];
    const [partyB] = await addMembers(stack, WORLD.coopB, [{ name: '海生林', party: true }]) as [number];
    const assign = (g: number) => stack.gql(PARTY, { i: { memberId: String(borrower), guarantorMemberId: String(g), formedOn: '2024-02-01' } }, t.boardA);
    expectCode(await assign(plain), 'GUARANTOR_NOT_PARTY_MEMBER');
    expectCode(await assign(partyB), 'GUARANTOR_NOT_PARTY_MEMBER');
    const g = ok(await assign(party)).assignPartyGuarantor;
    expect(g).toMatchObject({ kind: 'PARTY_MEMBER', status: 'ACTIVE', members: [{ id: String(borrower) }], guarantor: { id: String(party) } });
    expectCode(await assign(party), 'ALREADY_IN_GROUP');
  });

  it('dissolving releases the members, who may then form a new group', async () => {
    const g = ok(await stack.gql(`query($id: ID!) { member(id: $id) { guaranteeGroup { id } } }`, { id: String(five[0]) }, t.boardA)).member.guaranteeGroup;
    const d = ok(await stack.gql(DISSOLVE, { id: g.id }, t.township11)).dissolveGuaranteeGroup;
    expect(d.status).toBe('DISSOLVED');
    expect(d.members).toHaveLength(5); // former members of a dissolved group
    expectCode(await stack.gql(DISSOLVE, { id: g.id }, t.township11), 'INVALID_INPUT');
    ok(await form(five));
    const m = ok(await stack.gql(MEMBER, { id: String(five[0]) }, t.boardA)).member;
    expect(m.guaranteeGroup.id).not.toBe(g.id);
  });
});

describe('policy', () => {
  it('the county officer changes policy parameters; the change is audited with before and after', async () => {
    const c = ok(await stack.gql(POLICY, { i: { cooperativeId: String(WORLD.coopB), feeRateBp: 500, groupSize: 4 } }, t.county1)).updateCooperativePolicy;
    expect(c.policy).toEqual({ feeRateBp: 500, groupSize: 4, share: '100000', shareHousehold: '40000', shareSubsidy: '60000', maxFirstLoan: '500000' });
    const [a] = await auditRows('updateCooperativePolicy', WORLD.coopB);
    expect(a.before).toMatchObject({ feeRateBp: 600, groupSize: 5 });
    expect(a.after).toMatchObject({ feeRateBp: 500, groupSize: 4, shareFen: '100000' });
  });

  it('POLICY_INVALID with a reason; nothing changes', async () => {
    const r = await stack.gql(POLICY, { i: { cooperativeId: String(WORLD.coopB), splitRiskReserveBp: 9000 } }, t.county1);
    expectCode(r, 'POLICY_INVALID');
    expect(r.errors![0]!.extensions!.details.reason).toMatch(/sum to 10000/);
    expectCode(await stack.gql(POLICY, { i: { cooperativeId: String(WORLD.coopB), maxFirstLoan: '2000000' } }, t.county1), 'POLICY_INVALID');
    expectCode(await stack.gql(POLICY, { i: { cooperativeId: String(WORLD.coopB), shareHousehold: '50000' } }, t.county1), 'POLICY_INVALID');
    const p = ok(await stack.gql(`query($id: ID!) { cooperative(id: $id) { policy { splitRiskReserveBp maxFirstLoan shareHousehold } } }`, { id: String(WORLD.coopB) }, t.county1));
    expect(p.cooperative.policy).toEqual({ splitRiskReserveBp: 3000, maxFirstLoan: '500000', shareHousehold: '40000' });
  });

  it('FORBIDDEN for a cooperative board, OUT_OF_SCOPE for another county, NOT_FOUND for no cooperative', async () => {
    expectCode(await stack.gql(POLICY, { i: { cooperativeId: String(WORLD.coopA), feeRateBp: 500 } }, t.boardA), 'FORBIDDEN');
    expectCode(await stack.gql(POLICY, { i: { cooperativeId: String(WORLD.coopA), feeRateBp: 500 } }, t.county2), 'OUT_OF_SCOPE');
    expectCode(await stack.gql(POLICY, { i: { cooperativeId: '999', feeRateBp: 500 } }, t.county1), 'NOT_FOUND');
  });
});

describe('contributions (saga with the loans ledger)', () => {
  it('HOUSEHOLD buys one share: household part + government subsidy, posted to the ledger once', async () => {
    const [m] = await addMembers(stack, COOP_D, [{ name: '余小花' }], '2023-01-01');
    const input = { idempotencyKey: 'c-1', memberId: String(m), paidOn: '2023-01-10', source: 'HOUSEHOLD' };
    const rows = ok(await stack.gql(CONTRIBUTE, { i: input }, t.boardA.replace(/.*/, await stack.token({ sub: 'board:103', role: 'COOPERATIVE', cooperatives: [COOP_D] })))).recordContribution;
    expect(rows.map((r: any) => [r.kind, r.amount, r.ledgerStatus])).toEqual([['HOUSEHOLD', '40000', 'POSTED'], ['GOVERNMENT_SUBSIDY', '60000', 'POSTED']]);
    expect(await ledgerTxns(COOP_D, 'CONTRIBUTION')).toBe(2);
    // the same key again: same answer, nothing posted twice
    const again = ok(await stack.gql(CONTRIBUTE, { i: input }, t.township11)).recordContribution;
    expect(again).toEqual(rows);
    expect(await ledgerTxns(COOP_D, 'CONTRIBUTION')).toBe(2);
    expectCode(await stack.gql(CONTRIBUTE, { i: { ...input, paidOn: '2023-01-11' } }, t.township11), 'IDEMPOTENCY_KEY_REUSED');
    const member = ok(await stack.gql(MEMBER, { id: String(m) }, t.county1)).member;
    expect(member.contributionTotals).toEqual({ household: '40000', governmentSubsidy: '60000', shuangdao: '0', withdrawn: '0', ownBalance: '40000' });
    expect(member.isShuangdao).toBe(false);
    // the public board shows both items under the masked name the saga carried, and never the full one
    const board = ok(await stack.gql(`{ disclosureBoard(cooperativeId: "${COOP_D}") { edges { node { kind nameMasked amount } } } }`)).disclosureBoard;
    expect(board.edges.map((e: any) => e.node).filter((n: any) => n.kind === 'CONTRIBUTION')).toEqual(
      expect.arrayContaining([{ kind: 'CONTRIBUTION', nameMasked: '余*花', amount: '40000' }, { kind: 'CONTRIBUTION', nameMasked: '余*花', amount: '60000' }]),
    );
    expect(JSON.stringify(board)).not.toContain('余小花');
  });

  it('an absolutely poor household pays the smaller part; 双到 money only for registered poor households', async () => {
    const [ap, ordinary, poor] = await addMembers(stack, COOP_D, [{ name: '拓文秀', absolutePoor: true }, { name: '虎占林', poverty: 'ORDINARY' }, { name: '丁福贵' }]);
    const rows = ok(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'c-ap', memberId: String(ap), paidOn: '2023-02-01', source: 'HOUSEHOLD' } }, t.township11)).recordContribution;
    expect(rows.map((r: any) => [r.kind, r.amount])).toEqual([['HOUSEHOLD', '20000'], ['GOVERNMENT_SUBSIDY', '80000']]);
    expectCode(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'c-sd-o', memberId: String(ordinary), paidOn: '2023-02-01', source: 'SHUANGDAO' } }, t.township11), 'INVALID_INPUT');
    const sd = ok(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'c-sd-p', memberId: String(poor), paidOn: '2023-02-01', source: 'SHUANGDAO' } }, t.township11)).recordContribution;
    expect(sd.map((r: any) => [r.kind, r.amount, r.ledgerStatus])).toEqual([['SHUANGDAO', '100000', 'POSTED']]);
    expect(ok(await stack.gql(MEMBER, { id: String(poor) }, t.county1)).member.isShuangdao).toBe(true);
  });

  it('WITHDRAWAL_TOO_EARLY and NOTHING_TO_WITHDRAW', async () => {
    const [early, none, sdOnly] = await addMembers(stack, COOP_D, [{ name: '白玉兰' }, { name: '王德明' }, { name: '田玉霞' }], '2024-01-01');
    ok(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'c-early', memberId: String(early), paidOn: '2024-03-01', source: 'HOUSEHOLD' } }, t.township11));
    const r = await stack.gql(WITHDRAW, { i: { idempotencyKey: 'w-early', memberId: String(early), on: '2025-02-28' } }, t.township11);
    expectCode(r, 'WITHDRAWAL_TOO_EARLY');
    expect(r.errors![0]!.extensions!.details).toEqual({ months: 12 });
    expectCode(await stack.gql(WITHDRAW, { i: { idempotencyKey: 'w-none', memberId: String(none), on: '2025-09-01' } }, t.township11), 'NOTHING_TO_WITHDRAW');
    ok(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'c-sdonly', memberId: String(sdOnly), paidOn: '2023-03-01', source: 'SHUANGDAO' } }, t.township11));
    expectCode(await stack.gql(WITHDRAW, { i: { idempotencyKey: 'w-sdonly', memberId: String(sdOnly), on: '2025-09-01' } }, t.township11), 'NOTHING_TO_WITHDRAW');
    expect(await withSql(stack.urls.members, (c) => c.query(`select count(*)::int n from contribution where kind = 'HOUSEHOLD_WITHDRAWAL' and member_id = any($1)`, [[early, none, sdOnly]])).then((x) => x.rows[0].n)).toBe(0);
  });

  it('withdrawal returns only the own part; the member leaves the cooperative and its group', async () => {
    const ids = await addMembers(stack, COOP_D, [{ name: '甲' }, { name: '乙' }, { name: '丙' }, { name: '丁' }, { name: '戊' }], '2023-01-01');
    const boardD = await stack.token({ sub: 'board:103', role: 'COOPERATIVE', cooperatives: [COOP_D] });
    ok(await stack.gql(GROUP, { i: { cooperativeId: String(COOP_D), name: '四墩子一组', memberIds: ids.map(String), formedOn: '2023-02-01' } }, boardD));
    const [guarantor, guaranteed] = await addMembers(stack, COOP_D, [{ name: '己', party: true }, { name: '庚' }], '2023-01-01') as [number, number];
    const pg = ok(await stack.gql(PARTY, { i: { memberId: String(guaranteed), guarantorMemberId: String(guarantor), formedOn: '2023-02-01' } }, boardD)).assignPartyGuarantor;
    ok(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'c-g', memberId: String(guarantor), paidOn: '2023-03-15', source: 'HOUSEHOLD' } }, boardD));
    ok(await stack.gql(WITHDRAW, { i: { idempotencyKey: 'w-g', memberId: String(guarantor), on: '2024-03-15' } }, boardD));
    const ended = ok(await stack.gql(`query($id: ID!) { guaranteeGroup(id: $id) { status } member(id: "${guaranteed}") { guaranteeGroup { id } } }`, { id: pg.id }, boardD));
    expect(ended).toEqual({ guaranteeGroup: { status: 'DISSOLVED' }, member: { guaranteeGroup: null } }); // the guarantee ends with the guarantor's membership
    ok(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'c-w', memberId: String(ids[0]), paidOn: '2023-03-15', source: 'HOUSEHOLD' } }, boardD));
    const w = ok(await stack.gql(WITHDRAW, { i: { idempotencyKey: 'w-ok', memberId: String(ids[0]), on: '2024-03-15' } }, boardD)).withdrawContribution;
    expect(w).toMatchObject({
      status: 'WITHDRAWN', leftOn: '2024-03-15', guaranteeGroup: null,
      contributionTotals: { household: '40000', governmentSubsidy: '60000', shuangdao: '0', withdrawn: '40000', ownBalance: '0' },
    });
    expect(await ledgerTxns(COOP_D, 'CONTRIBUTION_RETURN')).toBe(2);
    const g = ok(await stack.gql(`query($id: ID!) { member(id: $id) { guaranteeGroup { members { id } } } }`, { id: String(ids[1]) }, boardD)).member.guaranteeGroup;
    expect(g.members.map((m: any) => Number(m.id))).toEqual(ids.slice(1));
    // withdrawn: no second withdrawal, no new contribution
    expectCode(await stack.gql(WITHDRAW, { i: { idempotencyKey: 'w-ok-2', memberId: String(ids[0]), on: '2024-04-01' } }, boardD), 'MEMBER_NOT_ACTIVE');
    expectCode(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'c-w-2', memberId: String(ids[0]), paidOn: '2024-04-01', source: 'HOUSEHOLD' } }, boardD), 'MEMBER_NOT_ACTIVE');
    expect(await auditRows('memberWithdrawn', ids[0]!)).toHaveLength(1);
  });

  it('OUT_OF_SCOPE: the board of another cooperative cannot record a contribution', async () => {
    const [m] = await addMembers(stack, WORLD.coopA, [{ name: '张玉兰' }]);
    expectCode(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'oos', memberId: String(m), paidOn: '2024-01-01', source: 'HOUSEHOLD' } }, t.boardB), 'OUT_OF_SCOPE');
    expectCode(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'nf', memberId: '999999', paidOn: '2024-01-01', source: 'HOUSEHOLD' } }, t.boardB), 'NOT_FOUND');
  });

  it('a refusal by the ledger compensates: the pending rows and the key are gone, a retry works', async () => {
    const [m] = await addMembers(stack, COOP_D, [{ name: '马成林' }], '2023-01-01');
    const refusing: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'x', extensions: { code: 'INSUFFICIENT_FUND', messageZh: '可借资金不足', messageEn: 'Not enough lendable money in the fund', details: {} } }] }));
    });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', () => r()));
    const realLoans = process.env.LOANS_URL;
    process.env.LOANS_URL = `http://127.0.0.1:${(refusing.address() as { port: number }).port}/graphql`;
    const input = { idempotencyKey: 'c-refused', memberId: String(m), paidOn: '2023-05-01', source: 'HOUSEHOLD' };
    try {
      expectCode(await stack.gql(CONTRIBUTE, { i: input }, t.township11), 'INSUFFICIENT_FUND');
    } finally {
      process.env.LOANS_URL = realLoans;
      await new Promise<void>((r) => refusing.close(() => r()));
    }
    const left = await withSql(stack.urls.members, (c) => c.query(`select count(*)::int n from contribution where member_id = $1`, [m]));
    expect(left.rows[0].n).toBe(0);
    expect(await withSql(stack.urls.members, (c) => c.query(`select count(*)::int n from audit_log where action = 'compensateContribution'`)).then((x) => x.rows[0].n)).toBe(2);
    const rows = ok(await stack.gql(CONTRIBUTE, { i: input }, t.township11)).recordContribution;
    expect(rows.map((r: any) => r.ledgerStatus)).toEqual(['POSTED', 'POSTED']);
  });

  it('SAGA_STEP_FAILED leaves a withdrawal pending; reconciliation posts it and the member leaves', async () => {
    const [m] = await addMembers(stack, COOP_D, [{ name: '李凤英' }], '2022-01-01');
    ok(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'c-rec', memberId: String(m), paidOn: '2022-02-01', source: 'HOUSEHOLD' } }, t.township11));
    const realLoans = process.env.LOANS_URL;
    process.env.LOANS_URL = 'http://127.0.0.1:9/graphql';
    try {
      expectCode(await stack.gql(WITHDRAW, { i: { idempotencyKey: 'w-rec', memberId: String(m), on: '2024-02-01' } }, t.township11), 'SAGA_STEP_FAILED');
    } finally {
      process.env.LOANS_URL = realLoans;
    }
    let member = ok(await stack.gql(MEMBER, { id: String(m) }, t.county1)).member;
    expect(member.status).toBe('ACTIVE');
    expect(member.contributions.map((c: any) => [c.kind, c.ledgerStatus])).toEqual([['HOUSEHOLD', 'POSTED'], ['GOVERNMENT_SUBSIDY', 'POSTED'], ['HOUSEHOLD_WITHDRAWAL', 'PENDING']]);
    const report = await reconcileSagas(stack.subgraphs.members!.orm, CONTRIBUTION_STEPS);
    expect(report).toMatchObject({ done: 1, compensated: 0, retried: 0, failed: 0, pendingSteps: [], failedSteps: [] });
    member = ok(await stack.gql(MEMBER, { id: String(m) }, t.county1)).member;
    expect(member).toMatchObject({ status: 'WITHDRAWN', leftOn: '2024-02-01' });
    expect(member.contributions[2].ledgerStatus).toBe('POSTED');
    // the same request repeated by the client after the outage: same result, nothing posted twice
    const before = await ledgerTxns(COOP_D, 'CONTRIBUTION_RETURN');
    ok(await stack.gql(WITHDRAW, { i: { idempotencyKey: 'w-rec', memberId: String(m), on: '2024-02-01' } }, t.township11));
    expect(await ledgerTxns(COOP_D, 'CONTRIBUTION_RETURN')).toBe(before);
    expect((await reconcileSagas(stack.subgraphs.members!.orm, CONTRIBUTION_STEPS)).done).toBe(0);
  });
});

describe('insurance and shareholdings', () => {
  it('records a policy; insuredMemberCount counts active members covered on the date', async () => {
    const [a, b] = await addMembers(stack, WORLD.coopB, [{ name: '何建军' }, { name: '王桂花' }]);
    const rec = (m: number, startsOn: string, endsOn: string, token = t.county1) =>
      stack.gql(`mutation($i: RecordInsurancePolicyInput!) { recordInsurancePolicy(input: $i) { id insurer premium sumInsured startsOn endsOn } }`,
        { i: { memberId: String(m), insurer: '中国人寿', policyNo: `P-${m}-${startsOn}`, premium: '5000', sumInsured: '5000000', startsOn, endsOn } }, token);
    expect(ok(await rec(a!, '2024-01-01', '2024-12-31')).recordInsurancePolicy).toMatchObject({ premium: '5000', sumInsured: '5000000' });
    ok(await rec(a!, '2025-01-01', '2025-12-31', t.boardB));
    ok(await rec(b!, '2024-06-01', '2025-05-31', t.township12));
    expectCode(await rec(b!, '2024-06-01', '2024-05-31'), 'INVALID_INPUT');
    expectCode(await rec(b!, '2024-06-01', '2025-05-31', t.boardA), 'OUT_OF_SCOPE');
    const q = `query($id: ID!) { cooperative(id: $id) { a: insuredMemberCount(asOf: "2024-03-01") b: insuredMemberCount(asOf: "2024-07-01") c: insuredMemberCount(asOf: "2026-01-01") } }`;
    expect(ok(await stack.gql(q, { id: String(WORLD.coopB) }, t.county1)).cooperative).toEqual({ a: 1, b: 2, c: 0 });
    const m = ok(await stack.gql(`query($id: ID!) { member(id: $id) { insurancePolicies { startsOn } } }`, { id: String(a) }, t.boardB)).member;
    expect(m.insurancePolicies).toEqual([{ startsOn: '2024-01-01' }, { startsOn: '2025-01-01' }]);
  });

  it('records shareholdings of poor households; 双到 shares need 双到 money', async () => {
    const [m] = await addMembers(stack, WORLD.coopB, [{ name: '海兰英' }]);
    const rec = (source: string) => stack.gql(`mutation($i: RecordShareholdingInput!) { recordShareholding(input: $i) { source amount returns acquiredOn } }`,
      { i: { memberId: String(m), farmerCooperativeZh: '滩羊养殖合作社', farmerCooperativeEn: 'Tan Sheep Cooperative', source, amount: '100000', acquiredOn: '2024-04-01' } }, t.boardB);
    expectCode(await rec('SHUANGDAO'), 'INVALID_INPUT');
    expect(ok(await rec('MUTUAL_AID')).recordShareholding).toEqual({ source: 'MUTUAL_AID', amount: '100000', returns: '0', acquiredOn: '2024-04-01' });
    const got = ok(await stack.gql(`query($id: ID!) { member(id: $id) { shareholdings { farmerCooperativeZh amount } } }`, { id: String(m) }, t.boardB)).member;
    expect(got.shareholdings).toEqual([{ farmerCooperativeZh: '滩羊养殖合作社', amount: '100000' }]);
  });
});

describe('scoped reads', () => {
  const COOPS = `{ counties { id townships { id villages { id } } } cooperatives { totalCount edges { node { id } } } }`;
  const ids = (r: any) => r.cooperatives.edges.map((e: any) => Number(e.node.id));
  let memberA: number;
  let otherA: number;
  beforeAll(async () => {
    [memberA, otherA] = await addMembers(stack, WORLD.coopA, [{ name: '杨志华' }, { name: '李秀英' }]) as [number, number];
  });

  it('REGION sees everything', async () => {
    const r = ok(await stack.gql(COOPS, {}, t.region));
    expect(r.counties.map((c: any) => Number(c.id))).toEqual([1, 2]);
    expect(ids(r)).toEqual([101, 102, 103, 201]);
  });

  it('COUNTY sees its county only', async () => {
    const r = ok(await stack.gql(COOPS, {}, t.county1));
    expect(r.counties.map((c: any) => Number(c.id))).toEqual([1]);
    expect(r.counties[0].townships.map((x: any) => Number(x.id))).toEqual([11, 12]);
    expect(ids(r)).toEqual([101, 102, 103]);
    expect(r.cooperatives.totalCount).toBe(3);
    const other = ok(await stack.gql(`{ county(id: "2") { id } cooperative(id: "201") { id } }`, {}, t.county1));
    expect(other).toEqual({ county: null, cooperative: null });
  });

  it('TOWNSHIP sees its townships only', async () => {
    const r = ok(await stack.gql(COOPS, {}, t.township11));
    expect(r.counties).toEqual([{ id: '1', townships: [{ id: '11', villages: [{ id: '1011' }, { id: '1012' }] }] }]);
    expect(ids(r)).toEqual([101, 103]);
    expect(ok(await stack.gql(`{ cooperative(id: "102") { id } }`, {}, t.township11)).cooperative).toBeNull();
  });

  it('COOPERATIVE sees its cooperative only', async () => {
    const r = ok(await stack.gql(COOPS, {}, t.boardA));
    expect(r.counties).toEqual([{ id: '1', townships: [{ id: '11', villages: [{ id: '1011' }] }] }]);
    expect(ids(r)).toEqual([101]);
    const m = ok(await stack.gql(`query($c: ID!) { members(cooperativeId: $c) { totalCount } }`, { c: String(WORLD.coopB) }, t.boardA));
    expect(m.members.totalCount).toBe(0);
  });

  it('MEMBER sees only itself', async () => {
    const me = await stack.token({ sub: `member:${memberA}`, role: 'MEMBER', member: memberA, cooperatives: [WORLD.coopA] });
    const r = ok(await stack.gql(`query($me: ID!, $other: ID!, $c: ID!) {
      me: member(id: $me) { id headName cooperative { id } } other: member(id: $other) { id }
      members(cooperativeId: $c) { totalCount edges { node { id } } } }`, { me: String(memberA), other: String(otherA), c: String(WORLD.coopA) }, me));
    expect(r.me).toEqual({ id: String(memberA), headName: '杨志华', cooperative: { id: String(WORLD.coopA) } });
    expect(r.other).toBeNull();
    expect(r.members).toEqual({ totalCount: 1, edges: [{ node: { id: String(memberA) } }] });
  });

  it('no token: every protected field says UNAUTHENTICATED, none reads as empty', async () => {
    const r = await stack.gql(`query($m: ID!) { counties { id } cooperatives { totalCount } cooperative(id: "101") { id } member(id: $m) { id } }`, { m: String(memberA) });
    expect(r.data).toEqual({ counties: null, cooperatives: null, cooperative: null, member: null });
    expect(r.errors!.map((e) => [e.path?.[0], e.extensions?.code]).sort()).toEqual(
      [['cooperative', 'UNAUTHENTICATED'], ['cooperatives', 'UNAUTHENTICATED'], ['counties', 'UNAUTHENTICATED'], ['member', 'UNAUTHENTICATED']],
    );
  });

  it('BANK and ENTERPRISE are told they may not read member data here (their subgraphs will scope them)', async () => {
    for (const tok of [t.bank, t.enterprise]) expectCode(await stack.gql(`{ cooperatives { totalCount } }`, {}, tok), 'FORBIDDEN');
  });

  it('counts active members per cooperative', async () => {
    const r = ok(await stack.gql(`{ cooperatives(countyId: "1") { edges { node { id memberCount registeredPoorCount partyMemberCount } } } }`, {}, t.county1));
    const direct = await withSql(stack.urls.members, (c) => c.query(`select cooperative_id as id, count(*)::int as n,
        count(*) filter (where poverty_status = 'REGISTERED_POOR')::int as poor, count(*) filter (where is_party_member)::int as party
      from member where status = 'ACTIVE' and county_id = 1 group by cooperative_id order by cooperative_id`));
    expect(r.cooperatives.edges.map((e: any) => e.node).filter((n: any) => n.memberCount > 0)).toEqual(
      direct.rows.map((d) => ({ id: String(d.id), memberCount: d.n, registeredPoorCount: d.poor, partyMemberCount: d.party })),
    );
  });
});

describe('paging and batching', () => {
  it('pages members by id with an opaque cursor; totalCount ignores the cursor', async () => {
    const all = ok(await stack.gql(`{ members(cooperativeId: "101", first: 500) { totalCount edges { node { id } } } }`, {}, t.county1)).members;
    const want = all.edges.map((e: any) => e.node.id);
    expect(want.length).toBe(all.totalCount);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const p: any = ok(await stack.gql(`query($a: String) { members(cooperativeId: "101", first: 4, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`, { a: after }, t.county1)).members;
      expect(p.totalCount).toBe(all.totalCount);
      seen.push(...p.edges.map((e: any) => e.node.id));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(seen).toEqual(want);
    expectCode(await stack.gql(`{ members(cooperativeId: "101", first: 501) { totalCount } }`, {}, t.county1), 'INVALID_INPUT');
    expectCode(await stack.gql(`{ members(cooperativeId: "101", after: "bm9wZQ==") { totalCount } }`, {}, t.county1), 'INVALID_INPUT');
  });

  it('a deep dashboard query costs the same number of SQL statements however many rows it returns', async () => {
    const q = `{ counties { townships { cooperatives { edges { node { id memberCount registeredPoorCount insuredMemberCount(asOf: "2024-07-01")
      village { nameZh } guaranteeGroups { members { id } guarantor { id } }
      members(first: 100) { totalCount edges { node { id isShuangdao contributionTotals { ownBalance } contributions { amount }
        guaranteeGroup { id } insurancePolicies { id } shareholdings { id } cooperative { id } residenceVillage { id } } } } } } } } } }`;
    const count = async () => {
      const before = sqlStats.statements;
      const r = ok(await stack.gql(q, {}, t.region));
      return { n: sqlStats.statements - before, r };
    };
    const first = await count();
    await addMembers(stack, WORLD.coopB, Array.from({ length: 15 }, (_, i) => ({ name: `新户${i}` })));
    const second = await count();
    const members = (r: any) => r.counties.flatMap((c: any) => c.townships.flatMap((t: any) => t.cooperatives.edges.flatMap((e: any) => e.node.members.edges))).length;
    expect(members(second.r)).toBe(members(first.r) + 15);
    expect(second.n).toBe(first.n);
    expect(second.n).toBeLessThanOrEqual(20);
  });
});

describe('federation and internal operations', () => {
  it('the gateway does not expose the internal queries', async () => {
    const r = await stack.gql(`{ _borrowerFacts(memberId: 1) { memberId } }`, {}, t.region);
    expectClean(r);
    expect(r.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('internal facts: SERVICE only, full shapes the loans subgraph reads', async () => {
    const ids = await addMembers(stack, WORLD.coopB, [{ name: '甲' }, { name: '乙' }, { name: '丙' }, { name: '丁', party: true }]);
    ok(await stack.gql(GROUP, { i: { cooperativeId: String(WORLD.coopB), name: '新泉井一组', memberIds: ids.map(String), formedOn: '2024-02-01' } }, t.boardB)); // coop B's group size is 4 now
    const q = `query($m: Int!, $c: Int!) {
      _borrowerFacts(memberId: $m) { memberId memberCooperativeId memberStatus headName cardAccount povertyStatus isShuangdao isPartyMember
        cooperative { cooperativeId countyId townshipId status managementMode maxFirstLoan feeRateBp splitCapitalBp cashLimit }
        guarantee { kind groupId memberIds guarantorMemberId } }
      _cooperativeFacts(cooperativeId: $c) { cooperativeId maxLoan concentrationBp }
      none: _borrowerFacts(memberId: 999999) { memberId } }`;
    const vars = { m: ids[3], c: WORLD.coopB };
    expectCode(await stack.subgraphGql('members', q, vars, t.region), 'FORBIDDEN');
    const service = await stack.token({ sub: 'service:loans', role: 'SERVICE' });
    const r = ok(await stack.subgraphGql('members', q, vars, service));
    expect(r._borrowerFacts).toMatchObject({
      memberId: ids[3], memberCooperativeId: WORLD.coopB, memberStatus: 'ACTIVE', headName: '丁', cardAccount: expect.stringMatching(/^\d{19}$/),
      povertyStatus: 'REGISTERED_POOR', isShuangdao: false, isPartyMember: true,
      cooperative: { cooperativeId: WORLD.coopB, countyId: 1, townshipId: 12, status: 'ACTIVE', managementMode: 'TOWNSHIP_BANK_ONLY', maxFirstLoan: '500000', feeRateBp: 500, splitCapitalBp: 4000, cashLimit: '200000' },
      guarantee: { kind: 'JOINT', memberIds: ids, guarantorMemberId: null },
    });
    expect(r._cooperativeFacts).toEqual({ cooperativeId: WORLD.coopB, maxLoan: '1000000', concentrationBp: 500 });
    expect(r.none).toBeNull();
  });

  it('resolves Member and Cooperative references in scope only', async () => {
    const [m] = await addMembers(stack, WORLD.coopA, [{ name: '马金山' }]);
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id headNameMasked } ... on Cooperative { id nameZh } } }`;
    const reps = [{ __typename: 'Member', id: String(m) }, { __typename: 'Cooperative', id: '101' }, { __typename: 'Cooperative', id: '201' }];
    const asA = ok(await stack.subgraphGql('members', q, { r: reps }, t.boardA))._entities;
    expect(asA).toEqual([{ id: String(m), headNameMasked: '马*山' }, { id: '101', nameZh: '柳杨堡村互助社' }, null]);
  });
});

describe('errors', () => {
  it('carry extensions.code and no stack trace', async () => {
    const responses = [
      await stack.gql(ADMIT, { i: admitInput(WORLD.coopA, 1012) }, t.boardA),
      await stack.gql(`{ member(id: "abc") { id } }`, {}, t.county1),
      await stack.gql(`{ nope }`, {}, t.county1),
      await stack.gql(POLICY, { i: { cooperativeId: '101', share: '1.5' } }, t.county1),
      await stack.gql(`{ counties { id } }`, {}, 'not-a-token'),
    ];
    for (const r of responses) expectClean(r);
  });
});

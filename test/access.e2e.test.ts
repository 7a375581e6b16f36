import { addGroup, addMembers, createWorld, grantCooperatives, inject, tokens, validIdNumber, WORLD } from './fixtures';
import { claimsFromArgs } from '../infra/token-args';
import { expectCode, ok } from './support/expect';
import { startStack, type Stack } from './support/stack';

/** For each role: one allowed and one refused read, one allowed and one refused write, across cooperatives. */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
let a: number[]; // members of cooperative A
let b: number; // a member of cooperative B
afterAll(() => stack?.stop());

beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  a = await addMembers(stack, WORLD.coopA, [{ name: '马万福' }, { name: '杨春花' }, { name: '李正清' }, { name: '王永红' }, { name: '张秀兰' }, { name: '田有才' }]);
  [b] = (await addMembers(stack, WORLD.coopB, [{ name: '丁玉宝' }])) as [number];
  await addGroup(stack, WORLD.coopA, a.slice(0, 5));
  await inject(stack, t.county1, WORLD.coopA, 10_000_000n, 'cap-A');
  await inject(stack, t.county2, WORLD.coopC, 10_000_000n, 'cap-C');
});

const COOP = `query($id: ID!) { cooperative(id: $id) { id nameZh fund { bankDeposit } } }`;
const MEMBER = `query($id: ID!) { member(id: $id) { id headName } }`;
const POLICY = `mutation($i: UpdateCooperativePolicyInput!) { updateCooperativePolicy(input: $i) { id policy { feeRateBp } } }`;
const APPLY = `mutation($i: ApplyForLoanInput!) { applyForLoan(input: $i) { id } }`;
const INJECT = `mutation($i: InjectCapitalInput!) { injectCapital(input: $i) }`;
const ADMIT = `mutation($i: AdmitMemberInput!) { admitMember(input: $i) { id } }`;
const GROUP = `mutation($i: FormGuaranteeGroupInput!) { formGuaranteeGroup(input: $i) { id } }`;
let n = 0;
const applyVars = (coop: number, member: number) => ({
  i: { idempotencyKey: `acc-${++n}`, cooperativeId: String(coop), memberId: String(member), amount: '100000', termMonths: 12, repaymentMode: 'BULLET', purpose: 'SHEEP', appliedOn: '2024-03-01' },
});
const injectVars = (coop: number) => ({ i: { idempotencyKey: `inj-${++n}`, cooperativeId: String(coop), amount: '100', source: 'DONATION', on: '2024-02-01' } });
const admitVars = (coop: number, village: number) => ({
  i: { cooperativeId: String(coop), householdNo: `AC-${++n}`, headName: '冯学军', idNumber: validIdNumber(`64032319850101${String(100 + n).slice(-3)}`), residenceVillageId: String(village), householdSize: 4, povertyStatus: 'ORDINARY', joinedOn: '2024-02-01' },
});
const coopOf = async (token: string | undefined, id: number) => (await stack.gql(COOP, { id: String(id) }, token)).data?.cooperative ?? null;

it('REGION: reads every county, injects capital anywhere, but does not run a cooperative\'s loans', async () => {
  expect(await coopOf(t.region, WORLD.coopC)).toMatchObject({ id: String(WORLD.coopC) });
  ok(await stack.gql(INJECT, injectVars(WORLD.coopC), t.region));
  expectCode(await stack.gql(APPLY, applyVars(WORLD.coopA, a[0]!), t.region), 'FORBIDDEN');
  expectCode(await stack.subgraphGql('members', `{ _borrowerFacts(memberId: ${a[0]}) { memberId } }`, {}, t.region), 'FORBIDDEN');
});

it('COUNTY: its own county only, for reads and policy changes', async () => {
  expect(await coopOf(t.county1, WORLD.coopA)).toMatchObject({ fund: { bankDeposit: '10000000' } });
  expect(await coopOf(t.county1, WORLD.coopC)).toBeNull();
  expect(ok(await stack.gql(POLICY, { i: { cooperativeId: String(WORLD.coopA), feeRateBp: 550 } }, t.county1)).updateCooperativePolicy.policy.feeRateBp).toBe(550);
  expectCode(await stack.gql(POLICY, { i: { cooperativeId: String(WORLD.coopC), feeRateBp: 550 } }, t.county1), 'OUT_OF_SCOPE');
});

it('TOWNSHIP: its townships\' cooperatives only', async () => {
  expect(await coopOf(t.township11, WORLD.coopA)).not.toBeNull();
  expect(await coopOf(t.township11, WORLD.coopB)).toBeNull();
  ok(await stack.gql(ADMIT, admitVars(WORLD.coopA, WORLD.villageA), t.township11));
  expectCode(await stack.gql(ADMIT, admitVars(WORLD.coopB, WORLD.villageB), t.township11), 'OUT_OF_SCOPE');
});

it('COOPERATIVE board: its own cooperative only, and no policy changes', async () => {
  expect(ok(await stack.gql(MEMBER, { id: String(a[0]) }, t.boardA)).member).toMatchObject({ headName: '马万福' });
  expect(ok(await stack.gql(MEMBER, { id: String(b) }, t.boardA)).member).toBeNull();
  ok(await stack.gql(APPLY, applyVars(WORLD.coopA, a[1]!), t.boardA));
  expectCode(await stack.gql(APPLY, applyVars(WORLD.coopB, b), t.boardA), 'OUT_OF_SCOPE');
  expectCode(await stack.gql(POLICY, { i: { cooperativeId: String(WORLD.coopA), feeRateBp: 500 } }, t.boardA), 'FORBIDDEN');
});

it('UNION: reads the cooperatives granted to its union (not those its token lists), writes nothing here', async () => {
  await grantCooperatives(stack, 'UNION', 7, [WORLD.coopA, WORLD.coopB]);
  await grantCooperatives(stack, 'BANK', 7, [WORLD.coopC]); // another grantee kind with the same id grants nothing
  // the token's cooperatives claim is not what scopes a union
  const union = await stack.token(claimsFromArgs(['--role', 'UNION', '--union', '7', '--cooperative', String(WORLD.coopC)])!.claims); // npm run token's flags
  expect(await coopOf(union, WORLD.coopB)).toMatchObject({ id: String(WORLD.coopB) });
  expect(await coopOf(union, WORLD.coopA)).toMatchObject({ fund: { bankDeposit: '10000000' } }); // from loans' own grants
  expect(await coopOf(union, WORLD.coopC)).toBeNull();
  expect(ok(await stack.gql(MEMBER, { id: String(b) }, union)).member).toMatchObject({ headName: '丁玉宝' });
  const list = ok(await stack.gql(`{ cooperatives(first: 50) { edges { node { id } } } }`, {}, union)).cooperatives.edges.map((e: { node: { id: string } }) => e.node.id);
  expect(list.sort()).toEqual([String(WORLD.coopA), String(WORLD.coopB)].sort());
  expect(ok(await stack.gql(`query { trialBalance(cooperativeId: "${WORLD.coopA}") { net } }`, {}, union)).trialBalance.net).toBe('0');
  expectCode(await stack.gql(`query { trialBalance(cooperativeId: "${WORLD.coopC}") { net } }`, {}, union), 'NOT_FOUND');
  expectCode(await stack.gql(APPLY, applyVars(WORLD.coopA, a[2]!), union), 'FORBIDDEN');
  expectCode(await stack.gql(INJECT, injectVars(WORLD.coopA), union), 'FORBIDDEN');
  // a union without grants, or a UNION token without a union, sees nothing
  for (const none of [await stack.token({ sub: 'union:8', role: 'UNION', union: 8 }), await stack.token({ sub: 'union:?', role: 'UNION', cooperatives: [WORLD.coopA] })]) {
    expect(await coopOf(none, WORLD.coopA)).toBeNull();
    expect(ok(await stack.gql(MEMBER, { id: String(a[0]) }, none)).member).toBeNull();
    expect(ok(await stack.gql(`{ cooperatives(first: 50) { totalCount } }`, {}, none)).cooperatives.totalCount).toBe(0);
  }
});

it('BANK and ENTERPRISE: only the public board here; no writes', async () => {
  for (const token of [t.bank, t.enterprise]) {
    expect(await coopOf(token, WORLD.coopA)).toBeNull();
    expect(ok(await stack.gql(`query { disclosureBoard(cooperativeId: "${WORLD.coopA}") { totalCount } }`, {}, token)).disclosureBoard.totalCount).toBeGreaterThan(0);
    expectCode(await stack.gql(INJECT, injectVars(WORLD.coopA), token), 'FORBIDDEN');
  }
});

it('AUDITOR: reads everything in scope, changes nothing', async () => {
  expect(ok(await stack.gql(`query { trialBalance(cooperativeId: "${WORLD.coopA}") { net } }`, {}, t.auditor1)).trialBalance.net).toBe('0');
  expectCode(await stack.gql(`query { trialBalance(cooperativeId: "${WORLD.coopC}") { net } }`, {}, t.auditor1), 'NOT_FOUND');
  expectCode(await stack.gql(GROUP, { i: { cooperativeId: String(WORLD.coopA), name: '审计组', memberIds: a.slice(0, 5).map(String), formedOn: '2024-02-01' } }, t.auditor1), 'FORBIDDEN');
});

it('MEMBER: sees only itself and applies only for itself', async () => {
  const me = await stack.token({ sub: `member:${a[3]}`, role: 'MEMBER', member: a[3], cooperatives: [WORLD.coopA] });
  expect(ok(await stack.gql(MEMBER, { id: String(a[3]) }, me)).member).toMatchObject({ headName: '王永红' });
  expect(ok(await stack.gql(MEMBER, { id: String(a[4]) }, me)).member).toBeNull();
  ok(await stack.gql(APPLY, applyVars(WORLD.coopA, a[3]!), me));
  expectCode(await stack.gql(APPLY, applyVars(WORLD.coopA, a[4]!), me), 'OUT_OF_SCOPE');
});

it('SERVICE: internal operations answer a service token on the subgraph, and are not in the public API at all', async () => {
  const svc = await stack.token({ sub: 'service:test', role: 'SERVICE' });
  expect(ok(await stack.subgraphGql('members', `{ _borrowerFacts(memberId: ${a[0]}) { memberId cooperative { cooperativeId } } }`, {}, svc))._borrowerFacts).toMatchObject({ memberId: a[0] });
  const viaGateway = await stack.gql(`{ _borrowerFacts(memberId: ${a[0]}) { memberId } }`, {}, svc);
  expect(viaGateway.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
});

it('no token: the public disclosure board only', async () => {
  expect(ok(await stack.gql(`query { disclosureBoard(cooperativeId: "${WORLD.coopA}") { edges { node { kind nameMasked } } } }`)).disclosureBoard.edges.length).toBeGreaterThan(0);
  expect(await coopOf(undefined, WORLD.coopA)).toBeNull();
  expectCode(await stack.gql(INJECT, injectVars(WORLD.coopA)), 'UNAUTHENTICATED');
});

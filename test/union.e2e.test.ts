import { createWorld, inject, tokens, withSql, WORLD } from './fixtures';
import { expectCode, ok } from './support/expect';
import { startStack, type Stack } from './support/stack';

/** The union subgraph, step 1: founding unions, joining and leaving, and the grants that give a UNION token its cooperatives. */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
afterAll(() => stack?.stop());

beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  await inject(stack, t.county1, WORLD.coopA, 10_000_000n, 'union-cap-A');
});

const FOUND = `mutation($i: FoundUnionInput!) { foundCooperativeUnion(input: $i) { id level townshipId nameZh county { id } policy { feeRateMinBp feeRateMaxBp maxLenderShareBp maxTermDays countyApprovalAbove lenderFeeShareBp } } }`;
const POLICY = `mutation($i: UpdateUnionPolicyInput!) { updateUnionPolicy(input: $i) { id policy { feeRateMaxBp lenderFeeShareBp } } }`;
const JOIN = `mutation($i: JoinUnionInput!) { joinCooperativeUnion(input: $i) { id level joinedOn leftOn union { id } cooperative { id } } }`;
const LEAVE = `mutation($i: LeaveUnionInput!) { leaveCooperativeUnion(input: $i) { id leftOn leaveReason } }`;
const UNION = `query($id: ID!) { cooperativeUnion(id: $id) { id nameZh members { totalCount edges { node { cooperative { id nameZh } joinedOn } } } } }`;
const COOP = `query($id: ID!) { cooperative(id: $id) { id nameZh fund { bankDeposit } } }`;
const COOP_UNIONS = `query($id: ID!) { cooperative(id: $id) { id unions { level union { id nameZh } } } }`;

const county = (countyId: number, extra: object = {}) => ({
  i: { level: 'COUNTY', countyId: String(countyId), nameZh: '盐池县互助资金联合社', nameEn: 'Yanchi County Mutual-Aid Union', foundedOn: '2020-01-01', ...extra },
});
const township = (townshipId: number, extra: object = {}) => ({
  i: { level: 'TOWNSHIP', countyId: '1', townshipId: String(townshipId), nameZh: '花马池镇互助资金联合社', nameEn: 'Huamachi Town Mutual-Aid Union', foundedOn: '2021-01-01', ...extra },
});
const join = (unionId: string, coop: number, joinedOn = '2021-03-01') => ({ i: { unionId, cooperativeId: String(coop), joinedOn, documentNo: '盐扶发〔2021〕12号' } });

let countyUnion: string;
let townUnion: string;
let unionToken: string;

it('a county founds a county union with the documented defaults and a township union of its own township', async () => {
  const u = ok(await stack.gql(FOUND, county(1), t.county1)).foundCooperativeUnion;
  expect(u).toMatchObject({
    level: 'COUNTY', townshipId: null, county: { id: '1' },
    policy: { feeRateMinBp: 300, feeRateMaxBp: 500, maxLenderShareBp: 5000, maxTermDays: 365, countyApprovalAbove: '20000000', lenderFeeShareBp: 8000 },
  });
  countyUnion = u.id;
  const tu = ok(await stack.gql(FOUND, township(11, { policy: { feeRateMaxBp: 450 } }), t.county1)).foundCooperativeUnion;
  expect(tu).toMatchObject({ level: 'TOWNSHIP', townshipId: '11', policy: { feeRateMinBp: 300, feeRateMaxBp: 450 } });
  townUnion = tu.id;
  unionToken = await stack.token({ sub: `union:${countyUnion}`, role: 'UNION', union: Number(countyUnion) });
});

it('founding is refused: a second union of one area, a township of another county, a bad policy, the wrong role or county', async () => {
  expectCode(await stack.gql(FOUND, county(1), t.county1), 'UNION_EXISTS');
  expectCode(await stack.gql(FOUND, township(21), t.county1), 'UNION_AREA_MISMATCH');
  expectCode(await stack.gql(FOUND, { i: { ...township(12).i, townshipId: null } }, t.county1), 'UNION_AREA_MISMATCH');
  expectCode(await stack.gql(FOUND, county(2, { policy: { feeRateMinBp: 600, feeRateMaxBp: 500 } }), t.county2), 'UNION_POLICY_INVALID');
  expectCode(await stack.gql(FOUND, county(2, { policy: { maxTermDays: 0 } }), t.county2), 'UNION_POLICY_INVALID');
  expectCode(await stack.gql(FOUND, county(2), t.boardC), 'FORBIDDEN');
  expectCode(await stack.gql(FOUND, county(1), t.county2), 'OUT_OF_SCOPE');
  const n = await withSql(stack.urls.union!, async (c) => (await c.query(`select count(*)::int n from cooperative_union`)).rows[0].n);
  expect(n).toBe(2);
});

it('the county changes a union\'s policy with a document number; another county may not', async () => {
  const u = ok(await stack.gql(POLICY, { i: { unionId: countyUnion, policy: { lenderFeeShareBp: 7000 }, documentNo: '盐扶发〔2021〕3号' } }, t.county1)).updateUnionPolicy;
  expect(u.policy).toEqual({ feeRateMaxBp: 500, lenderFeeShareBp: 7000 });
  expectCode(await stack.gql(POLICY, { i: { unionId: countyUnion, policy: { lenderFeeShareBp: 10001 }, documentNo: 'x' } }, t.county1), 'UNION_POLICY_INVALID');
  expectCode(await stack.gql(POLICY, { i: { unionId: countyUnion, policy: { lenderFeeShareBp: 6000 }, documentNo: 'x' } }, t.county2), 'OUT_OF_SCOPE');
});

it('cooperatives join; before the grants the union token sees nothing of them, after it sees them in members and loans', async () => {
  expect(await stack.gql(COOP, { id: String(WORLD.coopA) }, unionToken)).toMatchObject({ data: { cooperative: null } });
  const m = ok(await stack.gql(JOIN, join(countyUnion, WORLD.coopA), t.county1)).joinCooperativeUnion;
  expect(m).toMatchObject({ level: 'COUNTY', joinedOn: '2021-03-01', leftOn: null, union: { id: countyUnion }, cooperative: { id: String(WORLD.coopA) } });
  ok(await stack.gql(JOIN, join(countyUnion, WORLD.coopB), t.county1));
  ok(await stack.gql(JOIN, join(townUnion, WORLD.coopA), t.county1));
  const a = (await stack.gql(COOP, { id: String(WORLD.coopA) }, unionToken)).data?.cooperative;
  expect(a).toMatchObject({ id: String(WORLD.coopA), fund: { bankDeposit: '10000000' } }); // from loans' own grants
  const union = ok(await stack.gql(UNION, { id: countyUnion }, unionToken)).cooperativeUnion;
  expect(union.members.totalCount).toBe(2);
  expect(union.members.edges.map((e: any) => e.node.cooperative.nameZh)).toEqual(['柳杨堡村互助社', expect.any(String)]);
  // the other union a member belongs to is not this token's
  expect(ok(await stack.gql(UNION, { id: townUnion }, unionToken)).cooperativeUnion).toBeNull();
  // directly at members, bypassing the gateway: the grant is a WHERE clause there too
  const direct = await stack.subgraphGql('members', `query($r: [_Any!]!) { _entities(representations: $r) { ... on Cooperative { id } } }`,
    { r: [{ __typename: 'Cooperative', id: String(WORLD.coopA) }, { __typename: 'Cooperative', id: String(WORLD.coopC) }] }, unionToken);
  expect(direct.data?._entities).toEqual([{ id: String(WORLD.coopA) }, null]);
});

it('joining is refused: twice at one level, outside the area, before the founding, an unknown cooperative, the wrong role', async () => {
  expectCode(await stack.gql(JOIN, join(countyUnion, WORLD.coopA), t.county1), 'ALREADY_IN_UNION');
  expectCode(await stack.gql(JOIN, join(townUnion, WORLD.coopB), t.county1), 'COOPERATIVE_OUTSIDE_UNION_AREA');
  expectCode(await stack.gql(JOIN, join(countyUnion, WORLD.coopC), t.county1), 'COOPERATIVE_OUTSIDE_UNION_AREA');
  const stale = await withSql(stack.urls.union!, async (c) => (await c.query(`select count(*)::int n from union_membership`)).rows[0].n);
  expectCode(await stack.gql(JOIN, join(townUnion, WORLD.coopA, '2020-06-01'), t.county1), 'ALREADY_IN_UNION');
  expectCode(await stack.gql(JOIN, join(countyUnion, 999), t.county1), 'NOT_FOUND');
  expectCode(await stack.gql(JOIN, join(countyUnion, WORLD.coopB), t.boardB), 'FORBIDDEN');
  expectCode(await stack.gql(JOIN, join(countyUnion, WORLD.coopB), t.county2), 'OUT_OF_SCOPE');
  const after = await withSql(stack.urls.union!, async (c) => (await c.query(`select count(*)::int n from union_membership`)).rows[0].n);
  expect(after).toBe(stale);
});

it('each cooperative, township and county sees the unions its cooperatives belong to', async () => {
  const a = ok(await stack.gql(COOP_UNIONS, { id: String(WORLD.coopA) }, t.boardA)).cooperative;
  expect(a.unions.map((m: any) => [m.level, m.union.id])).toEqual([['COUNTY', countyUnion], ['TOWNSHIP', townUnion]]);
  const b = ok(await stack.gql(COOP_UNIONS, { id: String(WORLD.coopB) }, t.boardB)).cooperative;
  expect(b.unions.map((m: any) => m.union.id)).toEqual([countyUnion]);
  const list = `{ cooperativeUnions { totalCount edges { node { id } } } }`;
  expect(ok(await stack.gql(list, {}, t.county1)).cooperativeUnions.totalCount).toBe(2);
  expect(ok(await stack.gql(list, {}, t.county2)).cooperativeUnions.totalCount).toBe(0);
  // township 12's bookkeeper: the county union (cooperative B is in it), not township 11's
  expect(ok(await stack.gql(list, {}, t.township12)).cooperativeUnions.edges.map((e: any) => e.node.id)).toEqual([countyUnion]);
  expect(ok(await stack.gql(list, {}, t.boardC)).cooperativeUnions.totalCount).toBe(0);
  expectCode(await stack.gql(list, {}, t.bank), 'FORBIDDEN');
});

it('a cooperative leaves: the grants go in both subgraphs, the membership stays in the history, leaving twice is refused', async () => {
  expectCode(await stack.gql(LEAVE, { i: { unionId: countyUnion, cooperativeId: String(WORLD.coopB), leftOn: '2021-01-01', reason: '合并' } }, t.county1), 'MEMBERSHIP_DATE_INVALID');
  const left = ok(await stack.gql(LEAVE, { i: { unionId: countyUnion, cooperativeId: String(WORLD.coopB), leftOn: '2022-06-30', reason: '理事会决议退出' } }, t.county1)).leaveCooperativeUnion;
  expect(left).toMatchObject({ leftOn: '2022-06-30', leaveReason: '理事会决议退出' });
  expectCode(await stack.gql(LEAVE, { i: { unionId: countyUnion, cooperativeId: String(WORLD.coopB), leftOn: '2022-07-01', reason: 'x' } }, t.county1), 'NOT_IN_UNION');
  expect((await stack.gql(COOP, { id: String(WORLD.coopB) }, unionToken)).data?.cooperative).toBeNull();
  const all = ok(await stack.gql(`query($id: ID!) { cooperativeUnion(id: $id) { members(all: true) { totalCount } current: members { totalCount } auditTrail { action } } }`, { id: countyUnion }, t.county1)).cooperativeUnion;
  expect(all.members.totalCount).toBe(2);
  expect(all.current.totalCount).toBe(1);
  expect(all.auditTrail.map((e: any) => e.action)).toEqual(['foundUnion', 'updateUnionPolicy', 'joinUnion', 'joinUnion', 'leaveUnion']);
});

it('the grants in members and loans equal the union\'s current memberships, and the steps are done', async () => {
  const memberships = await withSql(stack.urls.union!, async (c) =>
    (await c.query(`select union_id, cooperative_id from union_membership where left_on is null order by 1, 2`)).rows.map((r) => `${r.union_id}:${r.cooperative_id}`));
  for (const db of ['members', 'loans']) {
    const grants = await withSql(stack.urls[db]!, async (c) =>
      (await c.query(`select grantee_id, cooperative_id from access_grant where grantee_kind = 'UNION' order by 1, 2`)).rows.map((r) => `${r.grantee_id}:${r.cooperative_id}`));
    expect({ db, grants }).toEqual({ db, grants: memberships });
  }
  const steps = await withSql(stack.urls.union!, async (c) => (await c.query(`select status, count(*)::int n from saga_step group by 1`)).rows);
  expect(steps).toEqual([{ status: 'DONE', n: 8 }]);
  // the grant writer is internal: a county token may not call it at the subgraph
  const r = await stack.subgraphGql('members', `mutation { _membersSetAccessGrant(granteeKind: "UNION", granteeId: 1, cooperativeId: 201, granted: true, idempotencyKey: "x") }`, {}, t.county1);
  expectCode(r, 'FORBIDDEN');
});

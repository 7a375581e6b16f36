import { createWorld, tokens, withSql, WORLD } from './fixtures';
import { expectCode, ok } from './support/expect';
import { startStack, type Stack } from './support/stack';

/**
 * Issue 14, inspections (检查指导): a union inspects its members and the county its cooperatives,
 * with a finding per point; every refusal with nothing written; who reads them, through the
 * gateway and at the union subgraph's `_entities`.
 */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
let unionId: string;
let unionToken: string;
let otherUnionToken: string;
afterAll(() => stack?.stop());

const A = WORLD.coopA;
const B = WORLD.coopB;
const RECORD = `mutation($i: RecordInspectionInput!) { recordInspection(input: $i) {
  id inspectorKind unionId inspectedOn summary cooperative { id } findings { point passed note } } }`;
const LIST = `query($id: ID!) { cooperative(id: $id) { id inspections { totalCount edges { node { id inspectorKind inspectedOn findings { point passed } } } } } }`;

const input = (o: { coop?: number; on?: string; findings?: object[]; summary?: string } = {}) => ({
  i: {
    cooperativeId: String(o.coop ?? A), inspectedOn: o.on ?? '2026-09-20', summary: o.summary ?? '账目清楚,公示栏未及时更新 / books clear, board behind',
    findings: o.findings ?? [
      { point: 'DISCLOSURE_UP_TO_DATE', passed: false, note: '公示栏停留在二季度 / the board stops at the second quarter' },
      { point: 'BANK_ONLY', passed: true, note: '' },
      { point: 'BOOKS_BY_TOWNSHIP', passed: true, note: '乡镇代理记账 / kept by the township' },
    ],
  },
});
const count = () => withSql(stack.urls.union!, async (c) => (await c.query(`select (select count(*) from inspection)::int i, (select count(*) from inspection_finding)::int f`)).rows[0]);

beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  const FOUND = `mutation($i: FoundUnionInput!) { foundCooperativeUnion(input: $i) { id } }`;
  unionId = ok(await stack.gql(FOUND, { i: { level: 'COUNTY', countyId: '1', nameZh: '盐池县互助资金联合社', nameEn: 'Yanchi County Mutual-Aid Union', foundedOn: '2020-01-01' } }, t.county1)).foundCooperativeUnion.id;
  const other = ok(await stack.gql(FOUND, { i: { level: 'TOWNSHIP', countyId: '1', townshipId: '12', nameZh: '大水坑镇互助资金联合社', nameEn: 'Dashuikeng Union', foundedOn: '2020-01-01' } }, t.county1)).foundCooperativeUnion.id;
  ok(await stack.gql(`mutation($i: JoinUnionInput!) { joinCooperativeUnion(input: $i) { id } }`, { i: { unionId, cooperativeId: String(A), joinedOn: '2021-03-01', documentNo: '盐扶发〔2021〕12号' } }, t.county1));
  unionToken = await stack.token({ sub: `union:${unionId}:officer`, role: 'UNION', union: Number(unionId) });
  otherUnionToken = await stack.token({ sub: `union:${other}:officer`, role: 'UNION', union: Number(other) });
});

it('the union inspects its member and the county a cooperative of its county; the findings keep the policy\'s order', async () => {
  const u = ok(await stack.gql(RECORD, input(), unionToken)).recordInspection;
  expect(u).toMatchObject({
    inspectorKind: 'UNION', unionId, inspectedOn: '2026-09-20', cooperative: { id: String(A) },
    findings: [
      { point: 'BOOKS_BY_TOWNSHIP', passed: true, note: '乡镇代理记账 / kept by the township' },
      { point: 'BANK_ONLY', passed: true, note: '' },
      { point: 'DISCLOSURE_UP_TO_DATE', passed: false, note: '公示栏停留在二季度 / the board stops at the second quarter' },
    ],
  });
  const c = ok(await stack.gql(RECORD, input({ coop: B, on: '2026-10-08', findings: [{ point: 'INSURANCE_BOUGHT', passed: true, note: '' }] }), t.county1)).recordInspection;
  expect(c).toMatchObject({ inspectorKind: 'COUNTY', unionId: null, cooperative: { id: String(B) } });
  // audited with who and what
  const audit = await withSql(stack.urls.union!, async (x) => (await x.query(`select actor, action from audit_log where action = 'recordInspection' order by id`)).rows);
  expect(audit).toEqual([{ actor: `union:${unionId}:officer`, action: 'recordInspection' }, { actor: 'county:1:officer', action: 'recordInspection' }]);
});

it('refuses with a code and writes nothing: a non-member, another county, a board, a household, bad findings, a future day', async () => {
  const before = await count();
  expectCode(await stack.gql(RECORD, input({ coop: B }), unionToken), 'NOT_IN_UNION'); // B never joined
  expectCode(await stack.gql(RECORD, input({ on: '2021-02-01' }), unionToken), 'NOT_IN_UNION'); // before A joined
  expectCode(await stack.gql(RECORD, input(), otherUnionToken), 'NOT_IN_UNION');
  expectCode(await stack.gql(RECORD, input(), t.county2), 'OUT_OF_SCOPE');
  expectCode(await stack.gql(RECORD, input(), t.boardA), 'FORBIDDEN');
  expectCode(await stack.gql(RECORD, input(), t.township11), 'FORBIDDEN');
  expectCode(await stack.gql(RECORD, input({ findings: [] }), t.county1), 'INSPECTION_FINDINGS_INVALID');
  expectCode(await stack.gql(RECORD, input({ findings: [{ point: 'BANK_ONLY', passed: false, note: ' ' }] }), t.county1), 'INSPECTION_FINDINGS_INVALID');
  expectCode(await stack.gql(RECORD, input({ findings: [{ point: 'BANK_ONLY', passed: true, note: '' }, { point: 'BANK_ONLY', passed: true, note: '' }] }), t.county1), 'INSPECTION_FINDINGS_INVALID');
  expectCode(await stack.gql(RECORD, input({ coop: 999 }), t.county1), 'NOT_FOUND');
  expectCode(await stack.gql(RECORD, input({ on: '2099-01-01' }), t.county1), 'DATE_IN_FUTURE');
  expect(await count()).toEqual(before);
});

it('who reads inspections: the county, the township, the union (its members only), the board (its own), not a household', async () => {
  const seen = async (token: string, coop: number) => (await stack.gql(LIST, { id: String(coop) }, token)).data?.cooperative?.inspections?.totalCount ?? null;
  expect(await seen(t.county1, A)).toBe(1);
  expect(await seen(t.county1, B)).toBe(1);
  expect(await seen(t.township11, A)).toBe(1);
  expect(await seen(t.boardA, A)).toBe(1);
  expect(await seen(unionToken, A)).toBe(1);
  expect(await seen(unionToken, B)).toBe(null); // not a member: members gives it no cooperative either
  expect(await seen(t.county2, A)).toBe(null);
  const member = await stack.token({ sub: 'member:1', role: 'MEMBER', member: 1, cooperatives: [A] });
  const m = await stack.gql(LIST, { id: String(A) }, member);
  expect(m.data?.cooperative?.inspections ?? null).toBeNull();
  // at the union subgraph directly: the same scope on _entities
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Cooperative { id inspections { totalCount } } } }`;
  const r = [{ __typename: 'Cooperative', id: String(A) }, { __typename: 'Cooperative', id: String(B) }];
  const direct = async (token: string) => ok(await stack.subgraphGql('union', ENTITIES, { r }, token))._entities.map((e: any) => e.inspections?.totalCount ?? null);
  expect(await direct(t.county1)).toEqual([1, 1]);
  expect(await direct(unionToken)).toEqual([1, 0]);
  expect(await direct(otherUnionToken)).toEqual([0, 0]);
  expect(await direct(t.boardB)).toEqual([0, 1]);
  expect(await direct(t.county2)).toEqual([0, 0]);
});

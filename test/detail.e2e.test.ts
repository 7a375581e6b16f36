import { sqlStats } from '../subgraphs/lib/db';
import { addGroup, addMembers, createWorld, inject, loanThrough, tokens, WORLD } from './fixtures';
import { ok } from './support/expect';
import { operation } from './support/operations';
import { startStack, type Stack } from './support/stack';

/**
 * The two detail pages of schema/operations (CooperativeDetail, MemberDetail) through the gateway:
 * their answers, their scope, and a number of SQL statements that does not grow with the page.
 */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
let ms: number[];
let groupId: number;
let loanId: string;
afterAll(() => stack?.stop());

async function run(query: string, variables: object, token: string) {
  const before = sqlStats.statements;
  const r = await stack.gql(query, variables, token);
  return { r, statements: sqlStats.statements - before };
}

beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  ms = await addMembers(stack, WORLD.coopA, [{ name: '马有福' }, { name: '杨秀兰' }, { name: '丁文斌', poverty: 'ORDINARY' }, { name: '海玉梅' }, { name: '白志强' }]);
  groupId = await addGroup(stack, WORLD.coopA, ms);
  await inject(stack, t.county1, WORLD.coopA, 10_000_000n, 'cap-detail');
  loanId = await loanThrough(stack, t, { coop: WORLD.coopA, member: ms[0]!, amount: '400000', on: '2024-01-10', term: 6, key: 'DT1' });
  await loanThrough(stack, t, { coop: WORLD.coopA, member: ms[1]!, amount: '300000', on: '2024-01-10', term: 12, key: 'DT2' });
  const paid = await stack.gql(`mutation($i: RecordRepaymentInput!) { recordRepayment(input: $i) { principal } }`, {
    i: { idempotencyKey: 'DT1-r1', loanId, amount: '100000', channel: 'BANK', bankRef: 'DT1-R1', paidOn: '2024-03-01' },
  }, t.township11);
  ok(paid);
});

describe('MemberDetail', () => {
  it('answers loans with repayments and days overdue, the group with its members, contributions and outstanding', async () => {
    const { r } = await run(operation('MemberDetail'), { memberId: String(ms[0]), asOf: '2024-08-15' }, t.county1);
    const m = ok(r).member;
    expect(m).toMatchObject({ id: String(ms[0]), headName: '马有福', cooperative: { id: String(WORLD.coopA) } });
    expect(m.guaranteeGroup.id).toBe(String(groupId));
    expect(m.guaranteeGroup.members.map((x: any) => x.id)).toEqual(ms.map(String));
    expect(m.guaranteeGroup.members[0].headNameMasked).not.toBe('马有福');
    expect(m.loans).toHaveLength(1);
    const [loan] = m.loans;
    expect(loan.id).toBe(loanId);
    expect(loan.repayments).toHaveLength(1);
    expect(loan.repayments[0].paidOn).toBe('2024-03-01');
    // 6-month bullet loan from 2024-01-10 fell due 2024-07-10 and is not repaid: 36 days late
    expect(loan.daysOverdue).toBe(36);
    expect(BigInt(m.outstanding)).toBe(400000n - BigInt(loan.repayments[0].principal));
    expect(loan.outstanding).toBe(m.outstanding);
  });

  it('costs the same statements whatever the household has: one in members, two in loans', async () => {
    const repaid = await run(operation('MemberDetail'), { memberId: String(ms[0]), asOf: '2024-08-15' }, t.county1);
    const unpaid = await run(operation('MemberDetail'), { memberId: String(ms[1]), asOf: '2024-08-15' }, t.county1);
    const none = await run(operation('MemberDetail'), { memberId: String(ms[2]), asOf: '2024-08-15' }, t.county1);
    expect(ok(unpaid.r).member.loans[0].repayments).toEqual([]);
    expect(ok(none.r).member.loans).toEqual([]);
    expect(unpaid.statements).toBe(repaid.statements);
    expect(none.statements).toBe(repaid.statements);
    // members: the member with its cooperative, contributions and group (with its members) in one statement;
    // loans: the loans with their repayments and schedules in one, the outstanding total in another
    expect(repaid.statements).toBe(3);
  });

  it('scopes the page: a member sees itself in its group, not the others; another county sees nothing', async () => {
    const self = await stack.token({ sub: `member:${ms[0]}`, role: 'MEMBER', member: ms[0], cooperatives: [WORLD.coopA] });
    const m = ok((await run(operation('MemberDetail'), { memberId: String(ms[0]), asOf: '2024-08-15' }, self)).r).member;
    expect(m.guaranteeGroup.members.map((x: any) => x.id)).toEqual([String(ms[0])]);
    expect(m.loans).toHaveLength(1);
    const other = ok((await run(operation('MemberDetail'), { memberId: String(ms[1]), asOf: '2024-08-15' }, self)).r);
    expect(other.member).toBeNull();
    const county2 = ok((await run(operation('MemberDetail'), { memberId: String(ms[0]), asOf: '2024-08-15' }, t.county2)).r);
    expect(county2.member).toBeNull();
  });

  it('answers exactly as the separate loaders do (group, contributions, loans read without look-ahead)', async () => {
    const CONTRIBUTE = `mutation($i: RecordContributionInput!) { recordContribution(input: $i) { id } }`;
    ok(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'DT-c1', memberId: String(ms[0]), paidOn: '2023-12-01', source: 'HOUSEHOLD' } }, t.boardA));
    ok(await stack.gql(CONTRIBUTE, { i: { idempotencyKey: 'DT-c2', memberId: String(ms[0]), paidOn: '2023-12-02', source: 'SHUANGDAO' } }, t.boardA));
    const MEMBER_FIELDS = `id headNameMasked povertyStatus contributions { id kind amount paidOn ledgerStatus }
      contributionTotals { household governmentSubsidy shuangdao withdrawn ownBalance } isShuangdao`;
    const GROUP_FIELDS = `id name kind status formedOn`;
    const LOAN_FIELDS = `id amount status outstanding repayments { id paidOn principal fee channel bankRef } instalments { seq dueOn principal fee } daysOverdue(asOf: "2024-08-15")`;
    // one statement per subgraph level: the member with its contributions and group, the loans with repayments and schedules
    const detailed = `query($id: ID!) { member(id: $id) { ${MEMBER_FIELDS} guaranteeGroup { ${GROUP_FIELDS} members { ${MEMBER_FIELDS} } } loans { ${LOAN_FIELDS} } } }`;
    // the same rows through the plain loaders: group by id, its members (contributions per member), loan by id
    const separate = `query($g: ID!, $l: ID!) { guaranteeGroup(id: $g) { ${GROUP_FIELDS} members { ${MEMBER_FIELDS} } } loan(id: $l) { ${LOAN_FIELDS} } }`;
    for (const [who, token] of [['county', t.county1], ['member', await stack.token({ sub: `member:${ms[0]}`, role: 'MEMBER', member: ms[0], cooperatives: [WORLD.coopA] })]] as const) {
      const d = ok((await run(detailed, { id: String(ms[0]) }, token)).r).member;
      const p = ok((await run(separate, { g: String(groupId), l: loanId }, token)).r);
      const { guaranteeGroup, loans, ...self } = d;
      expect([who, self.contributions.length]).toEqual([who, 3]); // household share, its subsidy, the 双到 share
      expect([who, self.isShuangdao]).toEqual([who, true]);
      expect([who, self]).toEqual([who, p.guaranteeGroup.members.find((x: any) => x.id === String(ms[0]))]);
      expect([who, guaranteeGroup]).toEqual([who, p.guaranteeGroup]);
      expect([who, loans]).toEqual([who, [p.loan]]);
    }
  });

  it('answers the same through fragments and aliases as the plain page', async () => {
    const plain = ok((await run(operation('MemberDetail'), { memberId: String(ms[0]), asOf: '2024-08-15' }, t.county1)).r).member;
    const q = `query($id: ID!) { member(id: $id) { ...M } }
      fragment M on Member { id g: guaranteeGroup { ... on GuaranteeGroup { members { id } } } loans { id r: repayments { paidOn } daysOverdue(asOf: "2024-08-15") } }`;
    const viaFragments = ok((await run(q, { id: String(ms[0]) }, t.county1)).r).member;
    expect(viaFragments.g.members.map((x: any) => x.id)).toEqual(plain.guaranteeGroup.members.map((x: any) => x.id));
    expect(viaFragments.loans[0].r).toEqual(plain.loans[0].repayments.map((x: any) => ({ paidOn: x.paidOn })));
    expect(viaFragments.loans[0].daysOverdue).toBe(plain.loans[0].daysOverdue);
  });
});

describe('CooperativeDetail', () => {
  it('pages members with their outstanding; the statements do not grow with the page size', async () => {
    const q = operation('CooperativeDetail');
    // the first read of a date computes and stores the portfolio snapshot; measure with it in place
    await run(q, { cooperativeId: String(WORLD.coopA), asOf: '2024-08-15', first: 1 }, t.county1);
    const small = await run(q, { cooperativeId: String(WORLD.coopA), asOf: '2024-08-15', first: 2 }, t.county1);
    const c = ok(small.r).cooperative;
    expect(c.policy.feeRateBp).toBeGreaterThan(0);
    expect(c.members.totalCount).toBe(5);
    expect(c.members.pageInfo.hasNextPage).toBe(true);
    expect(c.members.edges.map((e: any) => e.node.id)).toEqual([String(ms[0]), String(ms[1])]);
    expect(c.members.edges[1].node.outstanding).toBe('300000');
    const next = ok((await run(q, { cooperativeId: String(WORLD.coopA), asOf: '2024-08-15', first: 5, after: c.members.pageInfo.endCursor }, t.county1)).r);
    expect(next.cooperative.members.edges.map((e: any) => e.node.id)).toEqual(ms.slice(2).map(String));
    const large = await run(q, { cooperativeId: String(WORLD.coopA), asOf: '2024-08-15', first: 5 }, t.county1);
    expect(ok(large.r).cooperative.members.edges).toHaveLength(5);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(6);
  });

  it('pages several cooperatives in one statement; a page after the last row still has its total', async () => {
    const PAGE = `totalCount pageInfo { hasNextPage endCursor } edges { node { id } }`;
    const first = ok((await run(`{ cooperative(id: "${WORLD.coopA}") { members(first: 5) { ${PAGE} } } }`, {}, t.county1)).r).cooperative.members;
    const q = `query($after: String) {
      a: cooperative(id: "${WORLD.coopA}") { members(first: 2, after: $after) { ${PAGE} } }
      b: cooperative(id: "${WORLD.coopB}") { members(first: 2, after: $after) { ${PAGE} } } }`;
    const after = await run(q, { after: first.pageInfo.endCursor }, t.county1);
    const d = ok(after.r);
    expect(d.a.members).toEqual({ totalCount: 5, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
    const bAll = ok((await run(`{ cooperative(id: "${WORLD.coopB}") { members(first: 500) { totalCount edges { node { id } } } } }`, {}, t.county1)).r).cooperative.members;
    expect(d.b.members.totalCount).toBe(bAll.totalCount); // the total ignores the cursor
    const last = Number(ms[4]);
    expect(d.b.members.edges.map((e: any) => e.node.id)).toEqual(bAll.edges.map((e: any) => e.node.id).filter((id: string) => Number(id) > last).slice(0, 2));
    const both = await run(q, { after: null }, t.county1);
    expect(ok(both.r).a.members.edges.map((e: any) => e.node.id)).toEqual(ms.slice(0, 2).map(String));
    expect(both.statements).toBe(after.statements); // the two pages come from one statement whatever they hold
  });

  it('reports a bad page argument on the member list, not on the cooperative', async () => {
    const { r } = await run(operation('CooperativeDetail'), { cooperativeId: String(WORLD.coopA), asOf: '2024-08-15', first: 0 }, t.county1);
    expect(r.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(r.errors?.[0]?.path).toContain('members');
  });
});

import { addDays, dayInChina } from '../subgraphs/lib/dates';
import { addGroup, addMembers, createWorld, inject, loanThrough, tokens, validIdNumber, withSql, WORLD } from './fixtures';
import { expectCode, ok } from './support/expect';
import { operation } from './support/operations';
import { startStack, type Stack } from './support/stack';

/**
 * Input checked once at the API boundary, through the gateway: malformed strings, caps and future
 * dates are coded refusals that write nothing; invalid literals and malformed requests are 4xx.
 */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
let members: number[];
let others: number[]; // a second group, so the overdue loans of the first do not block its applications
const today = dayInChina(Date.now());
const tomorrow = addDays(today, 1);

beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  members = await addMembers(stack, WORLD.coopA, [{ name: '马成林' }, { name: '杨志华' }, { name: '李凤英' }, { name: '田玉霞' }, { name: '丁福贵' }], '2022-01-01');
  await addGroup(stack, WORLD.coopA, members);
  others = await addMembers(stack, WORLD.coopA, [{ name: '何建军' }, { name: '白春梅' }, { name: '海生林' }, { name: '王桂花' }, { name: '张德胜' }], '2022-01-01');
  await addGroup(stack, WORLD.coopA, others);
  await inject(stack, t.county1, WORLD.coopA, 10_000_000n, 'cap-A');
});
afterAll(() => stack?.stop());

const ADMIT = `mutation($i: AdmitMemberInput!) { admitMember(input: $i) { id headName } }`;
let idSeq = 0;
const admitInput = (extra: Record<string, unknown> = {}) => {
  const n = ++idSeq;
  return {
    cooperativeId: String(WORLD.coopA), householdNo: `IN-${n}`, headName: '海兰英', idNumber: validIdNumber(`64032319800101${String(n).padStart(3, '0')}`),
    residenceVillageId: String(WORLD.villageA), householdSize: 3, povertyStatus: 'REGISTERED_POOR', joinedOn: '2024-01-01',
    cardBank: '宁夏黄河农村商业银行', cardAccount: `62294700000${String(n).padStart(8, '0')}`, ...extra,
  };
};
const memberRows = async (): Promise<number> => (await withSql(stack.urls.members, (c) => c.query(`select count(*)::int n from member`))).rows[0].n;
const auditRows = async (): Promise<number> => (await withSql(stack.urls.loans, (c) => c.query(`select count(*)::int n from audit_log`))).rows[0].n;

/** POST a raw body to the gateway (or a subgraph) and read status and JSON. */
async function raw(body: string, opts: { url?: string; token?: string; method?: string; search?: string } = {}) {
  const res = await fetch((opts.url ?? stack.gatewayUrl) + (opts.search ?? ''), {
    method: opts.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
    body: opts.method === 'GET' ? undefined : body,
  });
  return { status: res.status, json: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, any> }[] } };
}

describe('strings', () => {
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a control character', { headName: '海兰\u0001英' }, 'input.headName', /control character U\+0001/],
    ['a carriage return', { householdNo: 'IN\r\n7' }, 'input.householdNo', /control character U\+000D/],
    ['U+FFFF', { cardBank: '宁夏黄河农村商业银行\uFFFF' }, 'input.cardBank', /non-character U\+FFFF/],
    ['a name longer than its 50 characters', { headName: '海'.repeat(51) }, 'input.headName', /51 characters, more than the 50 allowed/],
    ['an id longer than the default cap of IDs', { residenceVillageId: '1'.repeat(65) }, 'input.residenceVillageId', /65 characters, more than the 64 allowed/],
  ])('%s is INVALID_INPUT naming the field; no member written', async (_n, patch, field, reason) => {
    const before = await memberRows();
    const r = await stack.gql(ADMIT, { i: admitInput(patch) }, t.boardA);
    expectCode(r, 'INVALID_INPUT');
    const ext = r.errors![0]!.extensions!;
    expect(ext.details.field).toBe(field);
    expect(ext.messageEn).toMatch(reason);
    expect(ext.messageZh).toMatch(new RegExp(`^输入无效:${field.replace('.', '\\.')}:.*[\u4e00-\u9fff]`));
    expect(await memberRows()).toBe(before);
  });

  it('a lone surrogate sent as the JSON escape "\\ud800" is INVALID_INPUT; no member written', async () => {
    const before = await memberRows();
    const body = JSON.stringify({ query: ADMIT, variables: { i: admitInput({ headName: 'HEAD' }) } }).replace('"HEAD"', '"海\\ud800英"');
    expect(body).toContain('\\ud800');
    const { status, json } = await raw(body, { token: t.boardA });
    expect(status).toBe(200);
    expectCode(json as never, 'INVALID_INPUT');
    expect(json.errors![0]!.extensions!.messageEn).toMatch(/unpaired surrogate U\+D800 at character 2/);
    expect(await memberRows()).toBe(before);
  });

  it('a name of exactly 50 characters, tabs and newlines are accepted', async () => {
    const m = ok(await stack.gql(ADMIT, { i: admitInput({ headName: '海'.repeat(50) }) }, t.boardA)).admitMember;
    expect(m.headName).toBe('海'.repeat(50));
  });

  it('a remark of 200,000 characters is refused and not stored; 500 are accepted', async () => {
    const id = ok(await stack.gql(`mutation($i: ApplyForLoanInput!) { applyForLoan(input: $i) { id } }`, {
      i: { idempotencyKey: 'rm-apply', cooperativeId: String(WORLD.coopA), memberId: String(members[0]), amount: '100000', termMonths: 12, repaymentMode: 'BULLET', purpose: 'SHEEP', appliedOn: '2024-03-01' },
    }, t.boardA)).applyForLoan.id;
    const endorse = (remark: string) => stack.gql(`mutation($i: LoanStepInput!) { endorseLoan(input: $i) { id status } }`, { i: { loanId: id, on: '2024-03-02', remark } }, t.boardA);
    const before = await auditRows();
    const r = await endorse('说'.repeat(200_000));
    expectCode(r, 'INVALID_INPUT');
    expect(r.errors![0]!.extensions!.details.field).toBe('input.remark');
    expect(await auditRows()).toBe(before);
    expect(ok(await stack.gql(`query($id: ID!) { loan(id: $id) { status } }`, { id }, t.county1)).loan.status).toBe('APPLIED');
    expect(ok(await endorse('说'.repeat(500))).endorseLoan.status).toBe('ENDORSED');
  });

  it('a direct call to a subgraph is checked the same way', async () => {
    const before = await memberRows();
    const { json } = await raw(JSON.stringify({ query: ADMIT, variables: { i: admitInput({ headName: '\u0000' }) } }), { url: stack.subgraphs.members!.url, token: t.boardA });
    expectCode(json as never, 'INVALID_INPUT');
    expect(await memberRows()).toBe(before);
  });
});

describe('dates', () => {
  it('a county dashboard as of tomorrow is DATE_IN_FUTURE, as of today it answers', async () => {
    const future = await stack.gql(operation('CountyDashboard'), { countyId: '1', asOf: tomorrow }, t.county1);
    expectCode(future, 'DATE_IN_FUTURE');
    // checked once per subgraph request, not once per cooperative that carries the argument: loans'
    // portfolios, the union's county counts and its cooperatives' ratings each refuse it once
    expect(future.errors!.map((e) => e.extensions?.code)).toEqual(['DATE_IN_FUTURE', 'DATE_IN_FUTURE', 'DATE_IN_FUTURE']);
    expect(future.errors!.every((e) => JSON.stringify(e.extensions!.details) === JSON.stringify({ field: 'asOf', date: tomorrow, today }))).toBe(true);
    // without the rating, loans alone
    const unrated = await stack.gql(operation('CountyDashboard'), { countyId: '1', asOf: tomorrow, withRating: false }, t.county1);
    expect(unrated.errors!.map((e) => e.extensions?.code)).toEqual(['DATE_IN_FUTURE']);
    expect(future.errors![0]!.extensions!.details).toEqual({ field: 'asOf', date: tomorrow, today });
    expect(future.errors![0]!.extensions!.messageZh).toContain('北京时间');
    const now = await stack.gql(operation('CountyDashboard'), { countyId: '1', asOf: today }, t.county1);
    expect(now.errors).toBeUndefined();
    expect(now.data.county.cooperatives.edges.length).toBeGreaterThan(0);
  });

  it('a repayment dated tomorrow is DATE_IN_FUTURE and not recorded', async () => {
    const loanId = await loanThrough(stack, t, { coop: WORLD.coopA, member: members[1]!, amount: '100000', on: '2024-03-01', key: 'fut' });
    const repayments = async () => (await withSql(stack.urls.loans, (c) => c.query(`select count(*)::int n from repayment where loan_id = $1`, [loanId]))).rows[0].n;
    const repay = (paidOn: string, key: string) => stack.gql(`mutation($i: RecordRepaymentInput!) { recordRepayment(input: $i) { id } }`, {
      i: { idempotencyKey: key, loanId, amount: '1000', channel: 'BANK', bankRef: `R-${key}`, paidOn },
    }, t.township11);
    const r = await repay(tomorrow, 'fut-r1');
    expectCode(r, 'DATE_IN_FUTURE');
    expect(r.errors![0]!.extensions!.details.field).toBe('input.paidOn');
    expect(await repayments()).toBe(0);
    ok(await repay(today, 'fut-r2'));
    expect(await repayments()).toBe(1);
  });

  it('an application (appliedOn) and an admission (joinedOn) dated tomorrow are DATE_IN_FUTURE; today is accepted', async () => {
    const loans = async () => (await withSql(stack.urls.loans, (c) => c.query(`select count(*)::int n from loan where member_id = $1`, [others[0]]))).rows[0].n;
    const apply = (appliedOn: string) => stack.gql(`mutation($i: ApplyForLoanInput!) { applyForLoan(input: $i) { id } }`, {
      i: { idempotencyKey: `ap-${appliedOn}`, cooperativeId: String(WORLD.coopA), memberId: String(others[0]), amount: '100000', termMonths: 12, repaymentMode: 'BULLET', purpose: 'CASH_CROP', appliedOn },
    }, t.boardA);
    expectCode(await apply(tomorrow), 'DATE_IN_FUTURE');
    expect(await loans()).toBe(0);
    ok(await apply(today));
    expect(await loans()).toBe(1);

    const before = await memberRows();
    const r = await stack.gql(ADMIT, { i: admitInput({ joinedOn: tomorrow }) }, t.boardA);
    expectCode(r, 'DATE_IN_FUTURE');
    expect(r.errors![0]!.extensions!.details.field).toBe('input.joinedOn');
    expect(await memberRows()).toBe(before);
    ok(await stack.gql(ADMIT, { i: admitInput({ joinedOn: today }) }, t.boardA));
  });

  it('a credit export up to tomorrow is DATE_IN_FUTURE (both ends of the period are checked)', async () => {
    const q = `query($from: LocalDate!, $to: LocalDate!) { creditReferenceExport(from: $from, to: $to, format: CSV) }`;
    expectCode(await stack.gql(q, { from: '2024-01-01', to: tomorrow }, t.county1), 'DATE_IN_FUTURE');
    expect(ok(await stack.gql(q, { from: '2024-01-01', to: today }, t.county1)).creditReferenceExport).toEqual(expect.any(String));
  });

  it('2026-02-30 as a literal and as a variable is HTTP 400 INVALID_INPUT with no data', async () => {
    const literal = await raw(JSON.stringify({ query: `{ county(id: "1") { portfolio(asOf: "2026-02-30") { outstanding } } }` }), { token: t.county1 });
    const variable = await raw(JSON.stringify({ query: operation('CountyDashboard'), variables: { countyId: '1', asOf: '2026-02-30' } }), { token: t.county1 });
    for (const { status, json } of [literal, variable]) {
      expect(status).toBe(400);
      expect(json).not.toHaveProperty('data');
      expectCode(json as never, 'INVALID_INPUT');
      expect(json.errors![0]!.extensions!.messageZh).toMatch(/日历上没有这一天/);
      expect(json.errors![0]!.extensions!.messageEn).toMatch(/not a calendar date/);
    }
  });

  it('a malformed Money literal is HTTP 400 INVALID_INPUT at the gateway', async () => {
    const { status, json } = await raw(JSON.stringify({ query: `mutation { injectCapital(input: { idempotencyKey: "m", cooperativeId: "101", amount: "12.50", source: GOVERNMENT, on: "2024-01-01" }) }` }), { token: t.county1 });
    expect(status).toBe(400);
    expect(json).not.toHaveProperty('data');
    expectCode(json as never, 'INVALID_INPUT');
  });
});

describe('GraphQL\'s own errors and malformed requests', () => {
  const bilingual = (e: { message: string; extensions?: Record<string, any> } | undefined, code: string) => {
    expect(e?.extensions?.code).toBe(code);
    expect(e?.extensions?.messageZh).toMatch(/[\u4e00-\u9fff]/);
    expect(e?.extensions?.messageEn).toMatch(/[A-Za-z]/);
  };

  it('a parse error, a validation error and a variable of the wrong type carry messageZh and messageEn', async () => {
    const parse = await raw(JSON.stringify({ query: '{ counties { id ' }), { token: t.county1 });
    expect(parse.status).toBe(400);
    bilingual(parse.json.errors?.[0], 'GRAPHQL_PARSE_FAILED');
    expect(parse.json.errors![0]!.extensions!.messageZh).toBe('查询语句有语法错误');
    expect(parse.json.errors![0]!.extensions!.messageEn).toMatch(/^Syntax Error/);
    const validation = await raw(JSON.stringify({ query: '{ countiez { id } }' }), { token: t.county1 });
    expect(validation.status).toBe(400);
    bilingual(validation.json.errors?.[0], 'GRAPHQL_VALIDATION_FAILED');
    expect(validation.json.errors![0]!.extensions!.messageEn).toMatch(/Cannot query field "countiez"/);
    const coercion = await raw(JSON.stringify({ query: 'query($id: ID!) { county(id: $id) { id } }', variables: { id: { a: 1 } } }), { token: t.county1 });
    expect(coercion.status).toBe(400);
    bilingual(coercion.json.errors?.[0], 'BAD_USER_INPUT');
  });

  it.each<[string, string, string]>([
    ['an operationName not in the document', JSON.stringify({ query: 'query A { counties { id } }', operationName: 'B' }), 'OPERATION_RESOLUTION_FAILURE'],
    ['several operations without operationName', JSON.stringify({ query: 'query A { counties { id } } query B { counties { id } }' }), 'OPERATION_RESOLUTION_FAILURE'],
    ['a subscription', JSON.stringify({ query: 'subscription { counties { id } }' }), 'BAD_REQUEST'],
    ['a body that is an array', JSON.stringify([{ query: '{ counties { id } }' }]), 'BAD_REQUEST'],
    ['variables that are not an object', JSON.stringify({ query: '{ counties { id } }', variables: [1] }), 'BAD_REQUEST'],
    ['variables as a JSON string', JSON.stringify({ query: '{ counties { id } }', variables: '{}' }), 'BAD_REQUEST'],
    ['a query that is not a string', JSON.stringify({ query: 5 }), 'BAD_REQUEST'],
    ['a body that is not JSON', '{not json', 'BAD_REQUEST'],
  ])('%s answers 400 with a coded error in both languages, at the gateway and at a subgraph', async (_n, body, code) => {
    for (const url of [stack.gatewayUrl, stack.subgraphs.members!.url]) {
      const r = await raw(body, { url, token: t.county1 });
      expect(r.status).toBe(400);
      expect(r.json).not.toHaveProperty('data');
      bilingual(r.json.errors?.[0], code);
    }
  });

  it('a GET with a mutation is 405', async () => {
    const r = await raw('', { method: 'GET', search: `?query=${encodeURIComponent('mutation { __typename }')}`, token: t.county1 });
    expect(r.status).toBe(405);
    bilingual(r.json.errors?.[0], 'BAD_REQUEST');
  });
});

import { addDays, dayInChina } from '../subgraphs/lib/dates';
import { addGroup, addMembers, createWorld, inject, loanThrough, tokens, validIdNumber, withSql, WORLD } from './fixtures';
import { expectCode, ok } from './support/expect';
import { startStack, type Stack } from './support/stack';

/**
 * A household's poverty status (贫困状况) changed by the township or the county, never by the board
 * or the household, with a history the union's rating can ask "as of" a past date; a household that
 * became wealthy takes no new loan, and its loans in flight stop at approval and at disbursement.
 */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
let g: number[]; // one guarantee group of five registered poor households of cooperative A, joined 2024-01-01

const CHANGE = `mutation($i: ChangePovertyStatusInput!) { changePovertyStatus(input: $i) { id povertyStatus } }`;
const APPLY = `mutation($i: ApplyForLoanInput!) { applyForLoan(input: $i) { id status } }`;
const STEP = (m: string) => `mutation($i: LoanStepInput!) { ${m}(input: $i) { id status } }`;
const DISBURSE = `mutation($i: DisburseLoanInput!) { disburseLoan(input: $i) { id status } }`;
const change = (member: number, o: Record<string, unknown> = {}) => ({
  memberId: String(member), status: 'ORDINARY', effectiveOn: '2024-02-01', reason: '人均纯收入稳定超过脱贫标准 / income above the poverty line', ...o,
});
const statusOf = (member: number) =>
  withSql(stack.urls.members, async (c) => (await c.query(`select poverty_status from member where id = $1`, [member])).rows[0].poverty_status as string);
const historyRows = (member: number) =>
  withSql(stack.urls.members, async (c) => (await c.query(`select count(*)::int n from poverty_status_change where member_id = $1`, [member])).rows[0].n as number);
const apply = (member: number, key: string) => stack.gql(APPLY, {
  i: { idempotencyKey: key, cooperativeId: String(WORLD.coopA), memberId: String(member), amount: '300000', termMonths: 12, repaymentMode: 'BULLET', purpose: 'SHEEP', appliedOn: '2024-03-01' },
}, t.boardA);
const step = (m: string, loanId: string, token: string) => stack.gql(STEP(m), { i: { loanId, on: '2024-03-01' } }, token);

beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  await inject(stack, t.county1, WORLD.coopA, 20_000_000n, 'pv-capital');
  g = await addMembers(stack, WORLD.coopA, [{ name: '马福海' }, { name: '杨秀兰' }, { name: '李占山' }, { name: '王金花' }, { name: '丁学明' }]);
  await addGroup(stack, WORLD.coopA, g);
});
afterAll(() => stack?.stop());

describe('who may change it', () => {
  it('not the board, the household, a union or the region; not another township or county; nothing written on a refusal', async () => {
    const member = await stack.token({ sub: `member:${g[0]}`, role: 'MEMBER', member: g[0]!, cooperatives: [WORLD.coopA] });
    const union = await stack.token({ sub: 'union:1', role: 'UNION', union: 1 });
    for (const token of [t.boardA, member, union, t.region, t.auditor1]) expectCode(await stack.gql(CHANGE, { i: change(g[0]!) }, token), 'FORBIDDEN');
    expectCode(await stack.gql(CHANGE, { i: change(g[0]!) }), 'UNAUTHENTICATED');
    expectCode(await stack.gql(CHANGE, { i: change(g[0]!) }, t.township12), 'OUT_OF_SCOPE');
    expectCode(await stack.gql(CHANGE, { i: change(g[0]!) }, t.county2), 'OUT_OF_SCOPE');
    expectCode(await stack.gql(CHANGE, { i: change(999999) }, t.county1), 'NOT_FOUND');
    expect(await statusOf(g[0]!)).toBe('REGISTERED_POOR');
    expect(await historyRows(g[0]!)).toBe(1);
  });

  it('refuses bad input with a code and writes nothing', async () => {
    expectCode(await stack.gql(CHANGE, { i: change(g[0]!, { reason: '  ', documentNo: null }) }, t.township11), 'INVALID_INPUT');
    expectCode(await stack.gql(CHANGE, { i: change(g[0]!, { documentNo: '无文号' }) }, t.township11), 'INVALID_INPUT');
    expectCode(await stack.gql(CHANGE, { i: change(g[0]!, { status: 'REGISTERED_POOR' }) }, t.township11), 'POVERTY_STATUS_UNCHANGED');
    expectCode(await stack.gql(CHANGE, { i: change(g[0]!, { effectiveOn: addDays(dayInChina(Date.now()), 1) }) }, t.township11), 'DATE_IN_FUTURE');
    expectCode(await stack.gql(CHANGE, { i: change(g[0]!, { effectiveOn: '2023-12-31' }) }, t.township11), 'POVERTY_CHANGE_BEFORE_JOINING');
    expect(await statusOf(g[0]!)).toBe('REGISTERED_POOR');
    expect(await historyRows(g[0]!)).toBe(1);
  });
});

describe('a change and its history', () => {
  it('the township records 脱贫, the county later ORDINARY → WEALTHY; audit before/after; a repeat is refused', async () => {
    expect(ok(await stack.gql(CHANGE, { i: change(g[0]!) }, t.township11)).changePovertyStatus).toEqual({ id: String(g[0]), povertyStatus: 'ORDINARY' });
    expectCode(await stack.gql(CHANGE, { i: change(g[0]!) }, t.township11), 'POVERTY_STATUS_UNCHANGED'); // the same request again
    expectCode(await stack.gql(CHANGE, { i: change(g[0]!, { status: 'WEALTHY', effectiveOn: '2024-01-15' }) }, t.county1), 'POVERTY_CHANGE_OUT_OF_ORDER');
    const wealthy = change(g[0]!, { status: 'WEALTHY', effectiveOn: '2024-02-20', reason: null, documentNo: ' 盐扶发〔2024〕12号 ' });
    expect(ok(await stack.gql(CHANGE, { i: wealthy }, t.county1)).changePovertyStatus.povertyStatus).toBe('WEALTHY');
    expect(await historyRows(g[0]!)).toBe(3);

    const trail = ok(await stack.gql(`query($id: ID!) { member(id: $id) { auditTrail { action actor before after } } }`, { id: String(g[0]) }, t.county1))
      .member.auditTrail.filter((e: { action: string }) => e.action === 'changePovertyStatus');
    expect(trail).toEqual([
      { action: 'changePovertyStatus', actor: 'township:11:bookkeeper', before: { povertyStatus: 'REGISTERED_POOR' },
        after: { povertyStatus: 'ORDINARY', effectiveOn: '2024-02-01', reason: '人均纯收入稳定超过脱贫标准 / income above the poverty line', documentNo: null } },
      { action: 'changePovertyStatus', actor: 'county:1:officer', before: { povertyStatus: 'ORDINARY' },
        after: { povertyStatus: 'WEALTHY', effectiveOn: '2024-02-20', reason: null, documentNo: '盐扶发〔2024〕12号' } },
    ]);
  });

  it('lists the history newest first, answers as of a date, scoped like the member', async () => {
    const q = `query($id: ID!) { member(id: $id) { povertyStatus
      povertyHistory { status previousStatus effectiveOn reason documentNo changedBy }
      before: povertyStatusOn(date: "2023-12-31") joined: povertyStatusOn(date: "2024-01-31") ordinary: povertyStatusOn(date: "2024-02-01")
      wealthy: povertyStatusOn(date: "2024-02-20") now: povertyStatusOn(date: "2024-11-01") } }`;
    const m = ok(await stack.gql(q, { id: String(g[0]) }, t.boardA)).member;
    expect(m).toEqual({
      povertyStatus: 'WEALTHY',
      povertyHistory: [
        { status: 'WEALTHY', previousStatus: 'ORDINARY', effectiveOn: '2024-02-20', reason: null, documentNo: '盐扶发〔2024〕12号', changedBy: 'county:1:officer' },
        { status: 'ORDINARY', previousStatus: 'REGISTERED_POOR', effectiveOn: '2024-02-01', reason: '人均纯收入稳定超过脱贫标准 / income above the poverty line', documentNo: null, changedBy: 'township:11:bookkeeper' },
        { status: 'REGISTERED_POOR', previousStatus: null, effectiveOn: '2024-01-01', reason: '入社时状况 / status at admission', documentNo: null, changedBy: 'fixture' },
      ],
      before: null, joined: 'REGISTERED_POOR', ordinary: 'ORDINARY', wealthy: 'WEALTHY', now: 'WEALTHY',
    });
    const other = await stack.token({ sub: `member:${g[1]}`, role: 'MEMBER', member: g[1]!, cooperatives: [WORLD.coopA] });
    expect(ok(await stack.gql(`query($id: ID!) { member(id: $id) { povertyHistory { status } } }`, { id: String(g[0]) }, other)).member).toBeNull();
    expect(ok(await stack.gql(`query($id: ID!) { member(id: $id) { id } }`, { id: String(g[0]) }, t.boardB)).member).toBeNull();
  });

  it('a list of households gets its histories in one batch', async () => {
    const r = ok(await stack.gql(`query($c: ID!) { members(cooperativeId: $c) { edges { node { id povertyStatusOn(date: "2024-02-10") povertyHistory { status } } } } }`, { c: String(WORLD.coopA) }, t.county1));
    const byId = new Map(r.members.edges.map((e: { node: { id: string } }) => [e.node.id, e.node]));
    expect(byId.get(String(g[0]))).toEqual({ id: String(g[0]), povertyStatusOn: 'ORDINARY', povertyHistory: [{ status: 'WEALTHY' }, { status: 'ORDINARY' }, { status: 'REGISTERED_POOR' }] });
    expect(byId.get(String(g[1]))).toEqual({ id: String(g[1]), povertyStatusOn: 'REGISTERED_POOR', povertyHistory: [{ status: 'REGISTERED_POOR' }] });
  });

  it('admission writes the first row', async () => {
    const admit = `mutation($i: AdmitMemberInput!) { admitMember(input: $i) { id povertyHistory { status previousStatus effectiveOn changedBy } } }`;
    const m = ok(await stack.gql(admit, { i: {
      cooperativeId: String(WORLD.coopA), householdNo: 'PV-1', headName: '海玉花', idNumber: validIdNumber('64032319800101111'), residenceVillageId: String(WORLD.villageA),
      householdSize: 3, povertyStatus: 'ORDINARY', joinedOn: '2024-02-02',
    } }, t.boardA)).admitMember;
    expect(m.povertyHistory).toEqual([{ status: 'ORDINARY', previousStatus: null, effectiveOn: '2024-02-02', changedBy: 'board:101:clerk' }]);
  });

  it('internal: the status of many households as of a date, SERVICE only, not through the gateway', async () => {
    const svc = await stack.token({ sub: 'service:union', role: 'SERVICE' });
    const q = `query($ids: [Int!]!, $on: LocalDate!) { _povertyStatusAsOf(memberIds: $ids, asOf: $on) { memberId status current } }`;
    const r = ok(await stack.subgraphGql('members', q, { ids: [g[1], g[0], 999999], on: '2024-02-10' }, svc))._povertyStatusAsOf;
    expect(r).toEqual([
      { memberId: g[0], status: 'ORDINARY', current: 'WEALTHY' },
      { memberId: g[1], status: 'REGISTERED_POOR', current: 'REGISTERED_POOR' },
    ].sort((a, b) => a.memberId! - b.memberId!));
    expectCode(await stack.subgraphGql('members', q, { ids: [g[0]], on: '2024-02-10' }, t.county1), 'FORBIDDEN');
    expect((await stack.gql(q, { ids: [g[0]], on: '2024-02-10' }, svc)).errors).toBeDefined();
  });
});

describe('loans', () => {
  it('a WEALTHY household\'s new application is refused', async () => {
    expectCode(await apply(g[0]!, 'pv-w-apply'), 'WEALTHY_HOUSEHOLD');
  });

  it('an application approved before the change is refused at disbursement, and nothing moves', async () => {
    const id = ok(await apply(g[1]!, 'pv-a-apply')).applyForLoan.id as string;
    for (const [m, tok] of [['endorseLoan', t.boardA], ['approveLoan', t.boardA2], ['publishLoan', t.boardA], ['signLoanContract', t.boardA]] as const) ok(await step(m, id, tok));
    ok(await stack.gql(CHANGE, { i: change(g[1]!, { status: 'WEALTHY', effectiveOn: '2024-03-01' }) }, t.county1));
    expectCode(await stack.gql(DISBURSE, { i: { idempotencyKey: 'pv-a-d', loanId: id, channel: 'BANK', bankRef: 'HHNS-PV-A', on: '2024-03-02' } }, t.township11), 'WEALTHY_HOUSEHOLD');
    const status = await withSql(stack.urls.loans, async (c) => (await c.query(`select status from loan where id = $1`, [id])).rows[0].status);
    expect(status).toBe('CONTRACTED');
  });

  it('one applied (and endorsed) before the change is refused at approval', async () => {
    const id = ok(await apply(g[2]!, 'pv-b-apply')).applyForLoan.id as string;
    ok(await step('endorseLoan', id, t.boardA));
    ok(await stack.gql(CHANGE, { i: change(g[2]!, { status: 'WEALTHY', effectiveOn: '2024-03-01' }) }, t.township11));
    expectCode(await step('approveLoan', id, t.boardA2), 'WEALTHY_HOUSEHOLD');
    // a step that commits nothing new is not re-checked: the board can still reject it
    expect(ok(await step('rejectLoan', id, t.boardA)).rejectLoan.status).toBe('REJECTED');
  });

  it('an ORDINARY (脱贫) household still borrows', async () => {
    ok(await stack.gql(CHANGE, { i: change(g[3]!) }, t.township11));
    const id = await loanThrough(stack, t, { coop: WORLD.coopA, member: g[3]!, amount: '300000', key: 'pv-o' });
    const loan = ok(await stack.gql(`query($id: ID!) { loan(id: $id) { status } }`, { id }, t.county1)).loan;
    expect(loan.status).toBe('DISBURSED');
  });
});

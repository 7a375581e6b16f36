import { createHash } from 'node:crypto';
import { sqlStats } from '../subgraphs/lib/db';
import { addGroup, addMembers, createWorld, inject, loanThrough, tokens, withSql, WORLD } from './fixtures';
import { expectCode, ok } from './support/expect';
import { startStack, type Stack } from './support/stack';

/**
 * 征信报送: the county files the credit reference with each borrower's identity number; members
 * hands the numbers out in one audited statement for the person loans asks for; loans records the
 * filing. The ordinary export keeps its roles and carries no numbers. Both show each borrower's
 * overdue status and days as of the period's end (loan.rules' terms).
 */
let stack: Stack;
let t: Awaited<ReturnType<typeof tokens>>;
let ms: number[];
let idNumbers: Map<number, string>;
let memberToken: string;

const FROM = '2024-01-01';
const TO = '2025-04-15'; // member 0's bullet loan fell due 2025-03-01: 45 days late; member 1's falls due 2025-06-01
const COUNTY_EXPORT = `query($from: LocalDate!, $to: LocalDate!, $format: ExportFormat!, $countyId: ID, $coop: ID) {
  countyCreditReferenceExport(from: $from, to: $to, format: $format, countyId: $countyId, cooperativeId: $coop) }`;
const EXPORT = `query($from: LocalDate!, $to: LocalDate!, $format: ExportFormat!) { creditReferenceExport(from: $from, to: $to, format: $format) }`;
const EXPORTS = `query($countyId: ID) { creditExports(countyId: $countyId, first: 10) { totalCount edges { node {
  id at actor requestId countyId cooperativeId from to format rowCount borrowerCount sha256 } } } }`;
const IDENTITIES = `query($ids: [Int!]!, $purpose: String!) { _memberIdentities(memberIds: $ids, purpose: $purpose) { memberId idNumber } }`;

const exportCount = () => withSql(stack.urls.loans, async (c) => (await c.query(`select count(*)::int n from credit_export`)).rows[0].n as number);
const identityAudits = () =>
  withSql(stack.urls.members, async (c) => (await c.query(`select count(*)::int n from audit_log where action = 'readIdentityNumber'`)).rows[0].n as number);

/** POST straight to members as the loans service would, optionally for a person's token. */
async function asService(variables: object, forToken?: string) {
  const service = await stack.token({ sub: 'service:loans', role: 'SERVICE' });
  const res = await fetch(stack.subgraphs.members!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${service}`, ...(forToken ? { 'x-caller-authorization': `Bearer ${forToken}` } : {}) },
    body: JSON.stringify({ query: IDENTITIES, variables }),
  });
  return (await res.json()) as { data?: { _memberIdentities: { memberId: number; idNumber: string }[] | null }; errors?: { extensions?: { code?: string } }[] };
}

beforeAll(async () => {
  stack = await startStack();
  await createWorld(stack);
  t = await tokens(stack);
  await inject(stack, t.county1, WORLD.coopA, 10_000_000n, 'ce-capital');
  ms = await addMembers(stack, WORLD.coopA, [{ name: '马金山' }, { name: '李秀英' }, { name: '王建国' }, { name: '张桂兰' }, { name: '杨文明' }]);
  await addGroup(stack, WORLD.coopA, ms);
  await loanThrough(stack, t, { coop: WORLD.coopA, member: ms[0]!, amount: '300000', on: '2024-03-01', key: 'ce-loan-0' });
  await loanThrough(stack, t, { coop: WORLD.coopA, member: ms[1]!, amount: '200000', on: '2024-06-01', key: 'ce-loan-1' });
  idNumbers = await withSql(stack.urls.members, async (c) =>
    new Map((await c.query(`select id, id_number from member where id = any($1::int[])`, [ms])).rows.map((r) => [r.id as number, r.id_number as string])));
  memberToken = await stack.token({ sub: `member:${ms[0]}`, role: 'MEMBER', member: ms[0], cooperatives: [WORLD.coopA] });
});
afterAll(() => stack?.stop());

const parseJsonl = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l));

describe('countyCreditReferenceExport', () => {
  it('gives the county each borrower\'s full identity number, with overdue status and days as of the period end', async () => {
    const jsonl = ok(await stack.gql(COUNTY_EXPORT, { from: FROM, to: TO, format: 'JSONL' }, t.county1)).countyCreditReferenceExport as string;
    const rows = parseJsonl(jsonl);
    expect(Object.keys(rows[0])).toEqual(['memberId', 'borrowerName', 'idNumber', 'loanId', 'cooperativeId', 'event', 'date', 'amountFen', 'principalFen', 'feeFen', 'overdue', 'daysOverdue']);
    expect(rows.filter((r) => r.memberId === ms[0])).toEqual([
      expect.objectContaining({ borrowerName: '马金山', idNumber: idNumbers.get(ms[0]!), event: 'DISBURSEMENT', date: '2024-03-01', amountFen: '300000', overdue: true, daysOverdue: 45 }),
    ]);
    expect(rows.filter((r) => r.memberId === ms[1])).toEqual([
      expect.objectContaining({ borrowerName: '李秀英', idNumber: idNumbers.get(ms[1]!), event: 'DISBURSEMENT', date: '2024-06-01', overdue: false, daysOverdue: 0 }),
    ]);
    expect(idNumbers.get(ms[0]!)).toMatch(/^\d{17}[\dX]$/);

    const csv = ok(await stack.gql(COUNTY_EXPORT, { from: FROM, to: TO, format: 'CSV', countyId: '1', coop: String(WORLD.coopA) }, t.county1)).countyCreditReferenceExport as string;
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('memberId,borrowerName,idNumber,loanId,cooperativeId,event,date,amountFen,principalFen,feeFen,overdue,daysOverdue');
    expect(lines.find((l) => l.startsWith(`${ms[0]},`))).toMatch(new RegExp(`^${ms[0]},马金山,${idNumbers.get(ms[0]!)},\\d+,101,DISBURSEMENT,2024-03-01,300000,300000,0,true,45$`));
    // before member 0's loan fell due nobody is overdue
    const early = parseJsonl(ok(await stack.gql(COUNTY_EXPORT, { from: FROM, to: '2025-02-28', format: 'JSONL' }, t.county1)).countyCreditReferenceExport);
    expect(early.map((r) => [r.memberId, r.overdue, r.daysOverdue])).toEqual([[ms[0], false, 0], [ms[1], false, 0]]);
  });

  it('refuses every other role, REGION included, and writes nothing', async () => {
    const exportsBefore = await exportCount();
    const auditsBefore = await identityAudits();
    for (const token of [t.boardA, t.township11, t.auditor1, t.region, memberToken, t.bank]) {
      expectCode(await stack.gql(COUNTY_EXPORT, { from: FROM, to: TO, format: 'CSV' }, token), 'FORBIDDEN');
    }
    expectCode(await stack.gql(COUNTY_EXPORT, { from: FROM, to: TO, format: 'CSV' }), 'UNAUTHENTICATED');
    // another county's office: not its county
    expectCode(await stack.gql(COUNTY_EXPORT, { from: FROM, to: TO, format: 'CSV', countyId: '1' }, t.county2), 'OUT_OF_SCOPE');
    expectCode(await stack.gql(COUNTY_EXPORT, { from: TO, to: FROM, format: 'CSV' }, t.county1), 'INVALID_INPUT');
    const two = await stack.token({ sub: 'county:1+2', role: 'COUNTY', counties: [1, 2] });
    expectCode(await stack.gql(COUNTY_EXPORT, { from: FROM, to: TO, format: 'CSV' }, two), 'INVALID_INPUT');
    expect(await exportCount()).toBe(exportsBefore);
    expect(await identityAudits()).toBe(auditsBefore);
  });

  it('records each filing: who, when, county, period, rows, borrowers, format and the content\'s SHA-256', async () => {
    const before = await exportCount();
    const csv = ok(await stack.gql(COUNTY_EXPORT, { from: FROM, to: TO, format: 'CSV' }, t.county1)).countyCreditReferenceExport as string;
    expect(await exportCount()).toBe(before + 1);
    const list = ok(await stack.gql(EXPORTS, { countyId: '1' }, t.county1)).creditExports;
    expect(list.totalCount).toBe(before + 1);
    const latest = list.edges[0].node;
    expect(latest).toEqual({
      id: expect.any(String), at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), actor: 'county:1:officer', requestId: expect.any(String),
      countyId: '1', cooperativeId: null, from: FROM, to: TO, format: 'CSV', rowCount: csv.trim().split('\n').length - 1, borrowerCount: 2,
      sha256: createHash('sha256').update(csv).digest('hex'),
    });
    expect(Date.now() - Date.parse(latest.at)).toBeLessThan(60_000);
    // the cooperative-only filing names its cooperative
    expect(list.edges.map((e: { node: { cooperativeId: string | null } }) => e.node.cooperativeId)).toContain(String(WORLD.coopA));
    // an auditor of the county reads the list; another county sees none; the board may not look
    expect(ok(await stack.gql(EXPORTS, {}, t.auditor1)).creditExports.totalCount).toBe(before + 1);
    expect(ok(await stack.gql(EXPORTS, {}, t.county2)).creditExports.totalCount).toBe(0);
    for (const token of [t.boardA, t.township11, t.region, memberToken]) expectCode(await stack.gql(EXPORTS, {}, token), 'FORBIDDEN');
  });

  it('members audits every number it hands out under the county officer\'s name, not the service\'s', async () => {
    const trail = ok(await stack.gql(`query($id: ID!) { member(id: $id) { auditTrail { action actor role after } } }`, { id: String(ms[0]) }, t.county1))
      .member.auditTrail.filter((e: { action: string }) => e.action === 'readIdentityNumber');
    expect(trail.length).toBeGreaterThanOrEqual(3); // the three filings above that included member 0
    for (const e of trail) expect(e).toEqual({ action: 'readIdentityNumber', actor: 'county:1:officer', role: 'COUNTY', after: { purpose: expect.stringContaining('征信'), via: expect.stringMatching(/^service:/) } });
    // a household that was never exported was never read
    const other = ok(await stack.gql(`query($id: ID!) { member(id: $id) { auditTrail { action } } }`, { id: String(ms[4]) }, t.county1)).member.auditTrail;
    expect(other.filter((e: { action: string }) => e.action === 'readIdentityNumber')).toEqual([]);
  });
});

describe('_memberIdentities (members, SERVICE only)', () => {
  it('reads and audits N members in ONE statement, whatever N', async () => {
    const counts: number[] = [];
    for (const ids of [[ms[0]!], ms, [...ms, 999_999]]) {
      const before = sqlStats.statements;
      const r = await asService({ ids, purpose: '测试 test' }, t.county1);
      counts.push(sqlStats.statements - before);
      expect(r.data!._memberIdentities!.map((m) => m.memberId)).toEqual(ids.filter((i) => i !== 999_999).sort((a, b) => a - b));
    }
    expect(counts).toEqual([1, 1, 1]);
  });

  it('answers only for a person it can verify, of a role that may read numbers, within their scope', async () => {
    const before = await identityAudits();
    expectCode(await asService({ ids: ms, purpose: 'x' }) as never, 'UNAUTHENTICATED');
    expectCode(await asService({ ids: ms, purpose: 'x' }, t.boardA) as never, 'FORBIDDEN');
    expectCode(await asService({ ids: ms, purpose: 'x' }, t.region) as never, 'FORBIDDEN');
    expectCode(await asService({ ids: ms, purpose: '   ' }, t.county1) as never, 'INVALID_INPUT');
    expect((await asService({ ids: ms, purpose: 'x' }, t.county2)).data!._memberIdentities).toEqual([]); // not its county's households
    expect(await identityAudits()).toBe(before);
    // not through the gateway at all
    expect((await stack.gql(IDENTITIES, { ids: ms, purpose: 'x' }, t.county1)).errors?.length).toBeGreaterThan(0);
  });
});

describe('creditReferenceExport (the ordinary one)', () => {
  it('keeps its roles, shows overdue status and days, and never an identity number', async () => {
    for (const token of [t.region, t.county1, t.township11, t.boardA, t.auditor1]) {
      const csv = ok(await stack.gql(EXPORT, { from: FROM, to: TO, format: 'CSV' }, token)).creditReferenceExport as string;
      const lines = csv.trim().split('\n');
      expect(lines[0]).toBe('memberId,borrowerName,loanId,cooperativeId,event,date,amountFen,principalFen,feeFen,overdue,daysOverdue');
      expect(lines.find((l) => l.startsWith(`${ms[0]},`))).toMatch(/,DISBURSEMENT,2024-03-01,300000,300000,0,true,45$/);
      expect(lines.find((l) => l.startsWith(`${ms[1]},`))).toMatch(/,false,0$/);
      for (const n of idNumbers.values()) expect(csv).not.toContain(n);
    }
    const jsonl = parseJsonl(ok(await stack.gql(EXPORT, { from: FROM, to: TO, format: 'JSONL' }, t.county1)).creditReferenceExport);
    expect(jsonl.find((r) => r.memberId === ms[0])).toMatchObject({ overdue: true, daysOverdue: 45 });
    expect(jsonl[0]).not.toHaveProperty('idNumber');
    expectCode(await stack.gql(EXPORT, { from: FROM, to: TO, format: 'CSV' }, t.bank), 'FORBIDDEN');
  });
});

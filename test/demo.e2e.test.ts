import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse } from 'graphql';
import type { TokenClaims } from '../subgraphs/lib/auth';
import { ROOT } from '../subgraphs/lib/config';
import { DEFAULT_AS_OF, seedCounty } from '../demo';
import { claimsFromArgs } from '../infra/token-args';
import type { ExplorerData } from '../gateway/explorer';
import { ok } from './support/expect';
import { startStack, type GqlResult, type Stack } from './support/stack';

/**
 * What a newcomer runs first, on the demo county `npm start` loads (盐池县, the default seed):
 * every committed operation with the committed variables, GraphiQL's default tab and preloaded
 * tabs as the page hands them to the browser, and the README's "Try it" lines. Each must answer
 * without errors and show what it is there to show.
 */
jest.setTimeout(120_000);

let stack: Stack;
let base: string;
beforeAll(async () => {
  stack = await startStack();
  base = stack.gatewayUrl.replace(/\/graphql$/, '');
  await seedCounty(stack.urls);
});
afterAll(() => stack?.stop());

const OPS_DIR = join(ROOT, 'schema', 'operations');
const committedVariables = JSON.parse(readFileSync(join(OPS_DIR, 'variables.json'), 'utf8')) as Record<string, Record<string, unknown>>;

/** Named operations of schema/operations/, read here independently of the gateway's own reading. */
function committedOperations(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const file of readdirSync(OPS_DIR).filter((f) => f.endsWith('.graphql')).sort()) {
    const text = readFileSync(join(OPS_DIR, file), 'utf8');
    for (const d of parse(text).definitions) if (d.kind === Kind.OPERATION_DEFINITION && d.name) out.push({ name: d.name.value, text });
  }
  return out;
}

/** `npm run token -- <args>` as the command would sign it. */
async function tokenFor(args: string): Promise<string> {
  const parsed = claimsFromArgs(args.trim().split(/\s+/));
  if (!parsed) throw new Error(`not a valid token line: ${args}`);
  return stack.token(parsed.claims);
}

async function post(body: unknown, token?: string): Promise<GqlResult<any>> {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return (await res.json()) as GqlResult<any>;
}

const positive = (fen: string) => BigInt(fen) > 0n;

/** What each operation is there to show, on the committed variables. A new operation needs its entry. */
const SHOWS: Record<string, (data: any) => void> = {
  DisclosureBoard: (d) => {
    expect(d.disclosureBoard.totalCount).toBeGreaterThan(10);
    expect(d.disclosureBoard.edges).toHaveLength(10);
    for (const { node } of d.disclosureBoard.edges) {
      expect(node).toMatchObject({ id: expect.any(String), kind: expect.any(String), on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), amount: expect.stringMatching(/^\d+$/) });
    }
    expect(d.disclosureBoard.edges.some((e: any) => /\*/.test(e.node.nameMasked ?? ''))).toBe(true);
  },
  CountyDashboard: (d) => {
    expect(d.county.nameZh).toBe('盐池县');
    expect(d.county.cooperatives.totalCount).toBeGreaterThanOrEqual(40);
    expect(d.county.cooperatives.edges).toHaveLength(d.county.cooperatives.totalCount);
    const nodes = d.county.cooperatives.edges.map((e: any) => e.node);
    expect(nodes.every((c: any) => c.memberCount > 0 && c.portfolio && c.fund)).toBe(true);
    expect(nodes.filter((c: any) => positive(c.portfolio.outstanding)).length).toBeGreaterThan(nodes.length / 2);
  },
  CooperativeDetail: (d) => {
    const c = d.cooperative;
    expect(c.id).toBe(committedVariables.CooperativeDetail!.cooperativeId);
    // the cooperative with the most households: the page of `first` is full and has a next one
    expect(c.members.totalCount).toBeGreaterThan(c.members.edges.length);
    expect(c.members.edges).toHaveLength(Number(committedVariables.CooperativeDetail!.first));
    expect(c.members.pageInfo.hasNextPage).toBe(true);
    expect(c.members.edges.some((e: any) => positive(e.node.outstanding))).toBe(true);
    expect(positive(c.portfolio.outstanding)).toBe(true);
  },
  MemberDetail: (d) => {
    const m = d.member;
    expect(m.id).toBe(committedVariables.MemberDetail!.memberId);
    expect(m.loans.length).toBeGreaterThanOrEqual(2);
    expect(m.loans.filter((l: any) => l.repayments.length > 0).length).toBeGreaterThanOrEqual(2);
    expect(m.guaranteeGroup.members.length).toBeGreaterThanOrEqual(2);
    expect(positive(m.outstanding)).toBe(true);
  },
  RegionDashboard: (d) => {
    expect(d.counties.length).toBeGreaterThanOrEqual(1);
    const yanchi = d.counties.find((c: any) => c.nameZh === '盐池县');
    expect(yanchi.totals.cooperatives).toBeGreaterThanOrEqual(40);
    expect(yanchi.cooperatives.edges).toHaveLength(yanchi.totals.cooperatives);
    expect(positive(yanchi.portfolio.outstanding)).toBe(true);
  },
  UnionDashboard: (d) => showsUnion(d.cooperativeUnion),
};

/**
 * The county union on the demo: every active cooperative of the county a member, a year of
 * allocations (repaid, active, one overdue), and one set of books — the union's position equals
 * the principal outstanding over its allocations, which equals its members' union receivable and
 * the payable of the borrowers (the county union's own share of each fund's balance: the funds'
 * union balances sum over every union a cooperative is in).
 */
function showsUnion(u: any): void {
  expect(u).toMatchObject({ nameZh: '盐池县互助资金联合社', level: 'COUNTY', county: { nameZh: '盐池县' } });
  expect(u.members.totalCount).toBeGreaterThanOrEqual(40);
  const allocations = u.allocations.edges.map((e: any) => e.node);
  expect(allocations.length).toBe(u.allocations.totalCount);
  const statuses = new Set(allocations.map((a: any) => a.status));
  expect(statuses.has('REPAID') && statuses.has('ACTIVE')).toBe(true);
  expect(allocations.filter((a: any) => a.overdue)).toHaveLength(u.position.overdueCount);
  expect(u.position.overdueCount).toBeGreaterThanOrEqual(1);
  const outstanding = allocations.reduce((s: bigint, a: any) => s + BigInt(a.outstanding), 0n);
  expect([u.position.receivable, u.position.payable]).toEqual([String(outstanding), String(outstanding)]);
  for (const a of allocations) {
    for (const r of a.repayments) expect(BigInt(r.lenderFee) + BigInt(r.unionFee)).toBe(BigInt(r.fee));
    expect(a.repayments.reduce((s: bigint, r: any) => s + BigInt(r.fee), 0n)).toBe(BigInt(a.feePaid));
  }
  const unionFees = allocations.flatMap((a: any) => a.repayments).reduce((s: bigint, r: any) => s + BigInt(r.unionFee), 0n);
  expect(u.position.feeIncome).toBe(String(unionFees));
  expect(allocations.some((a: any) => a.countyApprovedOn !== null)).toBe(true);
  // the union's token reaches both parties' funds in loans (its grants), and every member's
  expect(allocations.every((a: any) => a.lender?.fund && a.borrower?.fund && a.lenderNameZh && a.borrowerNameZh)).toBe(true);
  // members answer from members and loans: each cooperative's fund carries its union balances
  const coops = u.members.edges.map((e: any) => e.node.cooperative);
  expect(coops.every((c: any) => c.nameZh && c.fund)).toBe(true);
  const receivable = coops.reduce((s: bigint, c: any) => s + BigInt(c.fund.unionReceivable), 0n);
  expect(receivable).toBeGreaterThanOrEqual(outstanding);
}

function shows(name: string, r: GqlResult<any>): void {
  const check = SHOWS[name];
  if (!check) throw new Error(`no expectation for operation ${name}: add what it shows to SHOWS`);
  check(ok(r));
}

describe('schema/operations with schema/operations/variables.json', () => {
  it('uses the demo seed\'s reference date and no placeholders', () => {
    for (const vars of Object.values(committedVariables)) {
      if (typeof vars !== 'object') continue;
      if ('asOf' in vars) expect(vars.asOf).toBe(DEFAULT_AS_OF);
      for (const v of Object.values(vars)) expect(String(v)).not.toMatch(/^\$/);
    }
  });

  it('every committed operation answers on the demo county without errors and shows what it is for', async () => {
    const ops = committedOperations();
    expect(ops.map((o) => o.name).sort()).toEqual(['CooperativeDetail', 'CountyDashboard', 'MemberDetail', 'RegionDashboard', 'UnionDashboard']);
    const answers: Record<string, any> = {};
    for (const op of ops) {
      const token = await tokenFor(op.name.startsWith('Region') ? '--role REGION' : '--role COUNTY --county 1');
      const r = await post({ query: op.text, operationName: op.name, variables: committedVariables[op.name] ?? {} }, token);
      expect([op.name, r.errors]).toEqual([op.name, undefined]);
      shows(op.name, r);
      answers[op.name] = r.data;
    }
    // the detail page's cooperative is a largest one, as variables.json says
    const nodes = answers.CountyDashboard.county.cooperatives.edges.map((e: any) => e.node);
    const size = (id: string) => nodes.find((c: any) => c.id === id).memberCount;
    expect(size(answers.CooperativeDetail.cooperative.id)).toBe(Math.max(...nodes.map((c: any) => c.memberCount)));
  });
});

describe('a borrower\'s statement on the demo (README)', () => {
  it('names the lender, which is outside the board\'s scope, and shows the repayments and fee', async () => {
    const token = await stack.token({ sub: 'demo-board-31', role: 'COOPERATIVE', cooperatives: [31] });
    const r = await stack.gql(`{ cooperative(id: "31") { nameZh fund { unionPayable } allocations(first: 10) { totalCount edges { node { lenderNameZh borrowerNameZh lender { nameZh } amount dueOn outstanding repayments { paidOn fee } } } } } }`, {}, token);
    const c = ok(r).cooperative;
    expect(r.errors).toBeUndefined();
    expect(c.allocations.totalCount).toBeGreaterThanOrEqual(1);
    const a = c.allocations.edges[0].node;
    expect(a).toMatchObject({ lenderNameZh: expect.stringMatching(/互助社$/), borrowerNameZh: c.nameZh, lender: null });
    const owed = c.allocations.edges.reduce((s: bigint, e: any) => s + BigInt(e.node.outstanding), 0n);
    expect(c.fund.unionPayable).toBe(String(owed));
  });
});

describe('GraphiQL at /', () => {
  let html: string;
  let data: ExplorerData;
  beforeAll(async () => {
    html = await (await fetch(`${base}/`)).text();
    // the same block the page script parses
    const m = /<script type="application\/json" id="explorer-data">([\s\S]*?)<\/script>/.exec(html);
    if (!m) throw new Error('no explorer-data block in the page');
    data = JSON.parse(m[1]!) as ExplorerData;
  });

  it('carries no token, only the line to make one and where to put it', () => {
    expect(html).not.toMatch(/eyJ[\w-]{8,}\.[\w-]+/); // a JWT's header
    expect(data.tabs[0]!.query).toContain('npm run token -- --role COUNTY --county 1');
    expect(data.tabs[0]!.query).toMatch(/Headers/);
    expect(data.tabs[0]!.query).toContain('{"Authorization": "Bearer <token>"}');
  });

  it('opens on the public disclosure board, which answers without a token', async () => {
    const first = data.tabs[0]!;
    expect(first.query).toMatch(/disclosureBoard\(cooperativeId: "1", first: 10\)/);
    const r = await post({ query: first.query, variables: first.variables ? JSON.parse(first.variables) : {} });
    expect(r.errors).toBeUndefined();
    shows('DisclosureBoard', r);
  });

  it('preloads every named operation of schema/operations/ with the committed variables, each answering with the token its tab names', async () => {
    const ops = committedOperations();
    const rest = data.tabs.slice(1);
    expect(rest).toHaveLength(ops.length);
    for (const [i, op] of ops.entries()) {
      const tab = rest[i]!;
      expect(tab.query).toContain(op.text); // read from the file, not a copy
      expect(JSON.parse(tab.variables ?? '{}')).toEqual(committedVariables[op.name] ?? {});
      const line = /npm run token -- ([^\n→]+)/.exec(tab.query.split('\n')[0]!);
      if (!line) throw new Error(`tab ${op.name} does not say which token to make`);
      const r = await post({ query: tab.query, operationName: op.name, variables: JSON.parse(tab.variables ?? '{}') }, await tokenFor(line[1]!));
      expect([op.name, r.errors]).toEqual([op.name, undefined]);
      shows(op.name, r);
    }
  });
});

describe('README "Try it"', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Try it'), readme.indexOf('\n## ', readme.indexOf('### Try it')));
  // shell lines of the section's ```bash blocks, continuation backslashes joined
  const lines = [...section.matchAll(/```bash\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1]!.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((l) => l.trim())
    .filter(Boolean);

  it('documents the role and scope of every token line, and each token sees what its comment says', async () => {
    const tokenLines = lines.filter((l) => l.startsWith('npm run token'));
    expect(tokenLines.length).toBeGreaterThanOrEqual(3);
    const roles = new Set<string>();
    for (const line of tokenLines) {
      const [command, comment] = line.split(/\s+#\s+/);
      expect([line, (comment ?? '').length > 10]).toEqual([line, true]);
      const parsed = claimsFromArgs(command!.replace(/^npm run token --/, '').trim().split(/\s+/));
      if (!parsed) throw new Error(`README token line does not parse: ${line}`);
      roles.add(parsed.claims.role);
      await seesItsScope(parsed.claims, await stack.token(parsed.claims), line);
    }
    expect([...roles].sort()).toEqual(['COOPERATIVE', 'COUNTY', 'MEMBER', 'REGION', 'UNION']);
  });

  it('runs the shell examples against the demo county: each answers and shows what its comment says', async () => {
    let token: string | undefined;
    let ran = 0;
    for (const line of lines) {
      const t = /^TOKEN=\$\(npm run --silent token -- (.+)\)$/.exec(line);
      if (t) token = await tokenFor(t[1]!);
      if (!line.startsWith('curl ')) continue;
      expect(line).toMatch(/^curl -s localhost:4000\/graphql /);
      const auth = /-H "authorization: Bearer \$TOKEN"/.test(line);
      const r = await post(curlBody(line), auth ? token : undefined);
      expect([line, r.errors]).toEqual([line, undefined]);
      const data = ok(r);
      if ('county' in data) shows('CountyDashboard', r);
      else if ('member' in data) {
        const m = data.member;
        expect(m).toMatchObject({ headName: '王维祥', povertyStatus: 'REGISTERED_POOR' });
        expect(m.loans).toHaveLength(4);
        // three repaid (CLOSED, each with its repayments), one still outstanding
        const closed = m.loans.filter((l: any) => l.status === 'CLOSED');
        expect(closed).toHaveLength(3);
        expect(closed.every((l: any) => l.repayments.length > 0)).toBe(true);
        const open = m.loans.filter((l: any) => l.status === 'DISBURSED');
        expect(open).toHaveLength(1);
        expect(positive(m.outstanding)).toBe(true);
        expect(m.guaranteeGroup.members).toHaveLength(5);
      } else if ('cooperativeUnion' in data) {
        expect(auth).toBe(true);
        const u = data.cooperativeUnion;
        expect(u.nameZh).toBe('盐池县互助资金联合社');
        expect(u.position.overdueCount).toBeGreaterThanOrEqual(1);
        expect(BigInt(u.position.receivable)).toBeGreaterThan(0n);
        expect(u.allocations.edges).toHaveLength(5);
        expect(u.allocations.edges.every((e: any) => e.node.lenderNameZh && e.node.borrowerNameZh)).toBe(true);
      } else if ('disclosureBoard' in data) {
        expect(auth).toBe(false); // the public example runs without a token
        expect(data.disclosureBoard.edges).toHaveLength(5);
        expect(data.disclosureBoard.edges.every((e: any) => e.node.nameMasked === null || /^.\*/.test(e.node.nameMasked))).toBe(true);
      } else throw new Error(`no expectation for the README example ${line}`);
      ran++;
    }
    expect(ran).toBe(4);
  });
});

/** The body a shell would send for the README's `-d '…'` or `-d "…$(jq -Rs . < file)…"`. */
function curlBody(line: string): unknown {
  const single = /-d '([^']*)'/.exec(line);
  if (single) return JSON.parse(single[1]!);
  const double = /-d "((?:[^"\\]|\\.)*)"/.exec(line);
  if (!double) throw new Error(`no -d body in ${line}`);
  const jq = /\$\(jq -Rs \. < ([\w./-]+)\)/g;
  if (/(^|[^\\])\$/.test(double[1]!.replace(jq, ''))) throw new Error(`unsupported shell expansion in ${line}`);
  // jq's output goes in verbatim: escape it so that undoing the double quotes' escapes restores it
  const text = double[1]!
    .replace(jq, (_m, file: string) => JSON.stringify(readFileSync(join(ROOT, file), 'utf8')).replace(/["\\$`]/g, '\\$&'))
    .replace(/\\(["\\$`])/g, '$1');
  return JSON.parse(text);
}

/** A token made by a README line reads the object its scope names. */
async function seesItsScope(claims: TokenClaims, token: string, line: string): Promise<void> {
  const gql = async (query: string, variables: object) => ok(await stack.gql(query, variables, token));
  switch (claims.role) {
    case 'COUNTY': {
      const d = await gql('query($id: ID!) { county(id: $id) { nameZh cooperatives(first: 1) { totalCount } } }', { id: String(claims.counties![0]) });
      expect([line, d.county?.cooperatives.totalCount > 0]).toEqual([line, true]);
      break;
    }
    case 'COOPERATIVE': {
      const d = await gql('query($id: ID!) { cooperative(id: $id) { nameZh fund { bankDeposit } members(first: 1) { totalCount } } }', { id: String(claims.cooperatives![0]) });
      expect([line, d.cooperative?.members.totalCount > 0]).toEqual([line, true]);
      expect(line).toContain(d.cooperative.nameZh);
      break;
    }
    case 'MEMBER': {
      const d = await gql('query($id: ID!) { member(id: $id) { headName cooperative { id } loans { id } } }', { id: String(claims.member) });
      expect([line, d.member?.loans.length > 0]).toEqual([line, true]);
      expect(d.member.cooperative.id).toBe(String(claims.cooperatives![0]));
      expect(line).toContain(d.member.headName);
      break;
    }
    case 'UNION': {
      const d = await gql('query($id: ID!) { cooperativeUnion(id: $id) { nameZh members(first: 1) { totalCount } } other: cooperativeUnion(id: "2") { id } }', { id: String(claims.union) });
      expect([line, d.cooperativeUnion?.members.totalCount > 0]).toEqual([line, true]);
      expect(line).toContain(d.cooperativeUnion.nameZh);
      expect(d.other).toBeNull(); // another union is outside its scope
      break;
    }
    case 'REGION': {
      const d = await gql('{ counties { id } }', {});
      expect([line, d.counties.length > 0]).toEqual([line, true]);
      break;
    }
    default:
      throw new Error(`no check for the README token line ${line}: add one`);
  }
}

import type { GraphQLSchema } from 'graphql';
import { seedCounty } from '../demo';
import { grantCooperatives, withSql } from './fixtures';
import { startStack, type Stack } from './support/stack';
import { MAX_QUERY_CHARS } from '../gateway/limits';
import { fetchSchema, namesIn, stringsOf, walkQueries } from './support/walk';
import { ALLOCATION_POSTING_KINDS, EXIT_POSTING_KINDS } from '../subgraphs/loans/ledger.rules';

/**
 * Point 1 of "First contact": on the demo county, walk every field an anonymous caller and a
 * household (MEMBER token) can reach, and find no other household's head name, identity number
 * or one-card number in the answers.
 */
jest.setTimeout(600_000);

interface Household { id: number; coop: number; county: number; name: string; idNumber: string; card: string | null; group: number | null }
let stack: Stack;
let schema: GraphQLSchema;
let households: Household[];
let names: Map<string, number>; // head name → how many households carry it
let loansByCoop: Map<number, { id: number; member: number }[]>;
const AS_OF = '"2026-11-27"';
const DIGITS = /\d{12,19}X?/g;
let idNumbers: Set<string>;
let cards: Set<string>;

beforeAll(async () => {
  stack = await startStack();
  await seedCounty(stack.urls);
  schema = await fetchSchema(stack.gatewayUrl);
  households = (
    await withSql(stack.urls.members, (c) =>
      c.query(`select m.id, m.cooperative_id coop, m.county_id county, m.head_name name, m.id_number "idNumber", m.card_account card,
                      (select gm.group_id from guarantee_group_member gm where gm.member_id = m.id and gm.active limit 1) "group"
                 from member m order by m.id`),
    )
  ).rows;
  idNumbers = new Set(households.map((h) => h.idNumber));
  cards = new Set(households.flatMap((h) => (h.card ? [h.card] : [])));
  names = new Map();
  for (const h of households) names.set(h.name, (names.get(h.name) ?? 0) + 1);
  loansByCoop = new Map();
  for (const l of (await withSql(stack.urls.loans, (c) => c.query(`select id, cooperative_id coop, member_id member from loan order by id`))).rows) {
    if (!loansByCoop.has(l.coop)) loansByCoop.set(l.coop, []);
    loansByCoop.get(l.coop)!.push({ id: l.id, member: l.member });
  }
});
afterAll(() => stack?.stop());

/** What of other households shows in an answer: names (whole two-character names), id numbers, card numbers. */
function leaks(answer: unknown, self: Household | null): string[] {
  const texts = stringsOf(answer);
  const others = new Set([...names.keys()].filter((n) => n !== self?.name));
  const found = [...namesIn(texts, others)].map((n) => `name ${n}`);
  // identity and card numbers of other households, also inside longer texts
  for (const s of texts) {
    for (const m of s.match(DIGITS) ?? []) {
      if (idNumbers.has(m) && m !== self?.idNumber) found.push(`id number ${m}`);
      if (cards.has(m) && m !== self?.card) found.push(`card ${m}`);
    }
  }
  return found;
}

async function pool<T>(items: readonly T[], n: number, work: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** The seeded quarters' ratings and inspections, walked one each (the walk is the fields, not the rows). */
const ONE_EACH = { 'Cooperative.ratings.first': '1', 'Cooperative.inspections.first': '1' };


/** Board items about no household: capital injections, and allocations between cooperatives. */
const NO_HOUSEHOLD = new Set<string>(['CAPITAL', ...Object.values(ALLOCATION_POSTING_KINDS), ...Object.values(EXIT_POSTING_KINDS)]);

it('anonymous: every page of every board of the demo county publishes no name, identity or card number', async () => {
  const coops = [...new Set(households.map((h) => h.coop))];
  expect(coops.length).toBeGreaterThanOrEqual(40);
  let entries = 0;
  const found: string[] = [];
  await pool(coops, 4, async (coop) => {
    let after: string | null = null;
    for (;;) {
      const r: any = await stack.gql(`query($c: ID!, $a: String) { disclosureBoard(cooperativeId: $c, first: 500, after: $a) {
        pageInfo { hasNextPage endCursor } edges { node { id kind on nameMasked amount purpose purposeZh } } } }`, { c: String(coop), a: after });
      expect(r.errors).toBeUndefined();
      const page = r.data.disclosureBoard;
      entries += page.edges.length;
      for (const e of page.edges) {
        // every item about one household names it, masked: contributions as much as loans (capital and allocations are between institutions)
        if (!NO_HOUSEHOLD.has(e.node.kind) && !/^\p{Script=Han}\*+\p{Script=Han}?$/u.test(e.node.nameMasked ?? '')) found.push(`unmasked or missing name: ${JSON.stringify(e.node)}`);
      }
      found.push(...leaks(page, null));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
  });
  expect(entries).toBeGreaterThan(50_000); // the whole board of the county, not a sample
  expect(found).toEqual([]);
});

it('anonymous: the walk of every root field answers the board and UNAUTHENTICATED for the rest', async () => {
  const h = households[0]!;
  const walks = walkQueries(schema, { depth: 6, args: { id: `"${h.id}"`, cooperativeId: `"${h.coop}"`, memberId: `"${h.id}"`, asOf: AS_OF, first: '50', from: '"2024-01-01"', to: AS_OF, format: 'JSONL' } }, MAX_QUERY_CHARS);
  expect(walks.length).toBeGreaterThanOrEqual(10);
  for (const { root, walk } of walks) {
    const r = await stack.gql(walk.query);
    if (root === 'disclosureBoard') expect(r.data?.[root]?.edges.length).toBeGreaterThan(0);
    else {
      expect([root, r.data?.[root] ?? null]).toEqual([root, null]);
      expect([root, r.errors?.find((e) => e.path?.[0] === root)?.extensions?.code]).toEqual([root, 'UNAUTHENTICATED']);
    }
    expect(leaks(r.data, null)).toEqual([]);
  }
});

it('MEMBER: 500 households walk every field they can reach and see no other household\'s name or numbers', async () => {
  const step = Math.max(1, Math.floor(households.length / 500));
  const sample = households.filter((_, i) => i % step === 0).slice(0, 500);
  expect(sample.length).toBe(500);
  const problems: string[] = [];
  const anyGroup = households.find((x) => x.group !== null)!.group;
  const fields = new Set<string>();
  // depth 4 reaches every field but the ledger lines (refused to a MEMBER at the root); every tenth
  // household walks one level deeper. The household's ids are variables: one query text per depth,
  // which the gateway plans once, as it would a client's persisted query
  const built = new Map<number, ReturnType<typeof walkQueries>>();
  const walksAt = (depth: number) => built.get(depth) ?? built.set(depth, walkQueries(schema, {
    depth,
    args: {
      'Query.member.id': '$member',
      'Query.cooperative.id': '$coop',
      'Query.county.id': '$county',
      'Query.loan.id': '$loan',
      'Query.guaranteeGroup.id': '$group',
      'Query.disclosureBoard.first': '20',
      ...ONE_EACH,
      cooperativeId: '$coop',
      asOf: AS_OF,
      first: '100',
      from: '"2020-01-01"',
      to: AS_OF,
      format: 'JSONL',
    },
  }, MAX_QUERY_CHARS)).get(depth)!;
  await pool(sample, 4, async (h) => {
    const neighbour = households.find((x) => x.coop === h.coop && x.id !== h.id)!;
    const otherLoan = loansByCoop.get(h.coop)?.find((l) => l.member !== h.id);
    const walks = walksAt(h.id % 10 === 1 ? 5 : 4);
    const vars = { member: String(h.id), coop: String(h.coop), county: String(h.county), loan: String(otherLoan?.id ?? 0), group: String(h.group ?? anyGroup) };
    for (const w of walks) for (const f of w.walk.fields) fields.add(f);
    const token = await stack.token({ sub: `member:${h.id}`, role: 'MEMBER', member: h.id, cooperatives: [h.coop] });
    for (const { root, walk } of walks) {
      const r = await stack.gql(walk.query, vars, token);
      for (const e of r.errors ?? []) {
        if (!['FORBIDDEN', 'NOT_FOUND', 'OUT_OF_SCOPE'].includes(e.extensions?.code)) problems.push(`${h.id}: ${e.path?.join('.')} ${e.extensions?.code} ${e.message}`);
      }
      if (r.data && 'member' in r.data && r.data.member?.id !== String(h.id)) problems.push(`${h.id}: cannot read itself`);
      for (const l of leaks(r.data, h)) problems.push(`${h.id}: ${root}: ${l}`);
    }
    // and another household of the same cooperative, asked for by id, is not there
    const other = await stack.gql(`query($m: ID!) { member(id: $m) { id headName } }`, { m: String(neighbour.id) }, token);
    if (other.data?.member !== null) problems.push(`${h.id}: reads member ${neighbour.id}`);
  });
  expect(problems.slice(0, 20)).toEqual([]);
  // the walk is broad: loans with repayments and schedules, the fund, the group, the board…
  expect([...fields]).toEqual(expect.arrayContaining(['Member.loans', 'Loan.repayments', 'Loan.instalments', 'Cooperative.fund', 'Member.guaranteeGroup', 'Query.disclosureBoard']));
  expect(fields.size).toBeGreaterThan(250);
});

it('UNION and AUDITOR: no identity or card number, not even masked, anywhere they can walk', async () => {
  const coops = [...new Set(households.map((h) => h.coop))].slice(0, 6);
  await grantCooperatives(stack, 'UNION', 1, coops);
  const callers = [
    await stack.token({ sub: 'union:1', role: 'UNION', union: 1 }),
    await stack.token({ sub: 'auditor:1', role: 'AUDITOR', counties: [1] }),
  ];
  const h = households.find((x) => x.coop === coops[0] && x.group !== null && x.card !== null)!;
  const coopLoan = loansByCoop.get(h.coop)!.find((l) => l.member === h.id) ?? loansByCoop.get(h.coop)![0]!;
  const walks = walkQueries(schema, {
    depth: 5,
    args: {
      'Query.member.id': `"${h.id}"`, 'Query.cooperative.id': `"${h.coop}"`, 'Query.county.id': '"1"', 'Query.loan.id': `"${coopLoan.id}"`,
      'Query.guaranteeGroup.id': `"${h.group}"`, 'Query.disclosureBoard.first': '20', ...ONE_EACH, cooperativeId: `"${h.coop}"`,
      asOf: AS_OF, first: '100', from: '"2020-01-01"', to: AS_OF, format: 'JSONL',
    },
  }, MAX_QUERY_CHARS);
  for (const token of callers) {
    let members = 0;
    for (const { root, walk } of walks) {
      const r = await stack.gql(walk.query, {}, token);
      for (const e of r.errors ?? []) expect([root, e.extensions?.code]).not.toEqual([root, 'INTERNAL_SERVER_ERROR']);
      const text = JSON.stringify(r.data);
      members += (text.match(/"headName"/g) ?? []).length;
      expect([root, text.match(/\d{6}\*{8}[\dX]{4}|\*{4}\d{4}/g)]).toEqual([root, null]); // masked forms
      expect([root, leaks(r.data, null).filter((l) => !l.startsWith('name'))]).toEqual([root, []]); // full numbers
    }
    expect(members).toBeGreaterThan(50); // they do read the households, just not their papers
  }
});

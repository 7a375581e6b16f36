import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadKey, type TokenClaims } from '../subgraphs/lib/auth';
import { DATA_DIR, ROOT } from '../subgraphs/lib/config';
import { listen } from '../subgraphs/lib/http';
import { seedCounty } from '../demo';
import { createFloor, type Floor } from './bench/floor';
import { readOperations } from './bench/operations';
import { startStack, type Stack } from './support/stack';

/**
 * The bench's floor (test/bench/floor.ts) is a lower bound only if it does what ours does: the
 * same answer from the same maintained tables, kept to the caller's rows by the same scope. On the
 * demo county, every committed operation the floor answers, for callers in and out of scope: the
 * floor's `data` equals ours through the gateway.
 */
jest.setTimeout(120_000);

let stack: Stack;
let floor: Floor;
let floorUrl: string;
beforeAll(async () => {
  stack = await startStack();
  await seedCounty(stack.urls);
  floor = createFloor({ urls: { members: stack.urls.members!, loans: stack.urls.loans!, union: stack.urls.union! }, key: loadKey(DATA_DIR) });
  floorUrl = `http://127.0.0.1:${await listen(floor.server, 0)}/graphql`;
});
afterAll(async () => {
  await floor?.stop();
  await stack?.stop();
});

const variables = JSON.parse(readFileSync(join(ROOT, 'schema', 'operations', 'variables.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const operations = readOperations();

async function both(name: string, vars: Record<string, unknown>, claims: TokenClaims): Promise<{ ours: unknown; floor: unknown; floorErrors: unknown }> {
  const op = operations.find((o) => o.name === name)!;
  const token = await stack.token(claims);
  const ours = await stack.gql(op.text, vars, token);
  const res = await fetch(floorUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ operationName: name, variables: vars }),
  });
  const f = (await res.json()) as { data?: unknown; errors?: unknown };
  return { ours: ours.data, floor: f.data, floorErrors: f.errors ?? null };
}

const COUNTY_1: TokenClaims = { sub: 'floor-test', role: 'COUNTY', counties: [1] };
const OTHER_COUNTY: TokenClaims = { sub: 'floor-test', role: 'COUNTY', counties: [2] };
const REGION: TokenClaims = { sub: 'floor-test', role: 'REGION' };

it.each([
  ['CountyDashboard', COUNTY_1], ['CooperativeDetail', COUNTY_1], ['MemberDetail', COUNTY_1], ['RegionDashboard', REGION],
])('%s: the floor answers as ours for a caller in scope', async (name, claims) => {
  const r = await both(name, variables[name]!, claims);
  expect(r.floorErrors).toBeNull();
  expect(r.floor).toEqual(r.ours);
  expect(JSON.stringify(r.ours)).not.toMatch(/^\{"\w+":null\}$/); // something was there to see
});

it.each([
  ['CountyDashboard', OTHER_COUNTY], ['CooperativeDetail', OTHER_COUNTY], ['MemberDetail', OTHER_COUNTY], ['RegionDashboard', OTHER_COUNTY],
])('%s: the floor keeps a caller of another county to its rows as ours does', async (name, claims) => {
  const r = await both(name, variables[name]!, claims);
  expect(r.floorErrors).toBeNull();
  expect(r.floor).toEqual(r.ours);
});

it('refuses a caller whose county rows it cannot scope, instead of answering wider', async () => {
  const r = await both('CountyDashboard', variables.CountyDashboard!, { sub: 'floor-test', role: 'TOWNSHIP', townships: [101] });
  expect(r.floor).toBeUndefined();
  expect(JSON.stringify(r.floorErrors)).toContain('UNSUPPORTED');
});

it('with ratings in force: the dashboards\' classes and counts per class as ours, and without them when asked', async () => {
  const county = await stack.token(COUNTY_1);
  for (const quarter of [2, 3]) {
    const r = await stack.gql(`mutation($q: Int!) { rateCounty(input: { countyId: "1", period: { kind: QUARTER, year: 2026, quarter: $q } }) { periodEnd } }`, { q: quarter }, county);
    expect(r.errors).toBeUndefined();
  }
  for (const [name, claims] of [['CountyDashboard', COUNTY_1], ['RegionDashboard', REGION], ['CountyDashboard', OTHER_COUNTY]] as const) {
    for (const asOf of ['2026-08-01', '2026-11-27']) {
      for (const withRating of [true, false]) {
        const r = await both(name, { ...variables[name]!, asOf, withRating }, claims);
        expect(r.floorErrors).toBeNull();
        expect(r.floor).toEqual(r.ours);
        const text = JSON.stringify(r.ours);
        expect(text.includes('"ratingClass"')).toBe(withRating && claims !== OTHER_COUNTY);
      }
    }
  }
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../subgraphs/lib/config';
import { readOperations, readVariables, resolveVariables, type Discovered } from '../bench/operations';

/** The bench's variables (test/bench/variables.json) resolve against what it discovers; the committed ones need no resolving. */
const found: Discovered = { county: 16, countyAverage: 18, cooperative: 764, member: 214809, union: 16, cooperativesIn: { 16: 192, 18: 61 } };

it('resolves every $discover placeholder of the bench file into the discovered ids', () => {
  const file = readVariables();
  const names = new Set(readOperations().map((o) => o.name));
  expect(Object.keys(file).sort()).toEqual([...names].sort());
  const resolved = Object.fromEntries(Object.entries(file).map(([op, cases]) => [op, cases.map((c) => ({ label: c.label, variables: resolveVariables(c.variables, found) }))]));
  expect(JSON.stringify(resolved)).not.toContain('$discover');
  expect(resolved.CountyDashboard).toEqual([
    { label: 'largest county', variables: { countyId: '16', asOf: '2026-11-27' } },
    { label: 'largest county, without the rating', variables: { countyId: '16', asOf: '2026-11-27', withRating: false } },
    { label: 'average-size county', variables: { countyId: '18', asOf: '2026-11-27' } },
  ]);
  expect(resolved.RegionDashboard).toEqual([
    { label: 'with the rating', variables: { asOf: '2026-11-27' } },
    { label: 'without the rating', variables: { asOf: '2026-11-27', withRating: false } },
  ]);
  expect(resolved.CooperativeDetail).toEqual([{ label: null, variables: { cooperativeId: '764', asOf: '2026-11-27', first: 100 } }]);
  expect(resolved.MemberDetail).toEqual([{ label: null, variables: { memberId: '214809', asOf: '2026-11-27' } }]);
  expect(resolved.UnionDashboard).toEqual([{ label: null, variables: { unionId: '16', asOf: '2026-11-27' } }]);
});

it('refuses an unknown placeholder by name, and leaves other values alone', () => {
  expect(() => resolveVariables({ countyId: '$discover:township' }, found)).toThrow('unknown $discover:township');
  expect(() => resolveVariables({ x: '$discover:cooperativesIn' }, found)).toThrow(/unknown/);
  expect(resolveVariables({ first: 5, asOf: '2026-11-27', label: '$other' }, found)).toEqual({ first: 5, asOf: '2026-11-27', label: '$other' });
});

it('keeps placeholders and cases out of the committed variables people run', () => {
  const text = readFileSync(join(ROOT, 'schema', 'operations', 'variables.json'), 'utf8');
  expect(text).not.toMatch(/\$discover|\$case/);
  const committed = readVariables(join(ROOT, 'schema', 'operations', 'variables.json'));
  for (const cases of Object.values(committed)) expect(cases).toHaveLength(1);
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema as buildSdl, isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import type { AccessCatalogue } from '../subgraphs/lib/access';
import { ROOT } from '../subgraphs/lib/config';
import { printSubgraphSdl } from '../subgraphs/lib/subgraph';
import { REGISTRY } from '../subgraphs/registry';

/**
 * The access catalogue covers the whole API (issue 10, done-when 1).
 *
 * Which resolvers "read the caller" is decided like this: the caller's scope is applied in SQL by
 * lib/scope (`readScope`), for every row a field returns, and is no field's own decision; what a
 * resolver decides by ROLE (refuse, or withhold a value) must be a catalogue entry. Lib offers no
 * other way to decide by role: `requireRole` is gone, and outside lib/access.ts, lib/scope.ts,
 * lib/auth.ts and the subgraphs' access.ts files no code compares a role or lists roles (the grep
 * below), and in the subgraph folders the caller is read only through lib's scope helpers, as the
 * actor of a change or as a household's own id (the scan below). So a caller-reading resolver is one
 * whose own code touches `caller`, or that hands the answer to a role-deciding helper; each of them
 * must be catalogued. The catalogued non-root fields are exactly those: audit trails and the
 * personal numbers.
 */

const catalogue: AccessCatalogue = Object.assign({}, ...REGISTRY.map((d) => d.access));
const supergraph = buildSdl(readFileSync(join(ROOT, 'schema/supergraph.graphql'), 'utf8'), { assumeValidSDL: true });

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, e);
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sources(rel));
    else if (rel.endsWith('.ts') && !rel.endsWith('.test.ts')) out.push(rel);
  }
  return out;
}

beforeAll(async () => {
  // building each schema links type-graphql's metadata (and applies the catalogue, which throws on a gap)
  for (const d of REGISTRY) await printSubgraphSdl(d);
});

it('every root field of the supergraph, internal ones included, has a catalogue entry; every entry names a field', () => {
  const roots = [supergraph.getQueryType(), supergraph.getMutationType()];
  const fields = roots.flatMap((t) => Object.keys(t!.getFields()).map((f) => `${t!.name}.${f}`));
  expect(fields.length).toBeGreaterThan(30);
  expect(fields.filter((f) => !catalogue[f])).toEqual([]);
  const named = (key: string) => {
    const [type, field] = key.split('.') as [string, string];
    const t = supergraph.getType(type);
    return isObjectType(t) && !!t.getFields()[field];
  };
  expect(Object.keys(catalogue).filter((k) => !named(k))).toEqual([]);
  // the public board is the only public field
  expect(Object.entries(catalogue).filter(([, a]) => a.roles === 'PUBLIC').map(([k]) => k)).toEqual(['Query.disclosureBoard']);
  // the scope dimension agrees with the roles: public with PUBLIC, service with SERVICE alone, parent off the root
  const odd = Object.entries(catalogue).filter(([k, a]) =>
    (a.scope === 'public') !== (a.roles === 'PUBLIC') ||
    (a.scope === 'service') !== (Array.isArray(a.roles) && a.roles.length === 1 && a.roles[0] === 'SERVICE') ||
    (a.scope === 'parent') === /^(Query|Mutation)\./.test(k),
  );
  expect(odd.map(([k]) => k)).toEqual([]);
});

it('a new root field without an entry refuses to build', async () => {
  const def = REGISTRY[0]!;
  const key = Object.keys(def.access).find((k) => k.startsWith('Mutation.'))!;
  const { [key]: _dropped, ...rest } = def.access;
  await expect(printSubgraphSdl({ ...def, access: rest })).rejects.toThrow(key);
});

it('every resolver that reads the caller or hands its answer to a role-deciding helper is catalogued', () => {
  const md = getMetadataStorage();
  const typeName = (target: Function): string | undefined => md.objectTypes.find((o) => o.target === target)?.name;
  const readers: string[] = [];
  const all: string[] = [];
  for (const r of md.fieldResolvers) {
    const cls = r.resolverClassMetadata?.getObjectType?.() as Function | undefined;
    const type = cls && typeName(cls);
    if (!type) continue;
    const key = `${type}.${r.schemaName}`;
    all.push(key);
    const body = String((r.target.prototype as Record<string, unknown>)[r.methodName]);
    if (/\bcaller\b|auditTrail\(/.test(body)) readers.push(key);
  }
  for (const r of [...md.queries, ...md.mutations]) {
    const body = String((r.target.prototype as Record<string, unknown>)[r.methodName]);
    if (/\bcaller\b/.test(body)) readers.push(`root ${r.schemaName}`);
  }
  expect(all).toEqual(expect.arrayContaining(['Loan.auditTrail', 'Member.loans', 'Cooperative.fund']));
  // root fields are all catalogued (above); non-root readers must be too
  expect(readers.filter((k) => !k.startsWith('root ') && !catalogue[k])).toEqual([]);
  expect(readers).toEqual(expect.arrayContaining(['Loan.auditTrail', 'Member.auditTrail', 'Cooperative.auditTrail']));
  // the non-root entries are resolvers of some subgraph (withheld values or role-refused fields)
  const nonRoot = Object.keys(catalogue).filter((k) => !/^(Query|Mutation)\./.test(k));
  expect(nonRoot.sort()).toEqual(['BankTransfer.accountMasked', 'Cooperative.allocations', 'Cooperative.auditTrail', 'Cooperative.inspections', 'Cooperative.rating', 'Cooperative.ratings', 'Cooperative.rectification', 'CooperativeUnion.allocations', 'CooperativeUnion.auditTrail', 'CooperativeUnion.position', 'CooperativeUnion.ranking', 'County.ratingCounts', 'Loan.auditTrail', 'Member.auditTrail', 'Member.cardAccountMasked', 'Member.idNumberMasked']);
});

it('in the subgraph folders the caller is read only through lib\'s scope helpers, as an actor or as a household\'s own id', () => {
  const files = REGISTRY.flatMap((d) => sources(`subgraphs/${d.name}`)).filter((f) => !ROLE_HOMES.has(f));
  const found: string[] = [];
  for (const f of files) {
    readFileSync(join(ROOT, f), 'utf8').split('\n').forEach((line, i) => {
      if (readsCallerOutsideScope(line)) found.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(files.length).toBeGreaterThan(40);
  expect(found).toEqual([]);
  // the scan does see what it forbids
  expect(['if (ctx.caller?.role === x) {', 'return helper(ctx.caller);', 'caller.cooperatives.includes(id)'].map(readsCallerOutsideScope)).toEqual([true, true, true]);
  expect(['readScope(ctx.caller, cols)', 'const actor = ctx.caller!.sub;', 'if (caller.member !== id)'].map(readsCallerOutsideScope)).toEqual([false, false, false]);
});

const SCOPE_HELPERS = /\b(readScope|canRead|scopedByCountyAlone|scopedByTownship|isHousehold|oneCounty)\(\s*ctx\.caller\b|const caller = ctx\.caller\b/g;
function readsCallerOutsideScope(line: string): boolean {
  if (/^\s*(\*|\/\/|\/\*)/.test(line)) return false;
  const rest = line.replace(SCOPE_HELPERS, '');
  // what may be read off a caller: who acts (audit, four-eyes rules) and a household's own id
  const claims = [...rest.matchAll(/\bcaller[!?]?\.(\w+)/g)].map((m) => m[1]).filter((p) => p !== 'sub' && p !== 'member');
  return claims.length > 0 || /\bctx\.caller\b(?![!?]?\.)/.test(rest);
}

/** Where roles may be named: the catalogue's type and enforcement, the scope rules, the claims, the entries. */
const ROLE_HOMES = new Set(['subgraphs/lib/access.ts', 'subgraphs/lib/scope.ts', 'subgraphs/lib/auth.ts', ...REGISTRY.map((d) => `subgraphs/${d.name}/access.ts`)]);
const ROLE = `'(?:REGION|COUNTY|TOWNSHIP|COOPERATIVE|UNION|BANK|ENTERPRISE|AUDITOR|MEMBER|SERVICE)'`;
const ROLE_DECISIONS: [string, RegExp][] = [
  ['a requireRole call', /\brequireRole\s*\(/],
  ['a role list', new RegExp(`\\[\\s*${ROLE}(\\s*,\\s*${ROLE})*\\s*\\]`)],
  ['a role comparison', new RegExp(`role\\s*[!=]==?\\s*${ROLE}|${ROLE}\\s*[!=]==?\\s*[\\w.?]*role\\b`)],
  ['a Role[] declaration', /\bRole\[\]|ReadonlySet<Role>|Set<Role>/],
  ['a role switch', new RegExp(`case\\s+${ROLE}\\s*:`)],
];

it('no inline role list, role comparison or requireRole outside the catalogue and lib\'s enforcement (grep)', () => {
  const files = sources('subgraphs').filter((f) => !ROLE_HOMES.has(f));
  expect(files.length).toBeGreaterThan(50);
  const found: string[] = [];
  for (const f of files) {
    readFileSync(join(ROOT, f), 'utf8').split('\n').forEach((line, i) => {
      for (const [what, re] of ROLE_DECISIONS) if (re.test(line)) found.push(`${f}:${i + 1}: ${what}: ${line.trim()}`);
    });
  }
  expect(found).toEqual([]);
  // the grep does see what it forbids
  const probe = `requireRole(ctx.caller, ['COOPERATIVE', 'TOWNSHIP']); if (c.role === 'MEMBER') {}`;
  expect(ROLE_DECISIONS.filter(([, re]) => re.test(probe)).map(([w]) => w)).toEqual(['a requireRole call', 'a role list', 'a role comparison']);
});

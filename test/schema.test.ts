import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, isObjectType, isInputObjectType, isEnumType, isScalarType, type GraphQLNamedType } from 'graphql';
import { compose } from '../infra/compose-lib';
import { ROOT } from '../subgraphs/lib/config';

/** The committed schema files must be exactly what the code composes today. */
describe('schema', () => {
  let fresh: Awaited<ReturnType<typeof compose>>;
  beforeAll(async () => {
    fresh = await compose();
  });

  it('schema/supergraph.graphql matches a fresh composition (run `npm run compose`)', () => {
    expect(readFileSync(join(ROOT, 'schema', 'supergraph.graphql'), 'utf8')).toBe(fresh.supergraph);
  });

  it('schema/subgraphs/*.graphql match the code', () => {
    for (const [name, sdl] of Object.entries(fresh.subgraphs)) {
      expect(readFileSync(join(ROOT, 'schema', 'subgraphs', `${name}.graphql`), 'utf8')).toBe(sdl);
    }
  });

  it('schema/ERRORS.md lists every error code', () => {
    expect(readFileSync(join(ROOT, 'schema', 'ERRORS.md'), 'utf8')).toBe(fresh.errorsMd);
  });

  it('keeps the fields other subgraphs add to entities (type-graphql drops orphan stubs silently)', () => {
    const api = fresh.supergraph;
    const s = buildSchema(api, { assumeValidSDL: true });
    const coop = s.getType('Cooperative');
    const member = s.getType('Member');
    if (!isObjectType(coop) || !isObjectType(member)) throw new Error('entities missing');
    expect(Object.keys(coop.getFields())).toEqual(expect.arrayContaining(['id', 'nameZh', 'memberCount', 'registeredPoorCount', 'fund', 'portfolio']));
    expect(Object.keys(member.getFields())).toEqual(expect.arrayContaining(['id', 'headName', 'loans', 'outstanding']));
  });

  it('has no Float and a description on every type and field of the public API', () => {
    expect(fresh.supergraph).not.toMatch(/\bFloat\b/);
    const missing: string[] = [];
    for (const sdl of Object.values(fresh.subgraphs)) {
      const s = buildSchema(sdl.replace(/^extend schema @link.*$/m, ''), { assumeValidSDL: true });
      for (const t of Object.values(s.getTypeMap()) as GraphQLNamedType[]) {
        if (t.name.startsWith('__') || ['String', 'Int', 'Boolean', 'ID', 'Float'].includes(t.name) || t.name === 'Query' || t.name === 'Mutation') {
          if (t.name !== 'Query' && t.name !== 'Mutation') continue;
        } else if (!t.description && !isScalarType(t)) missing.push(t.name);
        if (isObjectType(t) || isInputObjectType(t)) {
          for (const f of Object.values(t.getFields())) if (!f.description) missing.push(`${t.name}.${f.name}`);
        }
        if (isEnumType(t) && !t.description) missing.push(t.name);
      }
    }
    expect(missing).toEqual([]);
  });
});

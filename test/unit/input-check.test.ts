import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, getNamedType, GraphQLID, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLString, isInputObjectType, isObjectType } from 'graphql';
import { ROOT } from '../../subgraphs/lib/config';
import { addDays } from '../../subgraphs/lib/dates';
import { DomainError } from '../../subgraphs/lib/errors';
import { checkInputValue, compileRules, DEFAULT_MAX_CHARS, ID_MAX_CHARS, stringProblem, todayInChina, type RuleTables } from '../../subgraphs/lib/input-check';
import '../../subgraphs/registry'; // every subgraph's classes, so their declared rules are in the metadata

describe('stringProblem', () => {
  it.each<[string, string, number]>([
    ['Chinese text', '宁夏盐池县花马池镇柳杨堡村', 50],
    ['tab and newline', '第一行\t甲\n第二行', 50],
    ['a surrogate pair (emoji) counts as one character', '🐑'.repeat(5), 5],
    ['exactly the cap', 'x'.repeat(500), 500],
    ['DEL and C1 controls (PostgreSQL stores them)', 'a\u007Fb\u0085c', 50],
    ['the empty string', '', 50],
  ])('accepts %s', (_n, s, cap) => {
    expect(stringProblem(s, cap)).toBeNull();
  });

  it.each<[string, string, number, RegExp]>([
    ['NUL', 'ab\u0000', 50, /control character U\+0000 at character 3/],
    ['U+0001', '\u0001', 50, /control character U\+0001 at character 1/],
    ['carriage return', 'a\r\nb', 50, /control character U\+000D/],
    ['U+001F', 'a\u001F', 50, /U\+001F/],
    ['a lone high surrogate', 'a\uD800b', 50, /unpaired surrogate U\+D800 at character 2/],
    ['a lone low surrogate', '\uDC00', 50, /unpaired surrogate U\+DC00/],
    ['a reversed pair', '\uDE00\uD83D', 50, /unpaired surrogate U\+DE00 at character 1/],
    ['a high surrogate at the end', 'ok\uD83D', 50, /unpaired surrogate U\+D83D at character 3/],
    ['U+FFFE', '\uFFFE', 50, /non-character U\+FFFE/],
    ['U+FFFF', '名\uFFFF', 50, /non-character U\+FFFF at character 2/],
    ['one character over the cap', 'x'.repeat(501), 500, /501 characters, more than the 500 allowed/],
    ['200,000 characters', '说'.repeat(200_000), 500, /200000 characters/],
    ['characters counted after an emoji', '🐑名\u0001', 50, /at character 3/],
  ])('refuses %s', (_n, s, cap, en) => {
    const p = stringProblem(s, cap);
    expect(p?.en).toMatch(en);
    expect(p?.zh).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('checkInputValue', () => {
  const Inner = new GraphQLInputObjectType({ name: 'Inner', fields: { note: { type: GraphQLString }, ids: { type: new GraphQLList(new GraphQLNonNull(GraphQLID)) } } });
  const Outer = new GraphQLInputObjectType({ name: 'Outer', fields: { name: { type: GraphQLString }, free: { type: GraphQLString }, on: { type: GraphQLString }, inner: { type: new GraphQLList(Inner) } } });
  const tables: RuleTables = { inputs: new Map([['Outer', new Map([['name', { maxChars: 5 }], ['on', { notFuture: true }]])]]), args: new Map() };
  const refusal = (v: unknown): DomainError | undefined => {
    try {
      checkInputValue(v, new GraphQLNonNull(Outer), undefined, 'input', tables);
      return undefined;
    } catch (e) {
      return e as DomainError;
    }
  };

  it('accepts well-formed values and nulls', () => {
    expect(refusal({ name: '马成林', free: 'x'.repeat(DEFAULT_MAX_CHARS), on: todayInChina(), inner: [{ note: null, ids: ['1', '2'] }, null] })).toBeUndefined();
  });
  it.each<[string, unknown, string, string]>([
    ['a declared cap', { name: '马成林马成林' }, 'INVALID_INPUT', 'input.name'],
    ['the default cap of a string', { free: 'x'.repeat(DEFAULT_MAX_CHARS + 1) }, 'INVALID_INPUT', 'input.free'],
    ['the default cap of an ID, inside a list inside a list', { inner: [{ ids: ['1'] }, { ids: ['2', '9'.repeat(ID_MAX_CHARS + 1)] }] }, 'INVALID_INPUT', 'input.inner[1].ids[1]'],
    ['a control character deep inside', { inner: [{ note: 'a\u0000' }] }, 'INVALID_INPUT', 'input.inner[0].note'],
    ['tomorrow on a NotFuture date', { on: addDays(todayInChina(), 1) }, 'DATE_IN_FUTURE', 'input.on'],
  ])('refuses %s, naming the field', (_n, v, code, field) => {
    const e = refusal(v);
    expect(e).toBeInstanceOf(DomainError);
    expect(e?.code).toBe(code);
    expect(e?.details.field).toBe(field);
    expect(e?.messageZh).toMatch(/[\u4e00-\u9fff]/);
  });
});

/** What the two subgraphs declare, read against the composed schema: no string without a cap, no date left undecided. */
describe('declared rules of both subgraphs', () => {
  const schema = buildSchema(readFileSync(join(ROOT, 'schema', 'supergraph.graphql'), 'utf8'), { assumeValidSDL: true });
  const rules = compileRules();
  // coverage periods of an insurance policy may lie ahead
  const FUTURE_DATES = new Set(['RecordInsurancePolicyInput.startsOn', 'RecordInsurancePolicyInput.endsOn', 'OpenRectificationInput.deadline']);
  const inputs: { where: string; type: string; rule: { maxChars?: number; notFuture?: boolean } | undefined }[] = [];
  for (const t of Object.values(schema.getTypeMap())) {
    if (t.name.startsWith('__') || t.name.startsWith('join__') || t.name.startsWith('link__')) continue;
    if (isInputObjectType(t)) {
      for (const f of Object.values(t.getFields())) inputs.push({ where: `${t.name}.${f.name}`, type: getNamedType(f.type).name, rule: rules.inputs.get(t.name)?.get(f.name) });
    } else if (isObjectType(t)) {
      for (const f of Object.values(t.getFields())) {
        for (const a of f.args) inputs.push({ where: `${t.name}.${f.name}(${a.name})`, type: getNamedType(a.type).name, rule: rules.args.get(`${t.name}.${f.name}`)?.get(a.name) });
      }
    }
  }

  it('finds the inputs (the walk is not empty)', () => {
    expect(inputs.length).toBeGreaterThan(60);
    expect(rules.inputs.get('LoanStepInput')?.get('remark')).toEqual({ maxChars: 500 });
    expect(rules.args.get('Cooperative.portfolio')?.get('asOf')).toEqual({ notFuture: true });
    expect(rules.args.get('Query.cooperatives')?.get('after')).toEqual({ maxChars: 100 });
  });
  it('every String input has a declared cap', () => {
    const missing = inputs.filter((i) => i.type === 'String' && !i.rule?.maxChars).map((i) => i.where);
    expect(missing).toEqual([]);
  });
  it('every LocalDate input is not-future unless listed as a period that may lie ahead; every asOf is', () => {
    const undecided = inputs.filter((i) => i.type === 'LocalDate' && !i.rule?.notFuture && !FUTURE_DATES.has(i.where)).map((i) => i.where);
    expect(undecided).toEqual([]);
    const asOf = inputs.filter((i) => i.where.endsWith('(asOf)'));
    expect(asOf.length).toBeGreaterThanOrEqual(4);
    expect(asOf.filter((i) => !i.rule?.notFuture)).toEqual([]);
  });
});

import 'reflect-metadata';
import {
  getNamedType, GraphQLError, isInputObjectType, isListType, isNonNullType, Kind, TypeInfo, visit, visitWithTypeInfo,
  type DocumentNode, type FragmentDefinitionNode, type GraphQLInputType, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { getMetadataStorage } from 'type-graphql';
import { dayInChina, type Day } from './dates';
import { fail, invalid } from './error-codes';
import { DomainError } from './errors';

/**
 * Input checked once, at the API boundary, before any resolver runs.
 *
 * Every string that arrives as an argument (inside input objects and lists too, IDs and custom
 * scalars included) is refused with INVALID_INPUT when PostgreSQL would refuse it or it is longer
 * than its field allows; dates declared `@NotFuture()` are refused with DATE_IN_FUTURE after today
 * in China. Rules are declared on the type-graphql input classes and resolver parameters and enforced
 * once per request by `checkOperationInput` (an Apollo Server plugin of every subgraph, `inputCheckPlugin`).
 * Only this boundary compares input dates with the clock; the rules keep taking dates as arguments.
 */

/** Cap of a string input without a declared one. */
export const DEFAULT_MAX_CHARS = 1_000;
/** Cap of an `ID` input without a declared one (ids here are at most 10 digits). */
export const ID_MAX_CHARS = 64;

export interface InputRule {
  /** At most this many characters (Unicode code points, as PostgreSQL counts them). */
  maxChars?: number;
  /** A `LocalDate` that may not be after today in China. */
  notFuture?: boolean;
}

// ---------------------------------------------------------------------------------------------
// The string check

export interface StringProblem {
  zh: string;
  en: string;
}

/**
 * C0 controls other than tab and newline (carriage return too: clients send '\n' line ends),
 * U+FFFE/U+FFFF, and UTF-16 surrogates without their partner. PostgreSQL refuses NUL outright and
 * unpaired surrogates in JSON; the rest is never meant as text.
 */
const BAD_CHAR = /[\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const hex = (c: number): string => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Why `s` cannot be stored as text of at most `maxChars` characters, or null when it can. */
export function stringProblem(s: string, maxChars: number): StringProblem | null {
  // UTF-16 length ≥ code points, so the count is only needed above the cap
  if (s.length > maxChars) {
    const n = codePoints(s);
    if (n > maxChars) return { zh: `长度为 ${n} 个字符,超过上限 ${maxChars}`, en: `${n} characters, more than the ${maxChars} allowed` };
  }
  const m = BAD_CHAR.exec(s);
  if (!m) return null;
  const c = m[0].charCodeAt(0);
  const at = codePoints(s.slice(0, m.index)) + 1;
  if (c >= 0xd800 && c <= 0xdfff) {
    return { zh: `第 ${at} 个字符是不成对的代理项 ${hex(c)}`, en: `unpaired surrogate ${hex(c)} at character ${at}` };
  }
  if (c >= 0xfffe) return { zh: `第 ${at} 个字符 ${hex(c)} 不是有效字符`, en: `non-character ${hex(c)} at character ${at}` };
  return { zh: `第 ${at} 个字符是控制字符 ${hex(c)}`, en: `control character ${hex(c)} at character ${at}` };
}

// ---------------------------------------------------------------------------------------------
// Declaring rules

/** Rules by class, then by property name or `method#parameterIndex`. */
const declared = new Map<Function, Map<string, InputRule>>();

type InputDecorator = (target: object, key: string | symbol | undefined, index?: number) => void;

function declare(rule: InputRule): InputDecorator {
  return (target, key, index) => {
    if (typeof key !== 'string') throw new Error('input rules go on named input fields or resolver parameters');
    const cls = (target as { constructor: Function }).constructor;
    const slot = typeof index === 'number' ? `${key}#${index}` : key;
    let rules = declared.get(cls);
    if (!rules) declared.set(cls, (rules = new Map()));
    rules.set(slot, { ...rules.get(slot), ...rule });
  };
}

/** On an input field or an `@Arg` parameter: at most `n` characters. */
export const MaxChars = (n: number): InputDecorator => declare({ maxChars: n });
/** On a `LocalDate` input field or `@Arg` parameter: not after today in China (DATE_IN_FUTURE). */
export const NotFuture = (): InputDecorator => declare({ notFuture: true });

export interface RuleTables {
  /** input type name → field name → rule */
  inputs: Map<string, Map<string, InputRule>>;
  /** `Parent.field` → argument name → rule */
  args: Map<string, Map<string, InputRule>>;
}

function put(table: Map<string, Map<string, InputRule>>, key: string, name: string, rule: InputRule): void {
  let m = table.get(key);
  if (!m) table.set(key, (m = new Map()));
  const before = m.get(name);
  if (before && JSON.stringify(before) !== JSON.stringify(rule)) {
    throw new Error(`conflicting input rules for ${key}.${name}: ${JSON.stringify(before)} and ${JSON.stringify(rule)}`);
  }
  m.set(name, rule);
}

/** A class and its superclasses (type-graphql merges inherited fields). */
function lineage(cls: Function): Function[] {
  const out: Function[] = [];
  for (let c: Function | null = cls; c && c !== Function.prototype && c !== Object; c = Object.getPrototypeOf(c) as Function | null) out.push(c);
  return out;
}

/**
 * The declared rules keyed by GraphQL names, read from type-graphql's metadata (the same classes
 * the schema is built from). Names are shared by every schema built in this process; two classes
 * giving one GraphQL field different rules is an error at start-up.
 */
export function compileRules(): RuleTables {
  const storage = getMetadataStorage();
  const schemaNameOf = (cls: Function, prop: string): string =>
    storage.fields.find((f) => f.target === cls && f.name === prop)?.schemaName ?? prop;
  const classRules = (cls: Function): [string, InputRule][] => {
    const out: [string, InputRule][] = [];
    for (const c of lineage(cls)) {
      for (const [prop, rule] of declared.get(c) ?? []) if (!prop.includes('#')) out.push([schemaNameOf(c, prop), rule]);
    }
    return out;
  };
  const tables: RuleTables = { inputs: new Map(), args: new Map() };
  for (const t of storage.inputTypes) for (const [name, rule] of classRules(t.target)) put(tables.inputs, t.name, name, rule);

  const typeName = (cls: Function): string | undefined =>
    storage.objectTypes.find((o) => o.target === cls)?.name ?? storage.interfaceTypes.find((o) => o.target === cls)?.name;
  const handlers: { parent: string | undefined; target: Function; methodName: string; schemaName: string }[] = [
    ...storage.queries.map((q) => ({ parent: 'Query', target: q.target, methodName: q.methodName, schemaName: q.schemaName })),
    ...storage.mutations.map((q) => ({ parent: 'Mutation', target: q.target, methodName: q.methodName, schemaName: q.schemaName })),
    ...storage.fieldResolvers.map((f) => {
      const owner = f.kind === 'external' ? storage.resolverClasses.find((r) => r.target === f.target)?.getObjectType() : f.target;
      return { parent: owner ? typeName(owner as Function) : undefined, target: f.target, methodName: f.methodName, schemaName: f.schemaName };
    }),
  ];
  for (const h of handlers) {
    if (!h.parent) continue;
    const key = `${h.parent}.${h.schemaName}`;
    for (const p of storage.params) {
      if (p.target !== h.target || p.methodName !== h.methodName) continue;
      if (p.kind === 'arg') {
        const rule = declared.get(p.target)?.get(`${p.methodName}#${p.index}`);
        if (rule) put(tables.args, key, p.name, rule);
      } else if (p.kind === 'args') {
        for (const [name, rule] of classRules(p.getType() as Function)) put(tables.args, key, name, rule);
      }
    }
  }
  return tables;
}

// ---------------------------------------------------------------------------------------------
// Enforcing them

/** Today in Ningxia, read at the boundary only. */
export const todayInChina = (): Day => dayInChina(Date.now());

function checkString(s: string, cap: number, path: string): void {
  const p = stringProblem(s, cap);
  if (p) invalid(`${path}:${p.zh}`, `${path}: ${p.en}`, { field: path });
}

/** Custom scalars whose value is structured (JSON, federation's _Any): every string inside it. */
function checkLoose(v: unknown, path: string, depth = 0): void {
  if (typeof v === 'string') return checkString(v, DEFAULT_MAX_CHARS, path);
  if (!v || typeof v !== 'object' || depth > 20) return;
  if (Array.isArray(v)) v.forEach((x, i) => checkLoose(x, `${path}[${i}]`, depth + 1));
  else for (const [k, x] of Object.entries(v)) {
    checkString(k, DEFAULT_MAX_CHARS, path);
    checkLoose(x, `${path}.${k}`, depth + 1);
  }
}

export function checkInputValue(value: unknown, type: GraphQLInputType, rule: InputRule | undefined, path: string, tables: RuleTables): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkInputValue(value, type.ofType, rule, path, tables);
  if (isListType(type)) {
    if (Array.isArray(value)) value.forEach((v, i) => checkInputValue(v, type.ofType, rule, `${path}[${i}]`, tables));
    else checkInputValue(value, type.ofType, rule, path, tables);
    return;
  }
  if (isInputObjectType(type)) {
    const rules = tables.inputs.get(type.name);
    const obj = value as Record<string, unknown>;
    for (const f of Object.values(type.getFields())) checkInputValue(obj[f.name], f.type, rules?.get(f.name), `${path}.${f.name}`, tables);
    return;
  }
  if (typeof value === 'string') {
    checkString(value, rule?.maxChars ?? (getNamedType(type).name === 'ID' ? ID_MAX_CHARS : DEFAULT_MAX_CHARS), path);
    if (rule?.notFuture) {
      const today = todayInChina();
      if (value > today) fail('DATE_IN_FUTURE', { field: path, date: value, today });
    }
    return;
  }
  if (typeof value === 'object') checkLoose(value, path);
}

/**
 * The check as one pass over the operation, before execution: every field of the operation (its
 * fragments included) that takes arguments has them checked against the declared rules or the
 * default caps. Once per request rather than per resolver call: a type-graphql global middleware
 * would wrap every field resolver of every row in an async chain, and a bad argument repeated on
 * 48 cooperatives would be refused 48 times. A refusal stops the whole request with HTTP 400, so a refused write touches nothing.
 */
export function checkOperationInput(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  tables: RuleTables,
): void {
  const typeInfo = new TypeInfo(schema);
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const doc: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
  visit(
    doc,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const def = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (!def || !parent || def.args.length === 0) return;
        let values: Record<string, unknown>;
        try {
          // raw (uncoerced) variables: the check reads strings; coercion errors are execution's to report
          values = getArgumentValues(def, node, variables);
        } catch {
          return;
        }
        const argRules = tables.args.get(`${parent.name}.${def.name}`);
        for (const a of def.args) checkInputValue(values[a.name], a.type, argRules?.get(a.name), a.name, tables);
      },
    }),
  );
}

/** `checkOperationInput` in every subgraph's Apollo Server; a refusal is a 400 with the refusal's code. */
export function inputCheckPlugin<C extends BaseContext>(tables: RuleTables): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          try {
            checkOperationInput(schema, document, operation, (request.variables ?? {}) as Record<string, unknown>, tables);
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
            throw new GraphQLError(e.message, { originalError: e, extensions: { code: e.code, http: { status: 400 } } });
          }
        },
      };
    },
  };
}

import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';

/**
 * Builds one query that selects every field a schema offers, down to a depth, for walking what a
 * caller can reach. Arguments are filled by name from `args`; a field with a required argument
 * that `args` does not know is left out (and reported), optional ones are left unset except those
 * listed. Values come back as GraphQL literals so the query needs no variables.
 */
export interface WalkOptions {
  depth: number;
  /**
   * argument → literal value in GraphQL syntax (`"17"`, `500`, `JSONL`), or a variable (`$member`,
   * declared with the argument's type, non-null): looked up as `Type.field.arg` first, then `arg`.
   * Variables keep the query's text the same for every caller, so the gateway plans it once.
   */
  args: Record<string, string>;
  /** root fields to leave out */
  skipRoot?: readonly string[];
}

export interface Walk {
  query: string;
  /** `Type.field` left out for want of a required argument value */
  skipped: string[];
  /** `Type.field` selected */
  fields: string[];
}

export async function fetchSchema(url: string): Promise<GraphQLSchema> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: getIntrospectionQuery() }) });
  const body = (await res.json()) as { data: IntrospectionQuery };
  return buildClientSchema(body.data);
}

export function walkQuery(schema: GraphQLSchema, opts: WalkOptions): Walk {
  const skipped = new Set<string>();
  const fields = new Set<string>();
  const variables = new Map<string, string>();
  const argsOf = (type: GraphQLObjectType, f: GraphQLField<unknown, unknown>): string | null => {
    const parts: string[] = [];
    const used = new Map<string, string>();
    for (const a of f.args) {
      const v = opts.args[`${type.name}.${f.name}.${a.name}`] ?? opts.args[a.name];
      const named = getNamedType(a.type);
      if (v !== undefined && v.startsWith('$') && !isListType(isNonNullType(a.type) ? a.type.ofType : a.type)) {
        // a variable, declared non-null (fits a nullable argument too); the same variable names one type
        const declared = variables.get(v.slice(1)) ?? used.get(v.slice(1));
        if (declared === undefined || declared === `${named.name}!`) {
          used.set(v.slice(1), `${named.name}!`);
          parts.push(`${a.name}: ${v}`);
          continue;
        }
      }
      if (v !== undefined && !v.startsWith('$') && acceptsLiteral(a.type, v)) parts.push(`${a.name}: ${v}`);
      else if (isNonNullType(a.type) && a.defaultValue === undefined) {
        skipped.add(`${type.name}.${f.name}`);
        return null;
      }
    }
    for (const [n, t] of used) variables.set(n, t);
    return parts.length ? `(${parts.join(', ')})` : '';
  };
  const selection = (type: GraphQLObjectType, depth: number): string => {
    const out: string[] = ['__typename'];
    for (const f of Object.values(type.getFields())) {
      if (type === schema.getQueryType() && opts.skipRoot?.includes(f.name)) continue;
      const named = getNamedType(f.type);
      const a = argsOf(type, f);
      if (a === null) continue;
      if (isScalarType(named) || isEnumType(named)) {
        out.push(`${f.name}${a}`);
        fields.add(`${type.name}.${f.name}`);
      } else if (isObjectType(named) && depth > 1) {
        out.push(`${f.name}${a} { ${selection(named, depth - 1)} }`);
        fields.add(`${type.name}.${f.name}`);
      } else if ((isInterfaceType(named) || isUnionType(named)) && depth > 1) {
        out.push(`${f.name}${a} { __typename }`);
        fields.add(`${type.name}.${f.name}`);
      }
    }
    return out.join(' ');
  };
  const body = selection(schema.getQueryType()!, opts.depth);
  const declared = [...variables].map(([n, t]) => `$${n}: ${t}`).join(', ');
  const query = `query Walk${declared ? `(${declared})` : ''} { ${body} }`;
  return { query, skipped: [...skipped].sort(), fields: [...fields].sort() };
}

/** Only hand an argument a literal of its kind (an `ID` gets a string, `first` an integer…). */
function acceptsLiteral(type: GraphQLInputType, literal: string): boolean {
  const t = isNonNullType(type) ? type.ofType : type;
  if (isListType(t)) return false;
  const named = getNamedType(t);
  if (isEnumType(named)) return /^[A-Z_]+$/.test(literal) && named.getValues().some((v) => v.name === literal);
  if (named.name === 'Int') return /^\d+$/.test(literal);
  if (named.name === 'Boolean') return literal === 'true' || literal === 'false';
  if (isScalarType(named)) return literal.startsWith('"');
  return false;
}

/** Every string value anywhere in a JSON answer. */
export function stringsOf(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) stringsOf(x, out);
  return out;
}

const HAN_RUN = /\p{Script=Han}+/gu;

/**
 * Household names found in texts: a two-character name only as a whole run of Chinese characters
 * (李四 is not found inside 李四家庄), a longer one anywhere inside a run.
 */
export function namesIn(texts: readonly string[], names: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  const long = new Set([...names].filter((n) => Array.from(n).length >= 3));
  const lengths = [...new Set([...long].map((n) => Array.from(n).length))];
  for (const s of texts) {
    for (const m of s.matchAll(HAN_RUN)) {
      const run = Array.from(m[0]);
      const whole = m[0];
      if (names.has(whole)) found.add(whole);
      for (const len of lengths) {
        for (let i = 0; i + len <= run.length; i++) {
          const w = run.slice(i, i + len).join('');
          if (long.has(w)) found.add(w);
        }
      }
    }
  }
  return found;
}

/**
 * The walk as one query per root field (the gateway refuses operations above its size limit):
 * each root at the deepest depth up to `opts.depth` that stays within `maxChars`.
 */
export function walkQueries(schema: GraphQLSchema, opts: WalkOptions, maxChars: number): { root: string; walk: Walk }[] {
  const roots = Object.keys(schema.getQueryType()!.getFields()).filter((r) => !opts.skipRoot?.includes(r));
  const out: { root: string; walk: Walk }[] = [];
  for (const root of roots) {
    for (let depth = opts.depth; depth >= 2; depth--) {
      const walk = walkQuery(schema, { ...opts, depth, skipRoot: roots.filter((r) => r !== root) });
      if (!walk.fields.includes(`Query.${root}`)) break; // a required argument is missing
      if (walk.query.length <= maxChars) {
        out.push({ root, walk });
        break;
      }
    }
  }
  return out;
}

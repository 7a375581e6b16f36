import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { ROLES, type Caller, type Role } from './auth';
import type { Ctx } from './context';
import { fail } from './error-codes';

/**
 * What a field's answer is checked on, once its role has passed: the level of the rows it reads or
 * writes. The caller's side of that check follows from its role, in lib/scope (`readScope`,
 * `requireWrite`): REGION everything, COUNTY / TOWNSHIP its county / township ids, COOPERATIVE and
 * AUDITOR their ids, UNION the cooperatives granted to its union (`access_grant`), MEMBER itself on
 * household rows and its cooperative on cooperative rows, SERVICE everything.
 * - `public`: nothing (the disclosure board);
 * - `region`: the whole region, no row is out of anyone's reach (read-only reference data);
 * - `county`: rows of a county (county offices' views such as the saga outbox);
 * - `cooperative`: rows of a cooperative (its fund, policy, books);
 * - `household`: rows of one household (members, loans): a MEMBER caller only its own;
 * - `parent`: a field of an object the caller could already read; its roles decide, the parent's scope stays;
 * - `service`: internal operations between subgraphs, unscoped, for SERVICE tokens only.
 */
export type ScopeDimension = 'public' | 'region' | 'county' | 'cooperative' | 'household' | 'parent' | 'service';

export interface FieldAccess {
  /** The roles that may run the field; `PUBLIC`: anyone, without a token too. */
  readonly roles: readonly Role[] | 'PUBLIC';
  readonly scope: ScopeDimension;
  /**
   * What a caller outside `roles` gets: `FORBIDDEN` (the default; UNAUTHENTICATED without a token),
   * or `NULL` for values withheld rather than refused (personal numbers for a union or an auditor:
   * the household is readable, its papers are not, and a list of households must not fail for it).
   */
  readonly otherwise?: 'FORBIDDEN' | 'NULL';
}

/** `Type.field` → its access. A subgraph's entries live in its folder (`access.ts`); lib adds its own fields'. */
export type AccessCatalogue = Readonly<Record<string, FieldAccess>>;

/** Every role that reads through the SQL scope (BANK and ENTERPRISE reach nothing here yet). */
export const SCOPED_READERS: readonly Role[] = ['REGION', 'COUNTY', 'TOWNSHIP', 'COOPERATIVE', 'UNION', 'AUDITOR', 'MEMBER', 'SERVICE'];

/** Who may read an audit trail of something they can already see. */
export const AUDIT_READERS: readonly Role[] = ['REGION', 'COUNTY', 'TOWNSHIP', 'COOPERATIVE', 'AUDITOR'];

/**
 * Who sees a household's identity and one-card numbers (masked): those who serve the household (its
 * board, the township and county offices, the region) and the household itself. A union or an
 * auditor judges a cooperative's books, not its people's papers, and reads them as null.
 */
export const PERSONAL_NUMBER_READERS: readonly Role[] = ['REGION', 'COUNTY', 'TOWNSHIP', 'COOPERATIVE', 'MEMBER', 'SERVICE'];

/** Who may look at a subgraph's saga outbox (`<name>SagaSteps`): the county offices (their counties' steps) and the region. */
export const OUTBOX_READERS: readonly Role[] = ['COUNTY', 'REGION'];

/** Internal operations between subgraphs: service tokens only, unscoped. */
export const SERVICE_ONLY: FieldAccess = { roles: ['SERVICE'], scope: 'service' };

/** Root fields federation adds to every subgraph: `_entities` is scoped by each reference resolver's SQL. */
const FEDERATION_ROOT_FIELDS = new Set(['_entities', '_service']);

/** The entry of the root field being run, for checks inside its service (`requireWrite`). */
const RUNNING = Symbol('access of the running root field');
type CtxWithAccess = Ctx & { [RUNNING]?: FieldAccess };

export function runningAccess(ctx: Ctx): FieldAccess {
  const a = (ctx as CtxWithAccess)[RUNNING];
  // A service that checks a write must be reached through a catalogued root field; anything else is a
  // programming error, refused rather than run unchecked.
  if (!a) throw new Error('a write-scope check outside a catalogued root field');
  return a;
}

/** Whether `caller` passes `access`'s roles; the refusal it gets otherwise (UNAUTHENTICATED, FORBIDDEN) is thrown. */
export function checkRoles(caller: Caller | null, access: FieldAccess): Caller | null {
  if (access.roles === 'PUBLIC') return caller;
  if (!caller) return fail('UNAUTHENTICATED');
  if (!access.roles.includes(caller.role)) fail('FORBIDDEN', { role: caller.role });
  return caller;
}

function allowed(caller: Caller | null, access: FieldAccess): boolean {
  return access.roles === 'PUBLIC' || (!!caller && access.roles.includes(caller.role));
}

/**
 * Apply a catalogue to a built schema: only the catalogued fields' resolvers are wrapped, with a
 * synchronous role check (an async wrapper on every field cost 8–20 % on the dashboards). Root
 * resolvers get the entry in their context, so a write's scope check takes the roles of the field
 * being run. Refuses to build when a root field has no entry or an entry names no field, so a new
 * operation cannot ship unchecked.
 */
export function applyAccess(schema: GraphQLSchema, catalogue: AccessCatalogue, subgraph: string): GraphQLSchema {
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name].filter(Boolean) as string[]);
  for (const rootName of roots) {
    const root = schema.getType(rootName);
    if (!isObjectType(root)) continue;
    const missing = Object.keys(root.getFields()).filter((f) => !FEDERATION_ROOT_FIELDS.has(f) && !catalogue[`${rootName}.${f}`]);
    if (missing.length) throw new Error(`${subgraph}: root fields without an access entry: ${missing.map((f) => `${rootName}.${f}`).join(', ')}`);
  }
  for (const [key, access] of Object.entries(catalogue)) {
    const [typeName, fieldName] = key.split('.') as [string, string];
    const type = schema.getType(typeName);
    const field = isObjectType(type) ? type.getFields()[fieldName!] : undefined;
    if (!field) throw new Error(`${subgraph}: access entry ${key} names no field of the schema`);
    if (access.roles !== 'PUBLIC') {
      const unknown = access.roles.filter((r) => !ROLES.includes(r));
      if (unknown.length) throw new Error(`${subgraph}: access entry ${key} names unknown roles ${unknown.join(', ')}`);
    }
    const resolve: GraphQLFieldResolver<unknown, Ctx> = field.resolve ?? defaultFieldResolver;
    if (roots.has(typeName)) {
      field.resolve = (source, args, ctx: Ctx, info) => {
        checkRoles(ctx.caller, access);
        return resolve(source, args, { ...ctx, [RUNNING]: access } as CtxWithAccess, info);
      };
    } else if (access.otherwise === 'NULL') {
      field.resolve = (source, args, ctx: Ctx, info) => (allowed(ctx.caller, access) ? resolve(source, args, ctx, info) : null);
    } else {
      field.resolve = (source, args, ctx: Ctx, info) => {
        checkRoles(ctx.caller, access);
        return resolve(source, args, ctx, info);
      };
    }
  }
  return schema;
}

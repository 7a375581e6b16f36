import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Kind, parse, valueFromASTUntyped,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { ROOT } from '../../subgraphs/lib/config';

/**
 * The committed named operations (schema/operations/*.graphql), read once, and a small
 * "projector": the operation's selection set compiled into a function that copies the selected
 * fields (with aliases, in selection order) out of a plain object. The floor uses it so its JSON has
 * exactly the shape of the GraphQL response's `data` without running any GraphQL per request.
 */

export const OPERATIONS_DIR = join(ROOT, 'schema', 'operations');
/**
 * The bench's own variables: ids discovered from the databases (`$discover:*`) and several cases per
 * operation, so one file serves the county and the region; schema/operations/variables.json holds
 * concrete demo-county ids for people and would measure the wrong sizes at region scale.
 */
export const VARIABLES_FILE = join(ROOT, 'test', 'bench', 'variables.json');

export interface NamedOperation {
  name: string;
  file: string;
  /** The whole file (fragments included), sent as `query` with `operationName`. */
  text: string;
  document: DocumentNode;
  definition: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
}

export function readOperations(dir = OPERATIONS_DIR): NamedOperation[] {
  const out: NamedOperation[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    const document = parse(text);
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    for (const d of document.definitions) {
      if (d.kind === Kind.OPERATION_DEFINITION && d.name && d.operation === 'query') {
        out.push({ name: d.name.value, file, text, document, definition: d, fragments });
      }
    }
  }
  return out;
}

/** Fields of a selection set with fragments flattened (no unions in these operations). */
export function fieldsOf(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): FieldNode[] {
  const out: FieldNode[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(s.selectionSet, fragments));
    else {
      const f = fragments.get(s.name.value);
      if (!f) throw new Error(`unknown fragment ${s.name.value}`);
      out.push(...fieldsOf(f.selectionSet, fragments));
    }
  }
  return out;
}

export type Projector = (value: unknown, variables: Record<string, unknown>) => unknown;

/** The request's variables with the operation's defaults filled in where it gave none (as GraphQL does). */
export function withDefaults(op: NamedOperation, variables: Record<string, unknown>): Record<string, unknown> {
  const out = { ...variables };
  for (const d of op.definition.variableDefinitions ?? []) {
    const name = d.variable.name.value;
    if (out[name] === undefined && d.defaultValue) out[name] = valueFromASTUntyped(d.defaultValue, {});
  }
  return out;
}

/** Whether a field is in the response under these variables (`@include(if:)` / `@skip(if:)`). */
export function included(f: FieldNode, variables: Record<string, unknown>): boolean {
  for (const d of f.directives ?? []) {
    const arg = d.arguments?.find((a) => a.name.value === 'if');
    const value = arg ? valueFromASTUntyped(arg.value, variables) === true : false;
    if (d.name.value === 'include' && !value) return false;
    if (d.name.value === 'skip' && value) return false;
  }
  return true;
}

/**
 * Compile a selection set into a projector. A field the source object does not have throws
 * {@link UnsupportedField} with its path (the floor computes a fixed set of fields).
 */
export function compileProjector(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, path = ''): Projector {
  const fields = fieldsOf(set, fragments).map((f) => ({
    node: f,
    key: f.alias?.value ?? f.name.value,
    name: f.name.value,
    sub: f.selectionSet ? compileProjector(f.selectionSet, fragments, `${path}.${f.name.value}`) : null,
  }));
  const one = (obj: unknown, variables: Record<string, unknown>): unknown => {
    if (obj === null || obj === undefined) return null;
    const src = obj as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      if (!included(f.node, variables)) continue;
      const v = src[f.name];
      if (v === undefined) throw new UnsupportedField(`${path}.${f.name}`.slice(1));
      out[f.key] = f.sub ? project(f.sub, v, variables) : v;
    }
    return out;
  };
  return one;
}

function project(p: Projector, v: unknown, variables: Record<string, unknown>): unknown {
  if (Array.isArray(v)) return v.map((x) => p(x, variables));
  return p(v, variables);
}

export class UnsupportedField extends Error {
  constructor(readonly field: string) {
    super(`the floor does not compute ${field}`);
  }
}

/** Find the field at a path of response keys (aliases or names), or null. */
export function fieldAt(op: NamedOperation, path: readonly string[]): FieldNode | null {
  let set: SelectionSetNode | undefined = op.definition.selectionSet;
  let found: FieldNode | null = null;
  for (const key of path) {
    if (!set) return null;
    found = fieldsOf(set, op.fragments).find((f) => (f.alias?.value ?? f.name.value) === key || f.name.value === key) ?? null;
    if (!found) return null;
    set = found.selectionSet;
  }
  return found;
}

/** Every argument named `name` anywhere in the operation (e.g. all `asOf`), in document order. */
export function argsNamed(op: NamedOperation, name: string): FieldNode[] {
  const out: FieldNode[] = [];
  const walk = (set: SelectionSetNode) => {
    for (const f of fieldsOf(set, op.fragments)) {
      if (f.arguments?.some((a) => a.name.value === name)) out.push(f);
      if (f.selectionSet) walk(f.selectionSet);
    }
  };
  walk(op.definition.selectionSet);
  return out;
}

/** The value of a field's argument under the request's variables (undefined when absent). */
export function argValue(field: FieldNode | null, name: string, variables: Record<string, unknown>): unknown {
  const a = field?.arguments?.find((x) => x.name.value === name);
  return a ? valueFromASTUntyped(a.value, variables) : undefined;
}

export interface MeasuredCase {
  label: string | null;
  variables: Record<string, unknown>;
}

export interface VariablesFile {
  [operationName: string]: MeasuredCase[];
}

/**
 * The measured cases of each operation: test/bench/variables.json maps an operation to one variables object,
 * or to a list of them, each with a `$case` label (e.g. the largest and an average-size county).
 */
export function readVariables(file = VARIABLES_FILE): VariablesFile {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const out: VariablesFile = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith('$') || !v || typeof v !== 'object') continue;
    const list = (Array.isArray(v) ? v : [v]) as Record<string, unknown>[];
    out[k] = list.map(({ $case, ...variables }) => ({ label: typeof $case === 'string' ? $case : null, variables }));
  }
  return out;
}

/** What the bench found in the databases for `$discover:<key>` (run.ts `discover()`). */
export interface Discovered {
  county: number;
  /** the county whose number of cooperatives is nearest the mean over counties (the issue's calibration county had 56 of 1,232 / 22) */
  countyAverage: number;
  cooperative: number;
  member: number;
  /** the county union of `county` */
  union: number;
  /** cooperatives per discovered county */
  cooperativesIn: Record<string, number>;
}

const DISCOVERABLE = ['county', 'countyAverage', 'cooperative', 'member', 'union'] as const;

/** A case's variables with every `"$discover:<key>"` replaced by the discovered id (as a string, like any ID variable). */
export function resolveVariables(raw: Record<string, unknown>, d: Discovered): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string' && v.startsWith('$discover:')) {
      const what = v.slice('$discover:'.length);
      const key = DISCOVERABLE.find((x) => x === what);
      if (!key) throw new Error(`test/bench/variables.json: unknown ${v} (known: ${DISCOVERABLE.map((x) => `$discover:${x}`).join(', ')})`);
      out[k] = String(d[key]);
    } else out[k] = v;
  }
  return out;
}

import { Kind, valueFromASTUntyped, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** What a query asks under a field: sub-fields by name (aliases merged), with their literal arguments. */
export interface Selection {
  has(...path: string[]): boolean;
  /** Arguments of the field at `path` (variables substituted), or undefined when it is not selected. */
  args(...path: string[]): Record<string, unknown> | undefined;
}

interface Node {
  args: Record<string, unknown>;
  children: Map<string, Node>;
}

/**
 * The selection under the field being resolved, through inline fragments and fragment spreads
 * (type conditions ignored: a superset is fine for prefetching). Used to start the statements a
 * page will need next in the same round trip instead of one level later.
 */
export function lookahead(info: GraphQLResolveInfo): Selection {
  const root: Node = { args: {}, children: new Map() };
  const visit = (set: SelectionSetNode | undefined, into: Node, seen: Set<string>): void => {
    if (!set) return;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        const name = s.name.value;
        let child = into.children.get(name);
        if (!child) {
          const args: Record<string, unknown> = {};
          for (const a of s.arguments ?? []) args[a.name.value] = valueFromASTUntyped(a.value, info.variableValues);
          into.children.set(name, (child = { args, children: new Map() }));
        }
        visit(s.selectionSet, child, seen);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        visit(s.selectionSet, into, seen);
      } else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
        const f = info.fragments[s.name.value];
        if (f) visit(f.selectionSet, into, new Set([...seen, s.name.value]));
      }
    }
  };
  for (const n of info.fieldNodes) visit(n.selectionSet, root, new Set());
  const at = (path: string[]): Node | undefined => path.reduce<Node | undefined>((n, p) => n?.children.get(p), root);
  return {
    has: (...path) => at(path) !== undefined,
    args: (...path) => at(path)?.args,
  };
}

/**
 * Run prefetches next to the main read and return the main result. A failing prefetch is ignored
 * here: the field that needs it asks again (DataLoader keeps the failure) and reports the error at
 * its own path, as it would without the prefetch.
 */
export async function withPrefetch<T>(main: Promise<T>, prefetches: (false | (() => Promise<unknown>))[]): Promise<T> {
  const side = prefetches.map((p) => {
    if (!p) return undefined;
    try {
      return p().catch(() => undefined);
    } catch {
      return undefined;
    }
  });
  const [result] = await Promise.all([main, ...side]);
  return result;
}

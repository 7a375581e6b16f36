import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Look-ahead for detail pages: which fields the client asked for below the field being resolved,
 * so a loader can bring related rows in the same SQL statement (one round trip instead of one per
 * nesting level) and prime the loaders of those fields.
 *
 * `selectedFields(info, ['guaranteeGroup'])` is the set of field names selected under
 * `guaranteeGroup` of the current field, over every occurrence of the current field in the
 * operation, through inline fragments and named fragments. Aliases are ignored (the schema name
 * counts) and `@skip` / `@include` are not evaluated: a field that might be skipped is reported as
 * selected, so the worst case is a row fetched and not used, never a missing one.
 */
export function selectedFields(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, path: readonly string[] = []): Set<string> {
  let sets: SelectionSetNode[] = info.fieldNodes.flatMap((f) => (f.selectionSet ? [f.selectionSet] : []));
  for (const name of path) {
    const next: SelectionSetNode[] = [];
    forEachField(sets, info.fragments, (fieldName, set) => {
      if (fieldName === name && set) next.push(set);
    });
    sets = next;
  }
  const out = new Set<string>();
  forEachField(sets, info.fragments, (fieldName) => out.add(fieldName));
  return out;
}

function forEachField(
  sets: readonly SelectionSetNode[],
  fragments: Record<string, FragmentDefinitionNode>,
  visit: (name: string, set: SelectionSetNode | undefined) => void,
): void {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) visit(s.name.value, s.selectionSet);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value); // a fragment spread twice (or cyclically) is walked once
        const f = fragments[s.name.value];
        if (f) walk(f.selectionSet);
      }
    }
  };
  for (const set of sets) walk(set);
}

import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';

/** Reject operations nested deeper than `max` fields (fragments followed, cycles cut). */
export function depthLimit(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const s of set.selections) {
        let d = 0;
        if (s.kind === Kind.FIELD) d = s.name.value.startsWith('__') ? 0 : 1 + depthOf(s.selectionSet, seen);
        else if (s.kind === Kind.INLINE_FRAGMENT) d = depthOf(s.selectionSet, seen);
        else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
          const f = fragments.get(s.name.value);
          d = f ? depthOf(f.selectionSet, new Set([...seen, s.name.value])) : 0;
        }
        if (d > deepest) deepest = d;
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > max) {
          const zh = `查询嵌套过深(${depth} > ${max})`;
          const en = `Query depth ${depth} exceeds the limit of ${max}`;
          context.reportError(
            new GraphQLError(`${zh} / ${en}`, {
              nodes: [node],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', messageZh: zh, messageEn: en },
            }),
          );
        }
      },
    };
  };
}

/** Operation text above this many characters is refused before parsing. */
export const MAX_QUERY_CHARS = 20_000;

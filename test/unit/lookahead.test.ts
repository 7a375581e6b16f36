import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { selectedFields } from '../../subgraphs/lib/lookahead';

/** The `info` a resolver of the root field `root` would get for this document. */
function infoFor(doc: string, root: string) {
  const d = parse(doc);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of d.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  const op = d.definitions.find((x): x is OperationDefinitionNode => x.kind === Kind.OPERATION_DEFINITION)!;
  const fieldNodes = op.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === root);
  return { fieldNodes, fragments };
}

const sorted = (s: Set<string>) => [...s].sort();

describe('selectedFields', () => {
  it('lists the fields directly under the current field', () => {
    expect(sorted(selectedFields(infoFor('{ member(id: 1) { id headName loans { id } } }', 'member')))).toEqual(['headName', 'id', 'loans']);
  });

  it('follows a path, by schema name whatever the alias', () => {
    const info = infoFor('{ member(id: 1) { g: guaranteeGroup { id members { id } } } }', 'member');
    expect(sorted(selectedFields(info, ['guaranteeGroup']))).toEqual(['id', 'members']);
    expect(sorted(selectedFields(info, ['guaranteeGroup', 'members']))).toEqual(['id']);
  });

  it('goes through inline and named fragments, also nested and repeated ones', () => {
    const info = infoFor(
      `query { member(id: 1) { ...A ... on Member { guaranteeGroup { ...G } } } }
       fragment A on Member { id ...B }
       fragment B on Member { contributionTotals { household } ...A }
       fragment G on GuaranteeGroup { name ...G }`,
      'member',
    );
    expect(sorted(selectedFields(info))).toEqual(['contributionTotals', 'guaranteeGroup', 'id']);
    expect(sorted(selectedFields(info, ['guaranteeGroup']))).toEqual(['name']);
  });

  it('merges every occurrence of the field, and counts skipped fields as selected', () => {
    const info = infoFor('query($no: Boolean!) { member(id: 1) { id } member(id: 1) { loans @skip(if: $no) { id } } }', 'member');
    expect(sorted(selectedFields(info))).toEqual(['id', 'loans']);
  });

  it('is empty for a path that is not selected, or a leaf', () => {
    const info = infoFor('{ member(id: 1) { id } }', 'member');
    expect(selectedFields(info, ['guaranteeGroup']).size).toBe(0);
    expect(selectedFields(info, ['id']).size).toBe(0);
    expect(selectedFields(infoFor('{ version }', 'version')).size).toBe(0);
  });
});

import type { SubgraphDefinition } from '../subgraphs/lib/subgraph';
import { membersSubgraph } from '../subgraphs/members';
import { loansSubgraph } from '../subgraphs/loans';
import type { SubgraphName } from '../subgraphs/lib/config';

/** Every subgraph of the federation, in start order. */
export const SUBGRAPH_DEFS: Record<SubgraphName, SubgraphDefinition> = {
  members: membersSubgraph,
  loans: loansSubgraph,
};

import { registerAddresses } from './lib/config';
import { errorsMarkdown } from './lib/error-codes';
import type { SubgraphDefinition } from './lib/subgraph';
import { membersSubgraph } from './members';
import { loansSubgraph } from './loans';
import { unionSubgraph } from './union';

/**
 * Every subgraph of the federation, in start order (a subgraph another one calls at start-up comes
 * first). A new subgraph is its folder, whose `index.ts` exports its definition, plus one line here;
 * every runner reads this list and names no subgraph itself (test/registry.test.ts checks it).
 */
export const REGISTRY: readonly SubgraphDefinition[] = [membersSubgraph, loansSubgraph, unionSubgraph];

registerAddresses(REGISTRY);

export function subgraphNamed(name: string): SubgraphDefinition {
  const def = REGISTRY.find((d) => d.name === name);
  if (!def) throw new Error(`unknown subgraph "${name}"; known: ${REGISTRY.map((d) => d.name).join(', ')}`);
  return def;
}

/** schema/ERRORS.md: lib's codes, then each subgraph's. */
export const registryErrorsMarkdown = (): string => errorsMarkdown(REGISTRY.map((d) => ({ owner: d.name, codes: d.codes })));

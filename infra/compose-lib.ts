import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { errorsMarkdown } from '../subgraphs/lib/error-codes';
import { SUBGRAPHS, type SubgraphName } from '../subgraphs/lib/config';
import { printSubgraphSdl } from '../subgraphs/lib/subgraph';
import { SUBGRAPH_DEFS } from './services';

export interface Composition {
  subgraphs: Record<string, string>;
  supergraph: string;
  errorsMd: string;
}

/** Print every subgraph's SDL from code and compose the supergraph (no database needed). */
export async function compose(): Promise<Composition> {
  const subgraphs: Record<string, string> = {};
  for (const name of Object.keys(SUBGRAPH_DEFS) as SubgraphName[]) subgraphs[name] = await printSubgraphSdl(SUBGRAPH_DEFS[name]);
  const result = composeServices(
    Object.entries(subgraphs).map(([name, sdl]) => ({
      name,
      typeDefs: parse(sdl),
      url: `http://127.0.0.1:${SUBGRAPHS[name as SubgraphName].port}/graphql`,
    })),
  );
  if (result.errors) {
    throw new Error('composition failed:\n' + result.errors.map((e) => `- ${e.message}`).join('\n'));
  }
  return { subgraphs, supergraph: result.supergraphSdl.trim() + '\n', errorsMd: errorsMarkdown() };
}

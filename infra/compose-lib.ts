import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { printSubgraphSdl } from '../subgraphs/lib/subgraph';
import { REGISTRY, registryErrorsMarkdown } from '../subgraphs/registry';

export interface Composition {
  subgraphs: Record<string, string>;
  supergraph: string;
  errorsMd: string;
}

/** Print every subgraph's SDL from code and compose the supergraph (no database needed). */
export async function compose(): Promise<Composition> {
  const subgraphs: Record<string, string> = {};
  for (const def of REGISTRY) subgraphs[def.name] = await printSubgraphSdl(def);
  const result = composeServices(
    REGISTRY.map((def) => ({ name: def.name, typeDefs: parse(subgraphs[def.name]!), url: `http://127.0.0.1:${def.port}/graphql` })),
  );
  if (result.errors) {
    throw new Error('composition failed:\n' + result.errors.map((e) => `- ${e.message}`).join('\n'));
  }
  return { subgraphs, supergraph: result.supergraphSdl.trim() + '\n', errorsMd: registryErrorsMarkdown() };
}

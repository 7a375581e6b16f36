import 'reflect-metadata';
import { buildSchema, createResolversMap, type BuildSchemaOptions } from 'type-graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { LocalDateScalar } from './dates';
import { MoneyScalar } from './money';

/** Federation version we link (2.14.x composition rejects links above v2.14). */
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag"])';

export type ReferenceResolvers = Record<string, { __resolveReference: (ref: any, ctx: any) => unknown }>;

export interface SubgraphBuild {
  schema: GraphQLSchema;
  /** The subgraph's SDL as composition sees it (committed under schema/subgraphs/). */
  sdl: string;
}

/**
 * type-graphql classes → a Federation 2 subgraph schema. Entity stubs that only federation
 * reaches must be passed as `orphanedTypes` or type-graphql drops them silently.
 */
export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, 'scalarsMap' | 'validate'>,
  references: ReferenceResolvers,
): Promise<SubgraphBuild> {
  const tg = await buildSchema({
    ...options,
    scalarsMap: [{ type: BigInt, scalar: MoneyScalar }],
    validate: false,
    emitSchemaFile: false,
  });
  const printed = printSchemaWithDirectives(tg);
  const sdl = `${FEDERATION_LINK}\n\n${printed.trim()}\n`;
  const generated = createResolversMap(tg) as Record<string, any>;
  const resolvers: Record<string, any> = { ...generated };
  for (const [type, r] of Object.entries(references)) resolvers[type] = { ...(resolvers[type] ?? {}), ...r };
  resolvers.Money = MoneyScalar;
  resolvers.LocalDate = LocalDateScalar;
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers });
  return { schema, sdl };
}

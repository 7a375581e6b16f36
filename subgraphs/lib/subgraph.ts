import 'reflect-metadata';
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { StepKind } from './saga';
import { sagaStepsAccess, sagaStepsResolver } from './saga.resolver';
import { accessGrantAccess, accessGrantResolver } from './access-grant';
import type { BuildSchemaOptions } from 'type-graphql';
import { applyAccess, type AccessCatalogue } from './access';
import { forwardedRequester, loadKey, requestCaller } from './auth';
import { DATA_DIR, type SubgraphAddress } from './config';
import { makeCtx, type Ctx } from './context';
import { openDatabase, readPathOf, type DbOptions } from './db';
import { databaseUnavailable, type CodeTable } from './error-codes';
import { formatError } from './errors';
import { buildFederatedSchema, type ReferenceResolvers } from './federation';
import { listen, serveApollo } from './http';
import { compileRules, inputCheckPlugin } from './input-check';
import { operationCheckPlugin } from './operation-check';
import { logger } from './logger';
import { readRetryPlugin, withReadRetry, type RunMark } from './read-retry';
import { requestLog } from './request-log';
import { ACCESS_GRANT_SEED, type SeedLayout } from './seed-layout';
import type { Table } from './table';

/**
 * Everything the runners need to know about one subgraph, declared in its own folder (`index.ts`)
 * and gathered by `subgraphs/registry.ts`: `npm start`, the test stack, compose, seed, reconcile and
 * the bench read it from there and name no subgraph themselves.
 */
export interface SubgraphDefinition extends SubgraphAddress {
  /** Every table its migrations create (lib/table), beside lib's own: test/tables.test.ts holds them against the migrated database. */
  tables: readonly Table<any>[];
  /** The MikroORM mappings of its writes: generated from `tables` by {@link defineSubgraph}. */
  entities: DbOptions['entities'];
  migrations: DbOptions['migrations'];
  resolvers: BuildSchemaOptions['resolvers'];
  orphanedTypes?: BuildSchemaOptions['orphanedTypes'];
  references: (orm: MikroORM) => ReferenceResolvers;
  /**
   * Who may run each root field and each caller-reading field, and on what it is scoped (its
   * `access.ts`, lib/access): the schema is refused when a root field has no entry.
   */
  access: AccessCatalogue;
  /** The refusal codes only this subgraph raises (its `codes.ts`), for the catalogue and schema/ERRORS.md. */
  codes: CodeTable;
  /** Background work of a running service (not of the test stack unless asked): returns its stop. */
  background?: (orm: MikroORM) => () => void;
  /**
   * The saga steps this subgraph sends to others (lib/saga): its service runs their background
   * runner, `npm run reconcile` works and lists them, and county and region officers read them
   * through `<name>SagaSteps`.
   */
  sagas?: readonly StepKind[];
  /**
   * It scopes by grants (lib/scope `access_grant`, its migrations create the table): lib adds the
   * internal mutation through which a relation's owner sets them by saga (lib/access-grant), and
   * the grant table to its seed layout (the seeded relations' grants).
   */
  grants?: boolean;
  /** The tables it contributes to the bulk seed (`npm run seed`, the demo county); without one the seed leaves its database empty. */
  seed?: SeedLayout;
  /**
   * Consistency checks of its database, each one statement returning the offending rows (none:
   * consistent); the test stack runs them after every end-to-end scenario and fails on any row.
   */
  invariants?: readonly { name: string; sql: string }[];
}

/**
 * A subgraph's definition as its folder declares it (`export const x = defineSubgraph({...})`),
 * completed with what lib serves for every subgraph of its kind: the operators' view of its saga
 * outbox when it sends steps, the grants' writer when it scopes by grants. Done once, when the folder is loaded, so the classes are in the
 * metadata before anything reads it (the input checks are compiled from it).
 */
export function defineSubgraph(declared: Omit<SubgraphDefinition, 'entities'> & { entityClasses?: DbOptions['entities'] }): SubgraphDefinition {
  const { entityClasses, ...rest } = declared;
  let def: SubgraphDefinition = { ...rest, entities: [...((entityClasses as unknown[]) ?? []), ...rest.tables.map((t) => t.entity)] as DbOptions['entities'] };
  if (def.sagas?.length) {
    def = { ...def, resolvers: [...def.resolvers, sagaStepsResolver(def.name)] as unknown as BuildSchemaOptions['resolvers'], access: { ...def.access, ...sagaStepsAccess(def.name) } };
  }
  if (def.grants) {
    if (def.seed) def = { ...def, seed: { ...def.seed, tables: [...def.seed.tables, ACCESS_GRANT_SEED] } };
    def = { ...def, resolvers: [...def.resolvers, accessGrantResolver(def.name)] as unknown as BuildSchemaOptions['resolvers'], access: { ...def.access, ...accessGrantAccess(def.name) } };
  }
  return def;
}

export interface RunningSubgraph {
  url: string;
  port: number;
  orm: MikroORM;
  stop(): Promise<void>;
}

/** Print a subgraph's SDL without a database (used by `npm run compose` and the drift test). */
export async function printSubgraphSdl(def: SubgraphDefinition): Promise<string> {
  const stubOrm = {} as MikroORM;
  const { schema, sdl } = await buildFederatedSchema({ resolvers: def.resolvers, orphanedTypes: def.orphanedTypes }, def.references(stubOrm));
  applyAccess(schema, def.access, def.name); // a root field without an entry fails compose too
  return sdl;
}

/** Open the database (migrations applied), build the schema and serve it. Port 0 = any free port. */
export async function startSubgraph(def: SubgraphDefinition, dbUrl: string, port: number): Promise<RunningSubgraph> {
  const orm = await openDatabase({ url: dbUrl, entities: def.entities, migrations: def.migrations });
  await readPathOf(orm).warm();
  const { schema } = await buildFederatedSchema({ resolvers: def.resolvers, orphanedTypes: def.orphanedTypes }, def.references(orm));
  applyAccess(schema, def.access, def.name);
  const key = loadKey(DATA_DIR);
  const apollo = new ApolloServer<Ctx>({
    schema,
    formatError: (formatted, error) => formatError(formatted, error, databaseUnavailable),
    includeStacktraceInErrorResponses: false,
    introspection: process.env.NODE_ENV !== 'production',
    csrfPrevention: false,
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), requestLog<Ctx>('debug'), readRetryPlugin<Ctx>(), operationCheckPlugin<Ctx>(), inputCheckPlugin<Ctx>(compileRules())],
  });
  await apollo.start();
  const http: Server = serveApollo(apollo, async (req, requestId, run?: RunMark) => {
    const authorization = (req.headers.authorization as string | undefined) ?? null;
    const caller = await requestCaller(key, authorization);
    const requester = await forwardedRequester(key, caller, req.headers['x-caller-authorization'] as string | undefined);
    return { ...makeCtx(orm, caller, requestId, authorization), requester, run };
  }, undefined, {}, withReadRetry);
  const actual = await listen(http, port);
  logger.info({ subgraph: def.name, port: actual }, 'subgraph listening');
  return {
    url: `http://127.0.0.1:${actual}/graphql`,
    port: actual,
    orm,
    async stop() {
      await new Promise<void>((r) => {
        http.close(() => r());
        http.closeAllConnections();
      });
      await apollo.stop();
      await orm.close(true);
    },
  };
}

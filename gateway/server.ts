import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { loadKey, requestCaller, type Caller } from '../subgraphs/lib/auth';
import { DATA_DIR } from '../subgraphs/lib/config';
import { formatError } from '../subgraphs/lib/errors';
import { listen, serveApollo } from '../subgraphs/lib/http';
import { operationCheckPlugin } from '../subgraphs/lib/operation-check';
import { withScalarParsing } from '../subgraphs/lib/scalars';
import { logger } from '../subgraphs/lib/logger';
import { requestLog } from '../subgraphs/lib/request-log';
import { corsRoute, parseCorsOrigins } from './cors';
import { explorerRoute } from './explorer';
import { keepAliveFetcher } from './fetcher';
import { outageStatus } from './outage';
import { depthLimit, MAX_QUERY_CHARS } from './limits';

export interface GatewayContext {
  authorization: string | null;
  requestId: string;
  caller: Caller | null;
}

export interface GatewayOptions {
  supergraphPath: string;
  port: number;
  /** Override the subgraph URLs written in the supergraph (tests, containers): name → URL. */
  subgraphUrls?: Record<string, string>;
  explorer?: boolean;
  maxDepth?: number;
  /** Origins whose browser pages may call /graphql; default `CORS_ORIGINS`, empty = CORS off. */
  corsOrigins?: string[];
}

type FetcherResponse = Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0];

/** Forwards the caller's token and the request id; subgraph calls go through `keepAliveFetcher`. */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  /** A subgraph's non-2xx answer (e.g. 400 for a bad literal) keeps its coded error instead of "400: Bad Request". */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = (await this.parseBody(response.clone()).catch(() => null)) as { errors?: { message?: string; extensions?: Record<string, unknown> }[] } | null;
    const first = body?.errors?.[0];
    if (first?.message && typeof first.extensions?.code === 'string') {
      const { stacktrace: _s, ...extensions } = first.extensions;
      return new GraphQLError(first.message, { extensions });
    }
    return super.errorFromResponse(response);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!request.http) return;
    if (context.authorization) request.http.headers.set('authorization', context.authorization);
    if (context.requestId) request.http.headers.set('x-request-id', context.requestId);
  }
}

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const corsOrigins = opts.corsOrigins ?? parseCorsOrigins(process.env.CORS_ORIGINS);
  const supergraphSdl = readFileSync(opts.supergraphPath, 'utf8');
  const key = loadKey(DATA_DIR);
  const fetcher = keepAliveFetcher();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new ForwardingDataSource({
        url: opts.subgraphUrls?.[name] ?? process.env[`${name.toUpperCase()}_URL`] ?? url,
        fetcher: fetcher as never,
      }),
  });
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => withScalarParsing(apiSchema));
  const production = process.env.NODE_ENV === 'production';
  const server = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    csrfPrevention: false,
    validationRules: [depthLimit(opts.maxDepth ?? 12)],
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      requestLog<GatewayContext>('info'),
      outageStatus<GatewayContext>(),
      operationCheckPlugin<GatewayContext>(),
    ],
  });
  await server.start();
  const http: Server = serveApollo(
    server,
    async (req, requestId) => {
      const authorization = (req.headers.authorization as string | undefined) ?? null;
      const caller = await requestCaller(key, authorization);
      return { authorization, requestId, caller };
    },
    corsRoute(corsOrigins, explorerRoute(opts.explorer ?? !production)),
    { maxQueryChars: MAX_QUERY_CHARS },
  );
  const port = await listen(http, opts.port, process.env.GATEWAY_HOST ?? '127.0.0.1');
  logger.info({ port }, 'gateway listening');
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    async stop() {
      await new Promise<void>((r) => {
        http.close(() => r());
        http.closeAllConnections();
      });
      await server.stop();
      fetcher.close();
    },
  };
}

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { ROOT } from '../../subgraphs/lib/config';

/**
 * The peer: Hive Gateway (The Guild) on the same committed schema/supergraph.graphql, so on the same
 * subgraph URLs (127.0.0.1:4001 / :4002). It forwards the caller's Authorization header to every
 * subgraph (the subgraphs verify it, as behind our gateway), with request deduplication off in
 * both directions (inbound in-flight deduplication and the HTTP transport's upstream one), no
 * landing page, no response cache. GET /metrics answers like our services (pid, memory).
 * With PEER_RUNTIME=router it plans and executes with the Hive Router runtime
 * (`@graphql-hive/router-runtime`: the Rust query planner as a native addon and its own executor)
 * instead of the default stitching runtime: the same gateway otherwise.
 *
 * Run: node dist/test/bench/peer.js  (env PORT, PEER_RUNTIME).
 */
async function main(): Promise<void> {
  const supergraph = readFileSync(join(ROOT, 'schema', 'supergraph.graphql'), 'utf8');
  const router = process.env.PEER_RUNTIME === 'router';
  const gateway = createGatewayRuntime({
    supergraph,
    ...(router ? { unifiedGraphHandler } : {}),
    logging: 'error',
    landingPage: false,
    graphiql: false,
    inboundInflightRequestDeduplication: false,
    transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') ?? undefined }),
    },
  });
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      const body = JSON.stringify({
        pid: process.pid, service: router ? 'peer-router' : 'peer', rssBytes: process.memoryUsage().rss,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
      return;
    }
    void gateway(req, res);
  });
  server.keepAliveTimeout = 65_000;
  const port = Number(process.env.PORT ?? 0);
  server.listen(port, '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(`peer listening${router ? ' (router runtime)' : ''} on ${typeof a === 'object' && a ? a.port : port}\n`);
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void Promise.resolve(gateway.dispose()).finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  process.stderr.write(`peer failed: ${(e as Error).stack}\n`);
  process.exit(1);
});

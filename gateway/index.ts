import { join } from 'node:path';
import { ROOT } from '../subgraphs/lib/config';
import { logger } from '../subgraphs/lib/logger';
import { exitIfPortInUse } from '../subgraphs/lib/ports';
import { startGateway } from './server';

/** `node dist/gateway/index.js`: serves schema/supergraph.graphql on PORT (default 4000). */
const port = Number(process.env.PORT ?? 4000);

async function main(): Promise<void> {
  const gw = await startGateway({
    supergraphPath: process.env.SUPERGRAPH_PATH ?? join(ROOT, 'schema', 'supergraph.graphql'),
    port,
  });
  const stop = async () => {
    await gw.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e) => {
  exitIfPortInUse(e, port);
  logger.error({ err: e }, 'gateway failed to start');
  process.exit(1);
});

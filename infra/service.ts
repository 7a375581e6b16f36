import 'reflect-metadata';
import { databaseUrl, subgraphPort } from '../subgraphs/lib/config';
import { logger } from '../subgraphs/lib/logger';
import { exitIfPortInUse } from '../subgraphs/lib/ports';
import { startSagaRunner } from '../subgraphs/lib/saga';
import { startSubgraph, type RunningSubgraph } from '../subgraphs/lib/subgraph';
import { classifyDbFailure } from '../subgraphs/lib/db-failure';
import { REGISTRY, subgraphNamed } from '../subgraphs/registry';

/**
 * One subgraph as its own process: `node dist/infra/service.js <name>` (what `npm start` runs for
 * each registry entry). PORT, else `<NAME>_PORT`, else the declared port; the database from
 * `<NAME>_DATABASE_URL` / DATABASE_URL. SIGINT / SIGTERM stop it cleanly.
 */
const name = process.argv[2] ?? '';
if (!REGISTRY.some((d) => d.name === name)) {
  process.stderr.write(`usage: node dist/infra/service.js <${REGISTRY.map((d) => d.name).join('|')}>\n`);
  process.exit(2);
}
const def = subgraphNamed(name);
process.env.SERVICE_NAME ??= def.name;
const port = Number(process.env.PORT ?? subgraphPort(def.name));

/**
 * PostgreSQL may be restarting when this process starts (npm start restarts a crashed service
 * within a second; a database restart takes a few): wait for it, up to DB_WAIT_SECONDS (60), rather
 * than exit and count as another crash. Anything else that fails start-up exits at once.
 */
async function startWhenDatabaseAnswers(): Promise<RunningSubgraph> {
  const until = Date.now() + Number(process.env.DB_WAIT_SECONDS ?? 60) * 1000;
  for (let delay = 500; ; delay = Math.min(delay * 2, 4000)) {
    try {
      return await startSubgraph(def, databaseUrl(def.name), port);
    } catch (e) {
      if (!classifyDbFailure(e) || Date.now() + delay > until) throw e;
      logger.warn({ subgraph: def.name, err: e instanceof Error ? e.message : String(e), retryInMs: delay }, 'database not reachable yet; waiting for it');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

startWhenDatabaseAnswers()
  .then((running) => {
    const stopBackground = def.background?.(running.orm) ?? (() => {});
    // every service works its own saga outbox in the background (what the requests could not finish)
    const runner = def.sagas?.length ? startSagaRunner(running.orm, def.sagas) : null;
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, subgraph: def.name }, 'subgraph stopping');
      stopBackground();
      Promise.resolve(runner?.stop()).then(() => running.stop()).then(
        () => process.exit(0),
        (e) => {
          logger.error({ err: e, subgraph: def.name }, 'subgraph did not stop cleanly');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  })
  .catch((e) => {
    exitIfPortInUse(e, port);
    logger.error({ err: e, subgraph: def.name }, 'subgraph failed to start');
    process.exit(1);
  });

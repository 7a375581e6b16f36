import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { classifyDbFailure } from './db-failure';
import { logger } from './logger';

/**
 * One retry of a read whose connection was dropped under it (a backend terminated, the server
 * restarted between two statements): the second run gets a fresh connection from the pool.
 *
 * Why the whole GraphQL operation in the subgraph's HTTP handler, and not the statement or the
 * gateway:
 * - The operation type is known for certain there: only a `query` is retried, never a `mutation`
 *   (a write's transaction may or may not have committed when the connection died; the client
 *   repeats it with its idempotency key, which is safe). A statement does not know which operation
 *   it serves, and the reads outside a transaction are issued from many places (loaders, services).
 * - A fresh run gets a fresh context (EntityManager fork, DataLoaders): nothing half-loaded from
 *   the failed run is reused.
 * - The gateway cannot tell a subgraph's dropped connection from a refusal by an unreachable
 *   server, and retrying there would repeat the subgraph's own retry.
 * Only dropped connections are retried: while the server is down (refused), a retry 400 ms later
 * would only delay the coded answer, so the caller gets DATABASE_UNAVAILABLE at once.
 */
export const READ_RETRY_PAUSE_MS = 400;

/** Retries done by this process (tests read it). */
export const readRetryStats = { retries: 0 };

/**
 * One run of a request, handed to its context (`Ctx.run`) and read back after it. Not an
 * AsyncLocalStorage: on Node 20 running one turns on promise hooks for the whole process, a cost
 * on every promise of every request (measured in the bench; figures in the session notes).
 */
export interface RunMark {
  droppedRead: boolean;
}

/** Marks the running request when a query (not a mutation) hit a dropped connection. */
export function readRetryPlugin<C extends BaseContext & { run?: RunMark }>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ operation, errors, contextValue }) {
          if (operation?.operation !== 'query') return;
          const mark = contextValue.run;
          if (mark && errors.some((e) => classifyDbFailure(e) === 'dropped')) mark.droppedRead = true;
        },
      };
    },
  };
}

/** Runs one HTTP GraphQL execution; runs it a second time, after a pause, if the plugin marked it. */
export async function withReadRetry<T>(execute: (run: RunMark) => Promise<T>, pauseMs = READ_RETRY_PAUSE_MS): Promise<T> {
  const first: RunMark = { droppedRead: false };
  const result = await execute(first);
  if (!first.droppedRead) return result;
  readRetryStats.retries++;
  logger.warn({ pauseMs }, 'read hit a dropped database connection; retrying once');
  await new Promise((r) => setTimeout(r, pauseMs));
  return execute({ droppedRead: false });
}

import { AsyncLocalStorage } from 'node:async_hooks';
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

interface RunState {
  droppedRead: boolean;
}
const current = new AsyncLocalStorage<RunState>();

/** Marks the running request when a query (not a mutation) hit a dropped connection. */
export function readRetryPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ operation, errors }) {
          if (operation?.operation !== 'query') return;
          const state = current.getStore();
          if (state && errors.some((e) => classifyDbFailure(e) === 'dropped')) state.droppedRead = true;
        },
      };
    },
  };
}

/** Runs one HTTP GraphQL execution; runs it a second time, after a pause, if the plugin marked it. */
export async function withReadRetry<T>(execute: () => Promise<T>, pauseMs = READ_RETRY_PAUSE_MS): Promise<T> {
  const first: RunState = { droppedRead: false };
  const result = await current.run(first, execute);
  if (!first.droppedRead) return result;
  readRetryStats.retries++;
  logger.warn({ pauseMs }, 'read hit a dropped database connection; retrying once');
  await new Promise((r) => setTimeout(r, pauseMs));
  return current.run({ droppedRead: false }, execute);
}

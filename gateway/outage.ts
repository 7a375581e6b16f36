import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { RETRY_AFTER_SECONDS } from '../subgraphs/lib/db-failure';

const CODE = 'DATABASE_UNAVAILABLE';

/**
 * A database outage that left nothing to answer is HTTP 503 with `Retry-After`, so clients, proxies
 * and load balancers that know HTTP retry without reading GraphQL errors. An answer that still
 * carries data stays 200 with its coded errors: the client has something to show.
 * "Nothing" is no data, or only root fields that are null; any other error keeps the status.
 */
export function outageStatus<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (!errors?.length || !errors.every((e) => e.extensions?.code === CODE)) return;
          if (data && Object.values(data).some((v) => v !== null)) return;
          const seconds = Math.max(
            ...errors.map((e) => {
              const s = (e.extensions?.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
              return typeof s === 'number' && Number.isInteger(s) && s > 0 ? s : RETRY_AFTER_SECONDS;
            }),
          );
          response.http.status = 503;
          response.http.headers.set('retry-after', String(seconds));
        },
      };
    },
  };
}

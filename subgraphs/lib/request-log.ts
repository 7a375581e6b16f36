import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { logger } from './logger';

/**
 * One structured line per operation: request id (the gateway's, carried to every subgraph),
 * operation name, duration, error codes. `level` is 'info' at the gateway, 'debug' in subgraphs.
 */
export function requestLog<C extends BaseContext & { requestId: string }>(level: 'info' | 'debug'): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ request, errors }) {
          if (!logger.isLevelEnabled(level)) return;
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          logger[level]({
            reqId: contextValue.requestId,
            op: request.operationName ?? null,
            ms: Math.round(ms * 10) / 10,
            errors: errors?.map((e) => e.extensions?.code ?? 'UNKNOWN') ?? [],
          }, 'graphql');
        },
      };
    },
  };
}

import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { logger } from './logger';

/**
 * One structured line per operation: request id (the gateway's, carried to every subgraph),
 * operation name, duration, error codes. At `level` ('info' at the gateway) for operations with
 * errors or slower than `slowMs` (LOG_SLOW_MS, default 1 s), every other one at 'debug'
 * (LOG_LEVEL=debug shows them all): a full access log at hundreds of requests per second costs
 * each request a write to the log pipe and a wake-up of whoever reads it.
 */
export function requestLog<C extends BaseContext & { requestId: string }>(
  level: 'info' | 'debug',
  slowMs = Number(process.env.LOG_SLOW_MS ?? 1000),
): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ request, errors }) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const at = errors?.length || ms >= slowMs ? level : 'debug';
          if (!logger.isLevelEnabled(at)) return;
          logger[at]({
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

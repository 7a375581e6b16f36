import { GraphQLError } from 'graphql';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

const refuse = (code: string, zh: string, en: string): GraphQLError =>
  new GraphQLError(`${zh} / ${en}`, { extensions: { code, messageZh: zh, messageEn: en, http: { status: 400 } } });

/**
 * A request whose document has no operation to run (unknown `operationName`, several operations and
 * no name) or a subscription (neither the gateway nor the subgraphs serve them) is a 400 with a code,
 * before execution, where the gateway would otherwise fail with a 500.
 */
export function operationCheckPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (!operation) {
            const name = request.operationName?.slice(0, 100);
            throw name
              ? refuse('OPERATION_RESOLUTION_FAILURE', `查询中没有名为 ${JSON.stringify(name)} 的操作`, `Unknown operation named ${JSON.stringify(name)}.`)
              : refuse('OPERATION_RESOLUTION_FAILURE', '查询包含多个操作时须指定 operationName', 'Must provide operation name if query contains multiple operations.');
          }
          if (operation.operation === 'subscription') {
            throw refuse('BAD_REQUEST', '不支持订阅(subscription)操作', 'Subscriptions are not supported.');
          }
        },
      };
    },
  };
}

import { GraphQLScalarType, type GraphQLSchema } from 'graphql';
import { LocalDateScalar } from './dates';
import { MoneyScalar } from './money';

/**
 * Give the gateway's API schema the subgraphs' scalar parsing (it is built from the supergraph,
 * where `LocalDate` and `Money` are bare scalars): an invalid literal or variable is then refused
 * by the gateway's own validation — HTTP 400, INVALID_INPUT, no `data` — instead of reaching a
 * subgraph and coming back as a partial answer.
 */
export function withScalarParsing(schema: GraphQLSchema): GraphQLSchema {
  for (const s of [LocalDateScalar, MoneyScalar] as GraphQLScalarType[]) {
    const t = schema.getType(s.name);
    if (t instanceof GraphQLScalarType) Object.assign(t, { parseValue: s.parseValue, parseLiteral: s.parseLiteral });
  }
  return schema;
}

import { ConnectionException, DriverException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import { classifyDbFailure, RETRY_AFTER_SECONDS } from '../../subgraphs/lib/db-failure';
import { databaseUnavailable, domainError } from '../../subgraphs/lib/error-codes';
import { formatError } from '../../subgraphs/lib/errors';

/** A pg/node error as the drivers raise it: a message plus `code` (SQLSTATE or errno name). */
const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
const inGraphQL = (e: unknown) => new GraphQLError('wrapped', { originalError: e as Error, path: ['member'] });

describe('classifyDbFailure', () => {
  it.each<[string, unknown, 'dropped' | 'unreachable' | null]>([
    // the server went away under a connection that worked
    ['backend terminated (57P01)', pgError('terminating connection due to administrator command', '57P01'), 'dropped'],
    ['crash shutdown (57P02)', pgError('terminating connection due to crash of another server process', '57P02'), 'dropped'],
    ['socket reset', pgError('read ECONNRESET', 'ECONNRESET'), 'dropped'],
    ['broken pipe', pgError('write EPIPE', 'EPIPE'), 'dropped'],
    ['pg: connection ended', pgError('Connection terminated unexpectedly'), 'dropped'],
    ['pg: ended by us', pgError('Connection terminated'), 'dropped'],
    ['pg: client after a connection error', pgError('Client has encountered a connection error and is not queryable'), 'dropped'],
    ['pg: closed client', pgError('Client was closed and is not queryable'), 'dropped'],
    ['08006 connection failure', pgError('connection failure', '08006'), 'dropped'],
    ['08003 connection does not exist', pgError('connection does not exist', '08003'), 'dropped'],
    ['admin command without a code', pgError('terminating connection due to administrator command'), 'dropped'],
    // no connection to be had
    ['refused', pgError('connect ECONNREFUSED 127.0.0.1:5433', 'ECONNREFUSED'), 'unreachable'],
    ['refused, message only', pgError('connect ECONNREFUSED 127.0.0.1:5433'), 'unreachable'],
    ['starting up (57P03)', pgError('the database system is starting up', '57P03'), 'unreachable'],
    ['shutting down', pgError('the database system is shutting down', '57P03'), 'unreachable'],
    ['in recovery', pgError('the database system is in recovery mode'), 'unreachable'],
    ['08001 cannot connect', pgError('could not connect to server', '08001'), 'unreachable'],
    ['pg connect timeout', pgError('timeout expired'), 'unreachable'],
    ['pg-pool connect timeout', pgError('Connection terminated due to connection timeout'), 'unreachable'],
    ['pg-pool connect timeout wrapping the destroyed socket', new Error('Connection terminated due to connection timeout', { cause: pgError('Connection terminated unexpectedly') }), 'unreachable'],
    ['database closed to connections', pgError('database "loans" is not currently accepting connections', '55000'), 'unreachable'],
    ['knex acquire timeout', Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }), 'unreachable'],
    ['read path pool connect timeout', new Error('timeout exceeded when trying to connect'), 'unreachable'],
    ['two addresses refused', new AggregateError([pgError('connect ECONNREFUSED ::1:5433', 'ECONNREFUSED'), pgError('connect ECONNREFUSED 127.0.0.1:5433', 'ECONNREFUSED')], ''), 'unreachable'],
    // as they reach formatError: wrapped by MikroORM and GraphQL
    ['MikroORM wrapper of a terminated backend', new DriverException(pgError('terminating connection due to administrator command', '57P01')), 'dropped'],
    ['MikroORM ConnectionException of a refused connect', new ConnectionException(pgError('connect ECONNREFUSED 127.0.0.1:5433', 'ECONNREFUSED')), 'unreachable'],
    ['GraphQL error around a refused connect', inGraphQL(pgError('connect ECONNREFUSED 127.0.0.1:5433', 'ECONNREFUSED')), 'unreachable'],
    ['GraphQL error around a non-Error thrown value (other realm)', inGraphQL({ thrownValue: { code: 'ECONNREFUSED', errno: -111 } }), 'unreachable'],
    ['cause chain', new Error('query failed', { cause: pgError('Connection terminated unexpectedly') }), 'dropped'],
    ['dropped wins over unreachable in one chain', new Error('x', { cause: new AggregateError([pgError('refused', 'ECONNREFUSED'), pgError('reset', 'ECONNRESET')]) }), 'dropped'],
    // not an outage
    ['unique violation', new UniqueConstraintViolationException(pgError('duplicate key value violates unique constraint "member_pkey"', '23505')), null],
    ['syntax error', pgError('syntax error at or near "selec"', '42601'), null],
    ['lock timeout', pgError('canceling statement due to lock timeout', '55P03'), null],
    ['statement cancelled by user', pgError('canceling statement due to user request', '57014'), null],
    ['too many connections', pgError('sorry, too many clients already', '53300'), null],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')"), null],
    ['a refusal', domainError('NOT_FOUND'), null],
    ['a GraphQL error of its own', new GraphQLError('Unknown argument'), null],
    ['null', null, null],
    ['a string', 'ECONNREFUSED', null],
  ])('%s', (_label, err, expected) => {
    expect(classifyDbFailure(err)).toBe(expected);
  });

  it('stops on a cycle of causes', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(classifyDbFailure(a)).toBeNull();
  });
});

describe('formatError on a database outage', () => {
  it('is DATABASE_UNAVAILABLE with both messages and retry details, no internals', () => {
    const err = inGraphQL(new ConnectionException(pgError('connect ECONNREFUSED 127.0.0.1:5433', 'ECONNREFUSED')));
    const out = formatError({ message: 'connect ECONNREFUSED 127.0.0.1:5433', path: ['member'] }, err, databaseUnavailable);
    expect(out).toEqual({
      message: '数据库暂时不可用,请稍后重试 / The database is temporarily unavailable; retry shortly',
      path: ['member'],
      locations: undefined,
      extensions: {
        code: 'DATABASE_UNAVAILABLE',
        messageZh: '数据库暂时不可用,请稍后重试',
        messageEn: 'The database is temporarily unavailable; retry shortly',
        details: { retryable: true, retryAfterSeconds: RETRY_AFTER_SECONDS },
      },
    });
  });

  it('leaves other database errors INTERNAL_SERVER_ERROR', () => {
    const err = inGraphQL(new UniqueConstraintViolationException(pgError('duplicate key value', '23505')));
    expect(formatError({ message: 'duplicate key value' }, err, databaseUnavailable).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('without the translation (the gateway), a refused connection is to a subgraph and stays INTERNAL_SERVER_ERROR', () => {
    const err = inGraphQL(pgError('connect ECONNREFUSED 127.0.0.1:4001', 'ECONNREFUSED'));
    expect(formatError({ message: 'connect ECONNREFUSED 127.0.0.1:4001' }, err).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});

import type { GraphQLFormattedError } from 'graphql';
import { logger } from './logger';

/** Machine-readable facts of a refusal; lists are ids as strings (GraphQL `ID`). */
export type Details = Record<string, string | number | boolean | null | readonly string[]>;

/**
 * A refusal the caller can act on. `code` is stable and listed in schema/ERRORS.md;
 * the message carries Chinese and English; `details` holds machine-readable facts
 * (limits, amounts as decimal strings) and never internals.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly messageZh: string,
    readonly messageEn: string,
    readonly details: Details = {},
  ) {
    super(`${messageZh} / ${messageEn}`);
    this.name = 'DomainError';
  }
}

/** Codes that the GraphQL layer itself produces, kept here so formatError can pass them through. */
const GRAPHQL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

function findDomainError(err: unknown): DomainError | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof DomainError) return cur;
    cur = (cur as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/** Turns an error of the infrastructure into a coded one, e.g. `databaseUnavailable` (error-codes.ts, which owns the messages). */
export type Translation = (error: unknown) => DomainError | undefined;

/**
 * The single error formatter: DomainErrors become `extensions.code` + details; GraphQL
 * input errors keep their code; anything else is INTERNAL_SERVER_ERROR with no internals.
 * `translate` (subgraphs: a PostgreSQL outage) codes what is not a bug. The gateway passes none:
 * a refused or reset connection there is to a subgraph, not to a database.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, translate?: Translation): GraphQLFormattedError {
  let domain = findDomainError(error);
  if (!domain && translate && (domain = translate(error))) {
    // not a bug, but an operator wants to see the outage and its cause
    logger.warn({ err: (error as { originalError?: unknown })?.originalError ?? error, code: domain.code, path: formatted.path }, 'infrastructure error');
  }
  if (domain) {
    return {
      message: domain.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: {
        code: domain.code,
        messageZh: domain.messageZh,
        messageEn: domain.messageEn,
        details: domain.details,
      },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && (GRAPHQL_CODES.has(code) || isKnownCode(code))) {
    // Input/validation errors and coded errors relayed by the gateway from a subgraph.
    const { stacktrace: _s, exception: _e, ...rest } = (formatted.extensions ?? {}) as Record<string, unknown>;
    return withBothLanguages({ message: formatted.message, path: formatted.path, locations: formatted.locations, extensions: rest });
  }
  logger.error({ err: (error as { originalError?: unknown })?.originalError ?? error, path: formatted.path }, 'internal error');
  return {
    message: '服务器内部错误 / Internal server error',
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/** One Chinese sentence per kind of error that GraphQL itself raises; the English is its own message. */
const GRAPHQL_MESSAGES_ZH: Record<string, string> = {
  GRAPHQL_PARSE_FAILED: '查询语句有语法错误',
  GRAPHQL_VALIDATION_FAILED: '查询语句与接口定义不符',
  BAD_USER_INPUT: '参数或变量的值无效',
  OPERATION_RESOLUTION_FAILURE: '无法确定要执行哪个操作',
  BAD_REQUEST: '请求格式无效',
  PERSISTED_QUERY_NOT_FOUND: '未找到该持久化查询,请发送完整的查询语句',
  PERSISTED_QUERY_NOT_SUPPORTED: '不支持持久化查询',
};

/** GraphQL's own errors get `messageZh` / `messageEn` like every refusal; those that have them keep theirs. */
function withBothLanguages(e: GraphQLFormattedError): GraphQLFormattedError {
  const ext = e.extensions ?? {};
  const zh = GRAPHQL_MESSAGES_ZH[String(ext.code)];
  if (!zh || typeof ext.messageZh === 'string') return e;
  return { ...e, message: `${zh} / ${e.message}`, extensions: { ...ext, messageZh: zh, messageEn: e.message } };
}

/** The body of an error answered before GraphQL runs (malformed JSON, too large), in the same shape. */
export function httpErrorBody(code: string, zh: string, en: string): string {
  return JSON.stringify({ errors: [{ message: `${zh} / ${en}`, extensions: { code, messageZh: zh, messageEn: en } }] });
}

const knownCodes = new Set<string>();
/** Error codes declared by the subgraphs (see errors registry); the gateway passes these through. */
export function registerCodes(codes: Iterable<string>): void {
  for (const c of codes) knownCodes.add(c);
}
export function isKnownCode(code: string): boolean {
  return knownCodes.has(code);
}

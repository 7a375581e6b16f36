/**
 * Is this error a PostgreSQL outage rather than a bug? Pure, so the table of known failures is
 * unit-tested (test/unit/db-failure.test.ts) without a database.
 *
 * - `dropped`: a connection that worked died under a statement (backend terminated, server shutting
 *   down, socket reset). Another connection may well work at once: a read is worth one retry.
 * - `unreachable`: no connection could be had (refused, server starting up, pool acquire timeout).
 *   Retrying within the same request only makes the caller wait; the caller retries later.
 * - `null`: not a connection failure (SQL errors, constraint violations, bugs).
 */
export type DbFailure = 'dropped' | 'unreachable';

/** What `DATABASE_UNAVAILABLE` tells a client to wait: an embedded PostgreSQL restarts in about 3 s. */
export const RETRY_AFTER_SECONDS = 5;

const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', '57P01', '57P02']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P03']);

const DROPPED_MESSAGES = [
  /Connection terminated/i, // pg: 'Connection terminated (unexpectedly)'; pg-pool's connect timeout is caught as unreachable first
  /terminating connection due to administrator command/i,
  /terminating connection due to (conflict with recovery|unexpected postmaster exit)/i,
  /server closed the connection unexpectedly/i,
  /Client has encountered a connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
];
const UNREACHABLE_MESSAGES = [
  /^timeout expired$/, // pg's own connectionTimeoutMillis (pg 8.20: the socket is destroyed with this error)
  /Connection terminated due to connection timeout/i, // the same from pg-pool
  /the database system is (starting up|shutting down|in recovery mode|not yet accepting connections|not accepting connections)/i,
  /database ".*" is not currently accepting connections/i, // ALTER DATABASE … ALLOW_CONNECTIONS false (maintenance)
  /Knex: Timeout acquiring a connection/i,
  /timeout exceeded when trying to connect/i, // pg-pool (the read path): no connection within connectionTimeoutMillis
  /connect ECONNREFUSED/i,
];

function own(err: object, key: string): unknown {
  return (err as Record<string, unknown>)[key];
}

function classifyOne(err: object): DbFailure | null {
  // pg puts the SQLSTATE in `code`, node sockets their errno name; MikroORM copies both onto its DriverException
  for (const key of ['code', 'sqlState', 'errno']) {
    const v = own(err, key);
    if (typeof v !== 'string') continue;
    if (DROPPED_CODES.has(v)) return 'dropped';
    if (UNREACHABLE_CODES.has(v)) return 'unreachable';
    if (/^08[0-9A-Z]{3}$/.test(v)) return v === '08001' || v === '08004' ? 'unreachable' : 'dropped'; // connection exception class
  }
  if (own(err, 'name') === 'KnexTimeoutError') return 'unreachable';
  const message = own(err, 'message');
  if (typeof message === 'string') {
    if (UNREACHABLE_MESSAGES.some((r) => r.test(message))) return 'unreachable';
    if (DROPPED_MESSAGES.some((r) => r.test(message))) return 'dropped';
  }
  return null;
}

/**
 * Walks the error and what it wraps a few levels deep: GraphQL's `originalError`, and its
 * `thrownValue` when what was thrown is not an `instanceof Error` (a socket error raised in another
 * realm, as under jest), `cause`, and AggregateError `errors` (node's refused connection to a name
 * with two addresses).
 */
export function classifyDbFailure(err: unknown): DbFailure | null {
  const queue: unknown[] = [err];
  const seen = new Set<object>();
  let found: DbFailure | null = null;
  while (queue.length && seen.size < 20) {
    const cur = queue.shift();
    if (!cur || typeof cur !== 'object' || seen.has(cur)) continue;
    seen.add(cur);
    const kind = classifyOne(cur);
    // a dropped connection anywhere in the chain decides: the retry is what the caller gains from it
    if (kind === 'dropped') return kind;
    found ??= kind;
    // what an unreachable error wraps is how the attempt died (pg-pool's connect timeout wraps the
    // destroyed socket's "Connection terminated"): not a connection that worked and was dropped
    if (kind === 'unreachable') continue;
    queue.push(own(cur, 'originalError'), own(cur, 'cause'), own(cur, 'thrownValue'));
    const inner = own(cur, 'errors');
    if (Array.isArray(inner)) queue.push(...inner);
  }
  return found;
}

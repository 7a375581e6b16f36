import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import { httpErrorBody } from './errors';
import { logger } from './logger';
import { sqlStats } from './stats';

const MAX_BODY = 1_000_000;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface ExtraRoute {
  (req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean>;
}

/** Counters the benchmark reads (loopback callers only): SQL statements sent, memory. */
export function processMetrics() {
  const mem = process.memoryUsage();
  return {
    pid: process.pid,
    service: process.env.SERVICE_NAME ?? 'app',
    sqlStatements: sqlStats.statements,
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

function isLoopback(req: IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1';
}

export function requestIdOf(req: IncomingMessage): string {
  const h = req.headers['x-request-id'];
  const v = Array.isArray(h) ? h[0] : h;
  return v && /^[\w.-]{1,100}$/.test(v) ? v : randomUUID();
}

/**
 * A minimal node:http integration for Apollo Server: POST/GET /graphql, GET /health,
 * plus optional extra routes. Keep-alive on, as the gateway reuses connections.
 */
export function serveApollo<C extends BaseContext, R = undefined>(
  server: ApolloServer<C>,
  /** `run` is what `around` hands each execution (the read retry's mark), undefined without one. */
  context: (req: IncomingMessage, requestId: string, run?: R) => Promise<C>,
  extra?: ExtraRoute,
  limits: { maxQueryChars?: number } = {},
  /** Wraps each execution, e.g. `withReadRetry` (subgraphs) to run it again. */
  around: (execute: (run?: R) => Promise<HTTPGraphQLResponse>) => Promise<HTTPGraphQLResponse> = (execute) => execute(),
): Server {
  const http = createServer(async (req, res) => {
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"ok"}');
        return;
      }
      if (url.pathname === '/metrics' && isLoopback(req)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(processMetrics()));
        return;
      }
      if (extra && (await extra(req, res))) return;
      if (url.pathname !== '/graphql') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      }
      const raw = req.method === 'POST' ? await readBody(req) : '';
      let body: unknown = undefined;
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(httpErrorBody('BAD_REQUEST', '请求体不是有效的 JSON', 'Invalid JSON body'));
          return;
        }
      }
      const query = (body as { query?: unknown } | undefined)?.query ?? url.searchParams.get('query');
      if (limits.maxQueryChars && typeof query === 'string' && query.length > limits.maxQueryChars) {
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end(httpErrorBody('BAD_REQUEST', `查询语句超过 ${limits.maxQueryChars} 个字符`, `Operation longer than ${limits.maxQueryChars} characters`));
        return;
      }
      const result = await around((run) => server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: () => context(req, requestId, run),
      }));
      const out: Record<string, string> = {};
      for (const [k, v] of result.headers) out[k] = v;
      if (result.body.kind === 'complete') {
        // encoded once, sent with its length (no chunked encoding, no second UTF-8 pass to size the chunk)
        const buf = Buffer.from(result.body.string, 'utf8');
        out['content-length'] = String(buf.length);
        res.writeHead(result.status ?? 200, out);
        res.end(buf);
      } else {
        res.writeHead(result.status ?? 200, out);
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (e) {
      const status = (e as { status?: number }).status ?? 500;
      logger.error({ err: e, reqId: requestId }, 'http handler failed');
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 413
        ? httpErrorBody('BAD_REQUEST', '请求体过大', 'Request too large')
        : JSON.stringify({ errors: [{ message: '服务器内部错误 / Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
    }
  });
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  return http;
}

export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExtraRoute } from '../subgraphs/lib/http';

/**
 * CORS for the gateway only: browsers talk to the gateway, never to a subgraph (those are called by
 * the gateway and other services, server to server, where CORS does not apply), so the subgraphs
 * keep answering no cross-origin browser at all.
 *
 * Off unless `CORS_ORIGINS` lists exact origins (`https://app.example.cn,http://localhost:5173`):
 * no wildcard, because the API's answers depend on the bearer token a page sends, and a page of any
 * origin could otherwise read them. No credentials either: the token travels in `Authorization`,
 * not in cookies.
 */
export const CORS_ALLOWED_METHODS = 'GET, POST, OPTIONS';
export const CORS_ALLOWED_HEADERS = 'content-type, authorization, x-request-id';

/** `CORS_ORIGINS` as a list; an entry that is not an exact origin (scheme://host[:port]) is refused at start-up. */
export function parseCorsOrigins(value: string | undefined): string[] {
  const out: string[] = [];
  for (const entry of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    let origin: string | null = null;
    try {
      const url = new URL(entry);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname.includes('*')) origin = url.origin;
    } catch {
      /* not a URL */
    }
    if (origin !== entry) {
      throw new Error(`CORS_ORIGINS: "${entry}" is not an exact origin like https://app.example.cn or http://localhost:5173 (no path, no trailing slash, no wildcard)`);
    }
    out.push(origin);
  }
  return out;
}

/**
 * A route for serveApollo's `extra` hook, in front of the others: answers the preflight of a
 * listed origin with 204, and marks every /graphql answer to a listed origin as readable by it.
 * Never handles a request by itself otherwise, so the routes after it run as before.
 */
export function corsRoute(origins: readonly string[], next?: ExtraRoute): ExtraRoute {
  const allowed = new Set(origins);
  return (req: IncomingMessage, res: ServerResponse) => {
    if (allowed.size > 0 && (req.url ?? '/').split('?')[0] === '/graphql') {
      // the answer depends on Origin as soon as there is an allow-list: caches must key on it
      res.setHeader('vary', 'Origin');
      const origin = req.headers.origin;
      if (origin && allowed.has(origin)) {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('access-control-expose-headers', 'x-request-id');
        if (req.method === 'OPTIONS') {
          res.writeHead(204, {
            'access-control-allow-methods': CORS_ALLOWED_METHODS,
            'access-control-allow-headers': CORS_ALLOWED_HEADERS,
            'access-control-max-age': '600',
          });
          res.end();
          return true;
        }
      }
    }
    return next ? next(req, res) : false;
  };
}

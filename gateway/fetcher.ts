import { Agent, request } from 'node:http';

/**
 * The gateway's HTTP client for subgraph fetches: node:http over a keep-alive agent.
 *
 * Node's global `fetch` (undici) costs about a millisecond of CPU per call on these machines
 * (WHATWG streams, Headers, Response objects), and the gateway makes one call per subgraph per
 * request. This implements the small part of the fetch interface `RemoteGraphQLDataSource` uses
 * (`ok`, `status`, `statusText`, `url`, `headers.get`, `text`, `json`, `clone`) on plain buffers.
 * Connections are kept alive and reused last-in-first-out, so a quiet gateway keeps few sockets.
 */
export interface SubgraphResponse {
  ok: boolean;
  status: number;
  statusText: string;
  url: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
  clone(): SubgraphResponse;
}

export interface SubgraphRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

function response(url: string, status: number, statusText: string, headers: Record<string, string | string[] | undefined>, body: Buffer): SubgraphResponse {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText,
    url,
    headers: {
      get(name: string) {
        const v = headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    },
    text: async () => body.toString('utf8'),
    json: async () => JSON.parse(body.toString('utf8')) as unknown,
    clone: () => response(url, status, statusText, headers, body),
  };
}

export function keepAliveFetcher(opts: { maxSockets?: number; timeoutMs?: number } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 64, scheduling: 'lifo' });
  // generous: a dashboard over figures not computed yet for its date computes them once (tens of seconds region-wide)
  const timeoutMs = opts.timeoutMs ?? Number(process.env.SUBGRAPH_TIMEOUT_MS ?? 120_000);
  const fetcher = (url: string, init: SubgraphRequestInit = {}): Promise<SubgraphResponse> =>
    new Promise((resolve, reject) => {
      const body = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
      const headers: Record<string, string | number> = { ...init.headers };
      if (body) headers['content-length'] = body.length;
      const req = request(url, { method: init.method ?? 'POST', headers, agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve(response(url, res.statusCode ?? 0, res.statusMessage ?? '', res.headers, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))));
      });
      req.on('timeout', () => req.destroy(new Error(`subgraph request timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  return Object.assign(fetcher, { close: () => agent.destroy() });
}

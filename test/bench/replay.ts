import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import { envName } from '../../subgraphs/lib/config';
import { REGISTRY } from '../../subgraphs/registry';

/**
 * Replaying subgraphs for the benchmark's "gateway alone" column.
 *
 * One HTTP server per registry subgraph, in front of the real one (members :4001, loans :4002, …). The
 * first time a given request (body + Authorization) arrives it is forwarded to the real subgraph
 * and the answer is kept; every later identical request is answered from memory with the same
 * bytes, without GraphQL execution or SQL. Our gateway (dist/gateway/index.js, same code and Node
 * flags as in `npm start`) is pointed at these servers by MEMBERS_URL, LOANS_URL, …, so the latency
 * it shows is what the gateway and its HTTP hops cost by themselves: the part of "ours" that no
 * subgraph or SQL change can remove.
 *
 * Run: node dist/test/bench/replay.js (env MEMBERS_TARGET, LOANS_TARGET, …: the real subgraph URLs).
 * Prints `replay listening members=<port> loans=<port> …`, one pair per registry subgraph.
 */

/** Recorded answers per server; the bench sends a handful of distinct requests, this only bounds a mistake. */
const MAX_ENTRIES = 10_000;

interface Recorded {
  status: number;
  contentType: string;
  body: Buffer;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function replayServer(target: string): Server {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const recorded = new Map<string, Recorded>();
  const forward = (req: IncomingMessage, body: Buffer): Promise<Recorded> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(body.length) };
      if (req.headers.authorization) headers.authorization = req.headers.authorization;
      const up = request(target, { method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, contentType: String(res.headers['content-type'] ?? 'application/json'), body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });
  return createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ pid: process.pid, service: 'replay', sqlStatements: 0, recorded: recorded.size }));
      return;
    }
    void (async () => {
      const body = await readAll(req);
      const key = `${req.headers.authorization ?? ''}\n${body.toString('utf8')}`;
      let answer = recorded.get(key);
      if (!answer) {
        answer = await forward(req, body);
        if (answer.status === 200 && recorded.size < MAX_ENTRIES) recorded.set(key, answer);
      }
      res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': answer.body.length });
      res.end(answer.body);
    })().catch((e: Error) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: `replay: ${e.message}` }] }));
    });
  });
}

function listen(s: Server): Promise<number> {
  return new Promise((resolve) => {
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });
}

async function main(): Promise<void> {
  const servers = REGISTRY.map((d) => ({ name: d.name, server: replayServer(process.env[`${envName(d.name)}_TARGET`] ?? `http://127.0.0.1:${d.port}/graphql`) }));
  const ports: string[] = [];
  for (const s of servers) ports.push(`${s.name}=${await listen(s.server)}`);
  process.stdout.write(`replay listening ${ports.join(' ')}\n`);
  const stop = () => {
    for (const { server } of servers) {
      server.close();
      server.closeAllConnections();
    }
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  process.stderr.write(`replay failed: ${(e as Error).stack}\n`);
  process.exit(1);
});

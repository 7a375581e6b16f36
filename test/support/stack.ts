import { join } from 'node:path';
import { loadKey, signToken, type TokenClaims } from '../../subgraphs/lib/auth';
import { DATA_DIR, ROOT, envVariable } from '../../subgraphs/lib/config';
import { startSagaRunner, type SagaRunner } from '../../subgraphs/lib/saga';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/lib/subgraph';
import { startGateway, type RunningGateway } from '../../gateway/server';
import { REGISTRY } from '../../subgraphs/registry';
import { createTestDatabases, type TestDatabases } from './db';

export interface GqlResult<T> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export interface Stack {
  gatewayUrl: string;
  urls: TestDatabases;
  subgraphs: Record<string, RunningSubgraph>;
  gql<T = any>(query: string, variables?: object, token?: string): Promise<GqlResult<T>>;
  /** POST straight to one subgraph (internal operations, representations). */
  subgraphGql<T = any>(name: string, query: string, variables?: object, token?: string): Promise<GqlResult<T>>;
  token(claims: TokenClaims): Promise<string>;
  /** Stops everything; throws afterwards when a subgraph's invariant (its definition's `invariants`) finds rows. */
  stop(): Promise<void>;
}

async function post<T>(url: string, query: string, variables?: object, token?: string): Promise<GqlResult<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResult<T>;
}

/**
 * The whole federation in this test process: fresh databases, every subgraph on a free port,
 * the gateway on the committed supergraph with the subgraph URLs overridden. `pgBaseUrl`: a
 * PostgreSQL server of the test's own (one it restarts) instead of the run's shared one.
 * `sagaRunners`: run each subgraph's background saga runner, as its service does. `urls`: databases
 * the test already made (and seeded) instead of fresh ones.
 */
export async function startStack(opts: { pgBaseUrl?: string; sagaRunners?: boolean; urls?: TestDatabases } = {}): Promise<Stack> {
  const urls = opts.urls ?? (await createTestDatabases(opts.pgBaseUrl));
  const subgraphs: Record<string, RunningSubgraph> = {};
  const runners: SagaRunner[] = [];
  for (const def of REGISTRY) {
    subgraphs[def.name] = await startSubgraph(def, urls[def.name]!, 0);
    process.env[envVariable(def.name, 'URL')] = subgraphs[def.name]!.url;
    // off by default: tests of half-finished sagas look at them before anything completes them
    if (opts.sagaRunners && def.sagas?.length) runners.push(startSagaRunner(subgraphs[def.name]!.orm, def.sagas, { intervalMs: 100 }));
  }
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({
      supergraphPath: join(ROOT, 'schema', 'supergraph.graphql'),
      port: 0,
      subgraphUrls: Object.fromEntries(Object.entries(subgraphs).map(([n, s]) => [n, s.url])),
      explorer: true,
    });
  } catch (e) {
    for (const r of runners) await r.stop();
    for (const s of Object.values(subgraphs)) await s.stop();
    throw e;
  }
  const key = loadKey(DATA_DIR);
  return {
    gatewayUrl: gateway.url,
    urls,
    subgraphs,
    gql: (q, v, t) => post(gateway.url, q, v, t),
    subgraphGql: (name, q, v, t) => post(subgraphs[name]!.url, q, v, t),
    token: (claims) => signToken(key, claims),
    async stop() {
      for (const r of runners) await r.stop();
      // every subgraph's invariants (loans: fund volumes equal a rescan of the lines), one statement each
      const broken: string[] = [];
      for (const def of REGISTRY) {
        for (const inv of def.invariants ?? []) {
          // a database the scenario left down (db-restart) has no books to check
          const rows = await subgraphs[def.name]!.orm.em.fork().execute(inv.sql).catch((e: Error) => {
            if (/ECONNREFUSED|ECONNRESET|Connection terminated|the database system is (shutting down|starting up)/.test(e.message)) return [];
            throw e;
          });
          if (rows.length) broken.push(`${def.name}: ${inv.name}:\n${JSON.stringify(rows, null, 1)}`);
        }
      }
      await gateway.stop();
      for (const s of Object.values(subgraphs)) await s.stop();
      if (broken.length) throw new Error(broken.join('\n'));
    },
  };
}

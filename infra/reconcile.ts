import { databaseUrl, envVariable, subgraphUrl } from '../subgraphs/lib/config';
import { openDatabase } from '../subgraphs/lib/db';
import type { EntityManager } from '../subgraphs/lib/db';
import { REGISTRY } from '../subgraphs/registry';

/**
 * `npm run reconcile`: finds half-finished cross-subgraph sagas and completes or reverses them, on
 * each registry subgraph that declares reconciliation. The services its steps are sent to must be
 * reachable: run it while `npm start` is up (*_URL / *_DATABASE_URL / DATABASE_URL point it elsewhere).
 */
const localUrl = (database: string) => `postgres://postgres@127.0.0.1:${process.env.PG_PORT ?? 5433}/${database}`;

async function main(): Promise<void> {
  for (const d of REGISTRY) {
    try {
      await fetch(subgraphUrl(d.name).replace(/\/graphql$/, '/health'));
    } catch {
      console.error(`the ${d.name} subgraph is not reachable: run this while \`npm start\` is up (or set ${envVariable(d.name, 'URL')})`);
      process.exit(2);
    }
  }
  let unfinished = false;
  for (const d of REGISTRY) {
    if (!d.reconcile) continue;
    const url = process.env[envVariable(d.name, 'DATABASE_URL')] ?? (process.env.DATABASE_URL ? databaseUrl(d.name) : localUrl(d.database));
    const orm = await openDatabase({ url, entities: d.entities, migrations: d.migrations, poolMax: 2 });
    try {
      const r = await d.reconcile(orm.em.fork() as EntityManager);
      console.log(`${d.name}: ${r.line}`);
      unfinished ||= r.unfinished;
    } finally {
      await orm.close(true);
    }
  }
  process.exitCode = unfinished ? 1 : 0;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

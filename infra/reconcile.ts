import { databaseUrl, SUBGRAPHS } from '../subgraphs/lib/config';
import { openDatabase } from '../subgraphs/lib/db';
import type { EntityManager } from '../subgraphs/lib/db';
import { reconcileContributions } from '../subgraphs/members/contribution.service';
import { SUBGRAPH_DEFS } from './services';

/**
 * `npm run reconcile`: finds half-finished cross-subgraph sagas and completes or reverses them.
 * Today that is the members → loans contribution saga (rows still PENDING are posted again with
 * their idempotency key; a refusal compensates). The loans subgraph must be reachable (npm start).
 * Run it while `npm start` is up; *_DATABASE_URL / DATABASE_URL point it at other servers.
 */
async function main(): Promise<void> {
  const url = process.env.MEMBERS_DATABASE_URL ?? (process.env.DATABASE_URL ? databaseUrl('members') : `postgres://postgres@127.0.0.1:${process.env.PG_PORT ?? 5433}/${SUBGRAPHS.members.db}`);
  try {
    await fetch(process.env.LOANS_URL ?? `http://127.0.0.1:${SUBGRAPHS.loans.port}/health`);
  } catch {
    console.error('the loans subgraph is not reachable: run this while `npm start` is up (or set LOANS_URL)');
    process.exit(2);
  }
  const orm = await openDatabase({ url, entities: SUBGRAPH_DEFS.members.entities, migrations: SUBGRAPH_DEFS.members.migrations, poolMax: 2 });
  try {
    const report = await reconcileContributions(orm.em.fork() as EntityManager);
    console.log(`contributions: ${report.posted} posted, ${report.compensated} reversed, ${report.stillPending} still pending`);
    process.exitCode = report.stillPending > 0 ? 1 : 0;
  } finally {
    await orm.close(true);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

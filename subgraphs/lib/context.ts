import type { EntityManager } from '@mikro-orm/postgresql';
import type { MikroORM } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Caller } from './auth';
import { readPathOf } from './db';
import { logger, type Logger } from './logger';

/** Per-request context: one EntityManager fork, the verified caller, per-request loaders. */
export interface Ctx {
  /** For writes, in their transaction (lib/tx), and the checks made for them. */
  em: EntityManager;
  /** Every other read: a prepared statement on the read path's pool (lib/read-path); `?` placeholders, rows as `em.execute` gives them. */
  read<T extends object[] = Record<string, unknown>[]>(sql: string, params?: readonly unknown[]): Promise<T>;
  caller: Caller | null;
  requestId: string;
  log: Logger;
  /** Raw Authorization header, forwarded on service-to-service calls made for this request. */
  authorization: string | null;
  /**
   * On a SERVICE call made for a person (lib/service-client forwards their token as
   * `x-caller-authorization`), that person, verified like any caller: what they may see and the
   * name an audit of the service's answer must carry. Null otherwise.
   */
  requester?: Caller | null;
  loaders: LoaderCache;
  /** This run of the request, for the read retry (lib/read-retry). */
  run?: { droppedRead: boolean };
}

export class LoaderCache {
  private readonly map = new Map<string, DataLoader<any, any>>();
  /** One DataLoader per name per request. `batch` must return results in key order. */
  get<K, V>(name: string, batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>, cacheKey?: (k: K) => unknown): DataLoader<K, V> {
    let l = this.map.get(name);
    if (!l) {
      l = new DataLoader<K, V, unknown>(batch, { cacheKeyFn: cacheKey, maxBatchSize: 5000 });
      this.map.set(name, l);
    }
    return l as DataLoader<K, V>;
  }
}

/** Group rows by key and return them in the order of `keys` (for DataLoader batch functions). */
export function inKeyOrder<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (r: R) => unknown): (R | null)[] {
  const by = new Map<string, R>();
  for (const r of rows) by.set(String(keyOf(r)), r);
  return keys.map((k) => by.get(String(k)) ?? null);
}

export function groupInKeyOrder<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (r: R) => unknown): R[][] {
  const by = new Map<string, R[]>();
  for (const r of rows) {
    const k = String(keyOf(r));
    let list = by.get(k);
    if (!list) by.set(k, (list = []));
    list.push(r);
  }
  return keys.map((k) => by.get(String(k)) ?? []);
}

export function makeCtx(orm: MikroORM, caller: Caller | null, requestId: string, authorization: string | null): Ctx {
  const reads = readPathOf(orm);
  return {
    em: orm.em.fork() as EntityManager,
    read: <T extends object[]>(sql: string, params?: readonly unknown[]) => reads.query(sql, params) as Promise<T>,
    caller,
    requestId,
    authorization,
    log: logger.child({ reqId: requestId }),
    loaders: new LoaderCache(),
  };
}

import { Client } from 'pg';
import type { TokenClaims } from '../../subgraphs/lib/auth';
import { databaseUrl } from '../../subgraphs/lib/config';
import type { Discovered, NamedOperation } from './operations';
import { Refusal } from './processes';

/** What the bench measures, found in the databases: the largest and the average-size county, its largest cooperative, busiest household and its county union. */

export async function withDb<T>(db: string, f: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: databaseUrl(db) });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

export async function discover(): Promise<Discovered> {
  const { county, countyAverage, cooperative, cooperativesIn } = await withDb('members', async (c) => {
    const counts = (await c.query<{ county_id: number; n: number }>(`select county_id, count(*)::int n from cooperative group by county_id order by county_id`)).rows;
    if (counts.length === 0) throw new Refusal('no cooperative in the members database');
    const largest = counts.reduce((a, b) => (b.n > a.n ? b : a));
    const mean = counts.reduce((s, r) => s + r.n, 0) / counts.length;
    const average = counts.reduce((a, b) => (Math.abs(b.n - mean) < Math.abs(a.n - mean) ? b : a));
    const co = (await c.query<{ id: number }>(`select id from cooperative where county_id = $1 order by member_count desc, id limit 1`, [largest.county_id])).rows[0]!;
    return {
      county: largest.county_id, countyAverage: average.county_id, cooperative: co.id,
      cooperativesIn: { [largest.county_id]: largest.n, [average.county_id]: average.n },
    };
  });
  const member = await withDb('loans', async (c) => {
    const r = (await c.query<{ member_id: number }>(
      `select member_id from loan where cooperative_id = $1 group by member_id order by count(*) desc, member_id limit 1`,
      [cooperative],
    )).rows[0];
    if (!r) throw new Refusal(`cooperative ${cooperative} has no loans to pick a member from`);
    return r.member_id;
  });
  // the largest county's own union (a county union in every county of the seed)
  const union = await withDb('union', async (c) => {
    const r = (await c.query<{ id: number }>(`select id from cooperative_union where level = 'COUNTY' and county_id = $1 order by id limit 1`, [county])).rows[0];
    if (!r) throw new Refusal(`county ${county} has no union`);
    return r.id;
  });
  return { county, countyAverage, cooperative, member, union, cooperativesIn };
}

/** REGION for region-wide operations, otherwise the county office of the discovered county (which holds the cooperative and member). */
export function claimsFor(op: NamedOperation, d: Discovered): TokenClaims {
  return op.name.startsWith('Region')
    ? { sub: 'bench-region', role: 'REGION' }
    : { sub: 'bench-county', role: 'COUNTY', counties: [...new Set([d.county, d.countyAverage])] };
}


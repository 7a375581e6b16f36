/**
 * Geography reads (county → township → village). A place is visible when the caller's scope
 * reaches it: a county / township through the county or township ids of the caller, and through the
 * caller's cooperatives for the places above them. Scope is in the SQL.
 */
import type { Ctx } from '../lib/context';
import { coopScope } from './shared';
import { groupInKeyOrder, inKeyOrder } from '../lib/context';
import { intArray } from '../lib/db';
import { readScope, scopedByCountyAlone, scopedByTownship, type Sql } from '../lib/scope';
import { AreaTotals, County, Township, Village } from './geography.type';
import type { RowOf } from '../lib/table';
import type { COUNTY, TOWNSHIP, VILLAGE } from './geography.entity';

type CountyRow = RowOf<typeof COUNTY>;
export type TownshipRow = RowOf<typeof TOWNSHIP>;
type VillageRow = RowOf<typeof VILLAGE>;

const toCounty = (r: CountyRow): County => Object.assign(new County(), { id: r.id, code: r.code, cityZh: r.city_zh, nameZh: r.name_zh, nameEn: r.name_en });
const toTownship = (r: TownshipRow): Township => Object.assign(new Township(), { id: r.id, countyId: r.county_id, nameZh: r.name_zh, nameEn: r.name_en });
const toVillage = (r: VillageRow): Village =>
  Object.assign(new Village(), { id: r.id, townshipId: r.township_id, countyId: r.county_id, nameZh: r.name_zh, nameEn: r.name_en, isPoor: r.is_poor, isMigrant: r.is_migrant });

/** County `k` is visible when the scope reaches it, one of its townships, or a cooperative in it. */
function countyVisible(ctx: Ctx): Sql {
  // the join below is only needed for township- and cooperative-scoped callers
  if (scopedByCountyAlone(ctx.caller)) return readScope(ctx.caller, { county: 'k.id', township: 'null', cooperative: 'null' });
  const s = readScope(ctx.caller, { county: 'k2.id', township: 't2.id', cooperative: 'c.id' });
  return {
    sql: `exists (select 1 from county k2 left join township t2 on t2.county_id = k2.id
            left join village v2 on v2.township_id = t2.id left join cooperative c on c.village_id = v2.id
            where k2.id = k.id and ${s.sql})`,
    params: s.params,
  };
}

/** Township `t` is visible when the scope reaches its county, itself, or a cooperative in it. */
function townshipVisible(ctx: Ctx): Sql {
  if (scopedByCountyAlone(ctx.caller) || scopedByTownship(ctx.caller)) {
    return readScope(ctx.caller, { county: 't.county_id', township: 't.id', cooperative: 'null' });
  }
  const s = readScope(ctx.caller, { county: 't2.county_id', township: 't2.id', cooperative: 'c.id' });
  return {
    sql: `exists (select 1 from township t2 left join village v2 on v2.township_id = t2.id
            left join cooperative c on c.village_id = v2.id where t2.id = t.id and ${s.sql})`,
    params: s.params,
  };
}

/** Village `v` (left-joined to its cooperative `c`) is visible by its county, township or cooperative. */
const villageScope = (ctx: Ctx): Sql => readScope(ctx.caller, { county: 'v.county_id', township: 'v.township_id', cooperative: 'c.id' });

export async function listCounties(ctx: Ctx): Promise<County[]> {
  const s = countyVisible(ctx);
  const rows = await ctx.read<CountyRow[]>(`select k.* from county k where ${s.sql} order by k.id`, s.params);
  return rows.map(toCounty);
}

export function countyById(ctx: Ctx, id: number): Promise<County | null> {
  return ctx.loaders
    .get<number, County | null>('county', async (ids) => {
      const s = countyVisible(ctx);
      const rows = await ctx.read<CountyRow[]>(`select k.* from county k where k.id = any(?::int[]) and ${s.sql}`, [intArray(ids), ...s.params]);
      return inKeyOrder(ids, rows, (r) => r.id).map((r) => (r ? toCounty(r) : null));
    })
    .load(id);
}

function townshipLoader(ctx: Ctx) {
  return ctx.loaders.get<number, Township | null>('township', async (ids) => {
    const s = townshipVisible(ctx);
    const rows = await ctx.read<TownshipRow[]>(`select t.* from township t where t.id = any(?::int[]) and ${s.sql}`, [intArray(ids), ...s.params]);
    return inKeyOrder(ids, rows, (r) => r.id).map((r) => (r ? toTownship(r) : null));
  });
}

export function townshipById(ctx: Ctx, id: number): Promise<Township | null> {
  return townshipLoader(ctx).load(id);
}

/**
 * Townships read together with visible cooperatives (joined into their query): a cooperative's
 * township is always visible to whoever sees the cooperative, so later `township` fields need no
 * statement of their own.
 */
export function primeTownships(ctx: Ctx, rows: readonly TownshipRow[]): void {
  const loader = townshipLoader(ctx);
  for (const r of rows) loader.prime(r.id, toTownship(r));
}

export function villageById(ctx: Ctx, id: number): Promise<Village | null> {
  return ctx.loaders
    .get<number, Village | null>('village', async (ids) => {
      const s = villageScope(ctx);
      const rows = await ctx.read<VillageRow[]>(
        `select v.* from village v left join cooperative c on c.village_id = v.id where v.id = any(?::int[]) and ${s.sql}`,
        [intArray(ids), ...s.params],
      );
      return inKeyOrder(ids, rows, (r) => r.id).map((r) => (r ? toVillage(r) : null));
    })
    .load(id);
}

export function townshipsOfCounty(ctx: Ctx, countyId: number): Promise<Township[]> {
  return ctx.loaders
    .get<number, Township[]>('townshipsOfCounty', async (ids) => {
      const s = townshipVisible(ctx);
      const rows = await ctx.read<TownshipRow[]>(
        `select t.* from township t where t.county_id = any(?::int[]) and ${s.sql} order by t.id`,
        [intArray(ids), ...s.params],
      );
      return groupInKeyOrder(ids, rows, (r) => r.county_id).map((rs) => rs.map(toTownship));
    })
    .load(countyId);
}

export function villagesOfTownship(ctx: Ctx, townshipId: number): Promise<Village[]> {
  return ctx.loaders
    .get<number, Village[]>('villagesOfTownship', async (ids) => {
      const s = villageScope(ctx);
      const rows = await ctx.read<VillageRow[]>(
        `select v.* from village v left join cooperative c on c.village_id = v.id
         where v.township_id = any(?::int[]) and ${s.sql} order by v.id`,
        [intArray(ids), ...s.params],
      );
      return groupInKeyOrder(ids, rows, (r) => r.township_id).map((rs) => rs.map(toVillage));
    })
    .load(townshipId);
}

/** Member totals per county over the visible cooperatives, from the maintained counters (one statement per batch). */
export function countyTotals(ctx: Ctx, countyId: number): Promise<AreaTotals> {
  return ctx.loaders
    .get<number, AreaTotals>('countyTotals', async (ids) => {
      const s = coopScope(ctx);
      const rows = await ctx.read<{ k: number; n: number; m: string; p: string; pm: string }[]>(
        `select c.county_id k, count(*)::int n, sum(c.member_count) m, sum(c.registered_poor_count) p, sum(c.party_member_count) pm
           from cooperative c where c.county_id = any(?::int[]) and ${s.sql} group by c.county_id`,
        [intArray(ids), ...s.params],
      );
      return inKeyOrder(ids, rows, (r) => r.k).map((r) => ({
        cooperatives: r?.n ?? 0, members: Number(r?.m ?? 0), registeredPoor: Number(r?.p ?? 0), partyMembers: Number(r?.pm ?? 0),
      }));
    })
    .load(countyId);
}

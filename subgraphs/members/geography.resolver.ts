import { Arg, Ctx as GqlCtx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Ctx } from '../lib/context';
import type { CooperativeStatus } from './cooperative.rules';
import { cooperativesOf } from './cooperative.service';
import { CooperativeConnection, CooperativeStatusEnum } from './cooperative.type';
import { countyById, countyTotals, listCounties, townshipById, townshipsOfCounty, villagesOfTownship } from './geography.service';
import { AreaTotals, County, Township, Village } from './geography.type';
import { pageOf } from '../lib/connection';
import { parseId } from './shared';
import { MaxChars } from '../lib/input-check';

@Resolver(() => County)
export class CountyResolver {
  @Query(() => [County], { nullable: true, description: 'Counties in your scope; null with an error when you may not read them (县列表)' })
  counties(@GqlCtx() ctx: Ctx): Promise<County[]> {
    return listCounties(ctx);
  }

  @Query(() => County, { nullable: true, description: 'One county, null when outside your scope (县)' })
  county(@Arg('id', () => ID) id: string, @GqlCtx() ctx: Ctx): Promise<County | null> {
    return countyById(ctx, parseId(id));
  }

  @FieldResolver(() => AreaTotals, { description: 'Member totals over the county\'s cooperatives visible to you (全县汇总)' })
  totals(@Root() county: County, @GqlCtx() ctx: Ctx): Promise<AreaTotals> {
    return countyTotals(ctx, county.id);
  }

  @FieldResolver(() => [Township], { description: 'Townships of the county (乡镇)' })
  townships(@Root() county: County, @GqlCtx() ctx: Ctx): Promise<Township[]> {
    return townshipsOfCounty(ctx, county.id);
  }

  @FieldResolver(() => CooperativeConnection, { description: 'Cooperatives in the county, by id (互助社)' })
  cooperatives(
    @Root() county: County,
    @GqlCtx() ctx: Ctx,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, default 50, at most 500 (每页条数)' }) first?: number,
    @MaxChars(100) @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after (游标)' }) after?: string,
    @Arg('status', () => CooperativeStatusEnum, { nullable: true, description: 'Only this status (状态)' }) status?: CooperativeStatus,
  ): Promise<CooperativeConnection> {
    return cooperativesOf(ctx, 'county', county.id, status, pageOf({ first, after }));
  }
}

@Resolver(() => Township)
export class TownshipResolver {
  @FieldResolver(() => County, { description: 'The county (所属县)' })
  async county(@Root() t: Township, @GqlCtx() ctx: Ctx): Promise<County | null> {
    return countyById(ctx, t.countyId);
  }

  @FieldResolver(() => [Village], { description: 'Villages of the township (行政村)' })
  villages(@Root() t: Township, @GqlCtx() ctx: Ctx): Promise<Village[]> {
    return villagesOfTownship(ctx, t.id);
  }

  @FieldResolver(() => CooperativeConnection, { description: 'Cooperatives in the township, by id (互助社)' })
  cooperatives(
    @Root() t: Township,
    @GqlCtx() ctx: Ctx,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, default 50, at most 500 (每页条数)' }) first?: number,
    @MaxChars(100) @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after (游标)' }) after?: string,
    @Arg('status', () => CooperativeStatusEnum, { nullable: true, description: 'Only this status (状态)' }) status?: CooperativeStatus,
  ): Promise<CooperativeConnection> {
    return cooperativesOf(ctx, 'township', t.id, status, pageOf({ first, after }));
  }
}

@Resolver(() => Village)
export class VillageResolver {
  @FieldResolver(() => Township, { description: 'The township (所属乡镇)' })
  township(@Root() v: Village, @GqlCtx() ctx: Ctx): Promise<Township | null> {
    return townshipById(ctx, v.townshipId);
  }
}

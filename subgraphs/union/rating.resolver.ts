import 'reflect-metadata';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx as GqlCtx, Directive, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { selectedFields } from '../lib/lookahead';
import { PageArgs, pageOf } from '../lib/connection';
import type { Ctx } from '../lib/context';
import { OverrideRatingInput, RateCountyInput, RatingPeriodInput, SetRatingThresholdsInput } from './rating.inputs';
import { countyRatings, countyThresholds, currentRatingOf, LIGHT_RATING_FIELDS, currentRatings, overrideRating, rateCounty, ratingCountsOf, ratingsOf, setRatingThresholds, unionRanking } from './rating.service';
import { CountyRatings, CurrentRating, Rating, RatingClassCount, RatingConnection, RatingThresholdsType } from './rating.type';
import { CooperativeRef, CooperativeUnion, CountyRef } from './union.type';
import { LocalDateScalar, parseDay } from '../lib/dates';
import { NotFuture } from '../lib/input-check';

@Resolver(() => Rating)
export class RatingResolver {
  @Mutation(() => CountyRatings, { description: 'Rate every cooperative of a county (but the exited) for an ended period from its indicators on the period\'s end; again, the same data gives the same records (县级动态评级)' })
  rateCounty(@Arg('input', () => RateCountyInput) input: RateCountyInput, @GqlCtx() ctx: Ctx): Promise<CountyRatings> {
    return rateCounty(ctx, input);
  }

  @Mutation(() => Rating, { description: 'The county overrides a computed class with a written reason; the computed class stays beside it (调整评级)' })
  overrideRating(@Arg('input', () => OverrideRatingInput) input: OverrideRatingInput, @GqlCtx() ctx: Ctx): Promise<Rating> {
    return overrideRating(ctx, input);
  }

  @Mutation(() => RatingThresholdsType, { description: 'The county sets its own rating thresholds with its document number; later ratings use them (设定评级阈值)' })
  setRatingThresholds(@Arg('input', () => SetRatingThresholdsInput) input: SetRatingThresholdsInput, @GqlCtx() ctx: Ctx): Promise<RatingThresholdsType> {
    return setRatingThresholds(ctx, input);
  }

  @Query(() => RatingThresholdsType, { nullable: true, description: 'The thresholds the county\'s next rating will use: its own or the documented defaults (评级阈值)' })
  ratingThresholds(@Arg('countyId', () => ID, { description: 'The county (县)' }) countyId: string, @GqlCtx() ctx: Ctx): Promise<RatingThresholdsType> {
    return countyThresholds(ctx, countyId);
  }

  @Query(() => CountyRatings, { nullable: true, description: 'A county\'s ratings for a period that you may read: counts per class and the ranking (考核评比)' })
  countyRatings(
    @Arg('countyId', () => ID, { description: 'The county (县)' }) countyId: string,
    @Arg('period', () => RatingPeriodInput, { description: 'The period (评级期间)' }) period: RatingPeriodInput,
    @GqlCtx() ctx: Ctx,
  ): Promise<CountyRatings> {
    return countyRatings(ctx, countyId, period);
  }

  @Directive('@inaccessible')
  @Query(() => [CurrentRating], { description: 'Internal: the rating in force of each cooperative asked, in that order, and whether it rectifies or exited; one statement (当前评级，内部)' })
  _currentRatings(@Arg('cooperativeIds', () => [Int], { description: 'The cooperatives, at most 1000 (互助社编号)' }) cooperativeIds: number[], @GqlCtx() ctx: Ctx): Promise<CurrentRating[]> {
    return currentRatings(ctx, cooperativeIds);
  }
}

@Resolver(() => CountyRef)
export class CountyRatingCountsResolver {
  @FieldResolver(() => [RatingClassCount], { nullable: true, description: 'The county\'s cooperatives you may read, counted by the class of their rating in force on the day (default: the latest); the never rated are not counted (各等级互助社数量)' })
  ratingCounts(
    @Root() c: CountyRef,
    @GqlCtx() ctx: Ctx,
    @NotFuture() @Arg('asOf', () => LocalDateScalar, { nullable: true, description: 'In force on this day, not after today; default the latest (截至日期)' }) asOf?: string | null,
  ): Promise<RatingClassCount[]> {
    return ratingCountsOf(ctx, Number(c.id), asOf ? parseDay(asOf) : null);
  }
}

@Resolver(() => CooperativeUnion)
export class UnionRankingResolver {
  @FieldResolver(() => [Rating], { nullable: true, description: 'The union\'s evaluation (考核评比): its current members\' ratings for a period, better class, higher score, lower PAR, lower cooperative id first (联合社排名)' })
  ranking(@Root() u: CooperativeUnion, @Arg('period', () => RatingPeriodInput, { description: 'The period (评级期间)' }) period: RatingPeriodInput, @GqlCtx() ctx: Ctx): Promise<Rating[]> {
    return unionRanking(ctx, Number(u.id), period);
  }
}

@Resolver(() => CooperativeRef)
export class CooperativeRatingsResolver {
  @FieldResolver(() => Rating, { nullable: true, description: 'The rating in force: the latest period rated (a quarter before a year ending the same day); null before the first (当前评级)' })
  rating(
    @Root() c: CooperativeRef,
    @GqlCtx() ctx: Ctx,
    @Info() info: GraphQLResolveInfo,
    @NotFuture() @Arg('asOf', () => LocalDateScalar, { nullable: true, description: 'In force on this day, not after today; default the latest (截至日期)' }) asOf?: string | null,
  ): Promise<Rating | null> {
    const light = [...selectedFields(info)].every((f) => LIGHT_RATING_FIELDS.has(f));
    return currentRatingOf(ctx, Number(c.id), asOf ? parseDay(asOf) : null, light);
  }

  @FieldResolver(() => RatingConnection, { nullable: true, description: 'Every rating of the cooperative, oldest first (评级记录)' })
  ratings(@Root() c: CooperativeRef, @Args() page: PageArgs, @GqlCtx() ctx: Ctx): Promise<RatingConnection> {
    return ratingsOf(ctx, Number(c.id), pageOf(page));
  }
}

import 'reflect-metadata';
import { Arg, Ctx as GqlCtx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Ctx } from '../lib/context';
import { ratingById } from './rating.service';
import { Rating } from './rating.type';
import { OpenRectificationInput, RectificationDecisionInput } from './rectification.inputs';
import { closeRectification, openRectification, rectificationDeadlines, rectificationOf, startExit, type RectificationNode } from './rectification.service';
import { Rectification } from './rectification.type';
import { runExitRecovery, runsOf } from './exit.service';
import { ExitRun } from './exit.type';
import { CooperativeRef } from './union.type';

@Resolver(() => Rectification)
export class RectificationResolver {
  @Mutation(() => Rectification, { description: 'The county opens a rectification after a C or D rating: the cooperative becomes RECTIFYING, no new loans or allocations (启动整改)' })
  openRectification(@Arg('input', () => OpenRectificationInput) input: OpenRectificationInput, @GqlCtx() ctx: Ctx): Promise<RectificationNode> {
    return openRectification(ctx, input);
  }

  @Mutation(() => Rectification, { description: 'The county closes a rectification on a rating of B or better for a period ending after it opened: ACTIVE again (整改验收)' })
  closeRectification(@Arg('input', () => RectificationDecisionInput) input: RectificationDecisionInput, @GqlCtx() ctx: Ctx): Promise<RectificationNode> {
    return closeRectification(ctx, input);
  }

  @Mutation(() => Rectification, { description: 'Past the deadline without that rating, the county starts the exit: the cooperative is EXITED, final (启动退出)' })
  startExit(@Arg('input', () => RectificationDecisionInput) input: RectificationDecisionInput, @GqlCtx() ctx: Ctx): Promise<RectificationNode> {
    return startExit(ctx, input);
  }

  @Mutation(() => ExitRun, { description: 'A recovery run of an exited cooperative\'s fund: open allocations it borrowed first, then its households\' own contributions (pro rata when short), then the county; again after later collections, until nothing is left (退出清算)' })
  runExitRecovery(@Arg('input', () => RectificationDecisionInput) input: RectificationDecisionInput, @GqlCtx() ctx: Ctx): Promise<ExitRun> {
    return runExitRecovery(ctx, input);
  }

  @Query(() => [Rectification], { nullable: true, description: 'The county\'s open rectifications whose deadline falls within the days given or has passed, soonest first; at most one per cooperative (整改期限提醒)' })
  rectificationDeadlines(
    @Arg('countyId', () => ID, { description: 'The county (县)' }) countyId: string,
    @Arg('withinDays', () => Int, { defaultValue: 30, description: 'Days from today, 0–366 (天数)' }) withinDays: number,
    @GqlCtx() ctx: Ctx,
  ): Promise<RectificationNode[]> {
    return rectificationDeadlines(ctx, countyId, withinDays);
  }

  @FieldResolver(() => Rating, { nullable: true, description: 'The C or D rating it followed; null when recorded from the paper files (触发评级)' })
  rating(@Root() r: RectificationNode, @GqlCtx() ctx: Ctx): Promise<Rating | null> {
    return r.ratingId === null ? Promise.resolve(null) : ratingById(ctx, r.ratingId);
  }

  @FieldResolver(() => [ExitRun], { description: 'The recovery runs after its exit, oldest first (退出清算记录)' })
  recoveryRuns(@Root() r: RectificationNode, @GqlCtx() ctx: Ctx): Promise<ExitRun[]> {
    return runsOf(ctx, Number(r.id));
  }

  @FieldResolver(() => Rating, { nullable: true, description: 'The rating of B or better it closed on (整改验收评级)' })
  closingRating(@Root() r: RectificationNode, @GqlCtx() ctx: Ctx): Promise<Rating | null> {
    return r.closingRatingId === null ? Promise.resolve(null) : ratingById(ctx, r.closingRatingId);
  }
}

@Resolver(() => CooperativeRef)
export class CooperativeRectificationResolver {
  @FieldResolver(() => Rectification, { nullable: true, description: 'The cooperative\'s rectification: the open or exited one, else the latest; null when it never had one (整改)' })
  rectification(@Root() c: CooperativeRef, @GqlCtx() ctx: Ctx): Promise<RectificationNode | null> {
    return rectificationOf(ctx, Number(c.id));
  }
}

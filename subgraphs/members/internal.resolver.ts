import { Arg, Ctx as GqlCtx, Directive, Int, Query, Resolver } from 'type-graphql';
import type { Ctx } from '../lib/context';
import { borrowerFacts, cooperativeFacts, ratingMemberFacts } from './internal.service';
import { BorrowerFacts, CooperativeFacts, RatingMemberFacts } from './internal.type';
import { LocalDateScalar, parseDay } from '../lib/dates';
import { NotFuture } from '../lib/input-check';

/** Internal queries for the loans subgraph: SERVICE role only, @inaccessible in the supergraph. */
@Resolver()
export class InternalResolver {
  @Directive('@inaccessible')
  @Query(() => [RatingMemberFacts], { description: 'Internal: a county\'s cooperatives\' member counts on a day, for the union\'s rating (评级指标，内部)' })
  _ratingMemberFacts(
    @Arg('countyId', () => Int) countyId: number,
    @NotFuture() @Arg('asOf', () => LocalDateScalar) asOf: string,
    @Arg('borrowerIds', () => [Int]) borrowerIds: number[],
    @GqlCtx() ctx: Ctx,
  ): Promise<RatingMemberFacts[]> {
    return ratingMemberFacts(ctx, countyId, parseDay(asOf), borrowerIds);
  }

  @Directive('@inaccessible')
  @Query(() => BorrowerFacts, { nullable: true, description: 'Internal: facts of a borrower, null when no such member (借款人信息，内部)' })
  _borrowerFacts(@Arg('memberId', () => Int) memberId: number, @GqlCtx() ctx: Ctx): Promise<BorrowerFacts | null> {
    return borrowerFacts(ctx, memberId);
  }

  @Directive('@inaccessible')
  @Query(() => CooperativeFacts, { nullable: true, description: 'Internal: facts of a cooperative, null when none (互助社信息，内部)' })
  _cooperativeFacts(@Arg('cooperativeId', () => Int) cooperativeId: number, @GqlCtx() ctx: Ctx): Promise<CooperativeFacts | null> {
    return cooperativeFacts(ctx, cooperativeId);
  }
}

import { Arg, Ctx as GqlCtx, Directive, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Ctx } from '../lib/context';
import { borrowerFacts, cooperativeFacts, exitHouseholds, ratingMemberFacts, recordExitReturns } from './internal.service';
import { BorrowerFacts, CooperativeFacts, ExitHousehold, ExitReturnInput, RatingMemberFacts } from './internal.type';
import { LocalDateScalar, parseDay } from '../lib/dates';
import { MaxChars, NotFuture } from '../lib/input-check';
import { applyCooperativeStatus } from './cooperative.service';
import type { CooperativeStatus } from './cooperative.rules';
import { CooperativeStatusEnum } from './cooperative.type';

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

  @Directive('@inaccessible')
  @Mutation(() => Boolean, { description: 'Internal: the status the union\'s rectification or exit gives a cooperative; false when it already had it (整改/退出状态，内部)' })
  _setCooperativeStatus(
    @Arg('cooperativeId', () => Int, { description: 'The cooperative (互助社编号)' }) cooperativeId: number,
    @Arg('status', () => CooperativeStatusEnum, { description: 'Its status from now on (状态)' }) status: CooperativeStatus,
    @MaxChars(200) @Arg('reason', { description: 'The union\'s decision, for the audit trail (依据)' }) reason: string,
    @MaxChars(200) @Arg('idempotencyKey', { description: 'Key of the sending saga step (幂等键)' }) idempotencyKey: string,
    @GqlCtx() ctx: Ctx,
  ): Promise<boolean> {
    return applyCooperativeStatus(ctx, cooperativeId, status, reason, idempotencyKey);
  }

  @Directive('@inaccessible')
  @Query(() => [ExitHousehold], { description: 'Internal: an exited cooperative\'s households with their own part and what was returned of it (退出清算，内部)' })
  _exitHouseholds(@Arg('cooperativeId', () => Int) cooperativeId: number, @GqlCtx() ctx: Ctx): Promise<ExitHousehold[]> {
    return exitHouseholds((sql, params) => ctx.read(sql, params), cooperativeId);
  }

  @Directive('@inaccessible')
  @Mutation(() => Int, { description: 'Internal: what a recovery run returned to each household, after loans moved the money; the rows written (退出退还记录，内部)' })
  _recordExitReturns(
    @Arg('runId', () => Int, { description: 'The union\'s recovery run (清算批次)' }) runId: number,
    @Arg('cooperativeId', () => Int, { description: 'The exited cooperative (退出互助社)' }) cooperativeId: number,
    @NotFuture() @Arg('returnedOn', () => LocalDateScalar, { description: 'Date of the run (清算日期)' }) returnedOn: string,
    @Arg('returns', () => [ExitReturnInput], { description: 'Per household (各户退还)' }) returns: ExitReturnInput[],
    @MaxChars(200) @Arg('idempotencyKey', { description: 'Key of the sending saga step (幂等键)' }) idempotencyKey: string,
    @GqlCtx() ctx: Ctx,
  ): Promise<number> {
    return recordExitReturns(ctx, runId, cooperativeId, parseDay(returnedOn), returns, idempotencyKey);
  }
}

import { Arg, Ctx as GqlCtx, Directive, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Ctx } from '../lib/context';
import { LocalDateScalar } from '../lib/dates';
import { NotFuture } from '../lib/input-check';
import type { PovertyStatus } from './member.rules';
import { Member, PovertyStatusEnum } from './member.type';
import { ChangePovertyStatusInput } from './poverty.inputs';
import { changePovertyStatus, povertyHistoryOf, povertyStatusesAsOf, povertyStatusOn } from './poverty.service';
import { PovertyStatusAsOf, PovertyStatusChange } from './poverty.type';

/** A household's poverty status over time (贫困状况): the change, its history, the status as of a date. */
@Resolver(() => Member)
export class PovertyResolver {
  @Mutation(() => Member, { description: 'Change a household\'s poverty status, e.g. 脱贫; township or county only, with a reason or document number (变更贫困状况)' })
  changePovertyStatus(@Arg('input', () => ChangePovertyStatusInput) input: ChangePovertyStatusInput, @GqlCtx() ctx: Ctx): Promise<Member> {
    return changePovertyStatus(ctx, input);
  }

  @FieldResolver(() => [PovertyStatusChange], { description: 'Poverty status history, newest first; the oldest is the status at admission (贫困状况变更记录)' })
  povertyHistory(@Root() m: Member, @GqlCtx() ctx: Ctx): Promise<PovertyStatusChange[]> {
    return povertyHistoryOf(ctx, m.id);
  }

  @FieldResolver(() => PovertyStatusEnum, { nullable: true, description: 'Poverty status as of a date; null before the household joined (某日贫困状况)' })
  povertyStatusOn(
    @Root() m: Member,
    @GqlCtx() ctx: Ctx,
    @NotFuture() @Arg('date', () => LocalDateScalar, { description: 'The date, not after today (日期)' }) date: string,
  ): Promise<PovertyStatus | null> {
    return povertyStatusOn(ctx, m.id, date);
  }

  @Directive('@inaccessible')
  @Query(() => [PovertyStatusAsOf], { description: 'Internal: the poverty status of many households as of a date, in one statement; unknown ids left out (某日贫困状况，内部)' })
  _povertyStatusAsOf(
    @Arg('memberIds', () => [Int], { description: 'Member ids (社员编号)' }) memberIds: number[],
    @NotFuture() @Arg('asOf', () => LocalDateScalar, { description: 'The date, not after today (日期)' }) asOf: string,
    @GqlCtx() ctx: Ctx,
  ): Promise<PovertyStatusAsOf[]> {
    return povertyStatusesAsOf(ctx, memberIds, asOf);
  }
}

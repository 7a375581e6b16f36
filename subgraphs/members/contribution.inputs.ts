import { Field, ID, InputType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { MaxChars, NotFuture } from '../lib/input-check';
import type { ContributionSource } from './contribution.rules';
import { ContributionSourceEnum } from './contribution.type';

@InputType({ description: 'Buy one share of contribution for a household (缴纳互助金)' })
export class RecordContributionInput {
  @MaxChars(200) @Field({ description: 'Idempotency key: a repeat with the same key returns the first result (幂等键)' }) idempotencyKey!: string;
  @Field(() => ID, { description: 'The member household (社员)' }) memberId!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date paid (缴纳日期)' }) paidOn!: string;
  @Field(() => ContributionSourceEnum, { description: 'Where the money comes from (资金来源)' }) source!: ContributionSource;
}

@InputType({ description: 'Return the household\'s own contribution and leave the cooperative (退还自缴互助金并退社)' })
export class WithdrawContributionInput {
  @MaxChars(200) @Field({ description: 'Idempotency key (幂等键)' }) idempotencyKey!: string;
  @Field(() => ID, { description: 'The member household (社员)' }) memberId!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date of the withdrawal (退还日期)' }) on!: string;
}

import { Field, ID, InputType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { MaxChars, NotFuture } from '../lib/input-check';
import type { RectificationPoint } from './rectification.rules';
import { RectificationPointEnum } from './rectification.type';

@InputType({ description: 'The county opens a rectification after a cooperative\'s C or D rating (启动整改)' })
export class OpenRectificationInput {
  @MaxChars(200) @Field({ description: 'A key you choose per decision; repeating it repeats nothing (幂等键)' }) idempotencyKey!: string;
  @MaxChars(20) @Field(() => ID, { description: 'The cooperative\'s current rating, C or D (触发评级)' }) ratingId!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Day of the county\'s decision, after the rated period ended (启动日期)' }) openedOn!: string;
  @Field(() => LocalDateScalar, { description: 'The deadline: after the opening day, at most a year from it (整改期限)' }) deadline!: string;
  @Field(() => [RectificationPointEnum], { nullable: true, description: 'What to fix; none: one point per C or D indicator of the rating (整改事项)' }) points?: RectificationPoint[] | null;
  @MaxChars(1000) @Field({ description: 'The county\'s decision, in its words, with its document number (整改要求)' }) note!: string;
}

@InputType({ description: 'Closing a rectification, or starting the exit (结束整改/启动退出)' })
export class RectificationDecisionInput {
  @MaxChars(200) @Field({ description: 'A key you choose per decision; repeating it repeats nothing (幂等键)' }) idempotencyKey!: string;
  @MaxChars(20) @Field(() => ID, { description: 'The rectification (整改编号)' }) rectificationId!: string;
}

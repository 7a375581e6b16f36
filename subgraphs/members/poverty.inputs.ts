import { Field, ID, InputType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { MaxChars, NotFuture } from '../lib/input-check';
import type { PovertyStatus } from './member.rules';
import { PovertyStatusEnum } from './member.type';

@InputType({ description: 'A township or county decision on a household\'s poverty status, e.g. 脱贫 (变更贫困状况)' })
export class ChangePovertyStatusInput {
  @Field(() => ID, { description: 'The member household (社员)' }) memberId!: string;
  @Field(() => PovertyStatusEnum, { description: 'The new status (新状况)' }) status!: PovertyStatus;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date it takes effect: not in the future, not before joining or the latest change (生效日期)' }) effectiveOn!: string;
  @MaxChars(500) @Field(() => String, { nullable: true, description: 'Written reason; this or the document number is required (变更理由)' }) reason?: string | null;
  @MaxChars(50) @Field(() => String, { nullable: true, description: 'Document number, e.g. 盐扶发〔2024〕12号; this or the reason is required (文件号)' }) documentNo?: string | null;
}

import { Field, ID, InputType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { MaxChars, NotFuture } from '../lib/input-check';

@InputType({ description: 'Form a joint guarantee group (组建联保小组)' })
export class FormGuaranteeGroupInput {
  @Field(() => ID, { description: 'The cooperative (互助社)' }) cooperativeId!: string;
  @MaxChars(50) @Field({ description: 'Group name (小组名称)' }) name!: string;
  @Field(() => [ID], { description: 'Exactly the policy\'s group size of distinct members (组员)' }) memberIds!: string[];
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date formed (成立日期)' }) formedOn!: string;
}

@InputType({ description: 'A party member guarantees one household (党员一帮一)' })
export class AssignPartyGuarantorInput {
  @Field(() => ID, { description: 'The guaranteed household (被担保社员)' }) memberId!: string;
  @Field(() => ID, { description: 'The guarantor, an active party member of the same cooperative (党员担保人)' }) guarantorMemberId!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date formed (成立日期)' }) formedOn!: string;
  @MaxChars(50) @Field(() => String, { nullable: true, description: 'Name of the guarantee; generated when omitted (名称)' }) name?: string | null;
}

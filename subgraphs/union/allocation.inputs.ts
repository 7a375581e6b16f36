import { Field, ID, InputType, Int } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { MaxChars, NotFuture } from '../lib/input-check';
import { MoneyScalar } from '../lib/money';

@InputType({ description: 'The borrower\'s board asks its union for another member\'s idle money (申请调剂)' })
export class RequestAllocationInput {
  @MaxChars(200) @Field({ description: 'Makes the request safe to repeat (幂等键)' }) idempotencyKey!: string;
  @MaxChars(20) @Field(() => ID, { description: 'The union (联合社)' }) unionId!: string;
  @MaxChars(20) @Field(() => ID, { description: 'The borrowing cooperative, the caller\'s own (调入社)' }) borrowerCooperativeId!: string;
  @MaxChars(20) @Field(() => ID, { description: 'The lending cooperative (调出社)' }) lenderCooperativeId!: string;
  @Field(() => MoneyScalar, { description: 'Amount in fen (调剂金额)' }) amount!: bigint;
  @Field(() => Int, { description: 'Term in days (期限天数)' }) termDays!: number;
  @Field(() => Int, { description: 'Fee rate a year in bp, within the union\'s range (调剂费率)' }) feeRateBp!: number;
  @MaxChars(200) @Field({ description: 'What it is for, e.g. spring lending peak (用途)' }) purpose!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date of the request (申请日期)' }) on!: string;
}

@InputType({ description: 'One step of an allocation\'s approval: the lender\'s consent, the county\'s or the union\'s approval (调剂审批)' })
export class AllocationDecisionInput {
  @MaxChars(200) @Field({ description: 'Makes the request safe to repeat (幂等键)' }) idempotencyKey!: string;
  @MaxChars(20) @Field(() => ID, { description: 'The allocation (调剂编号)' }) allocationId!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date of the decision; the union\'s approval is the day the money moves (日期)' }) on!: string;
}

@InputType({ description: 'The borrower repays an allocation; the accrued fee first, then principal (归还调剂款)' })
export class RepayAllocationInput {
  @MaxChars(200) @Field({ description: 'Makes the request safe to repeat (幂等键)' }) idempotencyKey!: string;
  @MaxChars(20) @Field(() => ID, { description: 'The allocation (调剂编号)' }) allocationId!: string;
  @Field(() => MoneyScalar, { description: 'Amount paid in fen, fee and principal together (还款金额)' }) amount!: bigint;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date paid (还款日期)' }) paidOn!: string;
}

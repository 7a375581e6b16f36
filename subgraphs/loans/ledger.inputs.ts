import 'reflect-metadata';
import { Directive, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { MaxChars, NotFuture } from '../lib/input-check';
import { MoneyScalar } from '../lib/money';

/** Where a contribution is held: who it is and which fund it goes to, as members knows them. */
@InputType({ description: 'Internal: the facts every contribution event carries (内部: 互助金事件要素)' })
@Directive('@inaccessible')
abstract class ContributionFacts {
  @Field(() => Int, { description: 'Cooperative (互助社)' }) cooperativeId!: number;
  @Field(() => Int, { description: 'County (县)' }) countyId!: number;
  @Field(() => Int, { description: 'Township (乡镇)' }) townshipId!: number;
  @Field(() => Int, { description: 'Member (社员)' }) memberId!: number;
  @Field(() => MoneyScalar, { description: 'Positive amount in fen (金额)' }) amount!: bigint;
  @MaxChars(50) @Field(() => String, { nullable: true, description: 'Head of household\'s name masked like 张*明, for the disclosure board (公示姓名)' }) nameMasked?: string | null;
}

@InputType({ description: 'Internal: a contribution received into the fund (内部: 互助金入账)' })
@Directive('@inaccessible')
export class ContributionReceivedInput extends ContributionFacts {
  @MaxChars(32) @Field({ description: 'HOUSEHOLD, GOVERNMENT_SUBSIDY or SHUANGDAO: whose money it is (资金来源)' }) source!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date paid in (缴纳日期)' }) paidOn!: string;
}

@InputType({ description: 'Internal: a household\'s own contribution returned when it withdraws (内部: 退还互助金)' })
@Directive('@inaccessible')
export class ContributionReturnedInput extends ContributionFacts {
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date returned (退还日期)' }) returnedOn!: string;
}

@InputType({ description: 'Internal: one side of an allocation, where its fund is (内部: 调剂一方)' })
@Directive('@inaccessible')
export class AllocationSideInput {
  @Field(() => Int, { description: 'Cooperative (互助社)' }) cooperativeId!: number;
  @Field(() => Int, { description: 'County (县)' }) countyId!: number;
  @Field(() => Int, { description: 'Township (乡镇)' }) townshipId!: number;
  @Field({ description: 'A current member of the allocation\'s union, as the union knows it (联合社成员)' }) inUnion!: boolean;
}

@InputType({ description: 'Internal: the union policy an allocation is held to (内部: 调剂政策)' })
@Directive('@inaccessible')
export class AllocationPolicyInput {
  @Field(() => Int, { description: 'Lowest fee rate, bp (费率下限)' }) feeRateMinBp!: number;
  @Field(() => Int, { description: 'Highest fee rate, bp (费率上限)' }) feeRateMaxBp!: number;
  @Field(() => Int, { description: 'Largest share of the lender\'s idle money, bp (调出上限)' }) maxLenderShareBp!: number;
  @Field(() => Int, { description: 'Longest term, days (最长期限)' }) maxTermDays!: number;
  @Field(() => MoneyScalar, { description: 'County approval above this amount (县级审批起点)' }) countyApprovalAbove!: bigint;
  @Field(() => Int, { description: 'Lender\'s part of the fee, bp (调出社分成)' }) lenderFeeShareBp!: number;
}

@InputType({ description: 'Internal: an approved allocation\'s money moves, both ledgers at once (内部: 调剂划款)' })
@Directive('@inaccessible')
export class AllocationMadeInput {
  @Field(() => Int, { description: 'Allocation (调剂编号)' }) allocationId!: number;
  @Field(() => AllocationSideInput, { description: 'Lender (调出社)' }) lender!: AllocationSideInput;
  @Field(() => AllocationSideInput, { description: 'Borrower (调入社)' }) borrower!: AllocationSideInput;
  @Field(() => MoneyScalar, { description: 'Amount (金额)' }) amount!: bigint;
  @Field(() => Int, { description: 'Term, days (期限)' }) termDays!: number;
  @Field(() => Int, { description: 'Fee rate a year, bp (调剂费率)' }) feeRateBp!: number;
  @Field(() => AllocationPolicyInput, { description: 'The union\'s policy (调剂政策)' }) policy!: AllocationPolicyInput;
  @MaxChars(200) @Field({ description: 'Who requested it (申请人)' }) requestedBy!: string;
  @MaxChars(200) @Field({ description: 'Who approved it for the union (审批人)' }) approvedBy!: string;
  @Field({ description: 'The county has approved it (县级已批准)' }) countyApproved!: boolean;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date the money moves (划款日期)' }) madeOn!: string;
}

@InputType({ description: 'Internal: a repayment of an allocation, both ledgers at once (内部: 调剂还款)' })
@Directive('@inaccessible')
export class AllocationRepaidInput {
  @Field(() => Int, { description: 'Allocation (调剂编号)' }) allocationId!: number;
  @Field(() => Int, { description: 'Repayment (还款编号)' }) repaymentId!: number;
  @Field(() => Int, { description: 'Lender cooperative (调出社)' }) lenderCooperativeId!: number;
  @Field(() => Int, { description: 'Borrower cooperative (调入社)' }) borrowerCooperativeId!: number;
  @Field(() => MoneyScalar, { description: 'Principal repaid (本金)' }) principal!: bigint;
  @Field(() => MoneyScalar, { description: 'Fee paid, the whole fee (调剂费)' }) fee!: bigint;
  @Field(() => MoneyScalar, { description: 'The lender\'s part of the fee (调出社分成)' }) lenderFee!: bigint;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date paid (还款日期)' }) paidOn!: string;
}

@InputType({ description: 'Internal: one recovery run of an exited cooperative: its households\' own part and the county\'s back from the bank (内部: 退出清算)' })
@Directive('@inaccessible')
export class ExitReturnedInput {
  @Field(() => Int, { description: 'The union\'s recovery run (清算批次)' }) runId!: number;
  @Field(() => Int, { description: 'The exited cooperative (退出互助社)' }) cooperativeId!: number;
  @Field(() => MoneyScalar, { description: 'Returned to the households, in all (退还社员)' }) households!: bigint;
  @Field(() => Int, { description: 'How many households (户数)' }) householdCount!: number;
  @Field(() => MoneyScalar, { description: 'Back to the county (收回县级)' }) county!: bigint;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date of the run (清算日期)' }) returnedOn!: string;
}

/**
 * Internal: one business event another subgraph posts to the fund ledger, from a closed list;
 * exactly one of the event fields is set, each with its own input type.
 */
@InputType({ description: 'Internal: a business event posted to the fund ledger; exactly one event field is set (内部: 记账事件)' })
@Directive('@inaccessible')
export class LedgerEventInput {
  @MaxChars(200) @Field({ description: 'Idempotency key of the sending saga step (幂等键)' }) idempotencyKey!: string;
  @Field(() => ContributionReceivedInput, { nullable: true, description: 'A contribution received (互助金入账)' }) contributionReceived?: ContributionReceivedInput | null;
  @Field(() => ContributionReturnedInput, { nullable: true, description: 'A contribution returned (退还互助金)' }) contributionReturned?: ContributionReturnedInput | null;
  @Field(() => AllocationMadeInput, { nullable: true, description: 'An approved allocation paid from lender to borrower (调剂划款)' }) allocationMade?: AllocationMadeInput | null;
  @Field(() => AllocationRepaidInput, { nullable: true, description: 'An allocation repayment (调剂还款)' }) allocationRepaid?: AllocationRepaidInput | null;
  @Field(() => ExitReturnedInput, { nullable: true, description: 'An exit\'s recovery run (退出清算)' }) exitReturned?: ExitReturnedInput | null;
}

export enum CapitalSourceEnum {
  GOVERNMENT = 'GOVERNMENT',
  DONATION = 'DONATION',
}
registerEnumType(CapitalSourceEnum, {
  name: 'CapitalSource',
  description: 'Where injected capital comes from (资金来源)',
  valuesConfig: { GOVERNMENT: { description: 'Government poverty funds (财政扶贫资金)' }, DONATION: { description: 'Donation (社会捐赠)' } },
});

@InputType({ description: 'Capital injected into a cooperative fund (注入资金)' })
export class InjectCapitalInput {
  @MaxChars(200) @Field({ description: 'Makes the request safe to repeat (幂等键)' }) idempotencyKey!: string;
  @Field(() => ID, { description: 'Cooperative (互助社)' }) cooperativeId!: string;
  @Field(() => MoneyScalar, { description: 'Amount in fen (金额, 分)' }) amount!: bigint;
  @Field(() => CapitalSourceEnum, { description: 'Source (来源)' }) source!: CapitalSourceEnum;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date received (到账日期)' }) on!: string;
}

/** What every reversal carries, whichever posting it undoes; the base is never sent on its own. */
@InputType({ description: 'Internal: what every reversal carries (内部: 冲销要素)' })
@Directive('@inaccessible')
abstract class ReversalFacts {
  @MaxChars(200) @Field({ description: 'Idempotency key (幂等键)' }) idempotencyKey!: string;
  @MaxChars(2000) @Field({ description: 'Written reason, at most 500 characters (冲销理由)' }) reason!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date of the reversal, not before the posting it reverses (冲销日期)' }) on!: string;
}

@InputType({ description: 'Reverse one ledger transaction with a written reason (红字冲销)' })
export class ReverseLedgerTransactionInput extends ReversalFacts {
  @MaxChars(20) @Field(() => ID, { description: 'The transaction to reverse (被冲销凭证号)' }) txnId!: string;
}

@InputType({ description: 'Reverse a repayment recorded in error: its posting is reversed and the loan owes it again (冲销还款)' })
export class ReverseRepaymentInput extends ReversalFacts {
  @MaxChars(20) @Field(() => ID, { description: 'The repayment (还款编号)' }) repaymentId!: string;
}

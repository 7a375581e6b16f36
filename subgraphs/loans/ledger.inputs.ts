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

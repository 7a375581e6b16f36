import 'reflect-metadata';
import { MoneyScalar } from '../lib/money';
import { Field, ID, InputType, Int } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { MaxChars, NotFuture } from '../lib/input-check';
import { ChannelEnum, LoanPurposeEnum, RepaymentModeEnum } from './loan.type';
import type { LoanPurpose } from './purpose.rules';

@InputType({ description: 'A loan application (借款申请)' })
export class ApplyForLoanInput {
  @MaxChars(200) @Field({ description: 'Makes the request safe to repeat (幂等键)' }) idempotencyKey!: string;
  @Field(() => ID, { description: 'Cooperative lending (互助社)' }) cooperativeId!: string;
  @Field(() => ID, { description: 'Borrowing member household (借款社员)' }) memberId!: string;
  @Field(() => MoneyScalar, { description: 'Amount in fen (借款金额, 分)' }) amount!: bigint;
  @Field(() => Int, { description: 'Term in months (期限, 月)' }) termMonths!: number;
  @Field(() => RepaymentModeEnum, { description: 'Repayment mode (还款方式)' }) repaymentMode!: RepaymentModeEnum;
  @Field(() => LoanPurposeEnum, { description: 'Purpose from the closed list; published on the board (用途)' }) purpose!: LoanPurpose;
  @MaxChars(200) @Field(() => String, { nullable: true, description: 'Internal note on the purpose, e.g. 购买基础母羊10只; required for OTHER; never published (用途说明)' }) purposeNote?: string | null;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Application date (申请日期)' }) appliedOn!: string;
}

@InputType({ description: 'A lifecycle step on a loan (借款流程操作)' })
export class LoanStepInput {
  @Field(() => ID, { description: 'Loan id (借款编号)' }) loanId!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date of the step (日期)' }) on!: string;
  @MaxChars(500) @Field(() => String, { nullable: true, description: 'Reason or remark (说明)' }) remark?: string;
}

@InputType({ description: 'Pay a loan out by bank transfer (放款)' })
export class DisburseLoanInput {
  @MaxChars(200) @Field({ description: 'Makes the request safe to repeat (幂等键)' }) idempotencyKey!: string;
  @Field(() => ID, { description: 'Loan id (借款编号)' }) loanId!: string;
  @Field(() => ChannelEnum, { description: 'BANK (required under 银收银付) or CASH (收付方式)' }) channel!: ChannelEnum;
  @MaxChars(64) @Field(() => String, { nullable: true, description: 'Bank reference of the transfer, required for BANK (银行流水号)' }) bankRef?: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Disbursement date (放款日期)' }) on!: string;
}

@InputType({ description: 'A repayment received (还款)' })
export class RecordRepaymentInput {
  @MaxChars(200) @Field({ description: 'Makes the request safe to repeat (幂等键)' }) idempotencyKey!: string;
  @Field(() => ID, { description: 'Loan id (借款编号)' }) loanId!: string;
  @Field(() => MoneyScalar, { description: 'Amount received in fen: fee first, then principal (还款金额, 分)' }) amount!: bigint;
  @Field(() => ChannelEnum, { description: 'Channel (收款方式)' }) channel!: ChannelEnum;
  @MaxChars(64) @Field(() => String, { nullable: true, description: 'Bank reference, required for BANK (银行流水号)' }) bankRef?: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date received (还款日期)' }) paidOn!: string;
}

@InputType({ description: 'Write a bad loan off against the risk reserve (核销)' })
export class WriteOffLoanInput {
  @MaxChars(200) @Field({ description: 'Makes the request safe to repeat (幂等键)' }) idempotencyKey!: string;
  @Field(() => ID, { description: 'Loan id (借款编号)' }) loanId!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Decision date (核销日期)' }) on!: string;
}

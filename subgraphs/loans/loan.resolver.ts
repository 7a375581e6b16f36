import 'reflect-metadata';
import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, registerEnumType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import type { Ctx as Context } from '../lib/context';
import { PageArgs } from '../lib/connection';
import { AuditEntry, auditTrail } from '../lib/audit-trail';
import { ApplyForLoanInput, DisburseLoanInput, LoanStepInput, RecordRepaymentInput, WriteOffLoanInput } from './loan.inputs';
import { BankTransfer, Instalment, Loan, LoanConnection, LoanStatusEnum, Repayment } from './loan.type';
import * as loans from './loan.service';
import * as reads from './loan.read';
import { creditReferenceExport } from './credit.service';
import { NotFuture } from '../lib/input-check';

export enum ExportFormatEnum {
  JSONL = 'JSONL',
  CSV = 'CSV',
}
registerEnumType(ExportFormatEnum, { name: 'ExportFormat', description: 'File format of an export (导出格式)' });

@Resolver(() => Loan)
export class LoanResolver {
  @Query(() => Loan, { nullable: true, description: 'One loan, if visible to the caller (借款)' })
  loan(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Loan | null> {
    return reads.loanLoader(ctx).load(id);
  }

  @Query(() => LoanConnection, { nullable: true, description: 'Loans visible to the caller, oldest first; null with an error when you may not read them (借款列表)' })
  loans(
    @Arg('cooperativeId', () => ID, { nullable: true, description: 'Only this cooperative (互助社)' }) cooperativeId: string | undefined,
    @Arg('status', () => LoanStatusEnum, { nullable: true, description: 'Only this status (状态)' }) status: LoanStatusEnum | undefined,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
  ) {
    return reads.loanPage(ctx, { cooperativeId, status }, page);
  }

  @Query(() => String, {
    nullable: true,
    description:
      'Credit-reference export of borrowers\' loan events in a period, JSON Lines or CSV, without identity numbers (the county files those: countyCreditReferenceExport). ' +
      'Columns, in order: memberId, borrowerName, loanId, cooperativeId, event (DISBURSEMENT, REPAYMENT, WRITE_OFF), date (YYYY-MM-DD), ' +
      'amountFen, principalFen, feeFen (integer fen), overdue (true/false: any loan of the borrower overdue as of `to`), ' +
      'daysOverdue (days the borrower\'s earliest unpaid instalment is late as of `to`, the largest over its loans; 0 when not overdue). ' +
      'CSV has a header row (征信报送)',
  })
  creditReferenceExport(
    @NotFuture() @Arg('from', () => LocalDateScalar, { description: 'First day (起始日期)' }) from: string,
    @NotFuture() @Arg('to', () => LocalDateScalar, { description: 'Last day (截止日期)' }) to: string,
    @Arg('format', () => ExportFormatEnum, { description: 'JSONL or CSV (格式)' }) format: ExportFormatEnum,
    @Arg('cooperativeId', () => ID, { nullable: true, description: 'Only this cooperative (互助社)' }) cooperativeId: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<string> {
    return creditReferenceExport(ctx, { cooperativeId, from, to, format });
  }

  @FieldResolver(() => [Instalment], { description: 'Repayment schedule (还款计划)' })
  instalments(@Root() loan: Loan, @Ctx() ctx: Context) {
    return reads.instalmentLoader(ctx).load(loan.id);
  }

  @FieldResolver(() => [Repayment], { description: 'Repayments received (还款记录)' })
  repayments(@Root() loan: Loan, @Ctx() ctx: Context) {
    return reads.repaymentLoader(ctx).load(loan.id);
  }

  @FieldResolver(() => [BankTransfer], { description: 'Bank transfers of this loan (银行转账记录)' })
  transfers(@Root() loan: Loan, @Ctx() ctx: Context) {
    return reads.transferLoader(ctx).load(loan.id);
  }

  @FieldResolver(() => [AuditEntry], { nullable: true, description: 'Every recorded change of this loan, oldest first; null with FORBIDDEN for roles that do not supervise (审计记录)' })
  auditTrail(@Root() loan: Loan, @Ctx() ctx: Context) {
    return auditTrail(ctx, 'loan', loan.id);
  }

  @FieldResolver(() => Int, { description: 'Days the earliest unpaid instalment is late as of a date, 0 if not overdue (逾期天数)' })
  daysOverdue(@Root() loan: Loan, @NotFuture() @Arg('asOf', () => LocalDateScalar, { description: 'As-of date (统计日期)' }) asOf: string, @Ctx() ctx: Context) {
    return reads.daysOverdue(ctx, loan, asOf);
  }

  @Mutation(() => Loan, { description: 'Apply for a loan; every rule of the fund is checked (申请借款)' })
  applyForLoan(@Arg('input') input: ApplyForLoanInput, @Ctx() ctx: Context) {
    return loans.applyForLoan(ctx, input);
  }

  @Mutation(() => Loan, { description: 'Record the guarantee group\'s endorsement (联保小组同意)' })
  endorseLoan(@Arg('input') input: LoanStepInput, @Ctx() ctx: Context) {
    return loans.stepLoan(ctx, 'ENDORSE', input);
  }

  @Mutation(() => Loan, { description: 'Board approval; the approver cannot be the requester (理事会审批)' })
  approveLoan(@Arg('input') input: LoanStepInput, @Ctx() ctx: Context) {
    return loans.stepLoan(ctx, 'APPROVE', input);
  }

  @Mutation(() => Loan, { description: 'County approval of a loan above the maximum amount (县扶贫办审批)' })
  countyApproveLoan(@Arg('input') input: LoanStepInput, @Ctx() ctx: Context) {
    return loans.stepLoan(ctx, 'COUNTY_APPROVE', input);
  }

  @Mutation(() => Loan, { description: 'Publish on the disclosure board (公示)' })
  publishLoan(@Arg('input') input: LoanStepInput, @Ctx() ctx: Context) {
    return loans.stepLoan(ctx, 'PUBLISH', input);
  }

  @Mutation(() => Loan, { description: 'Record the signed contract (签订借款合同)' })
  signLoanContract(@Arg('input') input: LoanStepInput, @Ctx() ctx: Context) {
    return loans.stepLoan(ctx, 'SIGN', input);
  }

  @Mutation(() => Loan, { description: 'Reject an application before disbursement (拒绝)' })
  rejectLoan(@Arg('input') input: LoanStepInput, @Ctx() ctx: Context) {
    return loans.stepLoan(ctx, 'REJECT', input);
  }

  @Mutation(() => Loan, { description: 'Pay the loan out to the member\'s one-card account (放款)' })
  disburseLoan(@Arg('input') input: DisburseLoanInput, @Ctx() ctx: Context) {
    return loans.disburseLoan(ctx, input);
  }

  @Mutation(() => Repayment, { description: 'Record a repayment: fee first, then principal (还款)' })
  recordRepayment(@Arg('input') input: RecordRepaymentInput, @Ctx() ctx: Context) {
    return loans.recordRepayment(ctx, input);
  }

  @Mutation(() => Loan, { description: 'Write a bad loan off against the risk reserve, by county decision (核销)' })
  writeOffLoan(@Arg('input') input: WriteOffLoanInput, @Ctx() ctx: Context) {
    return loans.writeOffLoan(ctx, input);
  }
}

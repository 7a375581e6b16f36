import 'reflect-metadata';
import { Arg, Args, Ctx, ID, Query, Resolver } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import type { Ctx as Context } from '../lib/context';
import { PageArgs } from '../lib/connection';
import { NotFuture } from '../lib/input-check';
import { countyCreditReferenceExport, creditExportPage } from './credit.service';
import { CreditExport, CreditExportConnection } from './credit.type';
import { ExportFormatEnum } from './loan.resolver';

/** The county's credit-reference filing with identity numbers and the record of past filings. */
@Resolver(() => CreditExport)
export class CreditResolver {
  @Query(() => String, {
    nullable: true,
    description:
      'County credit-reference filing of borrowers\' loan events in a period WITH each borrower\'s full identity number, JSON Lines or CSV; ' +
      'the numbers are read from members for you (recorded in each member\'s audit trail) and the export is recorded (creditExports). ' +
      'Columns, in order: memberId, borrowerName, idNumber (18 characters), loanId, cooperativeId, event (DISBURSEMENT, REPAYMENT, WRITE_OFF), ' +
      'date (YYYY-MM-DD), amountFen, principalFen, feeFen (integer fen), overdue (true/false: any loan of the borrower overdue as of `to`), ' +
      'daysOverdue (days the borrower\'s earliest unpaid instalment is late as of `to`, the largest over its loans; 0 when not overdue). ' +
      'CSV has a header row (征信报送，含身份证号)',
  })
  countyCreditReferenceExport(
    @NotFuture() @Arg('from', () => LocalDateScalar, { description: 'First day (起始日期)' }) from: string,
    @NotFuture() @Arg('to', () => LocalDateScalar, { description: 'Last day, also the as-of date of the overdue columns (截止日期)' }) to: string,
    @Arg('format', () => ExportFormatEnum, { description: 'JSONL or CSV (格式)' }) format: ExportFormatEnum,
    @Arg('countyId', () => ID, { nullable: true, description: 'The county; may be left out when the token names one county (县)' }) countyId: string | undefined,
    @Arg('cooperativeId', () => ID, { nullable: true, description: 'Only this cooperative of the county (互助社)' }) cooperativeId: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<string> {
    return countyCreditReferenceExport(ctx, { countyId, cooperativeId, from, to, format });
  }

  @Query(() => CreditExportConnection, { nullable: true, description: 'Past credit-reference filings with identity numbers, newest first (征信报送记录)' })
  creditExports(
    @Arg('countyId', () => ID, { nullable: true, description: 'Only this county (县)' }) countyId: string | undefined,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
  ) {
    return creditExportPage(ctx, { countyId }, page);
  }
}

import 'reflect-metadata';
import { Field, Int, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { MoneyScalar } from '../lib/money';

@ObjectType({ simpleResolvers: true, description: 'Loan portfolio figures of a cooperative as of a date (借款组合指标)' })
export class Portfolio {
  @Field(() => LocalDateScalar, { description: 'As-of date (统计日期)' }) asOf!: string;
  @Field(() => MoneyScalar, { description: 'Principal outstanding (借款余额)' }) outstanding!: bigint;
  @Field(() => Int, { description: 'Loans with principal outstanding (在贷笔数)' }) activeLoans!: number;
  @Field(() => Int, { description: 'Distinct borrowing households with outstanding (在贷户数)' }) borrowers!: number;
  @Field(() => Int, { description: 'Loans overdue (逾期笔数)' }) overdueLoans!: number;
  @Field(() => MoneyScalar, { description: 'Outstanding of overdue loans (逾期借款余额)' }) overdueOutstanding!: bigint;
  @Field(() => Int, { description: 'PAR days: a loan is at risk when its earliest unpaid instalment is more than this many days late; the region policy, the same for every county (风险贷款逾期天数)' }) parDays!: number;
  @Field(() => MoneyScalar, { description: 'Portfolio at risk: outstanding of loans more than parDays days overdue (逾期parDays天以上借款余额)' }) parOutstanding!: bigint;
  @Field(() => Int, { description: 'Portfolio at risk = parOutstanding / outstanding, basis points (风险贷款率, 基点)' }) parBp!: number;
  @Field(() => MoneyScalar, { deprecationReason: 'Use parOutstanding: PAR days are the region policy parDays, not always 30', description: 'Same as parOutstanding (逾期parDays天以上余额)' }) par30Outstanding!: bigint;
  @Field(() => Int, { deprecationReason: 'Use parBp: PAR days are the region policy parDays, not always 30', description: 'Same as parBp (风险贷款率, 基点)' }) par30Bp!: number;
  @Field(() => MoneyScalar, { description: 'Principal fallen due before the date (到期应还本金)' }) principalDue!: bigint;
  @Field(() => MoneyScalar, { description: 'Of that, principal repaid (到期已还本金)' }) repaidOnDue!: bigint;
  @Field(() => Int, { description: 'Repayment rate, basis points (还款率, 基点)' }) repaymentRateBp!: number;
  @Field(() => MoneyScalar, { description: 'Lendable fund on the date: money on hand + lent out (资金总额); the base of utilisation and of the household concentration limit' }) lendableFund!: bigint;
  @Field(() => Int, { description: 'Fund utilisation = outstanding / lendable fund, basis points (资金使用率)' }) utilisationBp!: number;
  @Field(() => Int, { description: 'Loans disbursed up to the date (累计放款笔数)' }) loansDisbursed!: number;
  @Field(() => MoneyScalar, { description: 'Amount disbursed up to the date (累计放款金额)' }) amountDisbursed!: bigint;
}

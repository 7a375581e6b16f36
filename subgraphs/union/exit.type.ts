import 'reflect-metadata';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { MoneyScalar } from '../lib/money';

export const ExitRunStatusEnum = { POSTING: 'POSTING', DONE: 'DONE', REFUSED: 'REFUSED' } as const;
registerEnumType(ExitRunStatusEnum, {
  name: 'ExitRunStatus',
  description: 'Where a recovery run stands: its steps to loans and members (清算状态)',
  valuesConfig: {
    POSTING: { description: 'Its steps are being worked (处理中)' },
    DONE: { description: 'Posted in the ledger and recorded in members (已完成)' },
    REFUSED: { description: 'Loans refused it: nothing moved, run it again (被拒绝)' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'One recovery run of an exited cooperative\'s fund: allocations owed first, then the households\' own part, then the county (退出清算)' })
export class ExitRun {
  @Field(() => ID, { description: 'Run id (清算批次)' }) id!: string;
  @Field(() => LocalDateScalar, { description: 'Day of the run (清算日期)' }) runOn!: string;
  @Field(() => MoneyScalar, { description: 'Bank deposit the run found (银行存款)' }) bank!: bigint;
  @Field(() => MoneyScalar, { description: 'Paid to the members it owed allocations, fee and principal (归还调剂款)' }) allocations!: bigint;
  @Field(() => MoneyScalar, { description: 'Returned to the households of their own part, pro rata when short (退还社员自缴互助金)' }) households!: bigint;
  @Field(() => Int, { description: 'How many households got money back (退还户数)' }) householdCount!: number;
  @Field(() => MoneyScalar, { description: 'Back to the county: government capital, then the fund\'s reserves (收回县级)' }) county!: bigint;
  @Field(() => MoneyScalar, { description: 'Left in the bank after the run (剩余)' }) left!: bigint;
  @Field(() => ExitRunStatusEnum, { description: 'Where it stands (状态)' }) status!: keyof typeof ExitRunStatusEnum;
  @Field(() => String, { nullable: true, description: 'The refusal\'s code when REFUSED (拒绝原因)' }) refusalCode!: string | null;
}

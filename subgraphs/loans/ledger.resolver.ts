import 'reflect-metadata';
import { Arg, Args, Ctx, Directive, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { MoneyScalar } from '../lib/money';
import { idleMoneyOf } from './allocation-event.service';
import { lockFreeBalances } from './ledger.service';
import type { Ctx as Context } from '../lib/context';
import { PageArgs } from '../lib/connection';
import { DisclosureConnection, LedgerTxnConnection, TrialBalance } from './ledger.type';
import { InjectCapitalInput, LedgerEventInput, ReverseLedgerTransactionInput, ReverseRepaymentInput } from './ledger.inputs';
import { reverseLedgerTransaction, reverseRepayment } from './reversal.service';
import { disclosurePage, ledgerPage, trialBalance } from './ledger.service';
import { injectCapital } from './capital.service';
import { postLedgerEvent } from './ledger-event.service';
import { exitFundFacts } from './exit-event.service';
import { ratingLoanFacts } from './portfolio.service';
import { LocalDateScalar } from '../lib/dates';
import { NotFuture } from '../lib/input-check';

const coopId = (id: string) => Number(/^\d{1,9}$/.test(id) ? id : 0);

@ObjectType({ simpleResolvers: true, description: 'Internal: what an exited fund holds for a recovery run now (内部: 退出清算资金)' })
@Directive('@inaccessible')
export class ExitFundFacts {
  @Field(() => MoneyScalar, { description: 'Bank deposit (银行存款)' }) bank!: bigint;
  @Field(() => MoneyScalar, { description: 'Members\' own contributions still in the fund (社员互助金)' }) households!: bigint;
  @Field(() => MoneyScalar, { description: 'Government capital and the fund\'s reserves still in it (县级可收回)' }) county!: bigint;
  @Field(() => MoneyScalar, { description: 'Loans still out, collected as before (应收借款)' }) loansOutstanding!: bigint;
  @Field(() => MoneyScalar, { description: 'Lent to other members through the union (应收调剂款)' }) unionReceivable!: bigint;
  @Field(() => MoneyScalar, { description: 'Borrowed through the union (应付调剂款)' }) unionPayable!: bigint;
}

@ObjectType({ simpleResolvers: true, description: 'Internal: a fund\'s idle money now (内部: 闲置资金)' })
@Directive('@inaccessible')
export class FundIdleMoney {
  @Field(() => Int, { description: 'Cooperative (互助社)' }) cooperativeId!: number;
  @Field(() => MoneyScalar, { description: 'Idle money: on hand less reserves kept and loans approved but not paid out (闲置资金)' }) idle!: bigint;
}

@ObjectType({ simpleResolvers: true, description: 'Internal: a fund\'s portfolio ratios and borrowers on a day, for its rating (内部: 评级指标)' })
@Directive('@inaccessible')
export class RatingLoanFacts {
  @Field(() => Int, { description: 'Cooperative (互助社)' }) cooperativeId!: number;
  @Field(() => Int, { nullable: true, description: 'Repayment rate, bp; null when no principal fell due (还款率)' }) repaymentRateBp!: number | null;
  @Field(() => Int, { nullable: true, description: 'PAR, bp of outstanding; null when nothing is outstanding (风险贷款率)' }) parBp!: number | null;
  @Field(() => Int, { nullable: true, description: 'Fund utilisation, bp; null without a lendable fund (资金使用率)' }) utilisationBp!: number | null;
  @Field(() => [Int], { description: 'Households with principal outstanding on the day (借款户)' }) borrowerIds!: number[];
}

@Resolver()
export class LedgerResolver {
  @Query(() => [RatingLoanFacts], { description: 'Internal: a county\'s funds\' portfolio ratios and borrowers on a day, for the union\'s rating (内部接口: 评级指标)' })
  @Directive('@inaccessible')
  _ratingLoanFacts(@Arg('countyId', () => Int) countyId: number, @NotFuture() @Arg('asOf', () => LocalDateScalar) asOf: string, @Ctx() ctx: Context): Promise<RatingLoanFacts[]> {
    return ratingLoanFacts(ctx, countyId, asOf);
  }

  @Query(() => [FundIdleMoney], { description: 'Internal: idle money of funds, for the union\'s checks before an allocation (内部接口: 闲置资金)' })
  @Directive('@inaccessible')
  async _fundIdleMoney(@Arg('cooperativeIds', () => [Int]) cooperativeIds: number[], @Ctx() ctx: Context): Promise<FundIdleMoney[]> {
    const out: FundIdleMoney[] = [];
    for (const id of cooperativeIds.slice(0, 50)) out.push({ cooperativeId: id, idle: await idleMoneyOf(ctx.em, id, await lockFreeBalances(ctx, id)) });
    return out;
  }

  @Directive('@inaccessible')
  @Query(() => ExitFundFacts, { description: 'Internal: what an exited fund holds for the union\'s recovery run (内部: 退出清算资金)' })
  _exitFundFacts(@Arg('cooperativeId', () => Int) cooperativeId: number, @Ctx() ctx: Context): Promise<ExitFundFacts> {
    return exitFundFacts(ctx, cooperativeId);
  }

  @Query(() => LedgerTxnConnection, { nullable: true, description: 'The fund\'s ledger with internal memos, newest first; for the board, bookkeepers and supervisors (分类账)' })
  fundLedger(@Arg('cooperativeId', () => ID, { description: 'Cooperative (互助社)' }) cooperativeId: string, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return ledgerPage(ctx, coopId(cooperativeId), page);
  }

  @Query(() => TrialBalance, { nullable: true, description: 'Trial balance from the accounts\' debit and credit volumes; for the board, bookkeepers and supervisors (试算平衡)' })
  trialBalance(@Arg('cooperativeId', () => ID, { description: 'Cooperative (互助社)' }) cooperativeId: string, @Ctx() ctx: Context) {
    return trialBalance(ctx, coopId(cooperativeId));
  }

  @Query(() => DisclosureConnection, { description: 'Public disclosure board: every fund movement, names masked; no token needed; kind, date, masked name, amount and purpose only (公示栏)' })
  disclosureBoard(@Arg('cooperativeId', () => ID, { description: 'Cooperative (互助社)' }) cooperativeId: string, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return disclosurePage(ctx, coopId(cooperativeId), page);
  }

  @Mutation(() => ID, { description: 'Inject government capital or a donation into a fund; returns the ledger transaction id (注入资金)' })
  injectCapital(@Arg('input') input: InjectCapitalInput, @Ctx() ctx: Context) {
    return injectCapital(ctx, input);
  }

  @Mutation(() => ID, { description: 'Reverse a ledger transaction that belongs to no loan and no contribution record (e.g. capital) by posting its negation; county only, never by its poster, once; returns the reversal\'s transaction id (红字冲销)' })
  reverseLedgerTransaction(@Arg('input') input: ReverseLedgerTransactionInput, @Ctx() ctx: Context) {
    return reverseLedgerTransaction(ctx, input);
  }

  @Mutation(() => ID, { description: 'Reverse a repayment recorded in error: its posting is reversed and the loan owes it again (a repaid loan is open again); county only, never by its poster, once; returns the reversal\'s transaction id (冲销还款)' })
  reverseRepayment(@Arg('input') input: ReverseRepaymentInput, @Ctx() ctx: Context) {
    return reverseRepayment(ctx, input);
  }

  @Mutation(() => String, { description: 'Internal: post one business event of another subgraph\'s saga to the fund ledger; returns the ledger transaction id (内部接口: 记账事件)' })
  @Directive('@inaccessible')
  _postLedgerEvent(@Arg('event') event: LedgerEventInput, @Ctx() ctx: Context) {
    return postLedgerEvent(ctx, event);
  }
}

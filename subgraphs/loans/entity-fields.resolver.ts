import 'reflect-metadata';
import { MoneyScalar } from '../lib/money';
import { Arg, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { selectedFields } from '../lib/lookahead';
import { LocalDateScalar } from '../lib/dates';
import type { Ctx as Context } from '../lib/context';
import { CooperativeRef, CountyRef, Loan, MemberRef } from './loan.type';
import { FundBalances } from './ledger.type';
import { Portfolio } from './portfolio.type';
import { memberLoansLoader } from './loan.read';
import { cooperativeFund, cooperativePortfolio, countyPortfolioLoader, memberOutstandingLoader } from './portfolio.service';
import { NotFuture } from '../lib/input-check';

/** Fields the loans subgraph adds to Cooperative (owned by members). */
@Resolver(() => CooperativeRef)
export class CooperativeFieldsResolver {
  @FieldResolver(() => FundBalances, { nullable: true, description: 'Fund balances from the ledger (互助资金余额)' })
  fund(@Root() c: CooperativeRef, @Ctx() ctx: Context) {
    return cooperativeFund(ctx, Number(c.id));
  }

  @FieldResolver(() => Portfolio, { nullable: true, description: 'Loan portfolio figures as of a date (借款组合指标)' })
  portfolio(@Root() c: CooperativeRef, @NotFuture() @Arg('asOf', () => LocalDateScalar, { description: 'As-of date (统计日期)' }) asOf: string, @Ctx() ctx: Context) {
    return cooperativePortfolio(ctx, Number(c.id), asOf);
  }
}

/** Fields the loans subgraph adds to Member (owned by members). */
@Resolver(() => MemberRef)
export class MemberFieldsResolver {
  @FieldResolver(() => [Loan], { description: 'The household\'s loans, oldest first (借款记录)' })
  loans(@Root() m: MemberRef, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    const below = selectedFields(info);
    return memberLoansLoader(ctx, { repayments: below.has('repayments'), instalments: below.has('instalments') || below.has('daysOverdue') }).load(m.id);
  }

  @FieldResolver(() => MoneyScalar, { description: 'Principal outstanding now (未还本金)' })
  outstanding(@Root() m: MemberRef, @Ctx() ctx: Context) {
    return memberOutstandingLoader(ctx).load(m.id);
  }
}

/** Fields the loans subgraph adds to County (owned by members). */
@Resolver(() => CountyRef)
export class CountyFieldsResolver {
  @FieldResolver(() => Portfolio, { nullable: true, description: 'Totals of the county\'s cooperatives visible to you, as of a date (全县借款组合合计)' })
  portfolio(@Root() c: CountyRef, @NotFuture() @Arg('asOf', () => LocalDateScalar, { description: 'As-of date (统计日期)' }) asOf: string, @Ctx() ctx: Context) {
    return countyPortfolioLoader(ctx, asOf).load(String(c.id));
  }
}

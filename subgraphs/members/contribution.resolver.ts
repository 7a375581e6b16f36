import { Arg, Ctx as GqlCtx, Mutation, Resolver } from 'type-graphql';
import type { Ctx } from '../lib/context';
import { RecordContributionInput, WithdrawContributionInput } from './contribution.inputs';
import { recordContribution, withdrawContribution } from './contribution.service';
import { Contribution } from './contribution.type';
import { Member } from './member.type';

@Resolver()
export class ContributionResolver {
  @Mutation(() => [Contribution], { description: 'Buy one share for a household, posted to the fund ledger; returns its contributions (缴纳互助金)' })
  recordContribution(@Arg('input', () => RecordContributionInput) input: RecordContributionInput, @GqlCtx() ctx: Ctx): Promise<Contribution[]> {
    return recordContribution(ctx, input);
  }

  @Mutation(() => Member, { description: 'Return the household\'s own contribution; the member then leaves (退还互助金并退社)' })
  withdrawContribution(@Arg('input', () => WithdrawContributionInput) input: WithdrawContributionInput, @GqlCtx() ctx: Ctx): Promise<Member> {
    return withdrawContribution(ctx, input);
  }
}

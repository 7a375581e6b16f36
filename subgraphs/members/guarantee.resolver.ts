import { Arg, Ctx as GqlCtx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Ctx } from '../lib/context';
import { AssignPartyGuarantorInput, FormGuaranteeGroupInput } from './guarantee.inputs';
import { assignPartyGuarantor, dissolveGuaranteeGroup, formGuaranteeGroup, groupById, membersOfGroup } from './guarantee.service';
import { GuaranteeGroup } from './guarantee.type';
import { memberById } from './member.service';
import { Member } from './member.type';
import { parseId } from './shared';

@Resolver(() => GuaranteeGroup)
export class GuaranteeGroupResolver {
  @Query(() => GuaranteeGroup, { nullable: true, description: 'One guarantee group, null when outside your scope (联保小组)' })
  guaranteeGroup(@Arg('id', () => ID) id: string, @GqlCtx() ctx: Ctx): Promise<GuaranteeGroup | null> {
    return groupById(ctx, parseId(id));
  }

  @Mutation(() => GuaranteeGroup, { description: 'Form a joint guarantee group (组建联保小组)' })
  formGuaranteeGroup(@Arg('input', () => FormGuaranteeGroupInput) input: FormGuaranteeGroupInput, @GqlCtx() ctx: Ctx): Promise<GuaranteeGroup> {
    return formGuaranteeGroup(ctx, input);
  }

  @Mutation(() => GuaranteeGroup, { description: 'A party member guarantees one household (党员一帮一)' })
  assignPartyGuarantor(@Arg('input', () => AssignPartyGuarantorInput) input: AssignPartyGuarantorInput, @GqlCtx() ctx: Ctx): Promise<GuaranteeGroup> {
    return assignPartyGuarantor(ctx, input);
  }

  @Mutation(() => GuaranteeGroup, { description: 'Dissolve a guarantee group (解散联保小组)' })
  dissolveGuaranteeGroup(@Arg('id', () => ID) id: string, @GqlCtx() ctx: Ctx): Promise<GuaranteeGroup> {
    return dissolveGuaranteeGroup(ctx, id);
  }

  @FieldResolver(() => [Member], { description: 'Members: the active ones, or every former one of a dissolved group (组员)' })
  members(@Root() g: GuaranteeGroup, @GqlCtx() ctx: Ctx): Promise<Member[]> {
    return membersOfGroup(ctx, g.id);
  }

  @FieldResolver(() => Member, { nullable: true, description: 'The party-member guarantor of a PARTY_MEMBER group (党员担保人)' })
  async guarantor(@Root() g: GuaranteeGroup, @GqlCtx() ctx: Ctx): Promise<Member | null> {
    return g.guarantorMemberId == null ? null : memberById(ctx, g.guarantorMemberId);
  }
}

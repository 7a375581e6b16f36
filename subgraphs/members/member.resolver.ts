import { Arg, Ctx as GqlCtx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { selectedFields } from '../lib/lookahead';
import type { Ctx } from '../lib/context';
import { AuditEntry, auditTrail } from '../lib/audit-trail';
import { contributionsOf, isShuangdaoMember, totalsOf } from './contribution.service';
import { Contribution, ContributionTotals } from './contribution.type';
import { cooperativeById } from './cooperative.service';
import { Cooperative } from './cooperative.type';
import { villageById } from './geography.service';
import { Village } from './geography.type';
import { activeGroupOfMember } from './guarantee.service';
import { GuaranteeGroup } from './guarantee.type';
import { policiesOf, shareholdingsOf } from './insurance.service';
import { InsurancePolicy, Shareholding } from './insurance.type';
import { AdmitMemberInput } from './member.inputs';
import type { PovertyStatus } from './member.rules';
import { admitMember, membersOfCooperative } from './member.service';
import { memberWithIncludes } from './member-detail.service';
import { Member, MemberConnection, PovertyStatusEnum } from './member.type';
import { pageOf } from '../lib/connection';
import { parseId } from './shared';
import { MaxChars } from '../lib/input-check';

@Resolver(() => Member)
export class MemberResolver {
  @FieldResolver(() => [AuditEntry], { nullable: true, description: 'Every recorded change of this member, oldest first; null with FORBIDDEN for roles that do not supervise (审计记录)' })
  auditTrail(@Root() x: Member, @GqlCtx() ctx: Ctx): Promise<AuditEntry[]> {
    return auditTrail(ctx, 'Member', String(x.id));
  }

  @FieldResolver(() => String, { nullable: true })
  idNumberMasked(@Root() x: Member): string | null {
    return x.idNumberMasked; // withheld from some roles by the catalogue (members/access.ts)
  }

  @FieldResolver(() => String, { nullable: true })
  cardAccountMasked(@Root() x: Member): string | null {
    return x.cardAccountMasked;
  }

  @Query(() => Member, { nullable: true, description: 'One member household, null when outside your scope (社员)' })
  member(@Arg('id', () => ID) id: string, @GqlCtx() ctx: Ctx, @Info() info: GraphQLResolveInfo): Promise<Member | null> {
    const below = selectedFields(info);
    return memberWithIncludes(ctx, parseId(id), {
      contributions: below.has('contributions') || below.has('contributionTotals') || below.has('isShuangdao'),
      group: below.has('guaranteeGroup'),
      groupMembers: selectedFields(info, ['guaranteeGroup']).has('members'),
    });
  }

  @Query(() => MemberConnection, { nullable: true, description: 'Member households of a cooperative, by id; null with an error when you may not read them (社员列表)' })
  members(
    @GqlCtx() ctx: Ctx,
    @Arg('cooperativeId', () => ID, { description: 'The cooperative (互助社)' }) cooperativeId: string,
    @Arg('povertyStatus', () => PovertyStatusEnum, { nullable: true, description: 'Only this poverty status (贫困状况)' }) povertyStatus?: PovertyStatus,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, default 50, at most 500 (每页条数)' }) first?: number,
    @MaxChars(100) @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after (游标)' }) after?: string,
  ): Promise<MemberConnection> {
    return membersOfCooperative(ctx, parseId(cooperativeId, 'cooperativeId'), povertyStatus, pageOf({ first, after }));
  }

  @Mutation(() => Member, { description: 'Admit a household of the village (入社)' })
  admitMember(@Arg('input', () => AdmitMemberInput) input: AdmitMemberInput, @GqlCtx() ctx: Ctx): Promise<Member> {
    return admitMember(ctx, input);
  }

  @FieldResolver(() => Village, { nullable: true, description: 'Village of residence (户籍所在村); null outside your scope' })
  residenceVillage(@Root() m: Member, @GqlCtx() ctx: Ctx): Promise<Village | null> {
    return villageById(ctx, m.residenceVillageId);
  }

  @FieldResolver(() => Cooperative, { nullable: true, description: 'The cooperative (所属互助社); null outside your scope' })
  cooperative(@Root() m: Member, @GqlCtx() ctx: Ctx): Promise<Cooperative | null> {
    return cooperativeById(ctx, m.cooperativeId);
  }

  @FieldResolver(() => [Contribution], { description: 'Contribution rows, oldest first (互助金明细)' })
  contributions(@Root() m: Member, @GqlCtx() ctx: Ctx): Promise<Contribution[]> {
    return contributionsOf(ctx, m.id);
  }

  @FieldResolver(() => ContributionTotals, { description: 'Contribution totals (互助金合计)' })
  contributionTotals(@Root() m: Member, @GqlCtx() ctx: Ctx): Promise<ContributionTotals> {
    return totalsOf(ctx, m.id);
  }

  @FieldResolver(() => Boolean, { description: 'Has a 双到 contribution, entitled to the 双到 loan cap (“双到”户)' })
  isShuangdao(@Root() m: Member, @GqlCtx() ctx: Ctx): Promise<boolean> {
    return isShuangdaoMember(ctx, m.id);
  }

  @FieldResolver(() => GuaranteeGroup, { nullable: true, description: 'The active guarantee group, if any (所在联保小组)' })
  guaranteeGroup(@Root() m: Member, @GqlCtx() ctx: Ctx): Promise<GuaranteeGroup | null> {
    return activeGroupOfMember(ctx, m.id);
  }

  @FieldResolver(() => [InsurancePolicy], { description: 'Accident insurance policies (意外伤害保险)' })
  insurancePolicies(@Root() m: Member, @GqlCtx() ctx: Ctx): Promise<InsurancePolicy[]> {
    return policiesOf(ctx, m.id);
  }

  @FieldResolver(() => [Shareholding], { description: 'Shares in farmer cooperatives (扶贫合作社入股)' })
  shareholdings(@Root() m: Member, @GqlCtx() ctx: Ctx): Promise<Shareholding[]> {
    return shareholdingsOf(ctx, m.id);
  }
}

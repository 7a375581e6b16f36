import 'reflect-metadata';
import { Arg, Args, Ctx as GqlCtx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AuditEntry, auditTrail } from '../lib/audit-trail';
import { PageArgs, pageOf } from '../lib/connection';
import type { Ctx } from '../lib/context';
import { parseId } from '../lib/ids';
import { fail } from './codes';
import { FoundUnionInput, JoinUnionInput, LeaveUnionInput, UpdateUnionPolicyInput } from './union.inputs';
import type { UnionLevel } from './union.rules';
import {
  foundUnion, joinUnion, leaveUnion, listUnions, membersOf, unionById, unionsOfCooperative, updateUnionPolicy, type MembershipNode,
} from './union.service';
import { CooperativeRef, CooperativeUnion, CooperativeUnionConnection, UnionLevelEnum, UnionMembership, UnionMembershipConnection } from './union.type';

@Resolver(() => CooperativeUnion)
export class CooperativeUnionResolver {
  @Query(() => CooperativeUnion, { nullable: true, description: 'One cooperative union, null when outside your scope (联合社)' })
  cooperativeUnion(@Arg('id', () => ID) id: string, @GqlCtx() ctx: Ctx): Promise<CooperativeUnion | null> {
    return unionById(ctx, parseId(id));
  }

  @Query(() => CooperativeUnionConnection, { nullable: true, description: 'Cooperative unions in your scope, by id; null with an error when you may not read them (联合社列表)' })
  cooperativeUnions(
    @GqlCtx() ctx: Ctx,
    @Args() page: PageArgs,
    @Arg('countyId', () => ID, { nullable: true, description: 'Only this county (县)' }) countyId?: string,
    @Arg('level', () => UnionLevelEnum, { nullable: true, description: 'Only this level (层级)' }) level?: UnionLevel,
  ): Promise<CooperativeUnionConnection> {
    return listUnions(ctx, { countyId: countyId ? parseId(countyId, 'countyId') : null, level: level ?? null }, page);
  }

  @FieldResolver(() => UnionMembershipConnection, { description: 'Member cooperatives, by membership id; with `all` also those that left (成员互助社)' })
  members(
    @Root() u: CooperativeUnion,
    @Args() page: PageArgs,
    @GqlCtx() ctx: Ctx,
    @Arg('all', { defaultValue: false, description: 'Include memberships that ended (含已退出)' }) all: boolean,
  ): Promise<UnionMembershipConnection> {
    return membersOf(ctx, Number(u.id), all, pageOf(page));
  }

  @FieldResolver(() => [AuditEntry], { nullable: true, description: 'Every recorded change of this union and its memberships, oldest first (审计记录)' })
  auditTrail(@Root() u: CooperativeUnion, @GqlCtx() ctx: Ctx): Promise<AuditEntry[]> {
    return auditTrail(ctx, 'CooperativeUnion', String(u.id));
  }

  @Mutation(() => CooperativeUnion, { description: 'Found a county or township union; county only (成立联合社)' })
  foundCooperativeUnion(@Arg('input', () => FoundUnionInput) input: FoundUnionInput, @GqlCtx() ctx: Ctx): Promise<CooperativeUnion> {
    return foundUnion(ctx, input);
  }

  @Mutation(() => CooperativeUnion, { description: 'Change a union\'s allocation policy; county only (修改调剂政策)' })
  updateUnionPolicy(@Arg('input', () => UpdateUnionPolicyInput) input: UpdateUnionPolicyInput, @GqlCtx() ctx: Ctx): Promise<CooperativeUnion> {
    return updateUnionPolicy(ctx, input);
  }

  @Mutation(() => UnionMembership, { description: 'A cooperative joins a union; its union then sees it in every subgraph; county only (加入联合社)' })
  joinCooperativeUnion(@Arg('input', () => JoinUnionInput) input: JoinUnionInput, @GqlCtx() ctx: Ctx): Promise<MembershipNode> {
    return joinUnion(ctx, input);
  }

  @Mutation(() => UnionMembership, { description: 'A cooperative leaves a union; county only (退出联合社)' })
  leaveCooperativeUnion(@Arg('input', () => LeaveUnionInput) input: LeaveUnionInput, @GqlCtx() ctx: Ctx): Promise<MembershipNode> {
    return leaveUnion(ctx, input);
  }
}

@Resolver(() => UnionMembership)
export class UnionMembershipResolver {
  @FieldResolver(() => CooperativeUnion, { description: 'The union (联合社)' })
  async union(@Root() m: MembershipNode, @GqlCtx() ctx: Ctx): Promise<CooperativeUnion> {
    // a membership one may read belongs to a union one may read (the union's scope includes its current members')
    return (await unionById(ctx, m.unionId)) ?? fail('NOT_FOUND', { unionId: m.unionId });
  }
}

/** Fields the union subgraph adds to Cooperative (owned by members). */
@Resolver(() => CooperativeRef)
export class CooperativeUnionsResolver {
  @FieldResolver(() => [UnionMembership], { description: 'The unions the cooperative belongs to now, at most one per level (所属联合社)' })
  unions(@Root() c: CooperativeRef, @GqlCtx() ctx: Ctx): Promise<MembershipNode[]> {
    return unionsOfCooperative(ctx, Number(c.id));
  }
}

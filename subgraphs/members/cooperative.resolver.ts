import { Arg, Ctx as GqlCtx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import type { Ctx } from '../lib/context';
import { AuditEntry, auditTrail } from '../lib/audit-trail';
import { UpdateCooperativePolicyInput, SetManagementModeInput } from './cooperative.inputs';
import type { CooperativeStatus } from './cooperative.rules';
import {
  cooperativeById, cooperativePolicy, insuredMemberCount, listCooperatives, setManagementMode, updateCooperativePolicy,
} from './cooperative.service';
import { Cooperative, CooperativeConnection, CooperativePolicy, CooperativeStatusEnum } from './cooperative.type';
import { fail } from './codes';
import { countyById, townshipById, villageById } from './geography.service';
import { County, Township, Village } from './geography.type';
import { groupsOfCooperative } from './guarantee.service';
import { GuaranteeGroup, GuaranteeGroupStatusEnum } from './guarantee.type';
import type { GroupStatus } from './guarantee.rules';
import type { PovertyStatus } from './member.rules';
import { membersOfCooperative } from './member.service';
import { MemberConnection, PovertyStatusEnum } from './member.type';
import { pageOf } from '../lib/connection';
import { parseId } from './shared';
import { MaxChars, NotFuture } from '../lib/input-check';

@Resolver(() => Cooperative)
export class CooperativeResolver {
  @FieldResolver(() => [AuditEntry], { nullable: true, description: 'Every recorded change of this cooperative, oldest first; null with FORBIDDEN for roles that do not supervise (审计记录)' })
  auditTrail(@Root() x: Cooperative, @GqlCtx() ctx: Ctx): Promise<AuditEntry[]> {
    return auditTrail(ctx, 'Cooperative', String(x.id));
  }

  @Query(() => Cooperative, { nullable: true, description: 'One cooperative, null when outside your scope (互助社)' })
  cooperative(@Arg('id', () => ID) id: string, @GqlCtx() ctx: Ctx): Promise<Cooperative | null> {
    return cooperativeById(ctx, parseId(id));
  }

  @Query(() => CooperativeConnection, { nullable: true, description: 'Cooperatives in your scope, by id; null with an error when you may not read them (互助社列表)' })
  cooperatives(
    @GqlCtx() ctx: Ctx,
    @Arg('countyId', () => ID, { nullable: true, description: 'Only this county (县)' }) countyId?: string,
    @Arg('townshipId', () => ID, { nullable: true, description: 'Only this township (乡镇)' }) townshipId?: string,
    @Arg('status', () => CooperativeStatusEnum, { nullable: true, description: 'Only this status (状态)' }) status?: CooperativeStatus,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, default 50, at most 500 (每页条数)' }) first?: number,
    @MaxChars(100) @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after (游标)' }) after?: string,
  ): Promise<CooperativeConnection> {
    return listCooperatives(
      ctx,
      { countyId: countyId ? parseId(countyId, 'countyId') : null, townshipId: townshipId ? parseId(townshipId, 'townshipId') : null, status },
      pageOf({ first, after }),
    );
  }

  @Mutation(() => Cooperative, { description: 'Change policy parameters; county only (修改政策参数)' })
  updateCooperativePolicy(@Arg('input', () => UpdateCooperativePolicyInput) input: UpdateCooperativePolicyInput, @GqlCtx() ctx: Ctx): Promise<Cooperative> {
    return updateCooperativePolicy(ctx, input);
  }

  @Mutation(() => Cooperative, { description: 'Put the cooperative\'s money under township management, bank-only (社财乡管); county only, one way (变更管理模式)' })
  setManagementMode(@Arg('input', () => SetManagementModeInput) input: SetManagementModeInput, @GqlCtx() ctx: Ctx): Promise<Cooperative> {
    return setManagementMode(ctx, input);
  }

  @FieldResolver(() => CooperativePolicy, { description: 'Policy parameters (政策参数)' })
  async policy(@Root() c: Cooperative, @GqlCtx() ctx: Ctx): Promise<CooperativePolicy> {
    return (await cooperativePolicy(ctx, c)) ?? fail('NOT_FOUND', { cooperativeId: c.id });
  }

  @FieldResolver(() => Village, { description: 'The village it serves (所在村)' })
  village(@Root() c: Cooperative, @GqlCtx() ctx: Ctx): Promise<Village | null> {
    return villageById(ctx, c.villageId);
  }

  @FieldResolver(() => Township, { description: 'The township (所属乡镇)' })
  township(@Root() c: Cooperative, @GqlCtx() ctx: Ctx): Promise<Township | null> {
    return townshipById(ctx, c.townshipId);
  }

  @FieldResolver(() => County, { description: 'The county (所属县)' })
  county(@Root() c: Cooperative, @GqlCtx() ctx: Ctx): Promise<County | null> {
    return countyById(ctx, c.countyId);
  }

  @FieldResolver(() => Int, { description: 'Active members with an accident insurance policy covering the date (参保户数)' })
  insuredMemberCount(@Root() c: Cooperative, @NotFuture() @Arg('asOf', () => LocalDateScalar) asOf: string, @GqlCtx() ctx: Ctx): Promise<number> {
    return insuredMemberCount(ctx, c.id, asOf);
  }

  @FieldResolver(() => MemberConnection, { description: 'Member households, by id (社员)' })
  members(
    @Root() c: Cooperative,
    @GqlCtx() ctx: Ctx,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, default 50, at most 500 (每页条数)' }) first?: number,
    @MaxChars(100) @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after (游标)' }) after?: string,
    @Arg('povertyStatus', () => PovertyStatusEnum, { nullable: true, description: 'Only this poverty status (贫困状况)' }) povertyStatus?: PovertyStatus,
  ): Promise<MemberConnection> {
    return membersOfCooperative(ctx, c.id, povertyStatus, pageOf({ first, after }));
  }

  @FieldResolver(() => [GuaranteeGroup], { description: 'Guarantee groups (联保小组)' })
  guaranteeGroups(
    @Root() c: Cooperative,
    @GqlCtx() ctx: Ctx,
    @Arg('status', () => GuaranteeGroupStatusEnum, { nullable: true, description: 'Only this status (状态)' }) status?: GroupStatus,
  ): Promise<GuaranteeGroup[]> {
    return groupsOfCooperative(ctx, c.id, status);
  }
}

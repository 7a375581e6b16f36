import 'reflect-metadata';
import { Arg, Args, Ctx as GqlCtx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { PageArgs, pageOf } from '../lib/connection';
import type { Ctx } from '../lib/context';
import { LocalDateScalar, parseDay } from '../lib/dates';
import { NotFuture, todayInChina } from '../lib/input-check';
import { fail } from './codes';
import { AllocationDecisionInput, RepayAllocationInput, RequestAllocationInput } from './allocation.inputs';
import {
  allocationsOfCooperative, allocationsOfUnion, approveAllocation, consentAllocation, countyApproveAllocation, positionOf, repayAllocation,
  repaymentsOf, requestAllocation, type AllocationNode,
} from './allocation.service';
import { unionById } from './union.service';
import { Allocation, AllocationConnection, AllocationRepayment, CooperativeRef, CooperativeUnion, UnionPosition } from './union.type';

@Resolver(() => Allocation)
export class AllocationResolver {
  @Mutation(() => Allocation, { description: 'The borrower\'s board asks its union for a member\'s idle money; every check is made before anything is written (申请调剂)' })
  requestAllocation(@Arg('input', () => RequestAllocationInput) input: RequestAllocationInput, @GqlCtx() ctx: Ctx): Promise<AllocationNode> {
    return requestAllocation(ctx, input);
  }

  @Mutation(() => Allocation, { description: 'The lender\'s board consents to an allocation (调出社同意)' })
  consentAllocation(@Arg('input', () => AllocationDecisionInput) input: AllocationDecisionInput, @GqlCtx() ctx: Ctx): Promise<AllocationNode> {
    return consentAllocation(ctx, input);
  }

  @Mutation(() => Allocation, { description: 'The county approves an allocation above the union\'s limit, before the union does (县级批准调剂)' })
  countyApproveAllocation(@Arg('input', () => AllocationDecisionInput) input: AllocationDecisionInput, @GqlCtx() ctx: Ctx): Promise<AllocationNode> {
    return countyApproveAllocation(ctx, input);
  }

  @Mutation(() => Allocation, { description: 'The union approves: the money moves in both cooperatives\' ledgers at once, or the allocation is REFUSED with the code loans gave (联合社批准调剂)' })
  approveAllocation(@Arg('input', () => AllocationDecisionInput) input: AllocationDecisionInput, @GqlCtx() ctx: Ctx): Promise<AllocationNode> {
    return approveAllocation(ctx, input);
  }

  @Mutation(() => Allocation, { description: 'The borrower\'s board repays, the fee accrued by days first; the fee is split between lender and union by the union\'s policy (归还调剂款)' })
  repayAllocation(@Arg('input', () => RepayAllocationInput) input: RepayAllocationInput, @GqlCtx() ctx: Ctx): Promise<AllocationNode> {
    return repayAllocation(ctx, input);
  }

  @FieldResolver(() => CooperativeUnion, { description: 'The union (联合社)' })
  async union(@Root() a: AllocationNode, @GqlCtx() ctx: Ctx): Promise<CooperativeUnion> {
    return (await unionById(ctx, a.unionId)) ?? fail('NOT_FOUND', { unionId: a.unionId });
  }

  @FieldResolver(() => [AllocationRepayment], { description: 'Repayments, oldest first (还款记录)' })
  repayments(@Root() a: AllocationNode, @GqlCtx() ctx: Ctx): Promise<AllocationRepayment[]> {
    return repaymentsOf(ctx, Number(a.id));
  }
}

@Resolver(() => CooperativeUnion)
export class UnionAllocationsResolver {
  @FieldResolver(() => AllocationConnection, { nullable: true, description: 'The union\'s allocations, by id (调剂记录)' })
  allocations(@Root() u: CooperativeUnion, @Args() page: PageArgs, @GqlCtx() ctx: Ctx): Promise<AllocationConnection> {
    return allocationsOfUnion(ctx, Number(u.id), pageOf(page));
  }

  @FieldResolver(() => UnionPosition, { nullable: true, description: 'The union\'s position at a date (default today, China time): its books and the allocations out (联合社头寸)' })
  position(
    @Root() u: CooperativeUnion,
    @GqlCtx() ctx: Ctx,
    @NotFuture() @Arg('asOf', () => LocalDateScalar, { nullable: true, description: 'As of, not after today (截至日期)' }) asOf?: string | null,
  ): Promise<UnionPosition> {
    return positionOf(ctx, Number(u.id), asOf ? parseDay(asOf) : todayInChina());
  }
}

/** Allocations the union subgraph adds to Cooperative (owned by members). */
@Resolver(() => CooperativeRef)
export class CooperativeAllocationsResolver {
  @FieldResolver(() => AllocationConnection, { nullable: true, description: 'Allocations the cooperative lent or borrowed through its unions, by id: its statement (调剂对账单)' })
  allocations(@Root() c: CooperativeRef, @Args() page: PageArgs, @GqlCtx() ctx: Ctx): Promise<AllocationConnection> {
    return allocationsOfCooperative(ctx, Number(c.id), pageOf(page));
  }
}

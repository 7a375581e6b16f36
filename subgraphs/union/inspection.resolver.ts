import 'reflect-metadata';
import { Arg, Args, Ctx as GqlCtx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { PageArgs, pageOf } from '../lib/connection';
import type { Ctx } from '../lib/context';
import { RecordInspectionInput } from './inspection.inputs';
import { inspectionsOf, recordInspection } from './inspection.service';
import { Inspection, InspectionConnection } from './inspection.type';
import { CooperativeRef } from './union.type';

@Resolver(() => Inspection)
export class InspectionResolver {
  @Mutation(() => Inspection, { description: 'Record an inspection of a cooperative: by one of its unions (UNION token) or its county office; a finding per point checked (检查指导)' })
  recordInspection(@Arg('input', () => RecordInspectionInput) input: RecordInspectionInput, @GqlCtx() ctx: Ctx): Promise<Inspection> {
    return recordInspection(ctx, input);
  }
}

@Resolver(() => CooperativeRef)
export class CooperativeInspectionsResolver {
  @FieldResolver(() => InspectionConnection, { nullable: true, description: 'The cooperative\'s inspections by its unions and county, oldest first (检查记录)' })
  inspections(@Root() c: CooperativeRef, @Args() page: PageArgs, @GqlCtx() ctx: Ctx): Promise<InspectionConnection> {
    return inspectionsOf(ctx, Number(c.id), pageOf(page));
  }
}

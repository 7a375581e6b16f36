import 'reflect-metadata';
import { Arg, Args, Ctx, Directive, Field, ID, Int, ObjectType, Query, registerEnumType, Resolver, type ClassType } from 'type-graphql';
import { OUTBOX_READERS, type AccessCatalogue } from './access';
import { PageArgs, PageInfo, pageOf, toConnection } from './connection';
import type { Ctx as Context } from './context';
import { readScope } from './scope';
import { sagaStepRows } from './saga-operators';
import type { SagaStatus, SagaStepRow } from './saga-table';

/**
 * What operators see of a service's saga outbox: the steps that gave up (FAILED) or still wait
 * (PENDING), so a county officer learns that a contribution is not on the ledger yet and why.
 * Every service that sends steps exposes the same types (hence @shareable) under a root field
 * named after it (`membersSagaSteps`), because each outbox lives in its own database.
 */
export enum SagaStepStatusEnum {
  PENDING = 'PENDING',
  DONE = 'DONE',
  COMPENSATED = 'COMPENSATED',
  FAILED = 'FAILED',
}
registerEnumType(SagaStepStatusEnum, {
  name: 'SagaStepStatus',
  description: 'Where a cross-service step stands (跨服务步骤状态)',
  valuesConfig: {
    PENDING: { description: 'Queued or waiting for its next attempt (待发送)' },
    DONE: { description: 'Accepted by the other service and recorded here (已完成)' },
    COMPENSATED: { description: 'Refused by the other service; the change here was reversed (已冲回)' },
    FAILED: { description: 'Gave up after repeated failures; an operator has to look (`npm run reconcile -- --retry-failed`) (失败待处理)' },
  },
});

@Directive('@shareable')
@ObjectType('SagaStep', { simpleResolvers: true, description: 'One cross-service step of a saga, as the sending service keeps it (跨服务步骤)' })
export class SagaStepNode {
  @Field(() => ID, { description: 'Step id in the sending service (编号)' }) id!: string;
  @Field({ description: 'The business operation the step belongs to (所属业务)' }) sagaId!: string;
  @Field(() => Int, { description: 'Its place in the operation (顺序)' }) seq!: number;
  @Field({ description: 'The business event sent, e.g. CONTRIBUTION_RECEIVED (业务事件)' }) event!: string;
  @Field({ description: 'The subgraph it is sent to (接收服务)' }) target!: string;
  @Field(() => Int, { nullable: true, description: 'County of the change (县)' }) countyId!: number | null;
  @Field(() => SagaStepStatusEnum, { description: 'Status (状态)' }) status!: SagaStatus;
  @Field(() => Int, { description: 'Attempts made (已尝试次数)' }) attempts!: number;
  @Field({ description: 'Next attempt, ISO timestamp, for PENDING (下次尝试时间)' }) nextAttemptAt!: string;
  @Field(() => String, { nullable: true, description: 'Code of the last failure or refusal (最近错误代码)' }) lastErrorCode!: string | null;
  @Field(() => String, { nullable: true, description: 'Its message in Chinese (最近错误, 中文)' }) lastErrorZh!: string | null;
  @Field(() => String, { nullable: true, description: 'Its message in English (最近错误, 英文)' }) lastErrorEn!: string | null;
  @Field({ description: 'Written, ISO timestamp (创建时间)' }) createdAt!: string;
  @Field({ description: 'Last changed, ISO timestamp (更新时间)' }) updatedAt!: string;
}

@Directive('@shareable')
@ObjectType('SagaStepEdge', { simpleResolvers: true, description: 'One step in a page (跨服务步骤)' })
class SagaStepEdge {
  @Field({ description: 'Opaque cursor (游标)' }) cursor!: string;
  @Field(() => SagaStepNode, { description: 'The step (步骤)' }) node!: SagaStepNode;
}

@Directive('@shareable')
@ObjectType('SagaStepConnection', { simpleResolvers: true, description: 'A page of cross-service steps, oldest first (跨服务步骤列表)' })
export class SagaStepConnection {
  @Field(() => [SagaStepEdge], { description: 'Items of this page (本页条目)' }) edges!: SagaStepEdge[];
  @Field(() => PageInfo, { description: 'Paging information (分页信息)' }) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'Steps with this status in the caller\'s counties (总数)' }) totalCount!: number;
}

const toNode = (r: SagaStepRow): SagaStepNode => ({
  id: String(r.id), sagaId: r.sagaId, seq: r.seq, event: r.event, target: r.target, countyId: r.countyId, status: r.status,
  attempts: r.attempts, nextAttemptAt: r.nextAttemptAt.toISOString(), lastErrorCode: r.lastError?.code ?? null,
  lastErrorZh: r.lastError?.messageZh ?? null, lastErrorEn: r.lastError?.message ?? null,
  createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
});

/** The catalogue entry of the operators' query of the service `name`'s outbox. */
export const sagaStepsAccess = (name: string): AccessCatalogue => ({ [`Query.${name}SagaSteps`]: { roles: OUTBOX_READERS, scope: 'county' } });

/** The operators' query of the service `name`'s outbox (added by startSubgraph when it declares sagas). */
export function sagaStepsResolver(name: string): ClassType {
  @Resolver()
  class SagaStepsResolver {
    @Query(() => SagaStepConnection, {
      name: `${name}SagaSteps`,
      description: `Cross-service steps the ${name} subgraph sends, FAILED ones by default; for county (its counties) and region officers (跨服务步骤)`,
    })
    async sagaSteps(
      @Arg('status', () => SagaStepStatusEnum, { defaultValue: SagaStepStatusEnum.FAILED, description: 'Which steps (状态)' }) status: SagaStatus,
      @Args() args: PageArgs,
      @Ctx() ctx: Context,
    ): Promise<SagaStepConnection> {
      const page = pageOf(args);
      const scope = readScope(ctx.caller, { county: 's.county_id', township: 'null', cooperative: 'null' });
      const { rows, total } = await sagaStepRows(ctx.read, status, scope, page);
      return toConnection(rows.map(toNode), page, total) as SagaStepConnection;
    }
  }
  return SagaStepsResolver;
}

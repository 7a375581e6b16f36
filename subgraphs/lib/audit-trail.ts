import 'reflect-metadata';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { groupInKeyOrder, type Ctx } from './context';

/** One recorded change (审计记录): who, when, what, before and after. Same shape in every subgraph. */
@Directive('@shareable')
@ObjectType({ simpleResolvers: true, description: 'One recorded change: who, when, what, before and after (审计记录)' })
export class AuditEntry {
  @Field(() => ID, { description: 'Entry id (编号)' }) id!: string;
  @Field({ description: 'When, ISO timestamp (时间)' }) at!: string;
  @Field({ description: 'Who: the token subject (操作人)' }) actor!: string;
  @Field({ description: 'Their role (角色)' }) role!: string;
  @Field(() => String, { nullable: true, description: 'Request id, as logged by the gateway (请求编号)' }) requestId!: string | null;
  @Field({ description: 'What was done (操作)' }) action!: string;
  @Field(() => GraphQLJSON, { nullable: true, description: 'State before (变更前)' }) before!: unknown;
  @Field(() => GraphQLJSON, { nullable: true, description: 'State after (变更后)' }) after!: unknown;
}

/**
 * The audit trail of entities of one kind, batched per request (one statement per batch).
 * Callers reach it through a parent they may already read, so scope is the parent's; who may read
 * it at all is the catalogue's (`AUDIT_READERS` on each `auditTrail` field).
 */
export function auditTrail(ctx: Ctx, entity: string, entityId: string): Promise<AuditEntry[]> {
  return ctx.loaders
    .get<string, AuditEntry[]>(`audit:${entity}`, async (ids) => {
      const rows = await ctx.read<{ id: string; at: string; actor: string; role: string; request_id: string | null; action: string; entity_id: string; before: unknown; after: unknown }[]>(
        `select id::text, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') at, actor, role, request_id, action, entity_id, before, after
           from audit_log where entity = ? and entity_id = any(?::text[]) order by audit_log.id`,
        [entity, `{${ids.map((i) => `"${i.replace(/"/g, '')}"`).join(',')}}`],
      );
      return groupInKeyOrder(ids, rows, (r) => r.entity_id).map((g) =>
        g.map((r) => ({ id: r.id, at: r.at, actor: r.actor, role: r.role, requestId: r.request_id, action: r.action, before: r.before, after: r.after })),
      );
    })
    .load(entityId);
}

import { Directive, Field, ObjectType } from 'type-graphql';

/** Relay page info; a value type that other subgraphs may declare identically, hence @shareable. */
@Directive('@shareable')
@ObjectType({ description: 'Relay page information (分页信息)' })
export class PageInfo {
  @Field({ description: 'Whether more items follow this page (是否有下一页)' }) hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Cursor of the last item of this page, to pass as `after` (本页末游标)' })
  endCursor!: string | null;
}

import 'reflect-metadata';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../lib/connection';

/** One filed credit-reference export with identity numbers (征信报送记录). */
@ObjectType({ simpleResolvers: true, description: 'A credit-reference export with identity numbers, as filed: who, when, what (征信报送记录)' })
export class CreditExport {
  @Field(() => ID, { description: 'Record id (记录编号)' }) id!: string;
  @Field({ description: 'When it was exported, ISO timestamp (导出时间)' }) at!: string;
  @Field({ description: 'Who exported it: the token subject of the county officer (导出人)' }) actor!: string;
  @Field(() => String, { nullable: true, description: 'Request id, as logged by the gateway (请求编号)' }) requestId!: string | null;
  @Field(() => ID, { description: 'County exported (县)' }) countyId!: number;
  @Field(() => ID, { nullable: true, description: 'The one cooperative exported, null for the whole county (互助社)' }) cooperativeId!: number | null;
  @Field({ description: 'First day of the period (起始日期)' }) from!: string;
  @Field({ description: 'Last day of the period, the as-of date of the overdue columns (截止日期)' }) to!: string;
  @Field({ description: 'CSV or JSONL (格式)' }) format!: string;
  @Field(() => Int, { description: 'Event rows in the file (记录行数)' }) rowCount!: number;
  @Field(() => Int, { description: 'Borrowers in the file, i.e. identity numbers read from members (借款人数)' }) borrowerCount!: number;
  @Field({ description: 'SHA-256 of the exact file content, hex (内容摘要)' }) sha256!: string;
}

export const CreditExportConnection = Connection(CreditExport, 'CreditExport', '征信报送记录');

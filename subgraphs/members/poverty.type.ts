import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import type { PovertyStatus } from './member.rules';
import { PovertyStatusEnum } from './member.type';

/** One entry of a household's poverty status history (贫困状况变更记录). */
@ObjectType({ simpleResolvers: true, description: 'A change of a household\'s poverty status, or its status at admission (贫困状况变更记录)' })
export class PovertyStatusChange {
  @Field(() => ID, { description: 'Entry id (编号)' }) id!: string;
  @Field(() => PovertyStatusEnum, { description: 'The status from the effective date on (变更后状况)' }) status!: PovertyStatus;
  @Field(() => PovertyStatusEnum, { nullable: true, description: 'The status before; null for the status at admission (变更前状况)' }) previousStatus!: PovertyStatus | null;
  @Field(() => LocalDateScalar, { description: 'Date it takes effect (生效日期)' }) effectiveOn!: string;
  @Field(() => String, { nullable: true, description: 'Written reason (变更理由)' }) reason!: string | null;
  @Field(() => String, { nullable: true, description: 'Document number of the township or county decision (文件号)' }) documentNo!: string | null;
  @Field({ description: 'Who recorded it: the token subject (记录人)' }) changedBy!: string;
  @Field({ description: 'When it was recorded, ISO timestamp (记录时间)' }) recordedAt!: string;
}

/** Internal: a household's poverty status as of a date (SERVICE only, for the union's rating and loans). */
@Directive('@inaccessible')
@ObjectType({ simpleResolvers: true, description: 'Internal: a household\'s poverty status as of a date (某日贫困状况，内部)' })
export class PovertyStatusAsOf {
  @Field(() => Int, { description: 'Member id (社员编号)' }) memberId!: number;
  @Field(() => PovertyStatusEnum, { nullable: true, description: 'Status as of the date; null before the household joined (当日状况)' }) status!: PovertyStatus | null;
  @Field(() => PovertyStatusEnum, { description: 'Status today, as the register holds it (当前状况)' }) current!: PovertyStatus;
}

import { Field, ID, InputType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { MaxChars, NotFuture } from '../lib/input-check';
import type { InspectionPoint } from './inspection.rules';
import { InspectionPointEnum } from './inspection.type';

@InputType({ description: 'One point\'s finding (检查结果)' })
export class InspectionFindingInput {
  @Field(() => InspectionPointEnum, { description: 'The point checked (检查项)' }) point!: InspectionPoint;
  @Field({ description: 'Whether it passed (是否合格)' }) passed!: boolean;
  @MaxChars(500) @Field({ description: 'What the inspector saw; required for a failed point (检查说明)' }) note!: string;
}

@InputType({ description: 'An inspection by the caller\'s union or county office, with a finding per point checked (检查指导)' })
export class RecordInspectionInput {
  @MaxChars(20) @Field(() => ID, { description: 'The cooperative inspected (被检查互助社)' }) cooperativeId!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Day of the inspection (检查日期)' }) inspectedOn!: string;
  @MaxChars(1000) @Field({ description: 'The inspector\'s summary (检查结论)' }) summary!: string;
  @Field(() => [InspectionFindingInput], { description: 'The points checked, each at most once (各项检查结果)' }) findings!: InspectionFindingInput[];
}

import { Field, ID, InputType, Int } from 'type-graphql';
import { MaxChars } from '../lib/input-check';
import type { PeriodKind, RatingClass } from './rating.rules';
import { PeriodKindEnum, RatingClassEnum } from './rating.type';

@InputType({ description: 'A rating period: a quarter of a year, or a year (评级期间)' })
export class RatingPeriodInput {
  @Field(() => PeriodKindEnum, { description: 'Quarter or year (评级周期)' }) kind!: PeriodKind;
  @Field(() => Int, { description: 'The year (年份)' }) year!: number;
  @Field(() => Int, { nullable: true, description: 'The quarter 1–4; none for a year (季度)' }) quarter?: number | null;
}

@InputType({ description: 'Rate every cooperative of a county for a period that has ended (县级动态评级)' })
export class RateCountyInput {
  @MaxChars(20) @Field(() => ID, { description: 'The county (县)' }) countyId!: string;
  @Field(() => RatingPeriodInput, { description: 'The period (评级期间)' }) period!: RatingPeriodInput;
}

@InputType({ description: 'The county overrides a computed class, with its reason; the computed class stays beside it (调整评级)' })
export class OverrideRatingInput {
  @MaxChars(20) @Field(() => ID, { description: 'The rating (评级编号)' }) ratingId!: string;
  @Field(() => RatingClassEnum, { description: 'The class in force from now (调整后等级)' }) ratingClass!: RatingClass;
  @MaxChars(500) @Field({ description: 'Why, in writing (调整理由)' }) reason!: string;
}

@InputType({ description: 'The bounds of one ratio for A, B and C, in basis points (分级阈值)' })
export class RatingBoundInput {
  @MaxChars(40) @Field({ description: 'repaymentRateBp, parBp, utilisationBp, poorMemberShareBp, poorBorrowerShareBp or insuranceCoverageBp (指标)' }) name!: string;
  @Field(() => Int, { description: 'Bound for A (A类)' }) a!: number;
  @Field(() => Int, { description: 'Bound for B (B类)' }) b!: number;
  @Field(() => Int, { description: 'Bound for C (C类)' }) c!: number;
}

@InputType({ description: 'A county\'s own rating thresholds, replacing the defaults for its later ratings (评级阈值)' })
export class SetRatingThresholdsInput {
  @MaxChars(20) @Field(() => ID, { description: 'The county (县)' }) countyId!: string;
  @Field(() => [RatingBoundInput], { description: 'Every ratio\'s bounds (各项比率阈值)' }) bounds!: RatingBoundInput[];
  @Field(() => RatingClassEnum, { description: 'The class a failed inspection point earns (检查不合格项等级)' }) failedPointClass!: RatingClass;
  @Field(() => RatingClassEnum, { description: 'The class an indicator without data earns (无数据指标等级)' }) missingClass!: RatingClass;
  @MaxChars(100) @Field({ description: 'The county\'s document number (文件号)' }) documentNo!: string;
}

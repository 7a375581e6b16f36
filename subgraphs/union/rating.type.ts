import 'reflect-metadata';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../lib/connection';
import { LocalDateScalar } from '../lib/dates';
import type { PeriodKind, RatingClass } from './rating.rules';
import { CooperativeRef } from './union.type';

export const RatingClassEnum = { A: 'A', B: 'B', C: 'C', D: 'D' } as const satisfies { [C in RatingClass]: C };
registerEnumType(RatingClassEnum, {
  name: 'RatingClass',
  description: 'Dynamic rating class (动态评级等级)',
  valuesConfig: {
    A: { description: 'Well run: more funding, wholesale and risk-compensation credit (A类)' },
    B: { description: 'Sound (B类)' },
    C: { description: 'Weak: must rectify by a deadline (C类, 整改)' },
    D: { description: 'Failing: must rectify, then exits if it still fails (D类)' },
  },
});

export const PeriodKindEnum = { QUARTER: 'QUARTER', YEAR: 'YEAR' } as const satisfies { [K in PeriodKind]: K };
registerEnumType(PeriodKindEnum, {
  name: 'RatingPeriodKind',
  description: 'The length of a rating period (评级周期)',
  valuesConfig: { QUARTER: { description: 'A calendar quarter (季度)' }, YEAR: { description: 'A calendar year (年度)' } },
});

@ObjectType({ simpleResolvers: true, description: 'One indicator of a rating: its value on the period\'s end and the class it earned (评级指标)' })
export class RatingIndicator {
  @Field({ description: 'repaymentRateBp, parBp, utilisationBp, poorMemberShareBp, poorBorrowerShareBp, insuranceCoverageBp, bankOnly or disclosureTimely (指标)' }) name!: string;
  @Field(() => Int, { nullable: true, description: 'The value in basis points; null for an inspection point or without data (指标值)' }) valueBp!: number | null;
  @Field(() => Boolean, { nullable: true, description: 'An inspection point passed; null for a ratio or without data (是否合格)' }) passed!: boolean | null;
  @Field({ description: 'No data for it: it earned the thresholds\' class for missing data, never a zero (无数据)' }) missing!: boolean;
  @Field(() => RatingClassEnum, { description: 'The class it earned (该项等级)' }) ratingClass!: RatingClass;
}

@ObjectType({ simpleResolvers: true, description: 'The bounds of one ratio for A, B and C, in basis points: at least (at most for PAR) (分级阈值)' })
export class RatingBound {
  @Field({ description: 'The indicator (指标)' }) name!: string;
  @Field(() => Int, { description: 'Bound for A (A类)' }) a!: number;
  @Field(() => Int, { description: 'Bound for B (B类)' }) b!: number;
  @Field(() => Int, { description: 'Bound for C; beyond it D (C类)' }) c!: number;
  @Field({ description: 'Less is better (PAR) (越低越好)' }) lowerIsBetter!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'The thresholds a rating was computed with (评级阈值)' })
export class RatingThresholdsType {
  @Field({ description: 'DEFAULT (the documented defaults) or COUNTY (the county\'s own) (来源)' }) source!: string;
  @Field(() => [RatingBound], { description: 'Per ratio (各项比率)' }) bounds!: RatingBound[];
  @Field(() => RatingClassEnum, { description: 'The class a failed inspection point earns (检查不合格项等级)' }) failedPointClass!: RatingClass;
  @Field(() => RatingClassEnum, { description: 'The class an indicator without data earns (无数据指标等级)' }) missingClass!: RatingClass;
}

@ObjectType({ simpleResolvers: true, description: 'A cooperative\'s rating for a period: every indicator, the thresholds used, the computed class and the class in force (动态评级)' })
export class Rating {
  @Field(() => ID, { description: 'Rating id (评级编号)' }) id!: string;
  @Field(() => CooperativeRef, { description: 'The cooperative rated (互助社)' }) cooperative!: CooperativeRef;
  @Field(() => PeriodKindEnum, { description: 'Quarter or year (评级周期)' }) periodKind!: PeriodKind;
  @Field(() => LocalDateScalar, { description: 'First day of the period (起始日)' }) periodStart!: string;
  @Field(() => LocalDateScalar, { description: 'Last day of the period: the indicators are as of it (截止日)' }) periodEnd!: string;
  @Field(() => RatingClassEnum, { description: 'The class in force: the computed one, or the county\'s override (评级等级)' }) ratingClass!: RatingClass;
  @Field(() => RatingClassEnum, { description: 'The class the indicators give: the worst any indicator earns (计算等级)' }) computedClass!: RatingClass;
  @Field(() => String, { nullable: true, description: 'Why the county overrode the computed class; null when it did not (调整理由)' }) overrideReason!: string | null;
  @Field(() => Int, { nullable: true, description: 'Ranking score 0–10000: the mean of the indicators with data; null without any (考核得分)' }) score!: number | null;
  @Field(() => [RatingIndicator], { description: 'Every indicator, in a fixed order (评级指标)' }) indicators!: RatingIndicator[];
  @Field(() => RatingThresholdsType, { description: 'The thresholds in force when it was computed (所用阈值)' }) thresholds!: RatingThresholdsType;
  @Field(() => ID, { nullable: true, description: 'The period\'s latest inspection, which gave the bank-only and disclosure points (所据检查)' }) inspectionId!: string | null;
}

export const RatingConnection = Connection(Rating, 'Rating', '评级记录');
export type RatingConnection = InstanceType<typeof RatingConnection>;

@ObjectType({ simpleResolvers: true, description: 'How many cooperatives are in one class (各等级数量)' })
export class RatingClassCount {
  @Field(() => RatingClassEnum, { description: 'The class (等级)' }) ratingClass!: RatingClass;
  @Field(() => Int, { description: 'Cooperatives in it (互助社数)' }) count!: number;
}

@ObjectType({ simpleResolvers: true, description: 'A county\'s ratings for one period, ranked (考核评比): counts per class and every rating in ranking order (县级评级结果)' })
export class CountyRatings {
  @Field(() => ID, { description: 'The county (县)' }) countyId!: string;
  @Field(() => PeriodKindEnum, { description: 'Quarter or year (评级周期)' }) periodKind!: PeriodKind;
  @Field(() => LocalDateScalar, { description: 'First day of the period (起始日)' }) periodStart!: string;
  @Field(() => LocalDateScalar, { description: 'Last day of the period (截止日)' }) periodEnd!: string;
  @Field(() => [RatingClassCount], { description: 'Per class A–D, the ones in force (各等级数量)' }) counts!: RatingClassCount[];
  @Field(() => [Rating], { description: 'Ranked: better class, higher score, lower PAR, lower cooperative id (排名)' }) ranking!: Rating[];
}

@ObjectType({ simpleResolvers: true, description: 'Internal: a cooperative\'s rating in force and whether it rectifies or exited, for a write elsewhere (当前评级，内部)' })
export class CurrentRating {
  @Field(() => Int, { description: 'The cooperative (互助社编号)' }) cooperativeId!: number;
  @Field(() => RatingClassEnum, { nullable: true, description: 'The class in force; null before its first rating (评级等级)' }) ratingClass!: RatingClass | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'The end of the period rated (评级截止日)' }) periodEnd!: string | null;
  @Field({ description: 'A rectification is open (整改中)' }) rectifying!: boolean;
  @Field({ description: 'It exited (已退出)' }) exited!: boolean;
}

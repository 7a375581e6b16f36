import 'reflect-metadata';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../lib/connection';
import { LocalDateScalar } from '../lib/dates';
import type { InspectionPoint, InspectorKind } from './inspection.rules';
import { CooperativeRef } from './union.type';

export const InspectionPointEnum = {
  BOOKS_BY_TOWNSHIP: 'BOOKS_BY_TOWNSHIP', BANK_ONLY: 'BANK_ONLY', DISCLOSURE_UP_TO_DATE: 'DISCLOSURE_UP_TO_DATE',
  GROUPS_COMPLETE: 'GROUPS_COMPLETE', INSURANCE_BOUGHT: 'INSURANCE_BOUGHT',
} as const satisfies { [P in InspectionPoint]: P };
registerEnumType(InspectionPointEnum, {
  name: 'InspectionPoint',
  description: 'A point an inspection checks, as the policy names it (检查项)',
  valuesConfig: {
    BOOKS_BY_TOWNSHIP: { description: 'The township keeps the books (社财乡管)' },
    BANK_ONLY: { description: 'Money moves through the bank only (银收银付)' },
    DISCLOSURE_UP_TO_DATE: { description: 'The disclosure board is up to date (公示栏及时更新)' },
    GROUPS_COMPLETE: { description: 'Every borrower is in a complete guarantee group (联保小组健全)' },
    INSURANCE_BOUGHT: { description: 'The members\' accident insurance is bought (意外伤害保险已购买)' },
  },
});

export const InspectorKindEnum = { UNION: 'UNION', COUNTY: 'COUNTY' } as const satisfies { [K in InspectorKind]: K };
registerEnumType(InspectorKindEnum, {
  name: 'InspectorKind',
  description: 'Who inspected (检查单位)',
  valuesConfig: { UNION: { description: 'A union the cooperative belongs to (联合社)' }, COUNTY: { description: 'The county poverty office (县扶贫办)' } },
});

@ObjectType({ simpleResolvers: true, description: 'One point\'s finding of an inspection (检查结果)' })
export class InspectionFinding {
  @Field(() => InspectionPointEnum, { description: 'The point checked (检查项)' }) point!: InspectionPoint;
  @Field({ description: 'Whether it passed (是否合格)' }) passed!: boolean;
  @Field({ description: 'What the inspector saw; always given for a failed point (检查说明)' }) note!: string;
}

@ObjectType({ simpleResolvers: true, description: 'An inspection of a cooperative by a union or the county (检查指导)' })
export class Inspection {
  @Field(() => ID, { description: 'Inspection id (检查编号)' }) id!: string;
  @Field(() => CooperativeRef, { description: 'The cooperative inspected (被检查互助社)' }) cooperative!: CooperativeRef;
  @Field(() => InspectorKindEnum, { description: 'Who inspected (检查单位)' }) inspectorKind!: InspectorKind;
  @Field(() => ID, { nullable: true, description: 'The inspecting union; null when the county inspected (检查联合社)' }) unionId!: string | null;
  @Field(() => LocalDateScalar, { description: 'Day of the inspection (检查日期)' }) inspectedOn!: string;
  @Field({ description: 'The inspector\'s summary (检查结论)' }) summary!: string;
  @Field(() => [InspectionFinding], { description: 'The points checked, in the policy\'s order (各项检查结果)' }) findings!: InspectionFinding[];
}

export const InspectionConnection = Connection(Inspection, 'Inspection', '检查记录');
export type InspectionConnection = InstanceType<typeof InspectionConnection>;

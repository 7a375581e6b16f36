import 'reflect-metadata';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import type { RectificationPoint, RectificationStatus } from './rectification.rules';
import { Rating } from './rating.type';
import { CooperativeRef } from './union.type';

export const RectificationPointEnum = {
  COLLECT_OVERDUE: 'COLLECT_OVERDUE', LEND_IDLE_FUND: 'LEND_IDLE_FUND', REACH_POOR_HOUSEHOLDS: 'REACH_POOR_HOUSEHOLDS', BUY_INSURANCE: 'BUY_INSURANCE',
  BANK_ONLY: 'BANK_ONLY', BOOKS_BY_TOWNSHIP: 'BOOKS_BY_TOWNSHIP', DISCLOSURE_UP_TO_DATE: 'DISCLOSURE_UP_TO_DATE', GROUPS_COMPLETE: 'GROUPS_COMPLETE',
} as const satisfies { [P in RectificationPoint]: P };
registerEnumType(RectificationPointEnum, {
  name: 'RectificationPoint',
  description: 'What a rectification asks the cooperative to fix (整改事项)',
  valuesConfig: {
    COLLECT_OVERDUE: { description: 'Collect the overdue loans (清收逾期借款)' },
    LEND_IDLE_FUND: { description: 'Put the idle fund to work (盘活闲置资金)' },
    REACH_POOR_HOUSEHOLDS: { description: 'Admit and lend to registered-poor households (吸纳和扶持建档立卡贫困户)' },
    BUY_INSURANCE: { description: 'Buy the members\' accident insurance (购买意外伤害保险)' },
    BANK_ONLY: { description: 'Move money through the bank only (银收银付)' },
    BOOKS_BY_TOWNSHIP: { description: 'Have the township keep the books (社财乡管)' },
    DISCLOSURE_UP_TO_DATE: { description: 'Bring the disclosure board up to date (及时公示)' },
    GROUPS_COMPLETE: { description: 'Complete the guarantee groups (健全联保小组)' },
  },
});

export const RectificationStatusEnum = { OPEN: 'OPEN', CLOSED: 'CLOSED', EXITED: 'EXITED', CANCELLED: 'CANCELLED' } as const satisfies { [S in RectificationStatus]: S };
registerEnumType(RectificationStatusEnum, {
  name: 'RectificationStatus',
  description: 'Where a rectification stands (整改状态)',
  valuesConfig: {
    OPEN: { description: 'Open: the cooperative is rectifying, no new loans or allocations (整改中)' },
    CLOSED: { description: 'Closed on a rating of B or better for a later period (整改完成)' },
    EXITED: { description: 'Past its deadline without that rating: the cooperative exited (已退出)' },
    CANCELLED: { description: 'Members refused the status (the cooperative had exited meanwhile) (已撤销)' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'A rectification the county opened after a C or D rating (整改)' })
export class Rectification {
  @Field(() => ID, { description: 'Rectification id (整改编号)' }) id!: string;
  @Field(() => CooperativeRef, { description: 'The cooperative rectifying (整改互助社)' }) cooperative!: CooperativeRef;
  @Field(() => RectificationStatusEnum, { description: 'Where it stands (状态)' }) status!: RectificationStatus;
  @Field(() => Rating, { nullable: true, description: 'The C or D rating it followed; null when recorded from the paper files (触发评级)' }) rating!: Rating | null;
  @Field(() => LocalDateScalar, { description: 'Day the county opened it (启动日期)' }) openedOn!: string;
  @Field(() => LocalDateScalar, { description: 'The deadline (整改期限)' }) deadline!: string;
  @Field(() => Int, { description: 'Days from today to the deadline, negative once it has passed (剩余天数)' }) daysLeft!: number;
  @Field(() => [RectificationPointEnum], { description: 'What to fix (整改事项)' }) points!: RectificationPoint[];
  @Field({ description: 'The county\'s decision, in its words (整改要求)' }) note!: string;
  @Field(() => Rating, { nullable: true, description: 'The rating of B or better it closed on (整改验收评级)' }) closingRating!: Rating | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Day it closed (结束日期)' }) closedOn!: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Day the exit started (退出日期)' }) exitedOn!: string | null;
  @Field(() => String, { nullable: true, description: 'Members\' refusal code when it was cancelled (撤销原因)' }) refusalCode!: string | null;
}

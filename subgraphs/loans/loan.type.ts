import 'reflect-metadata';
import { MoneyScalar } from '../lib/money';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LOAN_PURPOSE_NAMES, LOAN_PURPOSES, type LoanPurpose } from './purpose.rules';
import { LocalDateScalar } from '../lib/dates';
import { Connection } from '../lib/connection';

/** GraphQL enum of the closed purpose list (values and Chinese names from purpose.rules). */
export const LoanPurposeEnum = Object.fromEntries(LOAN_PURPOSE_NAMES.map((p) => [p, p])) as { [P in LoanPurpose]: P };
registerEnumType(LoanPurposeEnum, {
  name: 'LoanPurpose',
  description: 'Purpose of a loan, a closed list (借款用途)',
  valuesConfig: Object.fromEntries(LOAN_PURPOSE_NAMES.map((p) => [p, { description: `${LOAN_PURPOSES[p].en} (${LOAN_PURPOSES[p].zh})` }])),
});

export enum LoanStatusEnum {
  APPLIED = 'APPLIED',
  ENDORSED = 'ENDORSED',
  APPROVED = 'APPROVED',
  COUNTY_APPROVED = 'COUNTY_APPROVED',
  PUBLISHED = 'PUBLISHED',
  CONTRACTED = 'CONTRACTED',
  DISBURSED = 'DISBURSED',
  CLOSED = 'CLOSED',
  WRITTEN_OFF = 'WRITTEN_OFF',
  REJECTED = 'REJECTED',
}
registerEnumType(LoanStatusEnum, {
  name: 'LoanStatus',
  description: 'Loan lifecycle step (借款状态)',
  valuesConfig: {
    APPLIED: { description: 'Applied (已申请)' },
    ENDORSED: { description: 'Endorsed by the guarantee group (联保小组已同意)' },
    APPROVED: { description: 'Approved by the board (理事会已审批)' },
    COUNTY_APPROVED: { description: 'Approved by the county poverty office (县扶贫办已批准)' },
    PUBLISHED: { description: 'Published on the disclosure board (已公示)' },
    CONTRACTED: { description: 'Contract signed (已签合同)' },
    DISBURSED: { description: 'Paid out, being repaid (已放款)' },
    CLOSED: { description: 'Repaid in full (已结清)' },
    WRITTEN_OFF: { description: 'Written off against the risk reserve (已核销)' },
    REJECTED: { description: 'Rejected (已拒绝)' },
  },
});

export enum RepaymentModeEnum {
  BULLET = 'BULLET',
  MONTHLY = 'MONTHLY',
}
registerEnumType(RepaymentModeEnum, {
  name: 'RepaymentMode',
  description: 'How the loan is repaid (还款方式)',
  valuesConfig: { BULLET: { description: 'All at maturity (到期一次还本付费)' }, MONTHLY: { description: 'Monthly instalments (按月分期)' } },
});

export enum ChannelEnum {
  BANK = 'BANK',
  CASH = 'CASH',
}
registerEnumType(ChannelEnum, {
  name: 'PaymentChannel',
  description: 'How money moves (收付方式)',
  valuesConfig: { BANK: { description: 'Bank transfer to/from the one-card account (银行转账/一卡通)' }, CASH: { description: 'Cash (现金)' } },
});

/** Federation stub: Cooperative is owned by the members subgraph; loans adds fund and portfolio. */
@ObjectType('Cooperative', { simpleResolvers: true, description: 'Village mutual-aid cooperative (互助社)' })
@Directive('@key(fields: "id")')
export class CooperativeRef {
  @Field(() => ID, { description: 'Cooperative id (互助社编号)' }) id!: string;
}

/** Federation stub: County is owned by the members subgraph; loans adds the county's portfolio totals. */
@ObjectType('County', { simpleResolvers: true, description: 'County or district (县/区)' })
@Directive('@key(fields: "id")')
export class CountyRef {
  @Field(() => ID, { description: 'County id (县编号)' }) id!: string;
}

/** Federation stub: Member is owned by the members subgraph; loans adds loans and outstanding. */
@ObjectType('Member', { simpleResolvers: true, description: 'Member household (社员)' })
@Directive('@key(fields: "id")')
export class MemberRef {
  @Field(() => ID, { description: 'Member id (社员编号)' }) id!: string;
}

@ObjectType({ simpleResolvers: true, description: 'One scheduled instalment (还款计划)' })
export class Instalment {
  @Field(() => Int, { description: 'Sequence number (期数)' }) seq!: number;
  @Field(() => LocalDateScalar, { description: 'Due date (应还日期)' }) dueOn!: string;
  @Field(() => MoneyScalar, { description: 'Principal due (应还本金)' }) principal!: bigint;
  @Field(() => MoneyScalar, { description: 'Estimated usage fee (预计占用费)' }) fee!: bigint;
}

@ObjectType({ simpleResolvers: true, description: 'A repayment received (还款记录)' })
export class Repayment {
  @Field(() => ID, { description: 'Repayment id (还款编号)' }) id!: string;
  @Field(() => ID, { description: 'Loan id (借款编号)' }) loanId!: string;
  @Field(() => LocalDateScalar, { description: 'Date paid (还款日期)' }) paidOn!: string;
  @Field(() => MoneyScalar, { description: 'Principal part (本金)' }) principal!: bigint;
  @Field(() => MoneyScalar, { description: 'Usage-fee part (占用费)' }) fee!: bigint;
  @Field(() => ChannelEnum, { description: 'Channel (收款方式)' }) channel!: ChannelEnum;
  @Field(() => String, { nullable: true, description: 'Bank reference (银行流水号)' }) bankRef!: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Date the repayment was reversed; a reversed repayment counts nowhere (冲销日期)' }) reversedOn?: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A transfer to or from a member one-card account (银行转账)' })
export class BankTransfer {
  @Field(() => ID, { description: 'Transfer id (转账编号)' }) id!: string;
  @Field({ description: 'OUT = paid to the member, IN = received (方向)' }) direction!: string;
  @Field(() => MoneyScalar, { description: 'Amount (金额)' }) amount!: bigint;
  @Field(() => ChannelEnum, { description: 'Channel (方式)' }) channel!: ChannelEnum;
  @Field(() => String, { nullable: true, description: 'Masked account, last four digits (账户尾号); null for cash, and for unions and auditors' }) accountMasked!: string | null;
  @Field({ description: 'Bank reference (银行流水号)' }) bankRef!: string;
  @Field(() => LocalDateScalar, { description: 'Execution date (执行日期)' }) executedOn!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A loan from the cooperative fund to a member household (互助社借款)' })
@Directive('@key(fields: "id")')
export class Loan {
  @Field(() => ID, { description: 'Loan id (借款编号)' }) id!: string;
  @Field(() => CooperativeRef, { description: 'Lending cooperative (互助社)' }) cooperative!: CooperativeRef;
  @Field(() => MemberRef, { description: 'Borrowing household (借款社员)' }) member!: MemberRef;
  @Field({ description: 'Borrower name as recorded (借款人姓名)' }) borrowerName!: string;
  @Field({ description: 'Borrower name masked for publication (公示姓名)' }) borrowerNameMasked!: string;
  @Field(() => MoneyScalar, { description: 'Amount lent (借款金额)' }) amount!: bigint;
  @Field(() => Int, { description: 'Usage fee rate, basis points a year (占用费率, 基点/年)' }) feeRateBp!: number;
  @Field(() => Int, { description: 'Term in months (期限, 月)' }) termMonths!: number;
  @Field(() => RepaymentModeEnum, { description: 'Repayment mode (还款方式)' }) repaymentMode!: RepaymentModeEnum;
  @Field(() => LoanPurposeEnum, { description: 'Purpose, from a closed list; this is what the board publishes (借款用途)' }) purpose!: LoanPurpose;
  @Field(() => String, { nullable: true, description: 'Internal note on the purpose, never published (用途说明, 内部)' }) purposeNote!: string | null;
  @Field(() => LoanStatusEnum, { description: 'Lifecycle step (状态)' }) status!: LoanStatusEnum;
  @Field({ description: 'First loan of this household (首次借款)' }) isFirstLoan!: boolean;
  @Field({ description: 'Borrower holds 双到 money (双到户)' }) isShuangdao!: boolean;
  @Field({ description: 'Above the maximum loan amount: needs county approval (需县级审批)' }) needsCountyApproval!: boolean;
  @Field({ description: 'Who filed the application (申请经办人)' }) requestedBy!: string;
  @Field(() => String, { nullable: true, description: 'Board approver (理事会审批人)' }) approvedBy!: string | null;
  @Field(() => String, { nullable: true, description: 'County approver (县扶贫办审批人)' }) countyApprovedBy!: string | null;
  @Field(() => LocalDateScalar, { description: 'Application date (申请日期)' }) appliedOn!: string;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Group endorsement date (联保日期)' }) endorsedOn!: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Board approval date (审批日期)' }) approvedOn!: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'County approval date (县审批日期)' }) countyApprovedOn!: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Publication date (公示日期)' }) publishedOn!: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Contract date (签约日期)' }) contractedOn!: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Disbursement date (放款日期)' }) disbursedOn!: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Final due date (到期日)' }) dueOn!: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Date closed (结清日期)' }) closedOn!: string | null;
  @Field(() => LocalDateScalar, { nullable: true, description: 'Date written off (核销日期)' }) writtenOffOn!: string | null;
  @Field(() => MoneyScalar, { description: 'Principal repaid so far (已还本金)' }) principalRepaid!: bigint;
  @Field(() => MoneyScalar, { description: 'Usage fee paid so far (已付占用费)' }) feePaid!: bigint;
  @Field(() => MoneyScalar, { description: 'Principal written off (核销金额)' }) writtenOff!: bigint;
  @Field(() => MoneyScalar, { description: 'Principal outstanding now (未还本金)' }) outstanding!: bigint;
}

export const LoanConnection = Connection(Loan, 'Loan', '借款');

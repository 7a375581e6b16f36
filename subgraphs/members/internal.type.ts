import { Directive, Field, InputType, Int, ObjectType } from 'type-graphql';
import { MoneyScalar } from '../lib/money';

/** What a rating reads from members, per cooperative, as of a day (SERVICE only). */
@Directive('@inaccessible')
@ObjectType({ simpleResolvers: true, description: 'Internal: a cooperative\'s member counts on a day, for its rating (评级指标，内部)' })
export class RatingMemberFacts {
  @Field(() => Int, { description: 'Cooperative id (互助社编号)' }) cooperativeId!: number;
  @Field(() => Int, { description: 'Township id (乡镇编号)' }) townshipId!: number;
  @Field({ description: 'Status now: ACTIVE, RECTIFYING or EXITED (状态)' }) status!: string;
  @Field(() => Int, { description: 'Households that were members on the day (社员户数)' }) members!: number;
  @Field(() => Int, { description: 'Of them, registered poor on the day (建档立卡贫困户数)' }) poorMembers!: number;
  @Field(() => Int, { description: 'Of them, with accident insurance in force on the day (参保户数)' }) insuredMembers!: number;
  @Field(() => Int, { description: 'Of the borrowers given, the cooperative\'s (借款户数)' }) borrowers!: number;
  @Field(() => Int, { description: 'Of those, registered poor on the day (贫困借款户数)' }) poorBorrowers!: number;
}

/** Facts of a cooperative for the loans subgraph (SERVICE only, never exposed by the gateway). */
@Directive('@inaccessible')
@ObjectType({ simpleResolvers: true, description: 'Internal: cooperative facts for lending rules (互助社信息，内部)' })
export class CooperativeFacts {
  @Field(() => Int, { description: 'Cooperative id (互助社编号)' }) cooperativeId!: number;
  @Field(() => Int, { description: 'County id (县编号)' }) countyId!: number;
  @Field(() => Int, { description: 'Township id (乡镇编号)' }) townshipId!: number;
  @Field({ description: 'Name in Chinese (名称)' }) nameZh!: string;
  @Field({ description: 'Status: ACTIVE, RECTIFYING or EXITED (状态)' }) status!: string;
  @Field({ description: 'Management mode: VILLAGE_CASH or TOWNSHIP_BANK_ONLY (管理模式)' }) managementMode!: string;
  @Field(() => BigInt, { description: 'First-loan cap (首次借款上限)' }) maxFirstLoan!: bigint;
  @Field(() => BigInt, { description: 'Later-loan cap (再次借款上限)' }) maxLaterLoan!: bigint;
  @Field(() => BigInt, { description: '双到 loan cap (“双到”户借款上限)' }) shuangdaoLoanCap!: bigint;
  @Field(() => BigInt, { description: 'Maximum loan amount (最高借款限额)' }) maxLoan!: bigint;
  @Field(() => Int, { description: 'Maximum term in months (最长借款期限)' }) maxTermMonths!: number;
  @Field(() => Int, { description: 'Usage fee rate, bp a year (占用费率)' }) feeRateBp!: number;
  @Field(() => Int, { description: 'Concentration limit, bp (集中度上限)' }) concentrationBp!: number;
  @Field(() => BigInt, { description: 'Cash limit (现金收付上限)' }) cashLimit!: bigint;
  @Field(() => Int, { description: 'Fee split to risk reserve, bp (风险准备金比例)' }) splitRiskReserveBp!: number;
  @Field(() => Int, { description: 'Fee split to welfare, bp (公益金比例)' }) splitWelfareBp!: number;
  @Field(() => Int, { description: 'Fee split to management, bp (管理费用比例)' }) splitManagementBp!: number;
  @Field(() => Int, { description: 'Fee split to capital, bp (转入本金比例)' }) splitCapitalBp!: number;
}

@Directive('@inaccessible')
@ObjectType({ simpleResolvers: true, description: 'Internal: the active guarantee of a member (担保信息，内部)' })
export class GuaranteeFacts {
  @Field({ description: 'JOINT or PARTY_MEMBER (担保方式)' }) kind!: string;
  @Field(() => Int, { description: 'Group id (小组编号)' }) groupId!: number;
  @Field(() => [Int], { description: 'Active members of the group (有效组员)' }) memberIds!: number[];
  @Field(() => Int, { nullable: true, description: 'Party-member guarantor (党员担保人)' }) guarantorMemberId!: number | null;
}

@Directive('@inaccessible')
@ObjectType({ simpleResolvers: true, description: 'Internal: facts of a borrower for lending rules (借款人信息，内部)' })
export class BorrowerFacts {
  @Field(() => Int, { description: 'Member id (社员编号)' }) memberId!: number;
  @Field(() => Int, { description: 'The member\'s cooperative (所属互助社)' }) memberCooperativeId!: number;
  @Field({ description: 'ACTIVE or WITHDRAWN (社员状态)' }) memberStatus!: string;
  @Field({ description: 'Full name of the head of household (户主姓名)' }) headName!: string;
  @Field(() => String, { nullable: true, description: 'Full one-card account (一卡通账号)' }) cardAccount!: string | null;
  @Field({ description: 'REGISTERED_POOR, ORDINARY or WEALTHY (贫困状况)' }) povertyStatus!: string;
  @Field({ description: 'Has a 双到 contribution (“双到”户)' }) isShuangdao!: boolean;
  @Field({ description: 'Party member (党员)' }) isPartyMember!: boolean;
  @Field(() => CooperativeFacts, { description: 'The member\'s cooperative (所属互助社)' }) cooperative!: CooperativeFacts;
  @Field(() => GuaranteeFacts, { nullable: true, description: 'Active guarantee, if any (有效担保)' }) guarantee!: GuaranteeFacts | null;
}

/** A household's own part in an exited cooperative, for the union's recovery run (SERVICE only). */
@Directive('@inaccessible')
@ObjectType({ simpleResolvers: true, description: 'Internal: a household\'s own contributions and what exit runs returned of them (退出清算，内部)' })
export class ExitHousehold {
  @Field(() => Int, { description: 'Member id (社员编号)' }) memberId!: number;
  @Field(() => BigInt, { description: 'Its own part paid in and posted, less what it withdrew (自缴互助金)' }) contributed!: bigint;
  @Field(() => BigInt, { description: 'Returned by recovery runs so far (已退还)' }) returned!: bigint;
}

@Directive('@inaccessible')
@InputType({ description: 'Internal: what a recovery run returned to one household (退还明细，内部)' })
export class ExitReturnInput {
  @Field(() => Int, { description: 'Member id (社员编号)' }) memberId!: number;
  @Field(() => MoneyScalar, { description: 'Returned (退还金额)' }) amount!: bigint;
}

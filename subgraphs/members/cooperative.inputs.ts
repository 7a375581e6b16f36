import { Field, ID, InputType, Int } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { MaxChars, NotFuture } from '../lib/input-check';
import { MoneyScalar } from '../lib/money';
import type { ManagementMode } from './cooperative.rules';
import { ManagementModeEnum } from './cooperative.type';

@InputType({ description: 'Change policy parameters of a cooperative; omitted fields keep their value (修改政策参数)' })
export class UpdateCooperativePolicyInput {
  @Field(() => ID, { description: 'The cooperative (互助社)' }) cooperativeId!: string;
  @Field(() => MoneyScalar, { nullable: true, description: 'First-loan cap (首次借款上限)' }) maxFirstLoan?: bigint | null;
  @Field(() => MoneyScalar, { nullable: true, description: 'Later-loan cap (再次借款上限)' }) maxLaterLoan?: bigint | null;
  @Field(() => MoneyScalar, { nullable: true, description: '双到 loan cap (“双到”户借款上限)' }) shuangdaoLoanCap?: bigint | null;
  @Field(() => MoneyScalar, { nullable: true, description: 'Maximum loan amount (最高借款限额)' }) maxLoan?: bigint | null;
  @Field(() => Int, { nullable: true, description: 'Maximum term in months (最长借款期限)' }) maxTermMonths?: number | null;
  @Field(() => Int, { nullable: true, description: 'Usage fee rate, bp a year (占用费率)' }) feeRateBp?: number | null;
  @Field(() => Int, { nullable: true, description: 'Concentration limit, bp (集中度上限)' }) concentrationBp?: number | null;
  @Field(() => Int, { nullable: true, description: 'Joint guarantee group size (联保小组户数)' }) groupSize?: number | null;
  @Field(() => Int, { nullable: true, description: 'Fee split to risk reserve, bp (风险准备金比例)' }) splitRiskReserveBp?: number | null;
  @Field(() => Int, { nullable: true, description: 'Fee split to welfare, bp (公益金比例)' }) splitWelfareBp?: number | null;
  @Field(() => Int, { nullable: true, description: 'Fee split to management, bp (管理费用比例)' }) splitManagementBp?: number | null;
  @Field(() => Int, { nullable: true, description: 'Fee split to capital, bp (转入本金比例)' }) splitCapitalBp?: number | null;
  @Field(() => MoneyScalar, { nullable: true, description: 'One share (每股互助金)' }) share?: bigint | null;
  @Field(() => MoneyScalar, { nullable: true, description: 'Government subsidy per share (政府配股)' }) shareSubsidy?: bigint | null;
  @Field(() => MoneyScalar, { nullable: true, description: 'Household part per share (农户自缴)' }) shareHousehold?: bigint | null;
  @Field(() => MoneyScalar, { nullable: true, description: 'Household part of an absolutely poor household (绝对贫困户自缴)' }) shareAbsolutePoor?: bigint | null;
  @Field(() => Int, { nullable: true, description: 'Months before withdrawal (退股最短期限)' }) withdrawalMinMonths?: number | null;
  @Field(() => MoneyScalar, { nullable: true, description: 'Cash limit (现金收付上限)' }) cashLimit?: bigint | null;
}

@InputType({ description: 'Put a cooperative\'s money under township management, bank-only (社财乡管); county only, one way (变更管理模式)' })
export class SetManagementModeInput {
  @Field(() => ID, { description: 'The cooperative (互助社)' }) cooperativeId!: string;
  @Field(() => ManagementModeEnum, { description: 'The new mode: only TOWNSHIP_BANK_ONLY (新管理模式)' }) mode!: ManagementMode;
  @MaxChars(100) @Field({ description: 'The county\'s document number or written reason (文件号或理由)' }) documentNo!: string;
  @NotFuture() @Field(() => LocalDateScalar, { description: 'Date it takes effect (生效日期)' }) effectiveOn!: string;
}

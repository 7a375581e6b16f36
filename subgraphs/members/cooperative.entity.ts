import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { CooperativeStatus, ManagementMode } from './cooperative.rules';

const money = () => new BigIntType('bigint');

/** Mutual-aid cooperative (互助社) with its policy parameters. Used for writes. */
@Entity({ tableName: 'cooperative' })
export class CooperativeEntity {
  @PrimaryKey({ type: 'integer', fieldName: 'id', autoincrement: true }) id!: number;
  @Property({ type: 'integer', fieldName: 'village_id' }) villageId!: number;
  @Property({ type: 'integer', fieldName: 'township_id' }) townshipId!: number;
  @Property({ type: 'integer', fieldName: 'county_id' }) countyId!: number;
  @Property({ type: 'text', fieldName: 'name_zh' }) nameZh!: string;
  @Property({ type: 'text', fieldName: 'name_en' }) nameEn!: string;
  @Property({ type: 'text', fieldName: 'status' }) status!: CooperativeStatus;
  @Property({ type: 'text', fieldName: 'management_mode' }) managementMode!: ManagementMode;
  @Property({ type: 'string', columnType: 'date', fieldName: 'founded_on' }) foundedOn!: string;
  @Property({ type: money(), fieldName: 'max_first_loan_fen' }) maxFirstLoanFen!: bigint;
  @Property({ type: money(), fieldName: 'max_later_loan_fen' }) maxLaterLoanFen!: bigint;
  @Property({ type: money(), fieldName: 'shuangdao_loan_cap_fen' }) shuangdaoLoanCapFen!: bigint;
  @Property({ type: money(), fieldName: 'max_loan_fen' }) maxLoanFen!: bigint;
  @Property({ type: 'integer', fieldName: 'max_term_months' }) maxTermMonths!: number;
  @Property({ type: 'integer', fieldName: 'fee_rate_bp' }) feeRateBp!: number;
  @Property({ type: 'integer', fieldName: 'concentration_bp' }) concentrationBp!: number;
  @Property({ type: 'integer', fieldName: 'group_size' }) groupSize!: number;
  @Property({ type: 'integer', fieldName: 'split_risk_reserve_bp' }) splitRiskReserveBp!: number;
  @Property({ type: 'integer', fieldName: 'split_welfare_bp' }) splitWelfareBp!: number;
  @Property({ type: 'integer', fieldName: 'split_management_bp' }) splitManagementBp!: number;
  @Property({ type: 'integer', fieldName: 'split_capital_bp' }) splitCapitalBp!: number;
  @Property({ type: money(), fieldName: 'share_fen' }) shareFen!: bigint;
  @Property({ type: money(), fieldName: 'share_subsidy_fen' }) shareSubsidyFen!: bigint;
  @Property({ type: money(), fieldName: 'share_household_fen' }) shareHouseholdFen!: bigint;
  @Property({ type: money(), fieldName: 'share_absolute_poor_fen' }) shareAbsolutePoorFen!: bigint;
  @Property({ type: 'integer', fieldName: 'withdrawal_min_months' }) withdrawalMinMonths!: number;
  @Property({ type: money(), fieldName: 'cash_limit_fen' }) cashLimitFen!: bigint;
  @Property({ type: 'datetime', columnType: 'timestamptz', fieldName: 'updated_at' }) updatedAt: Date = new Date();
}

import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { ShareholdingSource } from './insurance.rules';

/** Accident insurance policy (意外伤害综合保险) bought for a member household. */
@Entity({ tableName: 'insurance_policy' })
export class InsurancePolicyEntity {
  @PrimaryKey({ type: 'integer', fieldName: 'id', autoincrement: true }) id!: number;
  @Property({ type: 'integer', fieldName: 'member_id' }) memberId!: number;
  @Property({ type: 'integer', fieldName: 'cooperative_id' }) cooperativeId!: number;
  @Property({ type: 'text', fieldName: 'insurer' }) insurer!: string;
  @Property({ type: 'text', fieldName: 'policy_no' }) policyNo!: string;
  @Property({ type: new BigIntType('bigint'), fieldName: 'premium_fen' }) premiumFen!: bigint;
  @Property({ type: new BigIntType('bigint'), fieldName: 'sum_insured_fen' }) sumInsuredFen!: bigint;
  @Property({ type: 'string', columnType: 'date', fieldName: 'starts_on' }) startsOn!: string;
  @Property({ type: 'string', columnType: 'date', fieldName: 'ends_on' }) endsOn!: string;
}

/** Shares of a household in a poverty-alleviation farmer cooperative (扶贫合作社入股). */
@Entity({ tableName: 'shareholding' })
export class ShareholdingEntity {
  @PrimaryKey({ type: 'integer', fieldName: 'id', autoincrement: true }) id!: number;
  @Property({ type: 'integer', fieldName: 'member_id' }) memberId!: number;
  @Property({ type: 'integer', fieldName: 'cooperative_id' }) cooperativeId!: number;
  @Property({ type: 'text', fieldName: 'farmer_cooperative_zh' }) farmerCooperativeZh!: string;
  @Property({ type: 'text', fieldName: 'farmer_cooperative_en' }) farmerCooperativeEn!: string;
  @Property({ type: 'text', fieldName: 'source' }) source!: ShareholdingSource;
  @Property({ type: new BigIntType('bigint'), fieldName: 'amount_fen' }) amountFen!: bigint;
  @Property({ type: 'string', columnType: 'date', fieldName: 'acquired_on' }) acquiredOn!: string;
  @Property({ type: new BigIntType('bigint'), fieldName: 'returns_fen' }) returnsFen: bigint = 0n;
}

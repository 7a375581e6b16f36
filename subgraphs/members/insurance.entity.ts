import { defineTable } from '../lib/table';
import type { ShareholdingSource } from './insurance.rules';

/** Accident insurance policy (意外伤害综合保险) bought for a member household. */
export const INSURANCE_POLICY = defineTable('insurance_policy', {
  id: { kind: 'serial', primary: true },
  member_id: { kind: 'int' },
  cooperative_id: { kind: 'int' },
  insurer: { kind: 'text' },
  policy_no: { kind: 'text' },
  premium_fen: { kind: 'fen' },
  sum_insured_fen: { kind: 'fen' },
  starts_on: { kind: 'date' },
  ends_on: { kind: 'date' },
});

/** Shares of a household in a poverty-alleviation farmer cooperative (扶贫合作社入股). */
export const SHAREHOLDING = defineTable('shareholding', {
  id: { kind: 'serial', primary: true },
  member_id: { kind: 'int' },
  cooperative_id: { kind: 'int' },
  farmer_cooperative_zh: { kind: 'text' },
  farmer_cooperative_en: { kind: 'text' },
  source: { kind: 'text', values: ['MUTUAL_AID', 'SHUANGDAO'] satisfies ShareholdingSource[] },
  amount_fen: { kind: 'fen' },
  acquired_on: { kind: 'date' },
  returns_fen: { kind: 'fen', generated: true },
});

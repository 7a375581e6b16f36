/**
 * The demo households' poverty status histories (贫困户 registers), shared by the rows written to
 * members and by the ratings computed from them (./ratings.ts).
 */
import { ADMISSION_REASON } from '../subgraphs/members/migrations/Migration0007PovertyHistory';
import { dayStr } from './county';

export interface PovertyRow { status: string; previous: string | null; on: number; reason: string; documentNo: string | null; by: string }

/**
 * A household's poverty status history: its status at admission, and for a few households (picked
 * by id, so no random draw shifts the rest of the demo) the change that led to today's status —
 * 脱贫 for some ordinary households (registered poor when they joined), and ORDINARY → WEALTHY for
 * some wealthy ones. Today's status, which the loans were simulated against, stays as generated.
 */
export function povertyHistory(m: { id: number; poverty: string; status: string; joinedOn: number }, asOf: number): PovertyRow[] {
  const admitted = (status: string): PovertyRow => ({ status, previous: null, on: m.joinedOn, reason: ADMISSION_REASON, documentNo: null, by: 'seed' });
  const changedOn = m.joinedOn + Math.floor(((asOf - m.joinedOn) * ((m.id % 7) + 2)) / 10);
  const doc = `盐扶发〔${dayStr(changedOn).slice(0, 4)}〕${(m.id % 90) + 10}号`;
  if (m.status !== 'ACTIVE') return [admitted(m.poverty)]; // a withdrawn household's register is closed
  if (m.poverty === 'ORDINARY' && m.id % 41 === 0) {
    return [admitted('REGISTERED_POOR'), {
      status: 'ORDINARY', previous: 'REGISTERED_POOR', on: changedOn, documentNo: doc, by: 'seed',
      reason: '家庭人均纯收入稳定超过扶贫标准,经村评议、乡镇审核、县审定脱贫 / income steadily above the poverty line; exit reviewed by village, township and county',
    }];
  }
  if (m.poverty === 'WEALTHY' && m.id % 7 === 0) {
    return [admitted('ORDINARY'), {
      status: 'WEALTHY', previous: 'ORDINARY', on: changedOn, documentNo: doc, by: 'seed',
      reason: '开办滩羊养殖场,家庭收入远超本村平均水平 / started a Tan sheep farm; income far above the village average',
    }];
  }
  return [admitted(m.poverty)];
}

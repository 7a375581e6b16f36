import { defineCodes, type CodeTable, type Failures } from '../lib/error-codes';

/** Refusal codes only the members subgraph raises (shared ones are lib's `LIB_CODES`). */
export const MEMBERS_CODES = {
  NOT_RESIDENT: ['该户不是本村住户,不能入社', 'The household is not resident in this cooperative\'s village', 'Closed membership (社员制): only households of the village may join.'],
  ALREADY_MEMBER: ['该户已是本社社员', 'The household is already a member', 'One household, one membership.'],
  MEMBER_NOT_ACTIVE: ['社员已退社或被停用', 'The member is not active', 'Withdrawn or suspended members cannot act.'],
  WITHDRAWAL_TOO_EARLY: ['入社未满{months}个月,不能退还互助金', 'Contribution can be withdrawn only after {months} months', 'Minimum holding period of the household\'s own contribution.'],
  NOTHING_TO_WITHDRAW: ['没有可退还的本户互助金', 'No own contribution left to withdraw', 'Only the household\'s own part is returned; subsidy stays with the village.'],
  GROUP_SIZE_MISMATCH: ['联保小组须为{size}户', 'A guarantee group must have exactly {size} households', 'Joint guarantee (五户联保) group size is a policy parameter.'],
  GROUP_CROSS_COOPERATIVE: ['联保小组成员须同属一个互助社', 'Group members must belong to the same cooperative', 'Joint guarantee is within one cooperative.'],
  ALREADY_IN_GROUP: ['该户已在另一个有效联保小组中', 'The household is already in an active guarantee group', 'A household is in at most one active group.'],
  GUARANTOR_NOT_PARTY_MEMBER: ['担保人须为本社党员', 'The guarantor must be a party member of this cooperative', 'Party-member guarantee (党员一帮一).'],
  POVERTY_STATUS_UNCHANGED: ['该户贫困状况已经是{status}', 'The household\'s poverty status is already {status}', 'A poverty status change must change the status; repeating a change is refused, so a retried request writes no second history row.'],
  POVERTY_CHANGE_BEFORE_JOINING: ['贫困状况变更生效日期({effectiveOn})不能早于入社日期({joinedOn})', 'A poverty status change cannot take effect ({effectiveOn}) before the household joined ({joinedOn})', 'Before joining the household was not a member: its status then is no business of the register.'],
  POVERTY_CHANGE_OUT_OF_ORDER: ['贫困状况变更生效日期({effectiveOn})不能早于上一次变更的生效日期({latestOn})', 'A poverty status change cannot take effect ({effectiveOn}) before the latest recorded change ({latestOn})', 'Changes are recorded in order of effect; a wrong entry is corrected by a new change, never by editing or inserting behind the latest.'],
  POLICY_INVALID: ['政策参数无效:{reasonZh}', 'Invalid policy parameter: {reason}', 'E.g. fee split not summing to 100%, caps out of order.'],
} as const satisfies CodeTable;

const codes: Failures<Extract<keyof typeof MEMBERS_CODES, string>> = defineCodes('members', MEMBERS_CODES);
export const fail: typeof codes.fail = codes.fail;
export const domainError: typeof codes.domainError = codes.domainError;
export { invalid } from '../lib/error-codes';

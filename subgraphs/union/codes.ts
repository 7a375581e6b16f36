import { defineCodes, type CodeTable, type Failures } from '../lib/error-codes';

/** Refusal codes only the union subgraph raises (shared ones are lib's `LIB_CODES`). */
export const UNION_CODES = {
  UNION_POLICY_INVALID: ['联合社政策参数无效:{reasonZh}', 'Invalid union policy parameter: {reason}', 'E.g. a fee-rate range upside down, a share above 100 %, a term of no days.'],
  UNION_EXISTS: ['该{levelZh}已有联合社({unionId})', 'This {level} already has a union ({unionId})', 'One union per county and one per township: a second would split the same cooperatives\' money.'],
  UNION_AREA_MISMATCH: ['乡镇 {townshipId} 不属于县 {countyId}', 'Township {townshipId} is not in county {countyId}', 'A township union is founded in a township of its county; a county union names no township.'],
  COOPERATIVE_OUTSIDE_UNION_AREA: ['互助社不在该联合社的范围内({area})', 'The cooperative is outside the union\'s area ({area})', 'A county union federates the cooperatives of its county, a township union those of its township.'],
  ALREADY_IN_UNION: ['该互助社已是同级联合社 {unionId} 的成员', 'The cooperative is already a member of union {unionId} at this level', 'A cooperative belongs to at most one union per level (county, township).'],
  NOT_IN_UNION: ['该互助社不是该联合社的成员', 'The cooperative is not a member of this union', 'Leaving needs a current membership.'],
  MEMBERSHIP_DATE_INVALID: ['日期无效:{reasonZh}', 'Invalid date: {reason}', 'Joining before the union was founded, or leaving before joining.'],
  ALLOCATION_INVALID_TRANSITION: ['调剂当前状态为{status},不能{action}', 'The allocation is {status}; cannot {action}', 'Request → lender consent → (county approval above the limit) → union approval → repaid; a refused allocation stays refused.'],
  NOT_ALLOCATION_PARTY: ['只有{side}互助社理事会可以办理此步', 'Only the {side} cooperative\'s board may take this step', 'The borrower\'s board requests and repays, the lender\'s board consents.'],
  BORROWER_ALLOCATION_OVERDUE: ['调入社尚有逾期调剂款({allocationId}),暂停新调剂', 'The borrower has an overdue allocation ({allocationId}); no new one', 'An allocation past its due date blocks the borrower\'s next one until it is repaid.'],
  OPEN_ALLOCATIONS: ['该互助社在本联合社尚有未结清调剂,不能退出', 'The cooperative still has open allocations in this union and cannot leave', 'Leaving waits until every allocation it lent or borrowed is repaid.'],
  RATING_THRESHOLDS_INVALID: ['评级阈值无效:{reasonZh}', 'Invalid rating thresholds: {reason}', 'Each indicator needs three bounds in basis points that loosen from A to C.'],
  RATING_PERIOD_INVALID: ['评级期间无效({reason})', 'Invalid rating period ({reason})', 'A quarter 1–4 of a year, or a whole year without a quarter.'],
  RATING_PERIOD_NOT_ENDED: ['评级期间尚未结束(截至 {periodEnd})', 'The rating period has not ended ({periodEnd})', 'A rating reads its indicators as of the period\'s end, so the period must be over.'],
  RATING_OVERRIDE_REASON_REQUIRED: ['调整评级须写明理由(至少10个字)', 'Overriding a class needs a written reason (10 characters at least)', 'The computed class stays beside the override; the reason says why they differ.'],
  RATING_OVERRIDE_SAME_CLASS: ['调整后的等级与计算等级({ratingClass})相同', 'The override is the computed class ({ratingClass})', 'An override changes the class; to keep it, leave the rating as computed.'],
  INSPECTION_FINDINGS_INVALID: ['检查结果无效:{reasonZh}', 'Invalid inspection findings: {reason}', 'Each point the policy names at most once, a note of at most 500 characters, a failed point with its note.'],
  RECTIFICATION_ALREADY_OPEN: ['该互助社已在整改中', 'The cooperative is already rectifying', 'One rectification at a time: the open one names what to fix until it closes or the exit starts.'],
  RECTIFICATION_NOT_WARRANTED: ['不能启动整改:{reasonZh}', 'No rectification: {reason}', 'A rectification follows the cooperative\'s current rating, and only a C or D one.'],
  RECTIFICATION_INVALID: ['整改决定无效:{reasonZh}', 'Invalid rectification: {reason}', 'Opened after the rated period ended, a deadline after opening and at most a year away, each point once.'],
  RECTIFICATION_INVALID_TRANSITION: ['整改当前状态为{status},不能{action}', 'The rectification is {status}; cannot {action}', 'An open rectification closes, or its exit starts; a closed, exited or cancelled one stays so.'],
  RECTIFICATION_NOT_RECTIFIED: ['尚未整改到位:{reasonZh}', 'Not rectified: {reason}', 'It closes only on a rating of B or better for a period ending after it opened.'],
  EXIT_NOT_WARRANTED: ['不能启动退出:{reasonZh}', 'No exit: {reason}', 'The exit starts only past the deadline, and only without a rating of B or better since the rectification opened.'],
  EXIT_NOTHING_TO_RECOVER: ['暂无可清算资金(银行存款 {bank} 分)', 'Nothing to recover now (bank deposit {bank} fen)', 'A recovery run pays the allocations owed, then the households, then the county, from the bank; run it again after later collections.'],
} as const satisfies CodeTable;

const codes: Failures<Extract<keyof typeof UNION_CODES, string>> = defineCodes('union', UNION_CODES);
export const fail: typeof codes.fail = codes.fail;
export const domainError: typeof codes.domainError = codes.domainError;
export { invalid } from '../lib/error-codes';

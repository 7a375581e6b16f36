import { classifyDbFailure, RETRY_AFTER_SECONDS } from './db-failure';
import { DomainError, registerCodes, type Details } from './errors';

/**
 * The catalogue of every refusal code: the single source for DomainError messages and for
 * schema/ERRORS.md (printed by `npm run compose`, checked by a test).
 * `{name}` placeholders are filled from the error's details.
 */
export const ERROR_CODES = {
  // access
  UNAUTHENTICATED: ['未登录或令牌无效', 'Not signed in or the token is invalid', 'No valid bearer token where one is required.'],
  FORBIDDEN: ['当前角色无权执行此操作', 'Your role may not do this', 'The caller\'s role may not run this operation at all.'],
  OUT_OF_SCOPE: ['对象不在您的管辖范围内', 'The target is outside your scope', 'The role may run it, but not on this cooperative / county / member.'],
  NOT_FOUND: ['未找到对象', 'Not found', 'No such object, or not visible to the caller.'],
  INVALID_INPUT: ['输入无效:{reasonZh}', 'Invalid input: {reason}', 'Malformed amount, date, id, cursor or text (control characters, unpaired surrogates, U+FFFE/U+FFFF, longer than the field allows); `details.field` names the input when known.'],
  DATE_IN_FUTURE: ['日期不能晚于今天({today},北京时间):{field} 为 {date}', 'A date may not be after today ({today}, China time): {field} is {date}', 'Business dates of writes and as-of dates may not be later than today in China time (UTC+8).'],
  IDEMPOTENCY_KEY_REUSED: ['幂等键已用于另一请求', 'Idempotency key already used for a different request', 'Same idempotencyKey with a different operation or payload.'],
  // members
  NOT_RESIDENT: ['该户不是本村住户,不能入社', 'The household is not resident in this cooperative\'s village', 'Closed membership (社员制): only households of the village may join.'],
  ALREADY_MEMBER: ['该户已是本社社员', 'The household is already a member', 'One household, one membership.'],
  MEMBER_NOT_ACTIVE: ['社员已退社或被停用', 'The member is not active', 'Withdrawn or suspended members cannot act.'],
  COOPERATIVE_EXITED: ['互助社已退出,不再办理新业务', 'The cooperative has exited and takes no new business', 'Exit (退出): closed to new members and loans.'],
  COOPERATIVE_RECTIFYING: ['互助社正在整改,暂停新增借款', 'The cooperative is rectifying; no new loans', 'Rectification (整改): collect overdue loans first.'],
  WITHDRAWAL_TOO_EARLY: ['入社未满{months}个月,不能退还互助金', 'Contribution can be withdrawn only after {months} months', 'Minimum holding period of the household\'s own contribution.'],
  NOTHING_TO_WITHDRAW: ['没有可退还的本户互助金', 'No own contribution left to withdraw', 'Only the household\'s own part is returned; subsidy stays with the village.'],
  MEMBER_HAS_OUTSTANDING: ['社员尚有未还借款', 'The member still has an outstanding loan', 'Withdrawal refused while a loan is outstanding.'],
  GROUP_SIZE_MISMATCH: ['联保小组须为{size}户', 'A guarantee group must have exactly {size} households', 'Joint guarantee (五户联保) group size is a policy parameter.'],
  GROUP_CROSS_COOPERATIVE: ['联保小组成员须同属一个互助社', 'Group members must belong to the same cooperative', 'Joint guarantee is within one cooperative.'],
  ALREADY_IN_GROUP: ['该户已在另一个有效联保小组中', 'The household is already in an active guarantee group', 'A household is in at most one active group.'],
  GUARANTOR_NOT_PARTY_MEMBER: ['担保人须为本社党员', 'The guarantor must be a party member of this cooperative', 'Party-member guarantee (党员一帮一).'],
  POLICY_INVALID: ['政策参数无效:{reasonZh}', 'Invalid policy parameter: {reason}', 'E.g. fee split not summing to 100%, caps out of order.'],
  // loans
  NOT_A_MEMBER: ['非本社社员不能借款', 'Only members of this cooperative may borrow', 'Closed fund (封闭运行): no lending to outsiders.'],
  WEALTHY_HOUSEHOLD: ['富裕户不能借用互助资金', 'Wealthy households may not borrow', 'Targeting (精准到户).'],
  LOAN_ABOVE_FIRST_CAP: ['首次借款不得超过{cap}分', 'A first loan may not exceed {cap} fen', 'First-loan cap (default 5,000 yuan).'],
  LOAN_ABOVE_LATER_CAP: ['借款不得超过{cap}分', 'A loan may not exceed {cap} fen', 'Later-loan cap (default 10,000 yuan).'],
  LOAN_ABOVE_SHUANGDAO_CAP: ['“双到”户借款不得超过{cap}分', 'A 双到 household\'s loan may not exceed {cap} fen', 'Cap for households whose contribution came from 双到 money (default 10,000 yuan).'],
  CONCENTRATION_EXCEEDED: ['单户借款占可借资金比例超过{shareBp}个基点', 'One household would hold more than {shareBp} bp of the lendable fund', 'No concentration (default 5% per household).'],
  TERM_TOO_LONG: ['借款期限不得超过{months}个月', 'Term may not exceed {months} months', 'Maximum term (default 12 months).'],
  NO_GUARANTEE: ['借款人须在有效联保小组中或有党员担保', 'The borrower needs an active guarantee group or party-member guarantor', 'Joint guarantee (五户联保).'],
  GROUP_MEMBER_OVERDUE: ['联保小组有逾期借款,暂停新借', 'A member of the guarantee group is overdue', 'While any group member is overdue, nobody in the group borrows; details: `memberIds` (the overdue households), `borrowerOverdue`.'],
  OUTSTANDING_LOAN_EXISTS: ['尚有未结清借款', 'The member already has an open loan', 'One open loan per household at a time.'],
  INVALID_TRANSITION: ['借款当前状态为{status},不能{action}', 'Loan is {status}; cannot {action}', 'Lifecycle steps must happen in order.'],
  SELF_APPROVAL: ['审批人不能是申请人', 'The approver cannot be the requester', 'Maker-checker.'],
  COUNTY_APPROVAL_REQUIRED: ['单笔支出超过最高借款限额,须县扶贫办批准', 'A payment above the maximum loan amount needs county approval', '单笔支出超过最高借款限额的,需由县扶贫部门同意.'],
  INSUFFICIENT_FUND: ['可借资金不足', 'Not enough lendable money in the fund', 'Bank deposit balance below the disbursement.'],
  CASH_REFUSED: ['“银收银付”模式下不得现金收付', 'Cash is refused under bank-only management', 'Bank-only money (银收银付).'],
  LARGE_CASH_REFUSED: ['大额现金支取被拒绝(上限{limit}分)', 'Large cash payment refused (limit {limit} fen)', 'Cash above the limit, even under village management.'],
  CARD_ACCOUNT_MISSING: ['社员未登记一卡通账户', 'The member has no one-card account on record', 'Disbursements go to the member\'s 一卡通 account.'],
  REPAYMENT_EXCEEDS_OWED: ['还款超过应还金额{owed}分', 'Repayment exceeds the {owed} fen owed', 'No overpayment.'],
  NOT_OVERDUE: ['借款未逾期,不能核销', 'Only overdue loans can be written off', 'Write-off is for bad loans.'],
  RISK_RESERVE_INSUFFICIENT: ['风险准备金不足以核销', 'The risk reserve cannot cover this write-off', 'Write-off only through the risk reserve.'],
  SAGA_STEP_FAILED: ['跨服务步骤暂未完成,已记录待对账', 'A cross-service step could not finish; it is queued for reconciliation', 'The first step is kept and `npm run reconcile` completes or reverses it.'],
  // infrastructure
  DATABASE_UNAVAILABLE: ['数据库暂时不可用,请稍后重试', 'The database is temporarily unavailable; retry shortly', 'Retryable: PostgreSQL is restarting or unreachable. `details`: `{ retryable: true, retryAfterSeconds }`. A read was already retried once; repeat a money-moving write with the same `idempotencyKey` (it runs at most once). The gateway answers HTTP 503 with `Retry-After` when nothing else came back.'],
} as const satisfies Record<string, readonly [string, string, string]>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type { Details };

function fill(template: string, details: Details): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (k in details ? String(details[k]) : `{${k}}`));
}

/** Build the DomainError for a catalogued code. */
export function domainError(code: ErrorCode, details: Details = {}): DomainError {
  const [zh, en] = ERROR_CODES[code];
  return new DomainError(code, fill(zh, details), fill(en, details), details);
}

/** Throw the DomainError for a catalogued code (INVALID_INPUT through `invalid`, which needs both reasons). */
export function fail(code: Exclude<ErrorCode, 'INVALID_INPUT'>, details: Details = {}): never {
  throw domainError(code, details);
}

/**
 * Refuse malformed input: INVALID_INPUT with the reason in both languages (`details.reasonZh`,
 * `details.reason`), so the Chinese message is Chinese throughout.
 */
export function invalid(reasonZh: string, reason: string, details: Details = {}): never {
  throw domainError('INVALID_INPUT', { ...details, reasonZh, reason });
}

/** schema/ERRORS.md, printed from the catalogue. */
export function errorsMarkdown(): string {
  const lines = [
    '# Error codes',
    '',
    'Every refusal carries `extensions.code` (below), `extensions.messageZh`, `extensions.messageEn` and',
    '`extensions.details`. Anything unexpected is `INTERNAL_SERVER_ERROR` with no internals.',
    'Printed from `subgraphs/lib/error-codes.ts` by `npm run compose`; a test checks it is current.',
    '',
    '| code | 中文 | English | meaning |',
    '|---|---|---|---|',
  ];
  for (const [code, [zh, en, meaning]] of Object.entries(ERROR_CODES)) {
    lines.push(`| \`${code}\` | ${zh} | ${en.replace(/\|/g, '\\|')} | ${meaning} |`);
  }
  lines.push('| `INTERNAL_SERVER_ERROR` | 服务器内部错误 | Internal server error | Not a refusal: a bug or an outage; logged with the request id. |');
  return lines.join('\n') + '\n';
}

registerCodes(Object.keys(ERROR_CODES));

/** A PostgreSQL outage is not a bug: a coded, retryable error instead of INTERNAL_SERVER_ERROR (the subgraphs' formatError). */
export function databaseUnavailable(error: unknown): DomainError | undefined {
  return classifyDbFailure(error) ? domainError('DATABASE_UNAVAILABLE', { retryable: true, retryAfterSeconds: RETRY_AFTER_SECONDS }) : undefined;
}

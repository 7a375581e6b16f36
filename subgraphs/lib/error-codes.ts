import { classifyDbFailure, RETRY_AFTER_SECONDS } from './db-failure';
import { DomainError, registerCodes, type Details } from './errors';

export type CodeEntry = readonly [zh: string, en: string, meaning: string];
/** A subgraph's (or lib's) refusal codes: `{name}` placeholders are filled from the error's details. */
export type CodeTable = Readonly<Record<string, CodeEntry>>;

/**
 * Codes lib raises itself or that several subgraphs raise. A code one subgraph alone raises lives in
 * that subgraph's `codes.ts` (`defineCodes`); together they are the catalogue that DomainError
 * messages and schema/ERRORS.md (printed by `npm run compose`, checked by a test) come from.
 */
export const LIB_CODES = {
  UNAUTHENTICATED: ['未登录或令牌无效', 'Not signed in or the token is invalid', 'No valid bearer token where one is required.'],
  FORBIDDEN: ['当前角色无权执行此操作', 'Your role may not do this', 'The caller\'s role may not run this operation at all.'],
  OUT_OF_SCOPE: ['对象不在您的管辖范围内', 'The target is outside your scope', 'The role may run it, but not on this cooperative / county / member.'],
  NOT_FOUND: ['未找到对象', 'Not found', 'No such object, or not visible to the caller.'],
  INVALID_INPUT: ['输入无效:{reasonZh}', 'Invalid input: {reason}', 'Malformed amount, date, id, cursor or text (control characters, unpaired surrogates, U+FFFE/U+FFFF, longer than the field allows); `details.field` names the input when known.'],
  DATE_IN_FUTURE: ['日期不能晚于今天({today},北京时间):{field} 为 {date}', 'A date may not be after today ({today}, China time): {field} is {date}', 'Business dates of writes and as-of dates may not be later than today in China time (UTC+8).'],
  IDEMPOTENCY_KEY_REUSED: ['幂等键已用于另一请求', 'Idempotency key already used for a different request', 'Same idempotencyKey with a different operation or payload.'],
  COOPERATIVE_EXITED: ['互助社已退出,不再办理新业务', 'The cooperative has exited and takes no new business', 'Exit (退出): closed to new members and loans.'],
  COOPERATIVE_RECTIFYING: ['互助社正在整改,暂停新增借款和调剂', 'The cooperative is rectifying; no new loans or allocations', 'Rectification (整改): collect overdue loans first; `details.side` names LENDER or BORROWER on an allocation.'],
  SELF_APPROVAL: ['审批人不能是申请人', 'The approver cannot be the requester', 'Maker-checker.'],
  REPAYMENT_EXCEEDS_OWED: ['还款超过应还金额{owed}分', 'Repayment exceeds the {owed} fen owed', 'No overpayment, of a loan or of an allocation.'],
  LENDER_IDLE_MONEY_SHORT: ['调出社闲置资金不足:闲置{idle}分,申请调剂{amount}分', 'The lender has not enough idle money: {idle} fen idle, {amount} fen asked', 'Idle money (闲置资金, loans\' ledger rule): money on hand less the reserves kept and the loans approved but not paid out. Checked by the union before anything is written and again by loans under the fund locks.'],
  ABOVE_LENDER_SHARE: ['单笔调剂不得超过调出社闲置资金的{shareBp}个基点(上限{cap}分)', 'One allocation may take at most {shareBp} bp of the lender\'s idle money ({cap} fen)', 'The union\'s policy keeps part of each lender\'s idle money at home for its own members.'],
  NOT_SAME_UNION: ['调出社与调入社须为同一联合社的现有成员', 'Lender and borrower must both be current members of the union', 'Allocations stay within one union (有偿调剂 among its members).'],
  ALLOCATION_TERM_TOO_LONG: ['调剂期限不得超过{maxDays}天', 'An allocation\'s term may not exceed {maxDays} days', 'The union\'s maximum term.'],
  ALLOCATION_FEE_RATE_OUT_OF_RANGE: ['调剂费率须在{minBp}至{maxBp}个基点之间', 'The allocation fee rate must be between {minBp} and {maxBp} bp', 'The union\'s fee-rate range, a year.'],
  ALLOCATION_COUNTY_APPROVAL_REQUIRED: ['调剂金额超过{above}分,须先经县扶贫办批准', 'An allocation above {above} fen needs the county\'s approval first', 'The union\'s county-approval threshold: the county approves before the union.'],
  SAGA_STEP_FAILED: ['跨服务步骤暂未完成,已记录待对账', 'A cross-service step could not finish; it is queued for reconciliation', 'The change is kept with its step queued: the service\'s background saga runner sends it again with backoff (or `npm run reconcile` at once); a refusal then reverses it, and after repeated failures the step is FAILED and listed for operators.'],
  DATABASE_UNAVAILABLE: ['数据库暂时不可用,请稍后重试', 'The database is temporarily unavailable; retry shortly', 'Retryable: PostgreSQL is restarting or unreachable. `details`: `{ retryable: true, retryAfterSeconds }`. A read was already retried once; repeat a money-moving write with the same `idempotencyKey` (it runs at most once). The gateway answers HTTP 503 with `Retry-After` when nothing else came back.'],
} as const satisfies CodeTable;

export type LibCode = keyof typeof LIB_CODES;
export type { Details };

interface Defined { owner: string; entry: CodeEntry }
/** Every code defined so far, with who defined it: a second definition of a code is refused at load. */
const catalogue = new Map<string, Defined>();

function define(owner: string, table: CodeTable): void {
  for (const [code, entry] of Object.entries(table)) {
    const seen = catalogue.get(code);
    if (seen && seen.owner !== owner) throw new Error(`error code ${code} is defined by both ${seen.owner} and ${owner}`);
    catalogue.set(code, { owner, entry });
  }
  registerCodes(Object.keys(table));
}
define('lib', LIB_CODES);

function fill(template: string, details: Details): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (k in details ? String(details[k]) : `{${k}}`));
}

function build(code: string, details: Details): DomainError {
  const d = catalogue.get(code);
  if (!d) throw new Error(`error code ${code} is not in the catalogue`);
  const [zh, en] = d.entry;
  return new DomainError(code, fill(zh, details), fill(en, details), details);
}

/** Typed builders for lib's codes plus `C`: what `defineCodes` gives a subgraph. */
export interface Failures<C extends string> {
  /** Build the DomainError for a catalogued code. */
  domainError(code: C | LibCode, details?: Details): DomainError;
  /** Throw the DomainError for a catalogued code (INVALID_INPUT through `invalid`, which needs both reasons). */
  fail(code: Exclude<C | LibCode, 'INVALID_INPUT'>, details?: Details): never;
}

function failures<C extends string>(): Failures<C> {
  return {
    domainError: (code, details = {}) => build(code, details),
    fail: (code, details = {}) => {
      throw build(code, details);
    },
  };
}

/**
 * A subgraph's own codes, added to the catalogue (a code defined twice throws here), and `fail` /
 * `domainError` typed to exactly lib's codes and these.
 */
export function defineCodes<T extends CodeTable>(owner: string, table: T): Failures<Extract<keyof T, string>> {
  define(owner, table);
  return failures<Extract<keyof T, string>>();
}

const lib: Failures<never> = failures<never>();
// Explicitly typed bindings: TypeScript narrows after a `never` call only through annotated names.
export const domainError: Failures<never>['domainError'] = lib.domainError;
export const fail: Failures<never>['fail'] = lib.fail;

/**
 * Refuse malformed input: INVALID_INPUT with the reason in both languages (`details.reasonZh`,
 * `details.reason`), so the Chinese message is Chinese throughout.
 */
export function invalid(reasonZh: string, reason: string, details: Details = {}): never {
  throw domainError('INVALID_INPUT', { ...details, reasonZh, reason });
}

/** One section of schema/ERRORS.md: who defines the codes, and the codes. */
export interface CodeSection { owner: string; codes: CodeTable }

/** schema/ERRORS.md, printed from lib's codes and each subgraph's (the registry passes them in). */
export function errorsMarkdown(sections: readonly CodeSection[]): string {
  const lines = [
    '# Error codes',
    '',
    'Every refusal carries `extensions.code` (below), `extensions.messageZh`, `extensions.messageEn` and',
    '`extensions.details`. Anything unexpected is `INTERNAL_SERVER_ERROR` with no internals.',
    'Printed by `npm run compose` from `subgraphs/lib/error-codes.ts` (codes lib or several subgraphs raise)',
    'and each subgraph\'s `codes.ts`; a test checks it is current.',
  ];
  for (const { owner, codes } of [{ owner: 'lib', codes: LIB_CODES }, ...sections]) {
    lines.push('', `## ${owner === 'lib' ? 'shared (subgraphs/lib)' : owner}`, '', '| code | 中文 | English | meaning |', '|---|---|---|---|');
    for (const [code, [zh, en, meaning]] of Object.entries(codes)) {
      lines.push(`| \`${code}\` | ${zh} | ${en.replace(/\|/g, '\\|')} | ${meaning} |`);
    }
    if (owner === 'lib') lines.push('| `INTERNAL_SERVER_ERROR` | 服务器内部错误 | Internal server error | Not a refusal: a bug or an outage; logged with the request id. |');
  }
  return lines.join('\n') + '\n';
}



/** A PostgreSQL outage is not a bug: a coded, retryable error instead of INTERNAL_SERVER_ERROR (the subgraphs' formatError). */
export function databaseUnavailable(error: unknown): DomainError | undefined {
  return classifyDbFailure(error) ? domainError('DATABASE_UNAVAILABLE', { retryable: true, retryAfterSeconds: RETRY_AFTER_SECONDS }) : undefined;
}

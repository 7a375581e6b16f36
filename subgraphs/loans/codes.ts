import { defineCodes, type CodeTable, type Failures } from '../lib/error-codes';

/** Refusal codes only the loans subgraph raises (shared ones are lib's `LIB_CODES`). */
export const LOANS_CODES = {
  MEMBER_HAS_OUTSTANDING: ['社员尚有未还借款', 'The member still has an outstanding loan', 'Withdrawal refused while a loan is outstanding.'],
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
  COUNTY_APPROVAL_REQUIRED: ['单笔支出超过最高借款限额,须县扶贫办批准', 'A payment above the maximum loan amount needs county approval', '单笔支出超过最高借款限额的,需由县扶贫部门同意.'],
  INSUFFICIENT_FUND: ['可借资金不足', 'Not enough lendable money in the fund', 'Bank deposit balance below the disbursement.'],
  CASH_REFUSED: ['“银收银付”模式下不得现金收付', 'Cash is refused under bank-only management', 'Bank-only money (银收银付).'],
  LARGE_CASH_REFUSED: ['大额现金支取被拒绝(上限{limit}分)', 'Large cash payment refused (limit {limit} fen)', 'Cash above the limit, even under village management.'],
  CARD_ACCOUNT_MISSING: ['社员未登记一卡通账户', 'The member has no one-card account on record', 'Disbursements go to the member\'s 一卡通 account.'],
  NOT_OVERDUE: ['借款未逾期,不能核销', 'Only overdue loans can be written off', 'Write-off is for bad loans.'],
  RISK_RESERVE_INSUFFICIENT: ['风险准备金不足以核销', 'The risk reserve cannot cover this write-off', 'Write-off only through the risk reserve.'],
  SELF_REVERSAL: ['冲销人不能是原记账人', 'The reverser cannot be the one who posted the transaction', 'Maker-checker: a reversal (红字冲销) is made by another officer than the poster.'],
  ALREADY_REVERSED: ['该凭证已被冲销', 'The transaction has already been reversed', 'A transaction is reversed once; details: `reversedBy` (the reversal).'],
  REVERSAL_NOT_REVERSIBLE: ['冲销凭证不能再冲销', 'A reversal cannot itself be reversed', 'Post the original business again instead of reversing a reversal.'],
  LOAN_POSTING_NEEDS_LOAN_REVERSAL: ['借款凭证须通过借款业务冲销:还款用“冲销还款”,放款和核销不能冲销', 'A loan posting is reversed only with its loan: a repayment through reverseRepayment; a disbursement or write-off cannot be reversed', 'Disbursements and write-offs are corrected by other means (repayment, a new decision); details: `kind`, `use`.'],
  CONTRIBUTION_POSTING_NOT_REVERSIBLE: ['互助金凭证属于社员互助金记录,须在社员服务中处理(退还互助金)', 'A contribution posting belongs to a members contribution record; correct it there (withdrawal)', 'The ledger and the members contribution record must not disagree.'],
  ALLOCATION_POSTING_NOT_REVERSIBLE: ['调剂凭证属于联合社调剂业务,不能单独冲销', 'An allocation posting belongs to the union\'s allocation and cannot be reversed on its own', 'Allocations between cooperatives post both ledgers at once; a correction is made on the allocation in the union, never on one side.'],
  NOT_LATEST_REPAYMENT: ['只能冲销该笔借款最近一笔未冲销的还款', 'Only the loan\'s latest standing repayment can be reversed', 'Later usage fees were accrued on what the earlier repayment left outstanding: reverse the later ones first.'],
  EXIT_POSTING_NOT_REVERSIBLE: ['退出清算凭证属于联合社的清算批次,不能单独冲销', 'An exit posting belongs to the union\'s recovery run and cannot be reversed on its own', 'The households\' returns are recorded in members and the run in the union: the three must not disagree.'],
} as const satisfies CodeTable;

const codes: Failures<Extract<keyof typeof LOANS_CODES, string>> = defineCodes('loans', LOANS_CODES);
export const fail: typeof codes.fail = codes.fail;
export const domainError: typeof codes.domainError = codes.domainError;
export { invalid } from '../lib/error-codes';

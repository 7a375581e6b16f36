import 'reflect-metadata';
import { MoneyScalar } from '../lib/money';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateScalar } from '../lib/dates';
import { Connection } from '../lib/connection';
import { ACCOUNTS } from './ledger.rules';
import { LoanPurposeEnum } from './loan.type';
import type { LoanPurpose } from './purpose.rules';

export enum LedgerAccountEnum {
  BANK = 'BANK',
  CASH = 'CASH',
  LOANS_RECEIVABLE = 'LOANS_RECEIVABLE',
  MEMBER_CONTRIBUTIONS = 'MEMBER_CONTRIBUTIONS',
  SHUANGDAO_CAPITAL = 'SHUANGDAO_CAPITAL',
  GOVERNMENT_CAPITAL = 'GOVERNMENT_CAPITAL',
  DONATIONS = 'DONATIONS',
  RISK_RESERVE = 'RISK_RESERVE',
  WELFARE_FUND = 'WELFARE_FUND',
  MANAGEMENT_FUND = 'MANAGEMENT_FUND',
  RETAINED_CAPITAL = 'RETAINED_CAPITAL',
  UNION_RECEIVABLE = 'UNION_RECEIVABLE',
  UNION_PAYABLE = 'UNION_PAYABLE',
  ALLOCATION_FEE_EXPENSE = 'ALLOCATION_FEE_EXPENSE',
}
registerEnumType(LedgerAccountEnum, {
  name: 'LedgerAccount',
  description: 'Account of the cooperative fund (会计科目)',
  valuesConfig: Object.fromEntries(Object.entries(ACCOUNTS).map(([k, a]) => [k, { description: `${a.en} (${a.zh}, ${a.code})` }])),
});

@ObjectType({ simpleResolvers: true, description: 'Balance of one account, on its normal side (科目余额)' })
export class AccountBalance {
  @Field(() => LedgerAccountEnum, { description: 'Account (科目)' }) account!: LedgerAccountEnum;
  @Field({ description: 'Account code (科目代码)' }) code!: string;
  @Field({ description: 'Chinese name (科目名称)' }) nameZh!: string;
  @Field({ description: 'English name' }) nameEn!: string;
  @Field(() => MoneyScalar, { description: 'Balance (余额)' }) balance!: bigint;
}

@ObjectType({ simpleResolvers: true, description: 'Balances of a cooperative fund, derived from its ledger (互助资金余额)' })
export class FundBalances {
  @Field(() => MoneyScalar, { description: 'Bank deposit (银行存款)' }) bankDeposit!: bigint;
  @Field(() => MoneyScalar, { description: 'Cash on hand (库存现金)' }) cash!: bigint;
  @Field(() => MoneyScalar, { description: 'Loans receivable (应收借款)' }) loansReceivable!: bigint;
  @Field(() => MoneyScalar, { description: 'Member contributions, household part (社员互助金)' }) memberContributions!: bigint;
  @Field(() => MoneyScalar, { description: '双到 money (双到资金)' }) shuangdaoCapital!: bigint;
  @Field(() => MoneyScalar, { description: 'Government capital (财政扶贫资金)' }) governmentCapital!: bigint;
  @Field(() => MoneyScalar, { description: 'Donations (捐赠资金)' }) donations!: bigint;
  @Field(() => MoneyScalar, { description: 'Risk reserve (风险准备金)' }) riskReserve!: bigint;
  @Field(() => MoneyScalar, { description: 'Public welfare fund (公益金)' }) welfareFund!: bigint;
  @Field(() => MoneyScalar, { description: 'Management costs (管理费)' }) managementFund!: bigint;
  @Field(() => MoneyScalar, { description: 'Retained capital (积累资金)' }) retainedCapital!: bigint;
  @Field(() => MoneyScalar, { description: 'Lent to other cooperatives through the union, still owed back (应收联合社调剂款)' }) unionReceivable!: bigint;
  @Field(() => MoneyScalar, { description: 'Borrowed from other cooperatives through the union, still owed (应付联合社调剂款)' }) unionPayable!: bigint;
  @Field(() => MoneyScalar, { description: 'Allocation fees paid to lenders and the union (调剂费支出)' }) allocationFeesPaid!: bigint;
  @Field(() => MoneyScalar, { description: 'Money on hand, what can be paid out now: bank + cash (可借资金)' }) lendableNow!: bigint;
  @Field(() => MoneyScalar, { description: 'Fund total: money on hand + lent out, to households and through the union (资金总额); the base of the household concentration limit and of utilisation' }) lendableFund!: bigint;
  @Field(() => [AccountBalance], { description: 'Every account (全部科目)' }) accounts!: AccountBalance[];
}

@ObjectType({ simpleResolvers: true, description: 'One line of a ledger transaction (分录)' })
export class LedgerLine {
  @Field(() => LedgerAccountEnum, { description: 'Account (科目)' }) account!: LedgerAccountEnum;
  @Field(() => MoneyScalar, { description: 'Debit amount, 0 when a credit (借方)' }) debit!: bigint;
  @Field(() => MoneyScalar, { description: 'Credit amount, 0 when a debit (贷方)' }) credit!: bigint;
}

@ObjectType({ simpleResolvers: true, description: 'A ledger transaction: balanced, never edited (记账凭证)' })
export class LedgerTxn {
  @Field(() => ID, { description: 'Transaction id (凭证号)' }) id!: string;
  @Field({ description: 'Kind: CAPITAL, CONTRIBUTION, DISBURSEMENT, REPAYMENT, WRITE_OFF, REVERSAL, REPAYMENT_REVERSAL… (业务类型)' }) kind!: string;
  @Field(() => LocalDateScalar, { description: 'Business date (业务日期)' }) occurredOn!: string;
  @Field({ description: 'Memo (摘要)' }) memo!: string;
  @Field(() => String, { nullable: true, description: 'What it refers to, e.g. loan (关联对象类型)' }) refType!: string | null;
  @Field(() => String, { nullable: true, description: 'Id of what it refers to (关联对象编号)' }) refId!: string | null;
  @Field({ description: 'The business event it records, unique in the ledger, e.g. repayment:17 (业务事件编号)' }) eventRef!: string;
  @Field(() => ID, { nullable: true, description: 'The transaction this one reverses (被冲销凭证号)' }) reverses!: string | null;
  @Field(() => ID, { nullable: true, description: 'The reversal that cancelled this transaction (冲销凭证号)' }) reversedBy!: string | null;
  @Field(() => String, { nullable: true, description: 'Written reason of a reversal (冲销理由)' }) reason!: string | null;
  @Field(() => [LedgerLine], { description: 'Lines (分录)' }) lines!: LedgerLine[];
}
export const LedgerTxnConnection = Connection(LedgerTxn, 'LedgerTxn', '记账凭证');

@ObjectType({ simpleResolvers: true, description: 'Trial balance of a cooperative fund (试算平衡表)' })
export class TrialBalance {
  @Field(() => ID, { description: 'Cooperative id (互助社编号)' }) cooperativeId!: string;
  @Field(() => MoneyScalar, { description: 'Sum of the accounts\' debit volumes (借方发生额合计)' }) totalDebits!: bigint;
  @Field(() => MoneyScalar, { description: 'Sum of the accounts\' credit volumes (贷方发生额合计)' }) totalCredits!: bigint;
  @Field(() => MoneyScalar, { description: 'Debits minus credits: always 0 (差额)' }) net!: bigint;
  @Field({ description: 'Each balance equals its debit volume less its credit volume, and debits equal credits (余额与发生额一致)' }) balancesMatchEntries!: boolean;
  @Field(() => [AccountBalance], { description: 'Balance per account (科目余额)' }) accounts!: AccountBalance[];
}

@ObjectType({ simpleResolvers: true, description: 'One published item of the disclosure board, personal data masked (公示栏)' })
export class DisclosureEntry {
  @Field(() => ID, { description: 'Entry id (编号)' }) id!: string;
  @Field({ description: 'LOAN_DISBURSED, REPAYMENT, WRITE_OFF, CAPITAL, CONTRIBUTION, CONTRIBUTION_RETURN, REVERSAL, REPAYMENT_REVERSED, ALLOCATION_LENT, ALLOCATION_BORROWED, ALLOCATION_REPAID, ALLOCATION_REPAYMENT_RECEIVED, EXIT_RETURN_HOUSEHOLDS, EXIT_RETURN_COUNTY; a reversal is its own entry and the original stays (类型)' }) kind!: string;
  @Field(() => LocalDateScalar, { description: 'Date (日期)' }) on!: string;
  @Field(() => String, { nullable: true, description: 'Household name masked like 张*明, when the item concerns one household (姓名)' }) nameMasked!: string | null;
  @Field(() => MoneyScalar, { description: 'Amount (金额)' }) amount!: bigint;
  @Field(() => LoanPurposeEnum, { nullable: true, description: 'Purpose of the loan, from the closed list, for loan items (借款用途)' }) purpose!: LoanPurpose | null;
  @Field(() => String, { nullable: true, description: 'Chinese name of the purpose, as printed on the board (用途)' }) purposeZh!: string | null;
}
export const DisclosureConnection = Connection(DisclosureEntry, 'DisclosureEntry', '公示');

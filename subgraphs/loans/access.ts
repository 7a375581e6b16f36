import { AUDIT_READERS, PERSONAL_NUMBER_READERS, SCOPED_READERS, type AccessCatalogue, type FieldAccess } from '../lib/access';
import type { Role } from '../lib/auth';

/** Who runs a cooperative's loans day to day: its board and the township's bookkeeper. */
const LOAN_KEEPERS: readonly Role[] = ['COOPERATIVE', 'TOWNSHIP'];
const read = (scope: FieldAccess['scope']): FieldAccess => ({ roles: SCOPED_READERS, scope });
const step = (roles: readonly Role[]): FieldAccess => ({ roles, scope: 'cooperative' });
/**
 * The internal books (ledger lines with their memos, the trial balance) are for the board, the
 * township bookkeeper and supervisors; a household reads its own records through member(id) and
 * the public board.
 */
const BOOK_READERS: readonly Role[] = ['REGION', 'COUNTY', 'TOWNSHIP', 'COOPERATIVE', 'UNION', 'AUDITOR', 'SERVICE'];

/** The loans subgraph's access catalogue (lib/access). */
export const LOANS_ACCESS: AccessCatalogue = {
  'Query.loan': read('household'),
  'Query.loans': read('household'),
  'Query.disclosureBoard': { roles: 'PUBLIC', scope: 'public' },
  'Query.fundLedger': { roles: BOOK_READERS, scope: 'cooperative' },
  'Query.trialBalance': { roles: BOOK_READERS, scope: 'cooperative' },
  // the credit-reference report is filed by those who keep or supervise the loans
  'Query.creditReferenceExport': { roles: ['REGION', 'COUNTY', 'TOWNSHIP', 'COOPERATIVE', 'AUDITOR'], scope: 'household' },
  // with full identity numbers: only the county office files it (征信报送); the region supervises
  // counties but files nothing, so it does not read raw numbers of every household of Ningxia
  'Query.countyCreditReferenceExport': { roles: ['COUNTY'], scope: 'county' },
  // who filed what: the county's own filings, and an auditor's counties
  'Query.creditExports': { roles: ['COUNTY', 'AUDITOR'], scope: 'county' },
  // a household applies for itself; its board or bookkeeper for any of its households
  'Mutation.applyForLoan': { roles: [...LOAN_KEEPERS, 'MEMBER'], scope: 'household' },
  'Mutation.endorseLoan': step(LOAN_KEEPERS),
  'Mutation.approveLoan': step(['COOPERATIVE']),
  'Mutation.countyApproveLoan': step(['COUNTY']),
  'Mutation.publishLoan': step(LOAN_KEEPERS),
  'Mutation.signLoanContract': step(LOAN_KEEPERS),
  'Mutation.rejectLoan': step(['COOPERATIVE', 'COUNTY']),
  'Mutation.disburseLoan': step(LOAN_KEEPERS),
  'Mutation.recordRepayment': step(LOAN_KEEPERS),
  'Mutation.writeOffLoan': step(['COUNTY']),
  'Mutation.injectCapital': step(['COUNTY', 'REGION']),
  // reversals (红字冲销) are a supervisor's correction, never the bookkeeper's own
  'Mutation.reverseLedgerTransaction': step(['COUNTY']),
  'Mutation.reverseRepayment': step(['COUNTY']),
  'Mutation._postLedgerEvent': { roles: ['SERVICE'], scope: 'service' },
  'Query._fundIdleMoney': { roles: ['SERVICE'], scope: 'service' },
  'Query._exitFundFacts': { roles: ['SERVICE'], scope: 'service' },
  'Query._ratingLoanFacts': { roles: ['SERVICE'], scope: 'service' },
  'Loan.auditTrail': { roles: AUDIT_READERS, scope: 'parent' },
  'BankTransfer.accountMasked': { roles: PERSONAL_NUMBER_READERS, scope: 'parent', otherwise: 'NULL' },
};

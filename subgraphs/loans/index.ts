import 'reflect-metadata';
import { LOANS_ACCESS } from './access';
import { defineSubgraph, type SubgraphDefinition } from '../lib/subgraph';
import { LOANS_CODES } from './codes';
import { BANK_TRANSFER, LOAN, LOAN_INSTALMENT, REPAYMENT } from './loan.entity';
import { LEDGER_TABLES } from './ledger.entity';
import { PORTFOLIO_SNAPSHOT, REGION_POLICY } from './portfolio.entity';
import { CREDIT_EXPORT } from './credit.entity';
import { loansMigrations } from './migrations';
import { loansSeedLayout } from './seed.layout';
import { LoanResolver } from './loan.resolver';
import { LedgerResolver } from './ledger.resolver';
import { CreditResolver } from './credit.resolver';
import { CooperativeFieldsResolver, CountyFieldsResolver, MemberFieldsResolver } from './entity-fields.resolver';
import { CooperativeRef, CountyRef, MemberRef } from './loan.type';
import { loansReferences } from './loan.reference';
import { startSnapshotJob } from './snapshot-job';
import { volumeMismatchSql } from './ledger.service';

/** The loans subgraph: loans, repayments, transfers, the fund ledger, disclosure, credit export. */
export const loansSubgraph: SubgraphDefinition = defineSubgraph({
  name: 'loans',
  port: 4002,
  database: 'loans',
  access: LOANS_ACCESS,
  codes: LOANS_CODES,
  tables: [...LEDGER_TABLES, LOAN, LOAN_INSTALMENT, REPAYMENT, BANK_TRANSFER, PORTFOLIO_SNAPSHOT, REGION_POLICY, CREDIT_EXPORT],
  migrations: loansMigrations,
  seed: loansSeedLayout,
  resolvers: [LoanResolver, LedgerResolver, CreditResolver, CooperativeFieldsResolver, MemberFieldsResolver, CountyFieldsResolver],
  orphanedTypes: [CooperativeRef, MemberRef, CountyRef],
  references: loansReferences,
  // a union's member cooperatives (later a bank's, an enterprise's) are pushed here by their owner
  grants: true,
  // issue 11, done-when 2: the trial balance from the volumes equals a full rescan, for every fund
  invariants: [{ name: 'fund volumes and balances equal a rescan of ledger_line', sql: volumeMismatchSql('null::int[]') }],
  // SNAPSHOT_PRECOMPUTE=0 leaves snapshots to the requests (tests that count statements)
  background: (orm) => (process.env.SNAPSHOT_PRECOMPUTE === '0' ? () => {} : startSnapshotJob(orm)),
});

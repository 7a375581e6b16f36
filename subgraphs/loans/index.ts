import 'reflect-metadata';
import { LOANS_ACCESS } from './access';
import { defineSubgraph, type SubgraphDefinition } from '../lib/subgraph';
import { LOANS_CODES } from './codes';
import { BankTransferEntity, LoanEntity, LoanInstalmentEntity, RepaymentEntity } from './loan.entity';
import { LOANS_ENTITIES } from './ledger.entity';
import { loansMigrations } from './migrations';
import { loansSeedLayout } from './seed.layout';
import { LoanResolver } from './loan.resolver';
import { LedgerResolver } from './ledger.resolver';
import { CreditResolver } from './credit.resolver';
import { CooperativeFieldsResolver, CountyFieldsResolver, MemberFieldsResolver } from './entity-fields.resolver';
import { CooperativeRef, CountyRef, MemberRef } from './loan.type';
import { loansReferences } from './loan.reference';
import { startSnapshotJob } from './snapshot-job';

/** The loans subgraph: loans, repayments, transfers, the fund ledger, disclosure, credit export. */
export const loansSubgraph: SubgraphDefinition = defineSubgraph({
  name: 'loans',
  port: 4002,
  database: 'loans',
  access: LOANS_ACCESS,
  codes: LOANS_CODES,
  entities: [LoanEntity, LoanInstalmentEntity, RepaymentEntity, BankTransferEntity, ...LOANS_ENTITIES],
  migrations: loansMigrations,
  seed: loansSeedLayout,
  resolvers: [LoanResolver, LedgerResolver, CreditResolver, CooperativeFieldsResolver, MemberFieldsResolver, CountyFieldsResolver],
  orphanedTypes: [CooperativeRef, MemberRef, CountyRef],
  references: loansReferences,
  // SNAPSHOT_PRECOMPUTE=0 leaves snapshots to the requests (tests that count statements)
  background: (orm) => (process.env.SNAPSHOT_PRECOMPUTE === '0' ? () => {} : startSnapshotJob(orm)),
});

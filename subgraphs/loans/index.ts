import 'reflect-metadata';
import { databaseUrl } from '../lib/config';
import { logger } from '../lib/logger';
import { exitIfPortInUse } from '../lib/ports';
import { startSubgraph, type SubgraphDefinition } from '../lib/subgraph';
import { BankTransferEntity, LoanEntity, LoanInstalmentEntity, RepaymentEntity } from './loan.entity';
import { LOANS_ENTITIES } from './ledger.entity';
import { loansMigrations } from './migrations';
import { LoanResolver } from './loan.resolver';
import { LedgerResolver } from './ledger.resolver';
import { CooperativeFieldsResolver, CountyFieldsResolver, MemberFieldsResolver } from './entity-fields.resolver';
import { CooperativeRef, CountyRef, MemberRef } from './loan.type';
import { loansReferences } from './loan.reference';
import { startSnapshotJob } from './snapshot-job';

/** The loans subgraph: loans, repayments, transfers, the fund ledger, disclosure, credit export. */
export const loansSubgraph: SubgraphDefinition = {
  name: 'loans',
  entities: [LoanEntity, LoanInstalmentEntity, RepaymentEntity, BankTransferEntity, ...LOANS_ENTITIES],
  migrations: loansMigrations,
  resolvers: [LoanResolver, LedgerResolver, CooperativeFieldsResolver, MemberFieldsResolver, CountyFieldsResolver],
  orphanedTypes: [CooperativeRef, MemberRef, CountyRef],
  references: loansReferences,
};

if (require.main === module) {
  process.env.SERVICE_NAME ??= 'loans';
  const port = Number(process.env.PORT ?? 4002);
  startSubgraph(loansSubgraph, databaseUrl('loans'), port)
    .then((s) => {
      const stopJob = process.env.SNAPSHOT_PRECOMPUTE === '0' ? () => {} : startSnapshotJob(s.orm);
      const stop = () => {
        stopJob();
        return s.stop().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((e) => {
      exitIfPortInUse(e, port);
      logger.error({ err: e }, 'loans subgraph failed to start');
      process.exit(1);
    });
}

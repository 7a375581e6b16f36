import { SharedTables0001, type MigrationEntry } from '../../lib/db';
import { SharedSagaSteps0002 } from '../../lib/saga-table';
import { SharedAccessGrant0003 } from '../../lib/scope';
import { Migration0001Loans } from './Migration0001Loans';
import { Migration0002PortfolioSnapshot } from './Migration0002PortfolioSnapshot';
import { Migration0003Privacy } from './Migration0003Privacy';
import { Migration0006RegionPolicy } from './Migration0006RegionPolicy';
import { Migration0007LedgerEvents } from './Migration0007LedgerEvents';
import { Migration0008CreditExports } from './Migration0008CreditExports';

/** Applied in order at start-up; never edit a released migration, add a new one. */
export const loansMigrations: MigrationEntry[] = [
  { name: 'Migration0000Shared', class: SharedTables0001 },
  { name: 'Migration0001Loans', class: Migration0001Loans },
  { name: 'Migration0002PortfolioSnapshot', class: Migration0002PortfolioSnapshot },
  { name: 'Migration0003Privacy', class: Migration0003Privacy },
  { name: 'Migration0004SagaSteps', class: SharedSagaSteps0002 },
  { name: 'Migration0005AccessGrant', class: SharedAccessGrant0003 },
  { name: 'Migration0006RegionPolicy', class: Migration0006RegionPolicy },
  { name: 'Migration0007LedgerEvents', class: Migration0007LedgerEvents },
  { name: 'Migration0008CreditExports', class: Migration0008CreditExports },
];

import { SharedTables0001, type MigrationEntry } from '../../lib/db';
import { SharedSagaSteps0002 } from '../../lib/saga-table';
import { SharedAccessGrant0003 } from '../../lib/scope';
import { Migration0001Members } from './Migration0001Members';
import { Migration0002Counters } from './Migration0002Counters';
import { Migration0003Privacy } from './Migration0003Privacy';
import { Migration0005ContributionSteps } from './Migration0005ContributionSteps';
import { Migration0007PovertyHistory } from './Migration0007PovertyHistory';
import { Migration0008PageIndexes } from './Migration0008PageIndexes';
import { Migration0009ExitReturns } from './Migration0009ExitReturns';

/** Applied in order at start-up; never edit a released migration, add a new one. */
export const membersMigrations: MigrationEntry[] = [
  { name: 'Migration0000Shared', class: SharedTables0001 },
  { name: 'Migration0001Members', class: Migration0001Members },
  { name: 'Migration0002Counters', class: Migration0002Counters },
  { name: 'Migration0003Privacy', class: Migration0003Privacy },
  { name: 'Migration0004SagaSteps', class: SharedSagaSteps0002 },
  { name: 'Migration0005ContributionSteps', class: Migration0005ContributionSteps },
  { name: 'Migration0006AccessGrant', class: SharedAccessGrant0003 },
  { name: 'Migration0007PovertyHistory', class: Migration0007PovertyHistory },
  { name: 'Migration0008PageIndexes', class: Migration0008PageIndexes },
  { name: 'Migration0009ExitReturns', class: Migration0009ExitReturns },
];

import { SharedTables0001, type MigrationEntry } from '../../lib/db';
import { SharedSagaSteps0002 } from '../../lib/saga-table';
import { Migration0002Unions } from './Migration0002Unions';
import { Migration0003Allocations } from './Migration0003Allocations';
import { Migration0004AllocationParties } from './Migration0004AllocationParties';
import { Migration0005Inspections } from './Migration0005Inspections';
import { Migration0006Ratings } from './Migration0006Ratings';
import { Migration0007Rectifications } from './Migration0007Rectifications';
import { Migration0008ExitRuns } from './Migration0008ExitRuns';
import { Migration0009RatingInForce } from './Migration0009RatingInForce';

/** Applied in order at start-up; never edit a released migration, add a new one. */
export const unionMigrations: MigrationEntry[] = [
  { name: 'Migration0000Shared', class: SharedTables0001 },
  { name: 'Migration0001SagaSteps', class: SharedSagaSteps0002 },
  { name: 'Migration0002Unions', class: Migration0002Unions },
  { name: 'Migration0003Allocations', class: Migration0003Allocations },
  { name: 'Migration0004AllocationParties', class: Migration0004AllocationParties },
  { name: 'Migration0005Inspections', class: Migration0005Inspections },
  { name: 'Migration0006Ratings', class: Migration0006Ratings },
  { name: 'Migration0007Rectifications', class: Migration0007Rectifications },
  { name: 'Migration0008ExitRuns', class: Migration0008ExitRuns },
  { name: 'Migration0009RatingInForce', class: Migration0009RatingInForce },
];

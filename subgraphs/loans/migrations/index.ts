import { SharedTables0001, type MigrationEntry } from '../../lib/db';
import { Migration0001Loans } from './Migration0001Loans';

/** Applied in order at start-up; never edit a released migration, add a new one. */
export const loansMigrations: MigrationEntry[] = [
  { name: 'Migration0000Shared', class: SharedTables0001 },
  { name: 'Migration0001Loans', class: Migration0001Loans },
];

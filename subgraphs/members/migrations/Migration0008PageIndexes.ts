import { Migration } from '@mikro-orm/migrations';

/**
 * Pages of cooperatives per county and of members per cooperative (lib/connection pagesByKey:
 * `key = ? and id > ? order by id limit ?`) read in index order and stop after the page. With the
 * single-column indexes, the generic plan of the region dashboard's page walked the whole
 * cooperative primary key once per county (22 × 1,232 rows, twice the CPU of a custom plan) and a
 * cooperative's page sorted all its members to return 101 (test/bench/README.md, "Plans at region
 * scale"). The composite indexes serve the equality lookups the old ones did.
 */
export class Migration0008PageIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index cooperative_county_id on cooperative (county_id, id)`);
    this.addSql(`drop index cooperative_county`);
    this.addSql(`create index member_cooperative_id on member (cooperative_id, id)`);
    this.addSql(`drop index member_cooperative`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Policy the region office sets once for every county, so that county and region sums of the
 * portfolio mean the same thing everywhere: today the PAR days (portfolio at risk counts loans more
 * than `par_days` days late). One row, kept one by its key. A snapshot remembers the PAR days it was
 * computed with and is current only while they are the policy's.
 */
export class Migration0006RegionPolicy extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table region_policy (
      one boolean primary key default true check (one),
      par_days int not null default 30 check (par_days between 1 and 365),
      updated_at timestamptz not null default now())`);
    this.addSql(`insert into region_policy default values`);
    this.addSql(`alter table portfolio_snapshot rename column par30_outstanding to par_outstanding`);
    this.addSql(`alter table portfolio_snapshot add column par_days int not null default 30`);
    this.addSql(`alter table portfolio_snapshot alter column par_days drop default`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * The counters computed from scratch from the member rows. Also run by the seed after a load with
 * the triggers off (members' seed.layout.ts), so both agree on what the triggers maintain. Part of
 * a released migration: never edit it; a new counter brings a new migration and its own recount.
 */
export const RECOUNT_MEMBER_COUNTERS = `update cooperative c set
        member_count = coalesce((select count(*) from member m where m.cooperative_id = c.id and m.status = 'ACTIVE'), 0),
        registered_poor_count = coalesce((select count(*) from member m where m.cooperative_id = c.id and m.status = 'ACTIVE' and m.poverty_status = 'REGISTERED_POOR'), 0),
        party_member_count = coalesce((select count(*) from member m where m.cooperative_id = c.id and m.status = 'ACTIVE' and m.is_party_member), 0)`;

/**
 * Pre-aggregated member counts per cooperative, kept by statement-level triggers in the same
 * transaction as the member rows (also for bulk COPY), so dashboards read one row per cooperative.
 */
export class Migration0002Counters extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table cooperative
      add column member_count int not null default 0,
      add column registered_poor_count int not null default 0,
      add column party_member_count int not null default 0`);
    this.addSql(`create function member_counts_delta() returns trigger language plpgsql as $$
      begin
        with delta as (
          select cooperative_id,
                 sum(case when status = 'ACTIVE' then s else 0 end) d_members,
                 sum(case when status = 'ACTIVE' and poverty_status = 'REGISTERED_POOR' then s else 0 end) d_poor,
                 sum(case when status = 'ACTIVE' and is_party_member then s else 0 end) d_party
            from (
              select cooperative_id, status, poverty_status, is_party_member, 1 s from new_rows
              union all
              select cooperative_id, status, poverty_status, is_party_member, -1 s from old_rows
            ) x group by cooperative_id)
        update cooperative c set member_count = c.member_count + d.d_members,
               registered_poor_count = c.registered_poor_count + d.d_poor,
               party_member_count = c.party_member_count + d.d_party
          from delta d where c.id = d.cooperative_id and (d.d_members <> 0 or d.d_poor <> 0 or d.d_party <> 0);
        return null;
      end $$`);
    // Transition tables cannot be shared between event types, so one small wrapper per event.
    this.addSql(`create function member_counts_ins() returns trigger language plpgsql as $$
      begin
        with delta as (
          select cooperative_id, count(*) filter (where status = 'ACTIVE') d_members,
                 count(*) filter (where status = 'ACTIVE' and poverty_status = 'REGISTERED_POOR') d_poor,
                 count(*) filter (where status = 'ACTIVE' and is_party_member) d_party
            from new_rows group by cooperative_id)
        update cooperative c set member_count = c.member_count + d.d_members,
               registered_poor_count = c.registered_poor_count + d.d_poor,
               party_member_count = c.party_member_count + d.d_party
          from delta d where c.id = d.cooperative_id;
        return null;
      end $$`);
    this.addSql(`create function member_counts_del() returns trigger language plpgsql as $$
      begin
        with delta as (
          select cooperative_id, count(*) filter (where status = 'ACTIVE') d_members,
                 count(*) filter (where status = 'ACTIVE' and poverty_status = 'REGISTERED_POOR') d_poor,
                 count(*) filter (where status = 'ACTIVE' and is_party_member) d_party
            from old_rows group by cooperative_id)
        update cooperative c set member_count = c.member_count - d.d_members,
               registered_poor_count = c.registered_poor_count - d.d_poor,
               party_member_count = c.party_member_count - d.d_party
          from delta d where c.id = d.cooperative_id;
        return null;
      end $$`);
    this.addSql(`create trigger member_counts_after_insert after insert on member
      referencing new table as new_rows for each statement execute function member_counts_ins()`);
    this.addSql(`create trigger member_counts_after_update after update on member
      referencing new table as new_rows old table as old_rows for each statement execute function member_counts_delta()`);
    this.addSql(`create trigger member_counts_after_delete after delete on member
      referencing old table as old_rows for each statement execute function member_counts_del()`);
    // existing rows
    this.addSql(RECOUNT_MEMBER_COUNTERS);
  }
}

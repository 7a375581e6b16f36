import { Migration } from '../../lib/db';

/**
 * Contributions left PENDING before sagas had an outbox (waiting for `npm run reconcile`) get their
 * step, so the background runner posts them like any other: one step per row, keyed as before
 * (`contribution:<id>`), so loans answers a row it already posted with its first result.
 */
export class Migration0005ContributionSteps extends Migration {
  override async up(): Promise<void> {
    this.addSql(`insert into saga_step (saga_id, seq, event, target, county_id, idempotency_key, payload)
      select 'contribution:' || ct.id, 1,
             case when ct.kind = 'HOUSEHOLD_WITHDRAWAL' then 'CONTRIBUTION_RETURNED' else 'CONTRIBUTION_RECEIVED' end,
             'loans', c.county_id, coalesce(ct.idempotency_key, 'contribution:' || ct.id), jsonb_build_object('contributionId', ct.id)
        from contribution ct join cooperative c on c.id = ct.cooperative_id
       where ct.ledger_status = 'PENDING'
         and not exists (select 1 from saga_step s where s.payload ->> 'contributionId' = ct.id::text)
       order by ct.id
      on conflict do nothing`);
  }
}

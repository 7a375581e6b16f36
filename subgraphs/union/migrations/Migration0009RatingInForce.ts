import { Migration } from '../../lib/db';

/**
 * The rating in force on a day (rating.rules' RATING_IN_FORCE_ORDER) read by one index probe per
 * cooperative: a cooperative's ratings in that order, so that a lateral `limit 1` stops at the
 * first one ended by the day. Without it the dashboards sorted every rating of every cooperative
 * (19 quarters each at region scale) to keep one per cooperative.
 */
export class Migration0009RatingInForce extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index rating_in_force on rating (cooperative_id, period_end desc, (period_kind = 'YEAR'), id desc)`);
  }
}

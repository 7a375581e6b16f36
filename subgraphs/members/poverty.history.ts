/**
 * Appending to a household's poverty status history (poverty_status_change), for admission and for
 * changes alike; apart from the service so that admission (member.service) writes it without a cycle.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import type { PovertyStatus } from './member.rules';
import { ADMISSION_REASON } from './migrations/Migration0007PovertyHistory';

export interface HistoryPlace { id: number; cooperative_id: number; township_id: number; county_id: number }

export async function appendChange(
  em: EntityManager, m: HistoryPlace, by: string,
  c: { status: PovertyStatus; previous: PovertyStatus | null; effectiveOn: string; reason: string | null; documentNo: string | null },
): Promise<void> {
  await em.execute(
    `insert into poverty_status_change (member_id, cooperative_id, township_id, county_id, status, previous_status, effective_on, reason, document_no, changed_by)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [m.id, m.cooperative_id, m.township_id, m.county_id, c.status, c.previous, c.effectiveOn, c.reason, c.documentNo, by],
  );
}

/** The first history row of a household just admitted: its status at admission, from the day it joined. */
export function recordAdmissionStatus(em: EntityManager, ctx: Ctx, m: HistoryPlace & { poverty_status: PovertyStatus; joined_on: string }): Promise<void> {
  return appendChange(em, m, ctx.caller?.sub ?? 'anonymous', {
    status: m.poverty_status, previous: null, effectiveOn: m.joined_on, reason: ADMISSION_REASON, documentNo: null,
  });
}


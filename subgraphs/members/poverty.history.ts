/**
 * Appending to a household's poverty status history (poverty_status_change), for admission and for
 * changes alike; apart from the service so that admission (member.service) writes it without a cycle.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../lib/context';
import type { PovertyStatus } from './member.rules';
import { ADMISSION_REASON } from './migrations/Migration0007PovertyHistory';
import { POVERTY_STATUS_CHANGE } from './poverty.entity';

export interface HistoryPlace { id: number; cooperative_id: number; township_id: number; county_id: number }

export async function appendChange(
  em: EntityManager, m: HistoryPlace, by: string,
  c: { status: PovertyStatus; previous: PovertyStatus | null; effectiveOn: string; reason: string | null; documentNo: string | null },
): Promise<void> {
  await em.insert(POVERTY_STATUS_CHANGE.entity, {
    memberId: m.id, cooperativeId: m.cooperative_id, townshipId: m.township_id, countyId: m.county_id, status: c.status,
    previousStatus: c.previous, effectiveOn: c.effectiveOn, reason: c.reason, documentNo: c.documentNo, changedBy: by,
  });
}

/** The first history row of a household just admitted: its status at admission, from the day it joined. */
export function recordAdmissionStatus(em: EntityManager, ctx: Ctx, m: HistoryPlace & { poverty_status: PovertyStatus; joined_on: string }): Promise<void> {
  return appendChange(em, m, ctx.caller?.sub ?? 'anonymous', {
    status: m.poverty_status, previous: null, effectiveOn: m.joined_on, reason: ADMISSION_REASON, documentNo: null,
  });
}


/** Targeting (精准到户): who may borrow at all, by poverty status, and which lifecycle steps look again. Pure. */
import { fail } from './codes';
import type { LoanAction, PovertyStatus } from './loan.rules';

/** Targeting (精准到户): a wealthy household (富裕户) may never borrow: WEALTHY_HOUSEHOLD. */
export function checkTargeting(povertyStatus: PovertyStatus): void {
  if (povertyStatus === 'WEALTHY') fail('WEALTHY_HOUSEHOLD');
}

/**
 * A household's poverty status changes while its application is in flight (the township or county
 * finds it has become wealthy), so the steps that commit the fund look at it again: the board's and
 * the county's approval and the disbursement. The other steps commit nothing new.
 */
const RECHECK_TARGETING: ReadonlySet<LoanAction> = new Set<LoanAction>(['APPROVE', 'COUNTY_APPROVE', 'DISBURSE']);

export function rechecksTargeting(action: LoanAction): boolean {
  return RECHECK_TARGETING.has(action);
}

/** At a step that re-checks (`rechecksTargeting`), the borrower's current status passes `checkTargeting`; null (no such household) is left to the step's own checks. */
export function recheckTargeting(action: LoanAction, currentStatus: PovertyStatus | null): void {
  if (rechecksTargeting(action) && currentStatus != null) checkTargeting(currentStatus);
}

/**
 * When `npm start` restarts a service that died: at once the first time, then with a doubling
 * pause, and not at all once it has crashed too often in a short time (a service that dies on
 * every start, e.g. on a bad migration, would otherwise spin; a person has to look).
 * Pure: the caller passes the crash times and the clock.
 */
export interface RestartPolicy {
  /** crashes inside `windowMs` after which the runner gives up */
  maxCrashes: number;
  windowMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const RESTART_POLICY: RestartPolicy = { maxCrashes: 5, windowMs: 60_000, firstDelayMs: 250, maxDelayMs: 8_000 };

export type RestartDecision = { restart: true; delayMs: number; crashesInWindow: number } | { restart: false; crashesInWindow: number };

/** `crashes`: times (ms) of this service's crashes so far, the latest included. */
export function restartDecision(crashes: readonly number[], now: number, p: RestartPolicy = RESTART_POLICY): RestartDecision {
  const recent = crashes.filter((t) => now - t < p.windowMs).length;
  if (recent >= p.maxCrashes) return { restart: false, crashesInWindow: recent };
  const delayMs = Math.min(p.maxDelayMs, p.firstDelayMs * 2 ** Math.max(0, recent - 1));
  return { restart: true, delayMs, crashesInWindow: recent };
}

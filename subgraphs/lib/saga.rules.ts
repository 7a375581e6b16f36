/**
 * The decisions of the saga mechanism (subgraphs/lib/saga.ts), pure so they are table-tested
 * without a database: how long a failed step waits, when it gives up, and whether an error from the
 * other side means "try again" or "the other side said no".
 */
export interface SagaPolicy {
  /** pause after the first failed attempt; doubled after each further one */
  baseMs: number;
  /** the longest pause */
  maxMs: number;
  /** attempts after which a step is FAILED and waits for an operator */
  maxAttempts: number;
}

/** 250 ms doubling to 8 s: eight attempts span about 24 s, long enough for a service restart under `npm start`. */
export const SAGA_POLICY: SagaPolicy = { baseMs: 250, maxMs: 8000, maxAttempts: 8 };

const ENV_KEYS = { maxAttempts: 'SAGA_MAX_ATTEMPTS', baseMs: 'SAGA_BACKOFF_MS', maxMs: 'SAGA_BACKOFF_MAX_MS' } as const;

/**
 * The policy with `SAGA_MAX_ATTEMPTS`, `SAGA_BACKOFF_MS` and `SAGA_BACKOFF_MAX_MS` applied (an empty
 * variable counts as unset). A malformed value throws: a service should refuse to start rather
 * than retry on a policy nobody asked for.
 */
export function sagaPolicyFromEnv(env: Readonly<Record<string, string | undefined>>, defaults: SagaPolicy = SAGA_POLICY): SagaPolicy {
  const policy = { ...defaults };
  for (const field of Object.keys(ENV_KEYS) as (keyof SagaPolicy)[]) {
    const raw = env[ENV_KEYS[field]]?.trim();
    if (!raw) continue;
    if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
      throw new Error(`${ENV_KEYS[field]} must be a positive whole number, got "${raw}"`);
    }
    policy[field] = Number(raw);
  }
  if (policy.maxMs < policy.baseMs) throw new Error(`${ENV_KEYS.maxMs} (${policy.maxMs}) must not be below ${ENV_KEYS.baseMs} (${policy.baseMs})`);
  return policy;
}

export type AfterFailure = { status: 'PENDING'; nextAttemptAt: Date } | { status: 'FAILED' };

/** `attempts`: the attempts made so far, the one that just failed included. */
export function afterFailure(attempts: number, policy: SagaPolicy, now: Date): AfterFailure {
  if (attempts >= policy.maxAttempts) return { status: 'FAILED' };
  const delayMs = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return { status: 'PENDING', nextAttemptAt: new Date(now.getTime() + delayMs) };
}

/**
 * Codes that say nothing about the business request: the other side was unreachable or broken
 * (`callSubgraph` turns transport failures and uncoded 5xx answers into SAGA_STEP_FAILED; a 503
 * carries DATABASE_UNAVAILABLE), or GraphQL refused the call itself, which is a bug on our side
 * (a schema out of step with the caller), or refused the service's own token (a signing key out of
 * step between services: configuration, not the business). Compensating would undo what the
 * household asked for because of our own fault, so these are retried and end FAILED in front of an
 * operator.
 */
const RETRY_CODES: ReadonlySet<string> = new Set([
  'SAGA_STEP_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'DATABASE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
]);

export type StepOutcome = 'retry' | 'compensate';

/** What a failed send means. `code`: the DomainError's code, or null for anything uncoded (unexpected). */
export function outcomeOf(code: string | null): StepOutcome {
  return code === null || RETRY_CODES.has(code) ? 'retry' : 'compensate';
}

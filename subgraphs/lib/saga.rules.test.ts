import { afterFailure, outcomeOf, SAGA_POLICY, sagaPolicyFromEnv, type AfterFailure, type SagaPolicy, type StepOutcome } from './saga.rules';

describe('sagaPolicyFromEnv', () => {
  it.each<[string, Record<string, string | undefined>, SagaPolicy]>([
    ['no variables: the defaults', {}, { baseMs: 250, maxMs: 8000, maxAttempts: 8 }],
    ['empty and blank variables count as unset', { SAGA_MAX_ATTEMPTS: '', SAGA_BACKOFF_MS: '  ' }, SAGA_POLICY],
    ['each variable overrides its field', { SAGA_MAX_ATTEMPTS: '3', SAGA_BACKOFF_MS: '100', SAGA_BACKOFF_MAX_MS: '400' }, { baseMs: 100, maxMs: 400, maxAttempts: 3 }],
    ['one variable leaves the others at default', { SAGA_MAX_ATTEMPTS: '12' }, { ...SAGA_POLICY, maxAttempts: 12 }],
    ['surrounding spaces are ignored', { SAGA_BACKOFF_MAX_MS: ' 9000 ' }, { ...SAGA_POLICY, maxMs: 9000 }],
    ['cap equal to the base is allowed', { SAGA_BACKOFF_MS: '500', SAGA_BACKOFF_MAX_MS: '500' }, { ...SAGA_POLICY, baseMs: 500, maxMs: 500 }],
  ])('%s', (_name, env, expected) => expect(sagaPolicyFromEnv(env)).toEqual(expected));

  it.each<[string, Record<string, string>, RegExp]>([
    ['zero attempts', { SAGA_MAX_ATTEMPTS: '0' }, /SAGA_MAX_ATTEMPTS must be a positive whole number, got "0"/],
    ['negative', { SAGA_BACKOFF_MS: '-5' }, /SAGA_BACKOFF_MS must be a positive whole number/],
    ['fraction', { SAGA_BACKOFF_MAX_MS: '1.5' }, /SAGA_BACKOFF_MAX_MS must be a positive whole number/],
    ['not a number', { SAGA_MAX_ATTEMPTS: 'many' }, /SAGA_MAX_ATTEMPTS .* got "many"/],
    ['beyond a safe integer', { SAGA_BACKOFF_MS: '99999999999999999999' }, /SAGA_BACKOFF_MS must be a positive whole number/],
    ['cap below the base', { SAGA_BACKOFF_MS: '1000', SAGA_BACKOFF_MAX_MS: '999' }, /SAGA_BACKOFF_MAX_MS \(999\) must not be below SAGA_BACKOFF_MS \(1000\)/],
  ])('refuses %s', (_name, env, message) => expect(() => sagaPolicyFromEnv(env)).toThrow(message));

  it('starts from the defaults it is given', () => {
    expect(sagaPolicyFromEnv({ SAGA_BACKOFF_MS: '20' }, { baseMs: 10, maxMs: 80, maxAttempts: 2 })).toEqual({ baseMs: 20, maxMs: 80, maxAttempts: 2 });
  });
});

describe('afterFailure', () => {
  const p: SagaPolicy = { baseMs: 250, maxMs: 1000, maxAttempts: 5 };
  const NOW = new Date('2026-01-01T00:00:00.000Z');
  const at = (ms: number): AfterFailure => ({ status: 'PENDING', nextAttemptAt: new Date(NOW.getTime() + ms) });

  it.each<[string, number, AfterFailure]>([
    ['first failure waits the base', 1, at(250)],
    ['second doubles', 2, at(500)],
    ['third doubles again, up to the cap', 3, at(1000)],
    ['fourth stays at the cap', 4, at(1000)],
    ['attempts reaching the maximum: FAILED', 5, { status: 'FAILED' }],
    ['beyond the maximum (a lowered policy): FAILED', 9, { status: 'FAILED' }],
    ['zero attempts (a failure before any send) waits the base', 0, at(250)],
  ])('%s', (_name, attempts, expected) => expect(afterFailure(attempts, p, NOW)).toEqual(expected));

  it('a single allowed attempt fails at once', () => {
    expect(afterFailure(1, { ...p, maxAttempts: 1 }, NOW)).toEqual({ status: 'FAILED' });
  });

  it('the default policy spans about 24 s before FAILED', () => {
    let waited = 0;
    for (let a = 1; ; a++) {
      const r = afterFailure(a, SAGA_POLICY, NOW);
      if (r.status === 'FAILED') break;
      waited += r.nextAttemptAt.getTime() - NOW.getTime();
    }
    expect(waited).toBe(250 + 500 + 1000 + 2000 + 4000 + 8000 + 8000);
  });
});

describe('outcomeOf', () => {
  it.each<[string | null, StepOutcome]>([
    [null, 'retry'], // not a DomainError: unexpected, perhaps our own database
    ['SAGA_STEP_FAILED', 'retry'], // transport failure or an uncoded 5xx, as callSubgraph reports it
    ['DATABASE_UNAVAILABLE', 'retry'], // the other side's database is restarting (503)
    ['INTERNAL_SERVER_ERROR', 'retry'],
    ['GRAPHQL_VALIDATION_FAILED', 'retry'], // our call does not match their schema: our bug, not their refusal
    ['GRAPHQL_PARSE_FAILED', 'retry'],
    ['BAD_USER_INPUT', 'retry'],
    ['BAD_REQUEST', 'retry'],
    ['UNAUTHENTICATED', 'retry'], // the service token refused: keys out of step between services, configuration
    ['FORBIDDEN', 'retry'],
    ['INSUFFICIENT_FUND', 'compensate'],
    ['COOPERATIVE_EXITED', 'compensate'],
    ['NOT_FOUND', 'compensate'],
    ['IDEMPOTENCY_KEY_REUSED', 'compensate'],
    ['INVALID_INPUT', 'compensate'],
    ['SOME_FUTURE_CODE', 'compensate'],
  ])('%s → %s', (code, expected) => expect(outcomeOf(code)).toBe(expected));
});

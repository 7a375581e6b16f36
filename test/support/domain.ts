import { DomainError } from '../../subgraphs/lib/errors';

/** Run a rule and return the DomainError it throws (undefined when it passes); rethrow anything else. */
export function errorOf(fn: () => unknown): DomainError | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  return undefined;
}

/**
 * What a sink's failures mean to the store worker. `StoreUnavailableError` is transient: the
 * store is down or unreachable, nothing is wrong with the record, so the job must wait and try
 * again without spending one of its attempts. Any other error is about the record itself and
 * fails the job the ordinary way.
 */

export class StoreUnavailableError extends Error {
  /** Where the store was expected, for people: `host:port/database`. */
  readonly target: string;
  /** Why it did not answer, short: `ECONNREFUSED`, `connection timeout`, `the database system is starting up`. */
  readonly reason: string;

  constructor(target: string, reason: string, options?: { cause?: unknown }) {
    super(`storage: PostgreSQL at ${target} is unavailable (${reason})`, options);
    this.name = 'StoreUnavailableError';
    this.target = target;
    this.reason = reason;
  }
}

export function isStoreUnavailable(err: unknown): err is StoreUnavailableError {
  return err instanceof StoreUnavailableError;
}

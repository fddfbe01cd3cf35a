/**
 * The storage seam: where kept articles, their updates and their sightings end up. Writes are
 * idempotent by record key (recordKey), because storage jobs are retried and a retry must never
 * produce a second copy. A sink whose store can be down (PostgreSQL) throws
 * StoreUnavailableError (storage-errors.ts) for that, and says how long to wait between tries.
 */
import type { StoreRecord } from './stored-article.js';

export type WriteOutcome = 'written' | 'duplicate';

export interface RetryWhileUnavailable {
  /** First wait after the store is found down. */
  initialMs: number;
  /** The wait doubles on each failed try, up to this. */
  maxMs: number;
}

export interface ArticleSink {
  readonly description: string;
  /** How storage jobs wait while this sink's store is unavailable; absent for stores that cannot be (a local file). */
  readonly retryWhileUnavailable?: RetryWhileUnavailable;
  write(record: StoreRecord): Promise<WriteOutcome>;
  close(): Promise<void>;
}

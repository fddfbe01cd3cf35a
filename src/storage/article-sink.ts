/**
 * The storage seam: where kept articles, their updates and their sightings end up. Writes are
 * idempotent by record key (recordKey), because storage jobs are retried and a retry must never
 * produce a second copy.
 */
import type { StoreRecord } from './stored-article.js';

export type WriteOutcome = 'written' | 'duplicate';

export interface ArticleSink {
  readonly description: string;
  write(record: StoreRecord): Promise<WriteOutcome>;
  close(): Promise<void>;
}

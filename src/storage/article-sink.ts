/**
 * The storage seam: where kept articles end up. Writes are idempotent by content hash, because
 * storage jobs are retried and a retry must never produce a second copy.
 */
import type { StoredArticle } from './stored-article.js';

export type WriteOutcome = 'written' | 'duplicate';

export interface ArticleSink {
  readonly description: string;
  write(record: StoredArticle): Promise<WriteOutcome>;
  close(): Promise<void>;
}

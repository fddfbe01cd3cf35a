/**
 * The read side of the store, for people: the latest kept articles, a search, counts per day.
 * Implemented by each sink (NDJSON: a scan of the file; PostgreSQL: queries on its indexes).
 */
import type { StoredArticle, Sighting } from './stored-article.js';

export interface SearchOptions {
  /** Only articles kept at or after this time. */
  since?: Date;
  limit?: number;
}

export interface ArticleView {
  article: StoredArticle;
  /** Where else it appeared (sightings), oldest first. */
  sightings: Sighting[];
  /** Number of later versions recorded. */
  updates: number;
}

export interface ArticleReader {
  readonly description: string;
  /** Most recently kept first. */
  latest(limit: number): Promise<ArticleView[]>;
  /** Full-text search (French stemming where the store supports it), best match first. */
  search(query: string, options?: SearchOptions): Promise<ArticleView[]>;
  /** Articles kept per UTC day (YYYY-MM-DD), for the last `days` days, oldest first. */
  countsPerDay(days: number): Promise<{ day: string; count: number }[]>;
  close(): Promise<void>;
}

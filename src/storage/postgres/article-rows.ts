/**
 * Records ↔ rows: the columns each record kind is written to, and the StoredArticle read back.
 * Text is cleaned of NUL characters, which PostgreSQL text cannot hold, and dates that do not
 * parse become null rather than failing the job.
 */
import type { MatchExplanation, StoredArticle, Sighting } from '../stored-article.js';

const NUL = /\u0000/g;
export const cleanText = (text: string): string => text.replace(NUL, '');

/** An ISO date for a timestamptz column, or null when the feed's date is missing or unreadable. */
export function timestampOrNull(value: string | null | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** A required timestamp: the record's own, else now (a record is never refused for its date). */
export const timestampOrNow = (value: string): string => timestampOrNull(value) ?? new Date().toISOString();

export interface ArticleRow {
  id: string;
  content_hash: string;
  fingerprint: string;
  feed_id: string;
  guid: string;
  url: string;
  title: string;
  summary: string;
  content: string;
  published_at: Date | null;
  fetched_at: Date;
  kept_at: Date;
  matches: MatchExplanation[];
}

export const ARTICLE_COLUMNS = 'id, content_hash, fingerprint, feed_id, guid, url, title, summary, content, published_at, fetched_at, kept_at, matches';

export function articleFromRow(row: ArticleRow): StoredArticle {
  return {
    kind: 'article',
    id: row.id,
    contentHash: row.content_hash,
    fingerprint: row.fingerprint,
    article: {
      feedId: row.feed_id,
      guid: row.guid,
      url: row.url,
      title: row.title,
      summary: row.summary,
      content: row.content,
      publishedAt: row.published_at ? row.published_at.toISOString() : null,
      fetchedAt: row.fetched_at.toISOString(),
    },
    matches: row.matches,
    keptAt: row.kept_at.toISOString(),
  };
}

export interface SightingRow {
  article_id: string;
  feed_id: string;
  url: string;
  title: string;
  distance: number;
  content_hash: string;
  seen_at: Date;
}

export function sightingFromRow(row: SightingRow): Sighting {
  return {
    kind: 'sighting',
    articleId: row.article_id,
    feedId: row.feed_id,
    url: row.url,
    title: row.title,
    distance: row.distance,
    contentHash: row.content_hash,
    seenAt: row.seen_at.toISOString(),
  };
}

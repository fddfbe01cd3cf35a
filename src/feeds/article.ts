/**
 * The Article: one feed item normalised into plain text, the unit that rules match,
 * dedupe hashes and storage writes.
 */

export interface Article {
  /** Id of the FeedSource (watchlist `feeds[].id`) the item came from. */
  feedId: string;
  /** The item's guid/id as published, else its canonical URL, else a hash of title+date. */
  guid: string;
  /** Canonical form of the item's link (absolute, tracking parameters removed); '' when the item has none. */
  url: string;
  /** Plain-text title (HTML stripped, entities decoded, whitespace collapsed). */
  title: string;
  /** Plain-text summary (description / Atom summary), '' when absent. */
  summary: string;
  /** Plain-text full content (content:encoded / Atom content), '' when absent. */
  content: string;
  /** ISO-8601 publication date as given by the feed, null when absent or unparseable. */
  publishedAt: string | null;
  /** ISO-8601 time Veille fetched the feed. */
  fetchedAt: string;
}

/** The text rules match and dedupe hashes: content when present, else summary. */
export function articleBody(article: Pick<Article, 'summary' | 'content'>): string {
  return article.content.length > 0 ? article.content : article.summary;
}

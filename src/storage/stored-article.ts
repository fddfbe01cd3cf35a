/**
 * What the store keeps: each story once (an `article`, keyed by its id), the later versions of
 * it that its feed published (`update`), and where else it appeared (`sighting`: the same text
 * or a near-duplicate on another feed).
 */
import type { Article } from '../feeds/article.js';
import type { TermHit, WatchResult } from '../rules/rule-set.js';

export interface MatchExplanation {
  watchId: string;
  ruleSetVersion: string;
  score: number;
  threshold: number;
  topics: string[];
  reason: string;
  hits: TermHit[];
}

export interface StoredArticle {
  kind: 'article';
  /** First 96 bits of contentHash, hex: the article's key in Redis and in every sink. */
  id: string;
  contentHash: string;
  /** 64-bit SimHash, hex. */
  fingerprint: string;
  article: Article;
  /** One entry per watch that kept the article. */
  matches: MatchExplanation[];
  keptAt: string;
}

export interface ArticleUpdate {
  kind: 'update';
  articleId: string;
  /** Identifies this version (title + text); the same version is recorded once. */
  textHash: string;
  article: Article;
  updatedAt: string;
}

export interface Sighting {
  kind: 'sighting';
  articleId: string;
  feedId: string;
  url: string;
  title: string;
  /** 0 for the same text, else the SimHash distance in bits. */
  distance: number;
  contentHash: string;
  seenAt: string;
}

export type StoreRecord = StoredArticle | ArticleUpdate | Sighting;

/** The key under which a sink stores a record once, whatever the retries. */
export function recordKey(record: StoreRecord): string {
  switch (record.kind) {
    case 'article':
      return `article:${record.id}`;
    case 'update':
      return `update:${record.articleId}:${record.textHash}`;
    case 'sighting':
      return `sighting:${record.articleId}:${record.url || `${record.feedId}:${record.contentHash}`}`;
  }
}

export function explain(result: WatchResult): MatchExplanation {
  return {
    watchId: result.watchId,
    ruleSetVersion: result.ruleSetVersion,
    score: result.score,
    threshold: result.threshold,
    topics: result.topicsMatched,
    reason: result.reason,
    hits: result.hits,
  };
}

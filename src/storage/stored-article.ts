/**
 * What the store keeps for each article: the article itself, its content hash (its identity
 * across feeds) and why it was kept.
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
  contentHash: string;
  article: Article;
  /** One entry per watch that kept the article. */
  matches: MatchExplanation[];
  keptAt: string;
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

/**
 * What webhooks receive: one JSON object per event, the same shape for every endpoint. An
 * article.kept carries the article and the explanation of why it was kept; a feed event carries
 * the feed's health before and after, and what the last polls recorded.
 */
import type { WebhookEvent } from '../config/schema.js';
import type { Article } from '../feeds/article.js';
import type { FeedHealth } from '../feeds/feed-health.js';
import type { FeedState } from '../pipeline/feed-state.js';
import type { MatchExplanation, StoredArticle } from '../storage/stored-article.js';

interface PayloadBase {
  event: WebhookEvent;
  /** The same for every retry of one delivery: receivers dedupe on it (also sent as X-Veille-Delivery). */
  deliveryId: string;
  occurredAt: string;
}

export interface ArticleKeptPayload extends PayloadBase {
  event: 'article.kept';
  article: Article & { id: string; contentHash: string; keptAt: string };
  matches: MatchExplanation[];
}

export interface FeedHealthPayload extends PayloadBase {
  event: 'feed.failing' | 'feed.silent' | 'feed.recovered';
  feed: { id: string; name: string; url: string };
  health: FeedHealth;
  previousHealth: FeedHealth;
  consecutiveFailures: number;
  lastError: string | null;
  lastErrorCode: string | null;
  lastHttpStatus: number | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastItemAt: string | null;
  itemsPerDay: number | null;
}

export type NotificationPayload = ArticleKeptPayload | FeedHealthPayload;

export function articleKeptPayload(record: StoredArticle, now = new Date()): ArticleKeptPayload {
  return {
    event: 'article.kept',
    deliveryId: '',
    occurredAt: now.toISOString(),
    article: { id: record.id, contentHash: record.contentHash, keptAt: record.keptAt, ...record.article },
    matches: record.matches,
  };
}

export function feedHealthPayload(
  event: FeedHealthPayload['event'],
  feed: { id: string; name: string; url: string },
  health: FeedHealth,
  previousHealth: FeedHealth,
  state: FeedState,
  now = new Date(),
): FeedHealthPayload {
  return {
    event,
    deliveryId: '',
    occurredAt: now.toISOString(),
    feed,
    health,
    previousHealth,
    consecutiveFailures: state.consecutiveFailures,
    lastError: state.lastError,
    lastErrorCode: state.lastErrorCode,
    lastHttpStatus: state.lastHttpStatus,
    lastAttemptAt: state.lastAttemptAt,
    lastSuccessAt: state.lastSuccessAt,
    lastItemAt: state.lastItemAt,
    itemsPerDay: state.itemsPerDay,
  };
}

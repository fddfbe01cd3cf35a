/**
 * The poll orchestrator: one feed, one poll. Fetch (conditional) → decode → parse → process the
 * articles (process-articles.ts) → record the feed's state. The daemon's poll worker, `veille trigger` and `npm run demo` all run this function.
 */
import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FeedSource } from '../config/watchlist.js';
import type { Settings } from '../config/schema.js';
import { fetchFeed } from '../feeds/fetch-feed.js';
import { decodeFeedBody } from '../feeds/decode-feed.js';
import { parseFeed } from '../feeds/parse-feed.js';
import { FeedError } from '../feeds/errors.js';
import type { RuleSet } from '../rules/rule-set.js';
import type { StoreJobData } from '../queues/queues.js';
import { processArticles, type FullTextFetcher } from './process-articles.js';
import type { Keyspace } from '../queues/keyspace.js';
import { FeedStates } from './feed-state.js';
import type { Logger } from '../logging/logger.js';

export interface PollDeps {
  redis: Redis;
  keys: Keyspace;
  settings: Settings;
  ruleSet: RuleSet;
  storeQueue: Queue<StoreJobData>;
  log: Logger;
  now?: () => Date;
  /** Fetches an article's page when its feed text is not enough to decide (see FullTextFetcher). */
  fullText?: FullTextFetcher;
}

export type { KeptSummary, DuplicateSummary } from './process-articles.js';
import type { KeptSummary, DuplicateSummary } from './process-articles.js';

export interface PollOutcome {
  feedId: string;
  url: string;
  httpStatus: number;
  /** 'not-modified': the server said 304; 'unchanged': same bytes as last time (server ignores validators). */
  fetch: 'fetched' | 'not-modified' | 'unchanged';
  firstPoll: boolean;
  itemsSeen: number;
  itemsNew: number;
  itemsKept: number;
  itemsIrrelevant: number;
  itemsTooOld: number;
  duplicates: number;
  kept: KeptSummary[];
  duplicateOf: DuplicateSummary[];
  itemErrors: string[];
  durationMs: number;
}

/** Polls one feed. Throws FeedError (typed: permanent or transient) after recording it on the feed's state. */
export async function pollFeed(feed: FeedSource, deps: PollDeps): Promise<PollOutcome> {
  const started = performance.now();
  const now = deps.now ?? (() => new Date());
  const states = new FeedStates(deps.redis, deps.keys);
  const state = await states.get(feed.id);
  const sameUrl = state.url === feed.url;
  const base = { feedId: feed.id, url: feed.url };
  try {
    const response = await fetchFeed({
      url: feed.url,
      etag: sameUrl ? state.etag : null,
      lastModified: sameUrl ? state.lastModified : null,
      timeoutMs: feed.timeoutMs,
      maxBodyBytes: feed.maxBodyBytes,
      userAgent: feed.userAgent,
    });
    const empty = { firstPoll: false, itemsSeen: 0, itemsNew: 0, itemsKept: 0, itemsIrrelevant: 0, itemsTooOld: 0, duplicates: 0, kept: [], duplicateOf: [], itemErrors: [] };
    if (response.kind === 'not-modified') {
      const durationMs = performance.now() - started;
      await states.recordSuccess(feed.id, { url: feed.url, httpStatus: 304, outcome: 'not-modified', durationMs, itemsSeen: 0, itemsNew: 0, itemsKept: 0, duplicates: 0 }, now());
      return { ...base, ...empty, httpStatus: 304, fetch: 'not-modified', durationMs };
    }
    const bodyHash = createHash('sha256').update(response.body).digest('hex');
    if (sameUrl && bodyHash === state.bodyHash) {
      // Same bytes as last time: nothing can be new, skip the parse (servers that ignore ETag).
      const durationMs = performance.now() - started;
      await states.recordSuccess(feed.id, { url: feed.url, httpStatus: response.httpStatus, outcome: 'unchanged', durationMs, itemsSeen: 0, itemsNew: 0, itemsKept: 0, duplicates: 0 }, now());
      return { ...base, ...empty, httpStatus: response.httpStatus, fetch: 'unchanged', durationMs };
    }
    const fetchedAt = now().toISOString();
    const { text } = decodeFeedBody(response.body, response.contentType);
    const parsed = await parseFeed(text, { feedId: feed.id, feedUrl: response.finalUrl, fetchedAt });
    const processed = await processArticles(feed, parsed.articles, deps, now());
    const durationMs = performance.now() - started;
    await states.recordSuccess(feed.id, {
      url: feed.url, httpStatus: response.httpStatus, outcome: 'fetched', etag: response.etag, lastModified: response.lastModified,
      bodyHash, durationMs, itemsSeen: parsed.articles.length, itemsNew: processed.itemsNew, itemsKept: processed.kept.length, duplicates: processed.duplicateOf.length,
    }, now());
    return {
      ...base, httpStatus: response.httpStatus, fetch: 'fetched', firstPoll: processed.firstPoll,
      itemsSeen: parsed.articles.length, itemsNew: processed.itemsNew, itemsKept: processed.kept.length,
      itemsIrrelevant: processed.itemsIrrelevant, itemsTooOld: processed.itemsTooOld, duplicates: processed.duplicateOf.length,
      kept: processed.kept, duplicateOf: processed.duplicateOf, itemErrors: parsed.itemErrors, durationMs,
    };
  } catch (err) {
    const durationMs = performance.now() - started;
    const feedError = err instanceof FeedError ? err : null;
    await states
      .recordFailure(feed.id, {
        url: feed.url,
        httpStatus: feedError && 'status' in feedError ? Number((feedError as { status: unknown }).status) : null,
        message: err instanceof Error ? err.message : String(err),
        code: feedError?.code ?? 'internal',
        durationMs,
      }, now())
      .catch((stateErr: unknown) => deps.log.warn({ err: stateErr, feedId: feed.id }, 'poll: could not record the failure on the feed state'));
    throw err;
  }
}

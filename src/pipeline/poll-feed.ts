/**
 * The poll orchestrator: one feed, one poll. Fetch (conditional) → decode → parse → skip items
 * seen before → match the rules → claim content hashes → queue kept articles for storage →
 * remember. The daemon's poll worker, `veille trigger` and `npm run demo` all run this function.
 */
import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FeedSource } from '../config/watchlist.js';
import type { Settings } from '../config/schema.js';
import type { Article } from '../feeds/article.js';
import { fetchFeed } from '../feeds/fetch-feed.js';
import { decodeFeedBody } from '../feeds/decode-feed.js';
import { parseFeed } from '../feeds/parse-feed.js';
import { FeedError } from '../feeds/errors.js';
import type { RuleSet } from '../rules/rule-set.js';
import { contentHash } from '../dedupe/content-hash.js';
import { ContentClaims } from '../dedupe/content-claims.js';
import { SeenItems } from '../dedupe/seen-items.js';
import { jobOptions, type StoreJobData } from '../queues/queues.js';
import type { Keyspace } from '../queues/keyspace.js';
import { explain, type StoredArticle } from '../storage/stored-article.js';
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
}

export interface KeptSummary {
  title: string;
  url: string;
  contentHash: string;
  watches: string[];
  terms: string[];
}

export interface DuplicateSummary {
  title: string;
  url: string;
  contentHash: string;
  /** Feed that claimed the text first. */
  firstSeenOn: string | null;
}

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

interface Processed {
  firstPoll: boolean;
  itemsNew: number;
  itemsIrrelevant: number;
  itemsTooOld: number;
  kept: KeptSummary[];
  duplicateOf: DuplicateSummary[];
}

async function processArticles(feed: FeedSource, articles: Article[], deps: PollDeps, now: Date): Promise<Processed> {
  const seenItems = new SeenItems(deps.redis, deps.keys, deps.settings.dedupeRetention);
  const claims = new ContentClaims(deps.redis, deps.keys, deps.settings.dedupeRetention);
  const firstPoll = !(await seenItems.hasHistory(feed.id));
  const { unseen } = await seenItems.partition(feed.id, articles);

  let itemsTooOld = 0;
  let itemsIrrelevant = 0;
  const candidates: StoredArticle[] = [];
  const inThisPoll = new Set<string>();
  const duplicateOf: DuplicateSummary[] = [];
  const oldest = now.getTime() - feed.firstPollMaxAgeMs;
  for (const article of unseen) {
    if (firstPoll && article.publishedAt !== null && Date.parse(article.publishedAt) < oldest) {
      itemsTooOld += 1;
      continue;
    }
    const evaluation = deps.ruleSet.evaluate({ title: article.title, summary: article.summary, content: article.content });
    if (!evaluation.kept) {
      itemsIrrelevant += 1;
      continue;
    }
    const hash = contentHash(article);
    if (inThisPoll.has(hash)) {
      duplicateOf.push({ title: article.title, url: article.url, contentHash: hash, firstSeenOn: feed.id });
      continue;
    }
    inThisPoll.add(hash);
    candidates.push({
      contentHash: hash,
      article,
      matches: evaluation.watches.filter((w) => w.kept).map(explain),
      keptAt: now.toISOString(),
    });
  }

  const won = await claims.claim(candidates.map((c) => c.contentHash), feed.id);
  const toStore = candidates.filter((_, i) => won[i]);
  const lost = candidates.filter((_, i) => !won[i]);
  const owners = await claims.ownersOf(lost.map((c) => c.contentHash));
  lost.forEach((candidate, i) => {
    duplicateOf.push({ title: candidate.article.title, url: candidate.article.url, contentHash: candidate.contentHash, firstSeenOn: owners[i] ?? null });
  });
  if (toStore.length > 0) {
    const opts = jobOptions(deps.settings);
    try {
      await deps.storeQueue.addBulk(toStore.map((record) => ({ name: 'store', data: { record }, opts: { ...opts, jobId: record.contentHash } })));
    } catch (err) {
      // Not queued, so not claimed: the next poll (these items are not marked seen) tries again.
      await claims.release(toStore.map((r) => r.contentHash));
      throw err;
    }
  }
  // Every listed item, seen before or not, refreshes its place in the feed's memory.
  await seenItems.remember(feed.id, articles, now.getTime());
  return {
    firstPoll,
    itemsNew: unseen.length,
    itemsIrrelevant,
    itemsTooOld,
    duplicateOf,
    kept: toStore.map((r) => ({
      title: r.article.title,
      url: r.article.url,
      contentHash: r.contentHash,
      watches: r.matches.map((m) => m.watchId),
      terms: [...new Set(r.matches.flatMap((m) => m.hits.map((h) => h.text)))],
    })),
  };
}

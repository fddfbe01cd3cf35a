/**
 * The article stage of a poll: skip items seen before on this feed, apply the first-poll age
 * window, match the rules (fetching the full text when the feed's text is not enough), claim
 * content hashes across feeds, queue kept articles for storage, remember what was listed.
 */
import type { FeedSource } from '../config/watchlist.js';
import type { Article } from '../feeds/article.js';
import type { Evaluation } from '../rules/rule-set.js';
import { contentHash } from '../dedupe/content-hash.js';
import { ContentClaims } from '../dedupe/content-claims.js';
import { SeenItems } from '../dedupe/seen-items.js';
import { jobOptions } from '../queues/queues.js';
import { explain, type StoredArticle } from '../storage/stored-article.js';
import type { PollDeps } from './poll-feed.js';

/**
 * Given an article and how the feed's own text evaluated, returns the article with the text of
 * its page, or null to keep the feed's version. It decides itself whether a fetch is worth it
 * (per-feed `fullText: auto | always | never`).
 */
export type FullTextFetcher = (article: Article, feed: FeedSource, evaluation: Evaluation) => Promise<Article | null>;

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

export interface Processed {
  firstPoll: boolean;
  itemsNew: number;
  itemsIrrelevant: number;
  itemsTooOld: number;
  kept: KeptSummary[];
  duplicateOf: DuplicateSummary[];
}

export async function processArticles(feed: FeedSource, articles: Article[], deps: PollDeps, now: Date): Promise<Processed> {
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
  for (let article of unseen) {
    if (firstPoll && article.publishedAt !== null && Date.parse(article.publishedAt) < oldest) {
      itemsTooOld += 1;
      continue;
    }
    let evaluation = deps.ruleSet.evaluate({ title: article.title, summary: article.summary, content: article.content });
    if (deps.fullText) {
      const full = await deps.fullText(article, feed, evaluation);
      if (full) {
        article = full;
        evaluation = deps.ruleSet.evaluate({ title: article.title, summary: article.summary, content: article.content });
      }
    }
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

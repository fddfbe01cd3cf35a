/**
 * The article stage of a poll: skip items seen before on this feed (or record their edits as
 * updates), apply the first-poll age window, match the rules (fetching the full text when the
 * feed's text is not enough), check each kept article against the cross-feed story index
 * (new, same text elsewhere, or a near-duplicate) and queue the records for storage. What was
 * listed is remembered only after that, by the write the caller sends with the poll's record
 * (Processed.rememberIn) — so a crash before queueing makes the next poll do the work again.
 */
import type { ChainableCommander } from 'ioredis';
import type { FeedSource } from '../config/watchlist.js';
import type { Article } from '../feeds/article.js';
import type { Evaluation } from '../rules/rule-set.js';
import { identify, identityText, listingHashOf, textHashOf, type ArticleIdentity } from '../dedupe/content-hash.js';
import { fingerprintHex } from '../dedupe/simhash.js';
import { SeenItems, type RememberedItem } from '../dedupe/seen-items.js';
import { StoryIndex, type StoryMatch } from '../dedupe/story-index.js';
import { articleJobId, jobOptions, storeJobId } from '../queues/queues.js';
import { explain, type StoreRecord, type StoredArticle } from '../storage/stored-article.js';
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
  articleId: string;
  contentHash: string;
  watches: string[];
  terms: string[];
}

export interface DuplicateSummary {
  title: string;
  url: string;
  contentHash: string;
  /** The article it is a sighting of. */
  articleId: string;
  /** 0: the same text; else SimHash distance in bits. */
  distance: number;
}

export interface UpdateSummary {
  title: string;
  url: string;
  articleId: string;
}

export interface Processed {
  firstPoll: boolean;
  itemsNew: number;
  itemsIrrelevant: number;
  itemsTooOld: number;
  kept: KeptSummary[];
  duplicateOf: DuplicateSummary[];
  updated: UpdateSummary[];
  /** Adds the seen-items write to the caller's transaction; send it only after the records were queued (they are). */
  rememberIn: (tx: ChainableCommander) => void;
}

interface Candidate {
  article: Article;
  identity: ArticleIdentity;
  evaluation: Evaluation;
  /** Text hash of the item as the feed lists it (the article may carry its page's full text). */
  listedTextHash: string;
  /** What is remembered if the item is not kept after all (a sighting of another feed's article). */
  listingHash: string;
}

export async function processArticles(feed: FeedSource, articles: Article[], deps: PollDeps, now: Date): Promise<Processed> {
  const seenItems = new SeenItems(deps.redis, deps.keys, deps.settings.dedupeRetention);
  const stories = new StoryIndex(deps.redis, deps.keys, deps.settings.dedupeRetention, deps.settings.dedupe.nearDuplicateDistance);
  const nowMs = now.getTime();
  const at = now.toISOString();
  const { firstPoll, items } = await seenItems.lookup(feed.id, articles.map((a) => a.guid), nowMs);

  const remember: RememberedItem[] = [];
  const records: StoreRecord[] = [];
  const candidates: Candidate[] = [];
  const updated: UpdateSummary[] = [];
  const listedTwice = new Set<string>();
  let itemsNew = 0;
  let itemsTooOld = 0;
  let itemsIrrelevant = 0;
  const oldest = nowMs - feed.firstPollMaxAgeMs;

  for (const [i, listed] of articles.entries()) {
    // A feed that lists the same guid twice is processed once.
    if (listedTwice.has(listed.guid)) continue;
    listedTwice.add(listed.guid);
    let article = listed;
    // Seen items remember a kept item's text hash (only real edits are updates) and any other
    // item's listing hash (any change: judge it again), which costs no folding.
    const listingHash = listingHashOf(listed);
    const known = items[i] ?? null;
    if (known?.articleId) {
      const textHash = textHashOf(listed);
      if (known.textHash === textHash) {
        if (known.stale) remember.push({ guid: article.guid, textHash, articleId: known.articleId });
        continue;
      }
      // The publisher edited an item Veille kept: a new version of that article, not a new article.
      records.push({ kind: 'update', articleId: known.articleId, textHash, article, updatedAt: at });
      updated.push({ title: article.title, url: article.url, articleId: known.articleId });
      remember.push({ guid: article.guid, textHash, articleId: known.articleId });
      continue;
    }
    if (known && known.textHash === listingHash) {
      if (known.stale) remember.push({ guid: article.guid, textHash: listingHash, articleId: null });
      continue;
    }
    // New, or an item dropped before whose text changed: judge it (again), it may be relevant now.
    itemsNew += 1;
    if (!known && firstPoll && article.publishedAt !== null && Date.parse(article.publishedAt) < oldest) {
      itemsTooOld += 1;
      remember.push({ guid: article.guid, textHash: listingHash, articleId: null });
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
      remember.push({ guid: listed.guid, textHash: listingHash, articleId: null });
      continue;
    }
    // The content hash and fingerprint are computed for kept items only.
    const listedText = identityText(listed);
    const identity = article === listed ? identify(article, listedText) : identify(article);
    candidates.push({ article, identity, evaluation, listedTextHash: article === listed ? identity.textHash : textHashOf(listed, listedText), listingHash });
  }

  const matches = await stories.claim(candidates.map((c) => ({ articleId: c.identity.articleId, fingerprint: c.identity.fingerprint })), nowMs);
  const kept: KeptSummary[] = [];
  const duplicateOf: DuplicateSummary[] = [];
  for (const [i, candidate] of candidates.entries()) {
    const match = matches[i] as StoryMatch;
    const { article, identity, listedTextHash: textHash, listingHash } = candidate;
    if (match.kind === 'new') {
      const record = articleRecord(candidate, at);
      records.push(record);
      kept.push({
        title: article.title, url: article.url, articleId: record.id, contentHash: record.contentHash,
        watches: record.matches.map((m) => m.watchId), terms: [...new Set(record.matches.flatMap((m) => m.hits.filter((h) => h.weight > 0).map((h) => h.text)))],
      });
      remember.push({ guid: article.guid, textHash, articleId: record.id });
      continue;
    }
    const distance = match.kind === 'duplicate' ? 0 : match.distance;
    records.push({ kind: 'sighting', articleId: match.articleId, feedId: article.feedId, url: article.url, title: article.title, distance, contentHash: identity.contentHash, seenAt: at });
    duplicateOf.push({ title: article.title, url: article.url, contentHash: identity.contentHash, articleId: match.articleId, distance });
    remember.push({ guid: article.guid, textHash: listingHash, articleId: null });
    // The same text claimed but never stored (its poller crashed before queueing): store it from here.
    if (match.kind === 'duplicate' && !match.stored && !(await deps.storeQueue.getJob(articleJobId(match.articleId)))) {
      records.push(articleRecord(candidate, at));
      deps.log.warn({ feedId: feed.id, articleId: match.articleId }, 'dedupe: recovered an article whose storage job was lost');
    }
  }

  if (records.length > 0) {
    const opts = jobOptions(deps.settings);
    await deps.storeQueue.addBulk(records.map((record) => ({ name: record.kind, data: { record }, opts: { ...opts, jobId: storeJobId(record) } })));
  }
  return {
    firstPoll, itemsNew, itemsIrrelevant, itemsTooOld, kept, duplicateOf, updated,
    rememberIn: (tx) => seenItems.rememberIn(tx, feed.id, remember, nowMs),
  };
}

function articleRecord(candidate: Candidate, keptAt: string): StoredArticle {
  return {
    kind: 'article',
    id: candidate.identity.articleId,
    contentHash: candidate.identity.contentHash,
    fingerprint: fingerprintHex(candidate.identity.fingerprint),
    article: candidate.article,
    matches: candidate.evaluation.watches.filter((w) => w.kept).map(explain),
    keptAt,
  };
}

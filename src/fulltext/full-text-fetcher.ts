/**
 * The FullTextFetcher the poll worker hands to the article stage: when a feed gives only a
 * summary that matches one topic of a watch but not the whole watch (mode "auto"), or for every
 * new item (mode "always"), fetch the article page — through the network guard and the same
 * per-host politeness as feeds — and return the article with the page's main text as content.
 * Any failure keeps the feed's version: a missing page must never lose an item.
 */
import type { Settings } from '../config/schema.js';
import type { FeedSource } from '../config/watchlist.js';
import type { Article } from '../feeds/article.js';
import { canonicalUrl } from '../dedupe/canonical-url.js';
import { decodeFeedBody } from '../feeds/decode-feed.js';
import { fetchFeed } from '../feeds/fetch-feed.js';
import { FeedError } from '../feeds/errors.js';
import { leaseFor, type HostLimiter } from '../politeness/host-limiter.js';
import type { Evaluation } from '../rules/rule-set.js';
import type { FullTextFetcher } from '../pipeline/process-articles.js';
import type { Logger } from '../logging/logger.js';
import { extractArticleText } from './extract-article-text.js';
import type { NetworkGuard } from './network-guard.js';

const HTML_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1';
/** After a host cannot be reached (DNS, connection, timeout, refused address), leave it alone this long. */
const UNREACHABLE_FOR_MS = 10 * 60_000;
const UNREACHABLE_CODES = new Set(['NETWORK', 'TIMEOUT', 'BLOCKED_ADDRESS', 'HOST_BUSY']);

export interface FullTextDeps {
  settings: () => Settings;
  guard: NetworkGuard;
  hosts?: HostLimiter;
  log: Logger;
}

/** Whether the feed's own text is worth completing with the page's. */
export function wantsFullText(mode: FeedSource['fullText'], evaluation: Evaluation): boolean {
  if (mode === 'never') return false;
  if (mode === 'always') return true;
  // "auto": a watch half-matched (e.g. Russia but not North Korea yet); the rest may be in the body.
  return !evaluation.kept && evaluation.watches.some((w) => w.partial);
}

export function createFullTextFetcher(deps: FullTextDeps): FullTextFetcher {
  // Pages fetched per poll (a poll's articles share feedId and fetchedAt), bounded by maxPerPoll.
  const perPoll = new Map<string, number>();
  // Hosts that just failed: a poll with ten links to a dead host pays for one attempt, not ten.
  const unreachable = new Map<string, number>();
  return async (article: Article, feed: FeedSource, evaluation: Evaluation): Promise<Article | null> => {
    const settings = deps.settings();
    if (article.url === '' || !wantsFullText(feed.fullText, evaluation)) return null;
    const host = hostOf(article.url);
    if (host === null || (unreachable.get(host) ?? 0) > Date.now()) return null;
    const pollKey = `${article.feedId}@${article.fetchedAt}`;
    const count = perPoll.get(pollKey) ?? 0;
    if (count >= settings.fullText.maxPerPoll) return null;
    perPoll.set(pollKey, count + 1);
    if (perPoll.size > 1000) perPoll.delete(perPoll.keys().next().value as string);

    const started = performance.now();
    const log = deps.log.child({ feedId: feed.id, url: article.url });
    try {
      const page = await fetchFeed({
        url: article.url,
        timeoutMs: settings.fullText.timeout,
        maxBodyBytes: settings.fullText.maxBodyBytes,
        userAgent: feed.userAgent,
        accept: HTML_ACCEPT,
        dispatcher: deps.guard.dispatcher,
        checkTarget: deps.guard.checkTarget,
        ...(deps.hosts ? { acquireHost: (url: URL, signal?: AbortSignal) => deps.hosts!.acquire(url, signal, leaseFor(settings.fullText.timeout)) } : {}),
      });
      if (page.kind !== 'fetched') return null;
      if (page.contentType !== null && !/html|xml/i.test(page.contentType)) {
        log.info({ contentType: page.contentType, durationMs: Math.round(performance.now() - started) }, 'fulltext: the link is not an HTML page; kept the feed text');
        return null;
      }
      const { text } = decodeFeedBody(page.body, withHtmlCharset(page.contentType, page.body));
      const extracted = extractArticleText(text);
      const durationMs = Math.round(performance.now() - started);
      // The page names its own canonical address: the article is stored under it (dedupe layer 1).
      const url = (extracted.canonical && canonicalUrl(extracted.canonical, page.finalUrl)) || article.url;
      if (extracted.text.length <= Math.max(article.summary.length, article.content.length)) {
        log.debug({ durationMs, method: extracted.method }, 'fulltext: the page holds no more text than the feed');
        return url === article.url ? null : { ...article, url };
      }
      log.debug({ durationMs, method: extracted.method, chars: extracted.text.length }, 'fulltext: read the article page');
      return { ...article, url, content: extracted.text };
    } catch (err) {
      const durationMs = Math.round(performance.now() - started);
      const code = err instanceof FeedError ? err.code : 'internal';
      if (UNREACHABLE_CODES.has(code)) {
        unreachable.set(host, Date.now() + UNREACHABLE_FOR_MS);
        if (unreachable.size > 1000) unreachable.delete(unreachable.keys().next().value as string);
      }
      const level = code === 'BLOCKED_ADDRESS' ? 'warn' : 'info';
      log[level]({ err, errCode: code, durationMs }, `fulltext: kept the feed text: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  };
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** HTML says its charset in <meta>, which decodeFeedBody (made for XML prologs) does not read. */
function withHtmlCharset(contentType: string | null, body: Buffer): string | null {
  if (contentType !== null && /charset=/i.test(contentType)) return contentType;
  const head = body.subarray(0, 4096).toString('latin1');
  const charset = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
  return charset ? `text/html; charset=${charset}` : contentType;
}

/**
 * `veille search "<query>" [--since 7d] [--limit 20] [--json]`: what the store holds about a
 * subject. Full-text (French stemming) in PostgreSQL, a case- and accent-insensitive scan of the
 * file for NDJSON; the same ArticleReader the status page uses. Needs no Redis and no daemon.
 */
import type { Command } from 'commander';
import { loadWatchlist } from '../config/watchlist.js';
import { parseDuration } from '../config/duration.js';
import { openArticleReader } from '../storage/open-sink.js';
import type { ArticleView } from '../storage/article-reader.js';
import { isStoreUnavailable } from '../storage/storage-errors.js';
import { CliError } from './cli-error.js';

export interface SearchHit {
  id: string;
  title: string;
  feedId: string;
  url: string;
  keptAt: string;
  publishedAt: string | null;
  /** The watch terms that made Veille keep it, as they appear in the text. */
  matchedTerms: string[];
  /** Other places it was seen (sightings). */
  alsoSeenAt: number;
  sightings: { feedId: string; url: string; distance: number; seenAt: string }[];
  updates: number;
}

export function toSearchHit(view: ArticleView): SearchHit {
  const { article: stored } = view;
  const terms = new Map<string, string>();
  for (const match of stored.matches) for (const hit of match.hits) terms.set(hit.text.toLowerCase(), terms.get(hit.text.toLowerCase()) ?? hit.text);
  return {
    id: stored.id,
    title: stored.article.title,
    feedId: stored.article.feedId,
    url: stored.article.url,
    keptAt: stored.keptAt,
    publishedAt: stored.article.publishedAt,
    matchedTerms: [...terms.values()],
    alsoSeenAt: view.sightings.length,
    sightings: view.sightings.map((s) => ({ feedId: s.feedId, url: s.url, distance: s.distance, seenAt: s.seenAt })),
    updates: view.updates,
  };
}

export function formatSearchHits(query: string, hits: SearchHit[]): string {
  if (hits.length === 0) return `no stored article matches "${query}"`;
  const blocks = hits.map((h) => [
    h.title || '(no title)',
    `  feed:    ${h.feedId}`,
    `  kept:    ${h.keptAt.replace('T', ' ').slice(0, 16)} UTC`,
    `  url:     ${h.url || '(none)'}`,
    `  matched: ${h.matchedTerms.join(', ') || '(none recorded)'}`,
    `  also seen at: ${h.alsoSeenAt} other place${h.alsoSeenAt === 1 ? '' : 's'}${h.updates > 0 ? `; ${h.updates} later version${h.updates === 1 ? '' : 's'}` : ''}`,
  ].join('\n'));
  return `${blocks.join('\n\n')}\n\n${hits.length} article${hits.length === 1 ? '' : 's'}`;
}

/** "7d" (the last seven days) or a date ("2026-11-01"). */
function parseSince(value: string): Date {
  const ms = parseDuration(value);
  if (ms !== null) return new Date(Date.now() - ms);
  const time = Date.parse(value);
  if (!Number.isNaN(time)) return new Date(time);
  throw new CliError(`--since: "${value}" is neither a duration (7d, 12h) nor a date (2026-11-01)`, 2);
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new CliError(`--limit: "${value}" is not a whole number from 1 to 1000`, 2);
  return n;
}

export function registerSearchCommand(program: Command): void {
  program
    .command('search')
    .description('search the stored articles (full-text in PostgreSQL, a scan for NDJSON); best match first')
    .argument('<query>', 'words to look for; in PostgreSQL, "quoted phrases", OR and -excluded words work too')
    .option('--since <when>', 'only articles kept since then: a duration (7d, 12h) or a date', parseSince)
    .option('--limit <n>', 'at most this many articles', parseLimit, 20)
    .option('--json', 'print JSON')
    .action(async (query: string, opts: { since?: Date; limit: number; json?: boolean }, cmd: Command) => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      const watchlist = await loadWatchlist(config);
      const reader = openArticleReader(watchlist.settings.sink);
      try {
        const views = await reader.search(query, { limit: opts.limit, ...(opts.since ? { since: opts.since } : {}) });
        const hits = views.map(toSearchHit);
        process.stdout.write(`${opts.json ? JSON.stringify(hits, null, 2) : formatSearchHits(query, hits)}\n`);
      } catch (err) {
        if (isStoreUnavailable(err)) {
          throw new CliError(`search: cannot reach PostgreSQL at ${err.target} (${err.reason}); start it, or fix settings.sink.url (default $DATABASE_URL) in ${watchlist.file}`);
        }
        throw err;
      } finally {
        await reader.close();
      }
    });
}

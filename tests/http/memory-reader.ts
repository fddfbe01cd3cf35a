/**
 * A tiny ArticleReader over an array, for tests of the read side's users (the status page): the
 * real readers are tested with the sinks. `failWith` makes every call fail, as a down store does.
 */
import type { ArticleReader, ArticleView } from '../../src/storage/article-reader.js';
import { explain, type StoredArticle } from '../../src/storage/stored-article.js';
import type { Watchlist } from '../../src/config/watchlist.js';
import type { Article } from '../../src/feeds/article.js';

export interface MemoryReader extends ArticleReader {
  views: ArticleView[];
  failWith: Error | undefined;
}

export function memoryReader(views: ArticleView[] = []): MemoryReader {
  const reader: MemoryReader = {
    description: 'memory (test)',
    views,
    failWith: undefined,
    async latest(limit) {
      if (reader.failWith) throw reader.failWith;
      return reader.views.slice().sort((a, b) => b.article.keptAt.localeCompare(a.article.keptAt)).slice(0, limit);
    },
    async search(query, options) {
      if (reader.failWith) throw reader.failWith;
      const q = query.toLowerCase();
      return reader.views.filter((v) => `${v.article.article.title} ${v.article.article.summary}`.toLowerCase().includes(q)).slice(0, options?.limit ?? 20);
    },
    async countsPerDay(days) {
      if (reader.failWith) throw reader.failWith;
      const counts = new Map<string, number>();
      for (const v of reader.views) counts.set(v.article.keptAt.slice(0, 10), (counts.get(v.article.keptAt.slice(0, 10)) ?? 0) + 1);
      return [...counts].sort().slice(-days).map(([day, count]) => ({ day, count }));
    },
    async close() {},
  };
  return reader;
}

/** A stored article explained by the watchlist's real rules (so hits carry real offsets). */
export function keptArticle(watchlist: Watchlist, fields: Pick<Article, 'feedId' | 'title' | 'summary'> & Partial<Article>, id = 'a1b2c3d4e5f6a7b8c9d0e1f2'): StoredArticle {
  const article: Article = { guid: fields.url ?? id, url: `https://exemple.fr/${id}`, content: '', publishedAt: new Date().toISOString(), fetchedAt: new Date().toISOString(), ...fields };
  const evaluation = watchlist.ruleSet.evaluate(article);
  const matches = evaluation.watches.filter((w) => w.kept).map(explain);
  if (matches.length === 0) throw new Error(`test fixture: "${article.title}" is not kept by the shipped rules`);
  return { kind: 'article', id, contentHash: `${id}00000000`, fingerprint: '0000000000000000', article, matches, keptAt: new Date().toISOString() };
}

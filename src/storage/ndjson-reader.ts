/**
 * The read side of the NDJSON store: a scan of the whole file per call, which is fine for the
 * embedded default (thousands of articles, not millions). Search is case- and accent-insensitive:
 * the query as a phrase, else all its words, in the title, summary or text.
 */
import type { ArticleReader, ArticleView, SearchOptions } from './article-reader.js';
import { readNdjsonStore } from './ndjson-sink.js';
import { foldText } from '../dedupe/fold-text.js';
import type { Sighting, StoredArticle } from './stored-article.js';
import { lastDays } from './days.js';

export class NdjsonReader implements ArticleReader {
  readonly description: string;
  private readonly filePath: string;

  constructor(filePath: string) {
    this.filePath = filePath;
    this.description = `ndjson:${filePath}`;
  }

  private async views(): Promise<ArticleView[]> {
    const articles: StoredArticle[] = [];
    const sightings = new Map<string, Sighting[]>();
    const updates = new Map<string, number>();
    for (const record of await readNdjsonStore(this.filePath)) {
      if (record.kind === 'article') articles.push(record);
      else if (record.kind === 'sighting') sightings.set(record.articleId, [...(sightings.get(record.articleId) ?? []), record]);
      else updates.set(record.articleId, (updates.get(record.articleId) ?? 0) + 1);
    }
    return articles.map((article) => ({
      article,
      sightings: (sightings.get(article.id) ?? []).sort((a, b) => a.seenAt.localeCompare(b.seenAt)),
      updates: updates.get(article.id) ?? 0,
    }));
  }

  async latest(limit: number): Promise<ArticleView[]> {
    return newestFirst(await this.views()).slice(0, limit);
  }

  async search(query: string, options: SearchOptions = {}): Promise<ArticleView[]> {
    const phrase = foldText(query);
    const words = phrase.split(' ').filter(Boolean);
    if (words.length === 0) return [];
    const since = options.since?.getTime() ?? -Infinity;
    const scored: { view: ArticleView; score: number }[] = [];
    for (const view of await this.views()) {
      if (Date.parse(view.article.keptAt) < since) continue;
      const score = scoreText(view.article, phrase, words);
      if (score > 0) scored.push({ view, score });
    }
    scored.sort((a, b) => b.score - a.score || b.view.article.keptAt.localeCompare(a.view.article.keptAt));
    return scored.slice(0, options.limit ?? 20).map((s) => s.view);
  }

  async countsPerDay(days: number): Promise<{ day: string; count: number }[]> {
    const counts = new Map(lastDays(days).map((day) => [day, 0]));
    for (const { article } of await this.views()) {
      const day = article.keptAt.slice(0, 10);
      const count = counts.get(day);
      if (count !== undefined) counts.set(day, count + 1);
    }
    return [...counts].map(([day, count]) => ({ day, count }));
  }

  async close(): Promise<void> {
    // Nothing held open between calls.
  }
}

function newestFirst(views: ArticleView[]): ArticleView[] {
  return views.sort((a, b) => b.article.keptAt.localeCompare(a.article.keptAt));
}

/** 0 when the article does not match; a phrase beats scattered words, the title beats the text. */
function scoreText(stored: StoredArticle, phrase: string, words: string[]): number {
  const title = ` ${foldText(stored.article.title)} `;
  const body = ` ${foldText(`${stored.article.summary} ${stored.article.content}`)} `;
  if (title.includes(phrase)) return 4;
  if (body.includes(phrase)) return 3;
  const all = `${title} ${body}`;
  if (!words.every((w) => all.includes(w))) return 0;
  return words.every((w) => title.includes(w)) ? 2 : 1;
}

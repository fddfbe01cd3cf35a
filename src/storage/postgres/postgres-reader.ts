/**
 * The read side of the PostgreSQL store: the latest articles, a French full-text search
 * (`websearch_to_tsquery('french', …)` over the generated, GIN-indexed `search` column, accents
 * removed on both sides, ranked with the title weighted above the text), and counts per UTC
 * day. Read-only: it never migrates, so it works against a store another process owns.
 */
import type pg from 'pg';
import type { ArticleReader, ArticleView, SearchOptions } from '../article-reader.js';
import { createPool, describeDatabase, quoteIdentifier, whileAvailable, type PostgresSinkSettings } from './connection.js';
import { ARTICLE_COLUMNS, articleFromRow, sightingFromRow, type ArticleRow, type SightingRow } from './article-rows.js';
import { lastDays } from '../days.js';
import { unaccentedSql } from './unaccented.js';

export class PostgresReader implements ArticleReader {
  readonly description: string;
  private readonly pool: pg.Pool;
  private readonly url: string;
  private readonly s: string;

  constructor(settings: PostgresSinkSettings) {
    this.description = `postgres:${describeDatabase(settings.url)} (schema ${settings.schema})`;
    this.pool = createPool(settings, 2);
    this.url = settings.url;
    this.s = quoteIdentifier(settings.schema);
  }

  /** Runs a read; a store whose tables do not exist yet (the store role has not started once) reads as empty. */
  private read<T>(empty: T, work: () => Promise<T>): Promise<T> {
    return whileAvailable(this.url, async () => {
      try {
        return await work();
      } catch (err) {
        if ((err as { code?: unknown }).code === '42P01') return empty;
        throw err;
      }
    });
  }

  latest(limit: number): Promise<ArticleView[]> {
    return this.read([], async () => {
      const { rows } = await this.pool.query<ArticleRow>(`SELECT ${ARTICLE_COLUMNS} FROM ${this.s}.articles ORDER BY kept_at DESC, id LIMIT $1`, [limit]);
      return this.views(rows);
    });
  }

  search(query: string, options: SearchOptions = {}): Promise<ArticleView[]> {
    return this.read([], async () => {
      const { rows } = await this.pool.query<ArticleRow>(
        `SELECT ${ARTICLE_COLUMNS}
           FROM ${this.s}.articles, websearch_to_tsquery('french', ${unaccentedSql('$1::text')}) AS q
          WHERE search @@ q AND kept_at >= $2
          ORDER BY ts_rank_cd(search, q) DESC, kept_at DESC, id
          LIMIT $3`,
        [query, (options.since ?? new Date(0)).toISOString(), options.limit ?? 20],
      );
      return this.views(rows);
    });
  }

  countsPerDay(days: number): Promise<{ day: string; count: number }[]> {
    const axis = lastDays(days);
    return this.read(axis.map((day) => ({ day, count: 0 })), async () => {
      if (axis.length === 0) return [];
      const { rows } = await this.pool.query<{ day: string; count: number }>(
        `SELECT to_char(kept_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS count
           FROM ${this.s}.articles WHERE kept_at >= $1::timestamptz GROUP BY 1`,
        // Midnight UTC, written out: a bare date would be read in the server's time zone.
        [`${axis[0]}T00:00:00Z`],
      );
      const counts = new Map(rows.map((r) => [r.day, r.count]));
      return axis.map((day) => ({ day, count: counts.get(day) ?? 0 }));
    });
  }

  /** Sightings and update counts for a page of articles, in two queries. */
  private async views(rows: ArticleRow[]): Promise<ArticleView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [sightings, updates] = await Promise.all([
      this.pool.query<SightingRow>(`SELECT article_id, feed_id, url, title, distance, content_hash, seen_at FROM ${this.s}.article_sightings WHERE article_id = ANY($1) ORDER BY seen_at, sighting_key`, [ids]),
      this.pool.query<{ article_id: string; count: number }>(`SELECT article_id, count(*)::int AS count FROM ${this.s}.article_updates WHERE article_id = ANY($1) GROUP BY 1`, [ids]),
    ]);
    const seen = new Map<string, ArticleView['sightings']>();
    for (const row of sightings.rows) seen.set(row.article_id, [...(seen.get(row.article_id) ?? []), sightingFromRow(row)]);
    const updated = new Map(updates.rows.map((r) => [r.article_id, r.count]));
    return rows.map((row) => ({ article: articleFromRow(row), sightings: seen.get(row.id) ?? [], updates: updated.get(row.id) ?? 0 }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

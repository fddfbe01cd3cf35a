/**
 * The PostgreSQL sink: articles, their updates and their sightings in three tables of one
 * schema, for several store processes at once. Every insert is `ON CONFLICT DO NOTHING` on the
 * record's key, so a job that runs twice writes once. The schema is migrated at open; if
 * PostgreSQL is down then, opening still succeeds and the migration is tried again before the
 * first write, so the store role starts and its jobs wait instead of the daemon failing.
 */
import type pg from 'pg';
import type { ArticleSink, RetryWhileUnavailable, WriteOutcome } from '../article-sink.js';
import { recordKey, type ArticleUpdate, type Sighting, type StoreRecord, type StoredArticle } from '../stored-article.js';
import { articleBody } from '../../feeds/article.js';
import { guessLanguage } from '../article-language.js';
import { asUnavailable, createPool, describeDatabase, quoteIdentifier, whileAvailable, type PostgresSinkSettings } from './connection.js';
import { migrate } from './migrations.js';
import { cleanText, timestampOrNow, timestampOrNull } from './article-rows.js';

export interface PostgresSinkOptions extends PostgresSinkSettings {
  retry: { initial: number; max: number };
}

export class PostgresSink implements ArticleSink {
  readonly description: string;
  readonly retryWhileUnavailable: RetryWhileUnavailable;
  private readonly pool: pg.Pool;
  private readonly settings: PostgresSinkOptions;
  private readonly s: string;
  private migrated: Promise<void> | undefined;

  private constructor(settings: PostgresSinkOptions) {
    this.settings = settings;
    this.description = `postgres:${describeDatabase(settings.url)} (schema ${settings.schema})`;
    this.retryWhileUnavailable = { initialMs: settings.retry.initial, maxMs: settings.retry.max };
    // Writes take milliseconds; enough connections that jobs never queue for one long enough to look like an outage.
    this.pool = createPool(settings, 10);
    this.s = quoteIdentifier(settings.schema);
  }

  /** Opens the pool and migrates; a PostgreSQL that is down is not an error here (see header). */
  static async open(settings: PostgresSinkOptions): Promise<PostgresSink> {
    const sink = new PostgresSink(settings);
    try {
      await sink.ready();
    } catch (err) {
      if (asUnavailable(err, settings.url) === null) {
        await sink.pool.end();
        throw new Error(`storage: cannot create or migrate schema "${settings.schema}" in PostgreSQL at ${describeDatabase(settings.url)}: `
          + `${(err as Error).message}; the user in settings.sink.url needs CREATE on the database (or to own the schema), `
          + 'and settings.sink.schema must not start with pg_', { cause: err });
      }
    }
    return sink;
  }

  /** Migrated once per process; a failed attempt is forgotten so the next write tries again. */
  private ready(): Promise<void> {
    this.migrated ??= whileAvailable(this.settings.url, async () => { await migrate(this.pool, this.settings.schema); })
      .catch((err: unknown) => {
        this.migrated = undefined;
        throw err;
      });
    return this.migrated;
  }

  async write(record: StoreRecord): Promise<WriteOutcome> {
    await this.ready();
    return whileAvailable(this.settings.url, async () => {
      const inserted = record.kind === 'article' ? await this.insertArticle(record)
        : record.kind === 'update' ? await this.insertUpdate(record)
          : await this.insertSighting(record);
      return inserted ? 'written' : 'duplicate';
    });
  }

  private async insertArticle(r: StoredArticle): Promise<boolean> {
    const a = r.article;
    const result = await this.pool.query(
      `INSERT INTO ${this.s}.articles (id, content_hash, fingerprint, feed_id, guid, url, title, summary, content, language, published_at, fetched_at, kept_at, matches)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)
       ON CONFLICT DO NOTHING`,
      [r.id, r.contentHash, r.fingerprint, a.feedId, cleanText(a.guid), cleanText(a.url), cleanText(a.title), cleanText(a.summary), cleanText(a.content),
        guessLanguage(`${a.title} ${articleBody(a)}`), timestampOrNull(a.publishedAt), timestampOrNow(a.fetchedAt), timestampOrNow(r.keptAt),
        JSON.stringify(r.matches).replace(/\\u0000/g, '')],
    );
    return result.rowCount === 1;
  }

  private async insertUpdate(r: ArticleUpdate): Promise<boolean> {
    const a = r.article;
    const result = await this.pool.query(
      `INSERT INTO ${this.s}.article_updates (article_id, text_hash, feed_id, guid, url, title, summary, content, published_at, fetched_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (article_id, text_hash) DO NOTHING`,
      [r.articleId, r.textHash, a.feedId, cleanText(a.guid), cleanText(a.url), cleanText(a.title), cleanText(a.summary), cleanText(a.content),
        timestampOrNull(a.publishedAt), timestampOrNow(a.fetchedAt), timestampOrNow(r.updatedAt)],
    );
    return result.rowCount === 1;
  }

  private async insertSighting(r: Sighting): Promise<boolean> {
    // The same key as every other sink: recordKey without its "sighting:<articleId>:" head.
    const key = recordKey(r).slice(`sighting:${r.articleId}:`.length);
    const result = await this.pool.query(
      `INSERT INTO ${this.s}.article_sightings (article_id, sighting_key, feed_id, url, title, distance, content_hash, seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (article_id, sighting_key) DO NOTHING`,
      [r.articleId, cleanText(key), r.feedId, cleanText(r.url), cleanText(r.title), r.distance, r.contentHash, timestampOrNow(r.seenAt)],
    );
    return result.rowCount === 1;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

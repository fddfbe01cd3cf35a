/**
 * The PostgreSQL schema, as an ordered list of migrations applied by the store role itself when
 * it opens the sink: no manual SQL. Each runs once, recorded in `schema_migrations`; all pending
 * ones run in one transaction under an advisory lock, so several store processes starting at
 * once migrate exactly once and none sees half a schema. Never edit a published migration:
 * append a new one.
 */
import type pg from 'pg';
import { quoteIdentifier } from './connection.js';
import { unaccentedSql } from './unaccented.js';

export interface Migration {
  version: number;
  name: string;
  /** SQL for the schema `s` (already quoted). */
  sql: (s: string) => string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'articles, updates, sightings, French full-text index',
    sql: (s) => `
      CREATE TABLE ${s}.articles (
        id            text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{24}$'),
        content_hash  text NOT NULL UNIQUE,
        fingerprint   text NOT NULL,
        feed_id       text NOT NULL,
        guid          text NOT NULL,
        url           text NOT NULL,
        title         text NOT NULL,
        summary       text NOT NULL,
        content       text NOT NULL,
        language      text NOT NULL DEFAULT 'fr',
        published_at  timestamptz,
        fetched_at    timestamptz NOT NULL,
        kept_at       timestamptz NOT NULL,
        matches       jsonb NOT NULL,
        search        tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('french', ${unaccentedSql('title')}), 'A') ||
                        setweight(to_tsvector('french', ${unaccentedSql("summary || ' ' || content")}), 'B')) STORED
      );
      CREATE INDEX articles_search_idx ON ${s}.articles USING gin (search);
      CREATE INDEX articles_kept_at_idx ON ${s}.articles (kept_at DESC);
      CREATE INDEX articles_url_idx ON ${s}.articles (url);
      CREATE INDEX articles_feed_idx ON ${s}.articles (feed_id, kept_at DESC);

      -- No foreign key to articles: a sighting or an update may be stored before its article's
      -- own job has run (retries reorder jobs); article_id joins them once both are there.
      CREATE TABLE ${s}.article_updates (
        article_id    text NOT NULL,
        text_hash     text NOT NULL,
        feed_id       text NOT NULL,
        guid          text NOT NULL,
        url           text NOT NULL,
        title         text NOT NULL,
        summary       text NOT NULL,
        content       text NOT NULL,
        published_at  timestamptz,
        fetched_at    timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL,
        PRIMARY KEY (article_id, text_hash)
      );

      CREATE TABLE ${s}.article_sightings (
        article_id    text NOT NULL,
        -- What makes a sighting one (recordKey): its URL, else feed and content hash.
        sighting_key  text NOT NULL,
        feed_id       text NOT NULL,
        url           text NOT NULL,
        title         text NOT NULL,
        distance      smallint NOT NULL,
        content_hash  text NOT NULL,
        seen_at       timestamptz NOT NULL,
        PRIMARY KEY (article_id, sighting_key)
      );`,
  },
];

export interface MigrationReport {
  applied: number[];
  version: number;
}

/** Brings `schema` up to the last migration; returns what it applied. */
export async function migrate(pool: pg.Pool, schema: string, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  const s = quoteIdentifier(schema);
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    // Held to the end of the transaction: the second of two starting processes waits, then finds nothing to do.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`veille:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`)).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    const version = Math.max(0, ...done, ...applied);
    return { applied, version };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => { broken = true; });
    throw err;
  } finally {
    // A connection that could not even roll back is dropped, not returned to the pool.
    client.release(broken);
  }
}

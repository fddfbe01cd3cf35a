/** The PostgreSQL sink and reader against the real PostgreSQL, in a schema of their own per test. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresSink } from '../../src/storage/postgres/postgres-sink.js';
import { PostgresReader } from '../../src/storage/postgres/postgres-reader.js';
import { MIGRATIONS } from '../../src/storage/postgres/migrations.js';
import { StoreUnavailableError } from '../../src/storage/storage-errors.js';
import { openTestPostgres, type TestPostgres } from '../support/postgres.js';
import { articleRecord, sightingOf, updateOf } from './records.js';

let t: TestPostgres;
beforeEach(async () => { t = await openTestPostgres(); });
afterEach(async () => { await t.cleanup(); });

const count = async (table: string) => Number((await t.query<{ n: string }>(`SELECT count(*) AS n FROM ${t.schema}.${table}`))[0]!.n);

describe('migrations', () => {
  it('creates the schema at open, once, although three store processes open it at the same moment', async () => {
    const sinks = await Promise.all([1, 2, 3].map(() => PostgresSink.open(t.sink())));
    await Promise.all(sinks.map((s) => s.close()));
    const applied = await t.query<{ version: number; name: string }>(`SELECT version, name FROM ${t.schema}.schema_migrations ORDER BY version`);
    expect(applied.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const tables = await t.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [t.schema]);
    expect(tables.map((r) => r.table_name)).toEqual(['article_sightings', 'article_updates', 'articles', 'schema_migrations']);
    const indexes = await t.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'articles_search_idx'`, [t.schema]);
    expect(indexes[0]?.indexdef).toContain('USING gin (search)');
  });

  it('says which schema it could not create, where, and what the user needs', async () => {
    await expect(PostgresSink.open(t.sink({ schema: 'pg_veille' }))).rejects.toThrow(
      /^storage: cannot create or migrate schema "pg_veille" in PostgreSQL at \S+: unacceptable schema name "pg_veille"; the user in settings\.sink\.url needs CREATE/);
  });

  it('a failed migration leaves nothing behind and is not recorded', async () => {
    const { migrate } = await import('../../src/storage/postgres/migrations.js');
    const { createPool } = await import('../../src/storage/postgres/connection.js');
    const pool = createPool(t.sink(), 1);
    try {
      await expect(migrate(pool, t.schema, [...MIGRATIONS, { version: 99, name: 'broken', sql: (s) => `CREATE TABLE ${s}.x (y nosuchtype)` }])).rejects.toThrow(/nosuchtype/);
      expect((await t.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = $1`, [t.schema]))).toHaveLength(0);
      expect((await migrate(pool, t.schema)).applied).toEqual([1]);
    } finally {
      await pool.end();
    }
  });
});

describe('PostgresSink', () => {
  it('writes each record once: retried, concurrent and reopened writes are duplicates', async () => {
    const sink = await PostgresSink.open(t.sink());
    const a = articleRecord(0);
    const b = articleRecord(1);
    const outcomes = await Promise.all([a, b, a, a, b].map((r) => sink.write(r)));
    expect(outcomes.filter((o) => o === 'written')).toHaveLength(2);
    expect(await sink.write(sightingOf(a, 'autre'))).toBe('written');
    expect(await sink.write({ ...sightingOf(a, 'autre'), seenAt: new Date(0).toISOString() })).toBe('duplicate');
    expect(await sink.write(updateOf(a, 1))).toBe('written');
    expect(await sink.write(updateOf(a, 1))).toBe('duplicate');
    expect(await sink.write(updateOf(a, 2))).toBe('written');
    // The same content under another id is the same article (content hash is unique too).
    expect(await sink.write({ ...a, id: 'f'.repeat(24) })).toBe('duplicate');
    await sink.close();

    const reopened = await PostgresSink.open(t.sink());
    expect(await reopened.write(a)).toBe('duplicate');
    await reopened.close();
    expect([await count('articles'), await count('article_sightings'), await count('article_updates')]).toEqual([2, 1, 2]);
  });

  it('stores the article, its explanation as JSONB and its language; NUL characters and unreadable dates do not fail it', async () => {
    const sink = await PostgresSink.open(t.sink());
    const a = articleRecord(0);
    const odd = { ...articleRecord(1), article: { ...articleRecord(1).article, title: 'Poutine\u0000 et Kim', publishedAt: 'pas une date' } };
    const english = { ...articleRecord(2), article: { ...articleRecord(2).article, title: 'Putin meets Kim', summary: 'The Russian leader said that the talks with the North Korean leader were held in Pyongyang and that this was the first visit by the president since 2000.' } };
    for (const r of [a, odd, english]) expect(await sink.write(r)).toBe('written');
    await sink.close();
    const rows = await t.query<{ id: string; title: string; language: string; published_at: Date | null; watch: string; terms: string[] }>(
      `SELECT id, title, language, published_at, matches->0->>'watchId' AS watch, ARRAY(SELECT jsonb_array_elements(matches->0->'hits')->>'text') AS terms FROM ${t.schema}.articles`);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(a.id)).toMatchObject({ language: 'fr', watch: 'ru-nk', terms: ['Poutine', 'Kim Jong Un'] });
    expect(byId.get(odd.id)).toMatchObject({ title: 'Poutine et Kim', published_at: null });
    expect(byId.get(english.id)?.language).toBe('en');
  });

  it('opens while PostgreSQL is down, and says so on write with where and why', async () => {
    const sink = await PostgresSink.open(t.sink({ url: 'postgres://127.0.0.1:9/test' }));
    const failure = await sink.write(articleRecord(0)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect(failure).toMatchObject({ target: '127.0.0.1:9/test', reason: 'ECONNREFUSED' });
    await sink.close();
  });

  it('treats an unknown database as unavailable (jobs wait for the fix) rather than failing the record', async () => {
    const sink = await PostgresSink.open(t.sink({ url: `${t.url}_no_such_database` }));
    const failure = await sink.write(articleRecord(0)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as StoreUnavailableError).reason).toMatch(/does not exist/);
    await sink.close();
  });
});

describe('PostgresReader', () => {
  it('finds articles by French full text (stemmed), ranks title hits first, and filters by date', async () => {
    const sink = await PostgresSink.open(t.sink());
    const old = articleRecord(1, new Date(Date.now() - 10 * 86_400_000).toISOString());
    const [a, c] = [articleRecord(0), articleRecord(2)];
    for (const r of [a, old, c, sightingOf(a, 'lefigaro'), sightingOf(a, 'liberation'), updateOf(a, 1)]) await sink.write(r);
    await sink.close();

    const reader = new PostgresReader(t.sink());
    try {
      // "coréen" finds "nord-coréen" and "nord-coréens" (the French stemmer), both articles.
      const found = await reader.search('coréen');
      expect(found.map((v) => v.article.id).sort()).toEqual([a.id, old.id].sort());
      // Accents and case as people type them.
      expect((await reader.search('NORD COREENS')).map((v) => v.article.id).sort()).toEqual([a.id, old.id].sort());
      expect((await reader.search('sergueï lavrov')).map((v) => v.article.id)).toEqual([c.id]);
      // Title weighted above text: Koursk is in the second article's title.
      expect((await reader.search('soldats russes'))[0]?.article.id).toBe(old.id);
      expect(await reader.search('coréen', { since: new Date(Date.now() - 86_400_000) })).toHaveLength(1);
      expect(await reader.search('"Choe Son Hui" -Poutine')).toHaveLength(1);
      expect(await reader.search('football')).toEqual([]);
      const [view] = await reader.search('Kremlin');
      expect(view).toMatchObject({ article: a, updates: 1 });
      expect(view?.sightings.map((s) => s.feedId).sort()).toEqual(['lefigaro', 'liberation']);

      expect((await reader.latest(2)).map((v) => v.article.id).sort()).toEqual([a.id, c.id].sort());
      const days = await reader.countsPerDay(14);
      expect(days).toHaveLength(14);
      expect(days.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), count: 2 });
      expect(days.reduce((sum, d) => sum + d.count, 0)).toBe(3);
    } finally {
      await reader.close();
    }
  });

  it('reads a store that was never written as empty', async () => {
    const reader = new PostgresReader(t.sink());
    try {
      expect(await reader.latest(10)).toEqual([]);
      expect(await reader.search('Poutine')).toEqual([]);
      expect((await reader.countsPerDay(3)).map((d) => d.count)).toEqual([0, 0, 0]);
    } finally {
      await reader.close();
    }
  });
});

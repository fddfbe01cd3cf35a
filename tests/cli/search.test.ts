/** `veille search`, run as a user would, against an NDJSON file and against PostgreSQL (a schema of its own). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir, writeWatchlist } from '../support/watchlist.js';
import { openTestPostgres, type TestPostgres } from '../support/postgres.js';
import { NdjsonSink } from '../../src/storage/ndjson-sink.js';
import { PostgresSink } from '../../src/storage/postgres/postgres-sink.js';
import type { ArticleSink } from '../../src/storage/article-sink.js';
import type { SearchHit } from '../../src/cli/search.js';
import { articleRecord, sightingOf, updateOf } from '../storage/records.js';

let dir: string;
beforeEach(async () => { dir = await tempDir(); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const old = articleRecord(1, new Date(Date.now() - 10 * 86_400_000).toISOString());
const recent = articleRecord(0);
const lavrov = articleRecord(2);

async function fill(sink: ArticleSink): Promise<void> {
  for (const r of [recent, old, lavrov, sightingOf(recent, 'lefigaro'), sightingOf(recent, 'liberation'), updateOf(recent, 1)]) await sink.write(r);
  await sink.close();
}

describe('veille search on the NDJSON store', () => {
  it('prints one block per article: title, feed, kept date, URL, matched terms, also seen at', async () => {
    const { file, watchlist } = await writeWatchlist(dir, []);
    if (watchlist.settings.sink.type !== 'ndjson') throw new Error('expected the NDJSON sink');
    await fill(await NdjsonSink.open(watchlist.settings.sink.path));

    const result = await runCli(['--config', file, 'search', 'nord coréen'], { REDIS_URL: 'redis://127.0.0.1:9' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const blocks = result.stdout.trim().split('\n\n');
    expect(blocks).toHaveLength(3); // two articles and the count
    expect(blocks[1]).toBe([
      recent.article.title,
      '  feed:    feed-0',
      `  kept:    ${recent.keptAt.replace('T', ' ').slice(0, 16)} UTC`,
      `  url:     ${recent.article.url}`,
      '  matched: Poutine, Kim Jong Un',
      '  also seen at: 2 other places; 1 later version',
    ].join('\n'));
    expect(blocks[2]).toBe('2 articles');

    const since = await runCli(['--config', file, 'search', 'nord coréen', '--since', '7d', '--json']);
    const hits = JSON.parse(since.stdout) as SearchHit[];
    expect(hits.map((h) => h.id)).toEqual([recent.id]);
    expect(hits[0]).toMatchObject({ feedId: 'feed-0', alsoSeenAt: 2, updates: 1, matchedTerms: ['Poutine', 'Kim Jong Un'] });

    const none = await runCli(['--config', file, 'search', 'football']);
    expect(none.stdout.trim()).toBe('no stored article matches "football"');
  });

  it('refuses a --since that is neither a duration nor a date, saying what to write', async () => {
    const { file } = await writeWatchlist(dir, []);
    const result = await runCli(['--config', file, 'search', 'Poutine', '--since', 'hier']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--since: "hier" is neither a duration (7d, 12h) nor a date (2026-11-01)');
  });
});

describe('veille search on PostgreSQL', () => {
  let pg: TestPostgres;
  beforeEach(async () => { pg = await openTestPostgres(); });
  afterEach(async () => { await pg.cleanup(); });

  it('searches with French stemming, best match first, limited and filtered by date', async () => {
    await fill(await PostgresSink.open(pg.sink()));
    const { file } = await writeWatchlist(dir, [], { sink: { type: 'postgres', url: pg.url, schema: pg.schema } });

    // "coréens" and "nord-coréen" share a stem: both articles, the one with it in its title first.
    const both = JSON.parse((await runCli(['--config', file, 'search', 'coréens', '--json'])).stdout) as SearchHit[];
    expect(both.map((h) => h.id)).toEqual([old.id, recent.id]);
    const limited = JSON.parse((await runCli(['--config', file, 'search', 'coréens', '--limit', '1', '--json'])).stdout) as SearchHit[];
    expect(limited.map((h) => h.id)).toEqual([old.id]);
    const lastWeek = await runCli(['--config', file, 'search', 'coréens', '--since', '7d']);
    expect(lastWeek.code).toBe(0);
    expect(lastWeek.stdout).toContain(recent.article.title);
    expect(lastWeek.stdout).not.toContain(old.article.title);
    expect(lastWeek.stdout).toContain('also seen at: 2 other places');
  });

  it('says which PostgreSQL it cannot reach and which setting to fix', async () => {
    const { file } = await writeWatchlist(dir, [], { sink: { type: 'postgres', url: 'postgres://127.0.0.1:9/veille', schema: pg.schema } });
    const result = await runCli(['--config', file, 'search', 'Poutine']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`search: cannot reach PostgreSQL at 127.0.0.1:9/veille (ECONNREFUSED); start it, or fix settings.sink.url (default $DATABASE_URL) in ${file}`);
  });
});

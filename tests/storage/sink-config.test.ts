/** settings.sink in the watchlist: the postgres sink's defaults, $DATABASE_URL, and errors that name the field. */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, parseWatchlist } from '../../src/config/watchlist.js';
import { describeSinkSettings } from '../../src/storage/open-sink.js';
import { watchlistYaml } from '../support/watchlist.js';

const FILE = '/etc/veille/watchlist.yaml';
const sinkOf = (sink: unknown) => parseWatchlist(watchlistYaml([], { sink }), FILE).settings.sink;

function issuesOf(sink: unknown): string[] {
  try {
    sinkOf(sink);
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n').slice(1).map((l) => l.trim());
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const savedUrl = process.env.DATABASE_URL;
afterEach(() => {
  if (savedUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedUrl;
});

describe('settings.sink', () => {
  it('keeps NDJSON as the default', () => {
    expect(parseWatchlist(watchlistYaml([]), FILE).settings.sink).toEqual({ type: 'ndjson', path: 'data/articles.ndjson' });
  });

  it('postgres: url from $DATABASE_URL, else a local database named veille; schema veille; waits 1 s doubling to 1 min', () => {
    delete process.env.DATABASE_URL;
    expect(sinkOf({ type: 'postgres' })).toEqual({
      type: 'postgres', url: 'postgres://127.0.0.1:5432/veille', schema: 'veille', retry: { initial: 1_000, max: 60_000 }, connectTimeout: 5_000,
    });
    process.env.DATABASE_URL = 'postgresql://veille:secret@db.internal:5433/news';
    expect(sinkOf({ type: 'postgres', schema: 'veille_prod', retry: { initial: '2s', max: '5m' } })).toMatchObject({
      url: 'postgresql://veille:secret@db.internal:5433/news', schema: 'veille_prod', retry: { initial: 2_000, max: 300_000 },
    });
    expect(sinkOf({ type: 'postgres', url: 'postgres://other/db' })).toMatchObject({ url: 'postgres://other/db' });
    // Summaries never show the password.
    expect(describeSinkSettings(sinkOf({ type: 'postgres' }))).toBe('postgres db.internal:5433/news (schema veille)');
  });

  it('names the field and what is expected when the settings are wrong', () => {
    delete process.env.DATABASE_URL;
    expect(issuesOf({ type: 'postgres', url: 'mysql://x/y' })).toContain(`${FILE}: settings.sink.url: url: expected a PostgreSQL URL such as postgres://user:password@host:5432/veille`);
    expect(issuesOf({ type: 'postgres', schema: 'Veille-Prod' })[0]).toMatch(/^\/etc\/veille\/watchlist\.yaml: settings\.sink\.schema: schema: lower-case letters/);
    expect(issuesOf({ type: 'postgres', retry: { initial: '10s', max: '1s' } })).toContain(`${FILE}: settings.sink.retry.max: retry.max must be at least retry.initial`);
    expect(issuesOf({ type: 'postgres', uri: 'postgres://x/y' })[0]).toMatch(/settings\.sink.*uri/);
    expect(issuesOf({ type: 'mysql' })[0]).toMatch(/settings\.sink\.type/);
    process.env.DATABASE_URL = 'not a url';
    expect(issuesOf({ type: 'postgres' })).toContain(`${FILE}: settings.sink.url: $DATABASE_URL: expected a PostgreSQL URL such as postgres://user:password@host:5432/veille`);
  });
});

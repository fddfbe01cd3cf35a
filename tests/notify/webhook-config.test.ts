/** settings.webhooks and settings.http in the watchlist: defaults that keep old watchlists valid, and errors that name the fix. */
import { expect, it } from 'vitest';
import { ConfigError, parseWatchlist } from '../../src/config/watchlist.js';
import { watchlistYaml } from '../support/watchlist.js';

const parse = (settings: Record<string, unknown>) => parseWatchlist(watchlistYaml([{ id: 'alpha', url: 'https://exemple.fr/a.xml' }], settings), 'w.yaml');

function issues(settings: Record<string, unknown>): string[] {
  try {
    parse(settings);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

it('defaults to no webhooks and no token', () => {
  const { settings } = parse({});
  expect(settings.webhooks).toEqual([]);
  expect(settings.http).toEqual({});
});

it('reads webhooks with a default timeout', () => {
  const { settings } = parse({ http: { token: 'a'.repeat(32) }, webhooks: [{ url: 'https://hooks.example.org/v', events: ['article.kept', 'feed.silent'], secret: 's', timeout: '3s' }, { url: 'http://127.0.0.1:9/h', events: ['feed.failing'] }] });
  expect(settings.webhooks).toEqual([
    { url: 'https://hooks.example.org/v', events: ['article.kept', 'feed.silent'], secret: 's', timeout: 3_000 },
    { url: 'http://127.0.0.1:9/h', events: ['feed.failing'], timeout: 10_000 },
  ]);
  expect(settings.http.token).toBe('a'.repeat(32));
});

it('names each mistake with its path', () => {
  expect(issues({
    http: { token: 'short' },
    webhooks: [
      { url: 'ftp://x', events: [] },
      { url: 'https://h.example/1', events: ['article.stored'] },
      { url: 'https://h.example/1', events: ['feed.failing'], retries: 3 },
    ],
  })).toEqual(expect.arrayContaining([
    'settings.http.token: http.token: use at least 16 characters, e.g. the output of `openssl rand -hex 32`',
    'settings.webhooks[0].url: expected an absolute http:// or https:// URL',
    'settings.webhooks[0].events: name at least one event: article.kept, feed.failing, feed.silent, feed.recovered',
    'settings.webhooks[1].events[0]: expected one of article.kept, feed.failing, feed.silent, feed.recovered',
    expect.stringMatching(/^settings\.webhooks\[2\]: .*retries/),
  ]));
});

it('refuses a webhook URL listed twice', () => {
  expect(issues({ webhooks: [{ url: 'https://h.example/1', events: ['article.kept'] }, { url: 'https://h.example/1', events: ['feed.failing'] }] }))
    .toEqual(['settings.webhooks[1].url: webhook https://h.example/1 is listed twice (also webhooks[0]); list all its events in one entry']);
});

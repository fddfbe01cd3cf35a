/** Loading and validating the watchlist: defaults, per-feed overrides, and errors that say where and what. */
import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, loadWatchlist, parseWatchlist } from '../../src/config/watchlist.js';
import { REPO_ROOT, watchlistYaml } from '../support/watchlist.js';

function issuesOf(text: string): string[] {
  try {
    parseWatchlist(text, '/etc/veille/watchlist.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n').slice(1).map((l) => l.trim());
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('the shipped watchlist', () => {
  it('is valid, names at least ten real French feeds, and compiles its rules', async () => {
    const watchlist = await loadWatchlist(path.join(REPO_ROOT, 'config', 'watchlist.yaml'));
    expect(watchlist.feeds.length).toBeGreaterThanOrEqual(10);
    for (const feed of watchlist.feeds) expect(feed.url).toMatch(/^https:\/\//);
    expect(watchlist.ruleSet.watchIds).toContain('ru-nk');
    expect(watchlist.settings.sink).toEqual({ type: 'ndjson', path: 'data/articles.ndjson' });
  });
});

describe('parseWatchlist', () => {
  it('fills defaults and applies per-feed overrides', () => {
    const w = parseWatchlist(watchlistYaml([
      { id: 'a', url: 'https://a.example/rss' },
      { id: 'b', url: 'https://b.example/rss', interval: '2m', firstPollMaxAge: '1d', fetch: { timeout: '5s', maxBodyBytes: 4096, userAgent: 'Test/1' } },
    ], { defaultInterval: '20m' }), 'x.yaml');
    expect(w.feeds[0]).toMatchObject({ id: 'a', intervalMs: 1_200_000, enabled: true, timeoutMs: 20_000, maxBodyBytes: 15 * 1024 * 1024, firstPollMaxAgeMs: 7 * 86_400_000 });
    expect(w.feeds[1]).toMatchObject({ id: 'b', intervalMs: 120_000, timeoutMs: 5_000, maxBodyBytes: 4096, userAgent: 'Test/1', firstPollMaxAgeMs: 86_400_000 });
    expect(w.version).toMatch(/^[0-9a-f]{12}$/);
  });

  it('reports every problem with the file, the field path, the feed and what is expected', () => {
    const issues = issuesOf(watchlistYaml([
      { id: 'ok', url: 'https://ok.example/rss' },
      { id: 'Bad Id', url: 'ftp://files.example/feed' },
      { id: 'slow', url: 'https://slow.example/rss', interval: 'soon' },
      { id: 'ok', url: 'https://dup.example/rss' },
    ]));
    expect(issues).toContain('/etc/veille/watchlist.yaml: feeds[1].id (feed "Bad Id"): feed ids are 1-64 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');
    expect(issues).toContain('/etc/veille/watchlist.yaml: feeds[1].url (feed "Bad Id"): expected an absolute http:// or https:// URL');
    expect(issues).toContain('/etc/veille/watchlist.yaml: feeds[2].interval (feed "slow"): interval: "soon" is not a duration; write e.g. 90s, 15m, 1h, 7d');
  });

  it('names duplicate feed ids and misspelt keys', () => {
    expect(issuesOf(watchlistYaml([{ id: 'a', url: 'https://a.example/rss' }, { id: 'a', url: 'https://b.example/rss' }])))
      .toContain('/etc/veille/watchlist.yaml: feeds[1].id (feed "a"): duplicate feed id "a" (also feeds[0]); ids must be unique');
    const typo = watchlistYaml([{ id: 'a', url: 'https://a.example/rss' }]).replace('url:', 'intervall: 5m\n    url:');
    expect(issuesOf(typo).join('\n')).toMatch(/feeds\[0\] \(feed "a"\): Unrecognized key: "intervall"/);
  });

  it('points at the line of a YAML syntax error', () => {
    const [issue] = issuesOf('settings:\n  userAgent: "unterminated\nfeeds: [\n');
    expect(issue).toMatch(/^\/etc\/veille\/watchlist\.yaml: line \d+, column \d+: not valid YAML/);
  });

  it('passes rule problems through with their path', () => {
    const text = watchlistYaml([]).replace(/^watches:/m, 'watches:\n  broken: 42\nwatches_unused:');
    const issues = issuesOf(text);
    expect(issues.some((i) => i.startsWith('/etc/veille/watchlist.yaml: watches'))).toBe(true);
  });

  it('says which file is missing and how to point at another', async () => {
    await expect(loadWatchlist('/nonexistent/watchlist.yaml')).rejects.toThrow('/nonexistent/watchlist.yaml: (top level): file not found; pass --config <file> or set VEILLE_CONFIG');
  });

  it('keeps the shipped example readable as text (no tabs)', async () => {
    expect(await readFile(path.join(REPO_ROOT, 'config', 'watchlist.yaml'), 'utf8')).not.toContain('\t');
  });
});

describe('VEILLE_SINK', () => {
  const saved = process.env.VEILLE_SINK;
  afterEach(() => {
    if (saved === undefined) delete process.env.VEILLE_SINK;
    else process.env.VEILLE_SINK = saved;
  });

  it('switches the sink without editing the file, and names a wrong value', () => {
    process.env.VEILLE_SINK = 'postgres';
    expect(parseWatchlist(watchlistYaml([]), 'x.yaml').settings.sink.type).toBe('postgres');
    process.env.VEILLE_SINK = 'ndjson';
    expect(parseWatchlist(watchlistYaml([], { sink: { type: 'ndjson', path: 'elsewhere.ndjson' } }), 'x.yaml').settings.sink).toEqual({ type: 'ndjson', path: 'elsewhere.ndjson' });
    process.env.VEILLE_SINK = 'mysql';
    expect(() => parseWatchlist(watchlistYaml([]), 'x.yaml')).toThrow('x.yaml: $VEILLE_SINK: "mysql" is not a sink; use ndjson or postgres');
  });
});

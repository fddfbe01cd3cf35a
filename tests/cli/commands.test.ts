/** The one-shot commands that need no daemon: check-config and replay, run as a user would. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir, watchlistYaml, REPO_ROOT } from '../support/watchlist.js';
import { ITEMS, rssFeed } from '../support/feed-xml.js';

let dir: string;
beforeEach(async () => { dir = await tempDir(); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

it('check-config summarises a valid watchlist and exits 0', async () => {
  const result = await runCli(['check-config', path.join(REPO_ROOT, 'config', 'watchlist.yaml')]);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/watchlist\.yaml: valid \(version [0-9a-f]{12}\)/);
  expect(result.stdout).toContain('feeds: 14 (14 enabled)');
  expect(result.stdout).toMatch(/watches: ru-nk/);
});

it('check-config lists every problem with file and field, and exits 1', async () => {
  const file = path.join(dir, 'bad.yaml');
  await writeFile(file, watchlistYaml([{ id: 'a', url: 'not a url' }, { id: 'b', url: 'https://b.example/rss', interval: '0s' }]));
  const result = await runCli(['check-config', file]);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(`${file}: feeds[0].url (feed "a"): expected an absolute http:// or https:// URL`);
  expect(result.stderr).toContain(`${file}: feeds[1].interval (feed "b"): interval: 0s is too short; the minimum is 1s`);
});

it('replay shows what a local feed file would keep and why, without Redis', async () => {
  const feed = path.join(dir, 'feed.xml');
  await writeFile(feed, rssFeed('Local', [ITEMS.alliance, ITEMS.football, ITEMS.southKorea]));
  // A Redis URL that goes nowhere proves replay does not touch Redis.
  const text = await runCli(['replay', feed], { REDIS_URL: 'redis://127.0.0.1:9' });
  expect(text.code).toBe(0);
  expect(text.stdout).toContain('3 items, 1 would be kept');
  expect(text.stdout).toContain(`KEEP  ${ITEMS.alliance.title}`);
  expect(text.stdout).toContain(`drop  ${ITEMS.football.title}`);

  const json = await runCli(['replay', feed, '--json'], { REDIS_URL: 'redis://127.0.0.1:9' });
  const report = JSON.parse(json.stdout) as { items: { title: string; kept: boolean; matches: { hits: { text: string; field: string; start: number; end: number }[] }[] }[] };
  const kept = report.items.filter((i) => i.kept);
  expect(kept.map((i) => i.title)).toEqual([ITEMS.alliance.title]);
  const hits = kept[0]!.matches[0]!.hits;
  expect(hits.map((h) => h.text)).toEqual(expect.arrayContaining(['Poutine', 'Kim Jong Un']));
});

it('replay names a file it cannot read', async () => {
  const result = await runCli(['replay', path.join(dir, 'missing.xml')]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`replay: cannot read ${path.join(dir, 'missing.xml')}: ENOENT`);
});

/**
 * Watchlists for tests: the shipped rules (config/watchlist.yaml) with feeds and settings chosen
 * by the test, written to a temporary file so the real loader reads them.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadWatchlist, type Watchlist } from '../../src/config/watchlist.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const shipped = parseYaml(readFileSync(path.join(REPO_ROOT, 'config', 'watchlist.yaml'), 'utf8')) as Record<string, unknown>;

export interface TestFeed {
  id: string;
  url: string;
  interval?: string;
  enabled?: boolean;
  firstPollMaxAge?: string;
  fetch?: Record<string, unknown>;
}

/** The watchlist as YAML text: shipped rules, the given feeds, settings merged over test defaults. */
export function watchlistYaml(feeds: TestFeed[], settings: Record<string, unknown> = {}): string {
  return stringifyYaml({
    settings: { jobs: { attempts: 1, backoff: '1s' }, ...settings },
    feeds,
    topics: shipped.topics,
    watches: shipped.watches,
  });
}

export async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'veille-test-'));
}

/** Writes the watchlist into `dir` and loads it with the real loader. */
export async function writeWatchlist(dir: string, feeds: TestFeed[], settings: Record<string, unknown> = {}): Promise<{ file: string; watchlist: Watchlist }> {
  const file = path.join(dir, 'watchlist.yaml');
  await writeFile(file, watchlistYaml(feeds, { sink: { type: 'ndjson', path: path.join(dir, 'articles.ndjson') }, ...settings }));
  return { file, watchlist: await loadWatchlist(file) };
}

/** The NDJSON store file of a test watchlist (writeWatchlist always configures one). */
export function ndjsonPath(watchlist: Watchlist): string {
  const sink = watchlist.settings.sink;
  if (sink.type !== 'ndjson') throw new Error(`test watchlist ${watchlist.file} has a ${sink.type} sink, not ndjson`);
  return sink.path;
}

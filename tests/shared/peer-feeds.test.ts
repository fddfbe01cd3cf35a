/**
 * Real-world feeds from other parsers' test suites (../shared/feeds, see its SOURCES.md):
 * each must decode and parse into articles with sensible text, or fail with a FeedError
 * that says why — never another exception, never a hang. Run with `npm run test:shared`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeFeedBody } from '../../src/feeds/decode-feed.js';
import { FeedError } from '../../src/feeds/errors.js';
import { parseFeed, type ParsedFeed } from '../../src/feeds/parse-feed.js';

interface ManifestEntry { dest: string; lang: string; tricky: string }

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const feedsDir = path.resolve(repoRoot, '..', 'shared', 'feeds');
const manifest = JSON.parse(readFileSync(path.join(feedsDir, 'manifest.json'), 'utf8')) as ManifestEntry[];
const PER_FILE_MS = 5_000;
const MOJIBAKE = /Ã[\u0080-\u00bf]|â€[\u0080-\u00bf™œ]|Â[\u00a0-\u00bf]/;
const FRENCH_ACCENTS = /[éèàçêùâîôœÉÈÀ]/;

type Outcome = { file: string; kind: 'parsed'; articles: number } | { file: string; kind: 'channel-only' } | { file: string; kind: 'typed-error'; code: string; message: string };
const outcomes: Outcome[] = [];

/** feedparser fixtures carry the HTTP header they simulate in their leading comment. */
function readSimulatedContentType(bytes: Buffer): string | null {
  return /Header:\s*Content-type:\s*([^\r\n]+)/i.exec(bytes.subarray(0, 1024).toString('latin1'))?.[1]?.trim() ?? null;
}

function describeText(feed: ParsedFeed): string {
  return [feed.title, ...feed.articles.flatMap((a) => [a.title, a.summary, a.content])].join('\n');
}

describe('peer feeds', () => {
  it('finds the shared fixtures', () => {
    expect(manifest.length).toBeGreaterThan(70);
  });

  it.each(manifest.map((entry) => [entry.dest, entry] as const))('%s', async (file, entry) => {
    const bytes = readFileSync(path.join(feedsDir, file));
    const started = performance.now();
    let feed: ParsedFeed;
    try {
      const { text } = decodeFeedBody(bytes, readSimulatedContentType(bytes));
      feed = await parseFeed(text, { feedId: 'peer', feedUrl: `https://peer.example/${file}`, fetchedAt: '2026-11-23T09:00:00.000Z' });
    } catch (err) {
      // Anything but a FeedError is a bug in Veille, not in the feed.
      expect(err, `${file}: ${String(err)}`).toBeInstanceOf(FeedError);
      const error = err as FeedError;
      expect(error.message).toMatch(/^(fetch|parse): https:\/\/peer\.example\/\S+ .{10,}/);
      expect(error.message).not.toMatch(/undefined|\[object Object\]/);
      outcomes.push({ file, kind: 'typed-error', code: error.code, message: error.message });
      return;
    } finally {
      expect(performance.now() - started, `${file} took too long`).toBeLessThan(PER_FILE_MS);
    }

    const text = describeText(feed);
    expect(text).not.toContain('\uFFFD');
    if (feed.articles.length === 0) {
      // Channel-level fixtures (feed title, encoding) have no item at all: nothing was lost.
      expect(bytes.toString('latin1')).not.toMatch(/<(?:\w+:)?(?:item|entry)[\s>]/);
      outcomes.push({ file, kind: 'channel-only' });
      return;
    }
    expect(feed.articles.every((a) => a.title !== '' || a.summary !== '' || a.content !== '' || a.url !== '')).toBe(true);
    for (const article of feed.articles) {
      expect(article.guid).not.toBe('');
      expect(article.title.length).toBeLessThanOrEqual(1000);
      expect(`${article.title} ${article.summary} ${article.content}`).not.toMatch(/<\/?(?:p|div|br|span|a)\b[^>]*>/i);
    }
    if (entry.lang === 'fr') {
      expect(text).toMatch(FRENCH_ACCENTS);
      expect(text).not.toMatch(MOJIBAKE);
      expect(text).not.toMatch(/&(?:eacute|egrave|agrave|rsquo|nbsp|amp);/);
    }
    outcomes.push({ file, kind: 'parsed', articles: feed.articles.length });
  }, PER_FILE_MS * 2);

  afterAll(() => {
    const parsed = outcomes.filter((o) => o.kind === 'parsed');
    const channelOnly = outcomes.filter((o) => o.kind === 'channel-only');
    const typed = outcomes.filter((o): o is Extract<Outcome, { kind: 'typed-error' }> => o.kind === 'typed-error');
    const lines = [
      `peer feeds: ${parsed.length} parsed into articles, ${channelOnly.length} channel-only (no items), ${typed.length} typed errors, ${manifest.length - outcomes.length} failed`,
      ...typed.map((o) => `  ${o.file}: ${o.code}: ${o.message}`),
    ];
    console.log(lines.join('\n'));
  });
});

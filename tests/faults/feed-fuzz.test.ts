/**
 * Fuzzing the fetch → decode → parse path: random bytes and mutations of small real-looking
 * feeds (bytes flipped, inserted, deleted, duplicated, truncated; charsets and prologs that lie)
 * go into decodeFeedBody + parseFeed in process, and a smaller number through a real local HTTP
 * server and fetchFeed (with gzip bodies, broken gzip, lying content types). Every case must end
 * as articles or a typed FeedError (never another throw), within a bound. Seeds are fixed; a
 * failure prints the seed and path to replay it (FAULT_SEED overrides).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeFeedBody } from '../../src/feeds/decode-feed.js';
import { parseFeed, type ParsedFeed } from '../../src/feeds/parse-feed.js';
import { fetchFeed } from '../../src/feeds/fetch-feed.js';
import { FeedError } from '../../src/feeds/errors.js';
import { ITEMS, MALFORMED_FEED, atomFeed, rssFeed } from '../support/feed-xml.js';
import { REPO_ROOT } from '../support/watchlist.js';

const SEED = Number(process.env.FAULT_SEED ?? 2026);
/** One case may take this long at most (the fetch timeout of the HTTP runs is 2 s; ×2 plus parsing). */
const CASE_BOUND_MS = 5_000;

const fixtureDir = path.join(REPO_ROOT, 'tests', 'fixtures', 'feeds');
const FIXTURES: Buffer[] = [
  ...readdirSync(fixtureDir).filter((f) => /\.(xml|rdf|atom)$/.test(f)).map((f) => readFileSync(path.join(fixtureDir, f))),
  Buffer.from(rssFeed('Fuzz RSS', [ITEMS.alliance, ITEMS.lavrov, ITEMS.football])),
  Buffer.from(atomFeed('Fuzz Atom', [ITEMS.alliance, ITEMS.southKorea])),
  Buffer.from(MALFORMED_FEED),
];

const CONTENT_TYPES = [
  null, 'application/rss+xml', 'application/rss+xml; charset=utf-8', 'text/xml; charset=iso-8859-1', 'application/atom+xml; charset=windows-1252',
  'text/html; charset=utf-16', 'application/xml; charset=utf-16be', 'text/xml; charset=bogus-charset', 'application/octet-stream', 'text/plain; charset=',
];

/** Byte-level mutations of a fixture. */
type Mutation =
  | { op: 'flip'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'splice'; at: number; text: string };

const SNIPPETS = ['<', '>', '&', '&amp;', '&#x0;', '&#65533;', '<![CDATA[', ']]>', '<!--', '-->', '<item>', '</item>', '<entry>', '<?xml version="1.0" encoding="utf-16"?>',
  '<!DOCTYPE rss [<!ENTITY x "xxxxxxxxxx">]>', '&x;', '\uFEFF', '\u0000', 'Ã©', '’', '<title>', '</title>', '<link>javascript:alert(1)</link>', 'encoding="windows-1252"',
  '<pubDate>31 février 99999</pubDate>', '<description><![CDATA[<p>Poutine</p>', '<rss version="0.91">', '<feed xmlns="http://www.w3.org/2005/Atom">', '<'.repeat(200)];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 256 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('splice' as const), at: fc.nat(), text: fc.constantFrom(...SNIPPETS) }),
);

function mutate(source: Buffer, mutations: Mutation[]): Buffer {
  let b = source;
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    switch (m.op) {
      case 'flip': if (b.length > 0) { b = Buffer.from(b); b[at % b.length] = m.value; } break;
      case 'insert': b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]); break;
      case 'delete': b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]); break;
      case 'duplicate': b = Buffer.concat([b.subarray(0, at + m.length), b.subarray(at)]); break;
      case 'truncate': b = b.subarray(0, at); break;
      case 'splice': b = Buffer.concat([b.subarray(0, at), Buffer.from(m.text), b.subarray(at)]); break;
    }
  }
  return b;
}

/** Random bytes, random text around feed-ish markup, or a mutated fixture. */
const feedBytes: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2_048 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ unit: 'binary', maxLength: 20 })), { maxLength: 60 }).map((parts) => Buffer.from(parts.join(''))) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...FIXTURES), fc.array(mutation, { minLength: 1, maxLength: 8 })).map(([f, ms]) => mutate(f, ms)) },
);

type Outcome = { kind: 'articles'; feed: ParsedFeed } | { kind: 'error'; error: FeedError };

/** Runs the case; anything but articles or a FeedError fails the property, as does a case past the bound. */
async function bounded(run: () => Promise<ParsedFeed>): Promise<Outcome> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`case did not end within ${CASE_BOUND_MS} ms`)), CASE_BOUND_MS);
  });
  try {
    const feed = await Promise.race([run(), timeout]);
    return { kind: 'articles', feed };
  } catch (err) {
    if (err instanceof FeedError) return { kind: 'error', error: err };
    throw err;
  } finally {
    clearTimeout(timer);
    // A synchronous stall cannot be interrupted by the timer above; it is caught here.
    const elapsed = performance.now() - started;
    if (elapsed > CASE_BOUND_MS) throw new Error(`case took ${Math.round(elapsed)} ms (bound ${CASE_BOUND_MS} ms)`);
  }
}

function checkArticles(feed: ParsedFeed): void {
  for (const a of feed.articles) {
    expect(typeof a.title).toBe('string');
    expect(typeof a.url).toBe('string');
    expect(typeof a.guid).toBe('string');
    expect(a.guid.length).toBeGreaterThan(0);
  }
}

const tally = { articles: 0, errors: new Map<string, number>() };
const note = (o: Outcome) => {
  if (o.kind === 'articles') tally.articles += 1;
  else tally.errors.set(o.error.code, (tally.errors.get(o.error.code) ?? 0) + 1);
};

describe('fuzz: decode and parse', () => {
  it('a document cut short, then one without a root element: the second ends in a FeedError (the first counterexample found)', async () => {
    const ctx = { feedId: 'fuzz', feedUrl: 'https://fuzz.example/feed.xml', fetchedAt: new Date(0).toISOString() };
    // Before the fix the shared xml2js parser never called back on the second: the poll hung for good.
    for (const xml of ['<?xml version="1.0"?><rdf:RDF xmlns="h', '<?xml version="1.0" encoding="UTF-8"?>']) {
      const outcome = await bounded(() => parseFeed(xml, ctx));
      expect(outcome.kind).toBe('error');
    }
  });

  it(`random and mutated feed bytes end as articles or a FeedError (seed ${SEED})`, async () => {
    tally.articles = 0;
    tally.errors.clear();
    await fc.assert(fc.asyncProperty(feedBytes, fc.constantFrom(...CONTENT_TYPES), async (bytes, contentType) => {
      const outcome = await bounded(async () => {
        const { text } = decodeFeedBody(bytes, contentType);
        expect(typeof text).toBe('string');
        return parseFeed(text, { feedId: 'fuzz', feedUrl: 'https://fuzz.example/feed.xml', fetchedAt: new Date(0).toISOString() });
      });
      if (outcome.kind === 'articles') checkArticles(outcome.feed);
      note(outcome);
    }), { seed: SEED, numRuns: 5_000, verbose: 1, endOnFailure: true });
    console.log(`fuzz decode+parse: 5000 cases: ${tally.articles} ended as articles, errors by code ${JSON.stringify(Object.fromEntries(tally.errors))}`);
  }, 120_000);
});

describe('fuzz: through HTTP and fetchFeed', () => {
  let server: Server;
  let base = '';
  const bodies = new Map<string, { body: Buffer; headers: Record<string, string> }>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      const entry = bodies.get(req.url ?? '');
      if (!entry) { res.writeHead(404).end(); return; }
      res.writeHead(200, entry.headers).end(entry.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it(`fuzzed bodies served over HTTP (plain, gzip, broken gzip) end as articles or a FeedError (seed ${SEED})`, async () => {
    let n = 0;
    tally.articles = 0;
    tally.errors.clear();
    const encoding = fc.constantFrom('identity', 'gzip', 'broken-gzip', 'deflate-lie');
    await fc.assert(fc.asyncProperty(feedBytes, fc.constantFrom(...CONTENT_TYPES), encoding, async (bytes, contentType, how) => {
      const route = `/fuzz-${n++}.xml`;
      const headers: Record<string, string> = {};
      if (contentType) headers['content-type'] = contentType;
      let body = bytes;
      if (how === 'gzip') { body = gzipSync(bytes); headers['content-encoding'] = 'gzip'; }
      if (how === 'broken-gzip') { body = gzipSync(bytes).subarray(0, Math.max(1, Math.floor(bytes.length / 3))); headers['content-encoding'] = 'gzip'; }
      if (how === 'deflate-lie') headers['content-encoding'] = 'deflate';
      bodies.set(route, { body, headers });
      const outcome = await bounded(async () => {
        const response = await fetchFeed({ url: `${base}${route}`, timeoutMs: 2_000, connectTimeoutMs: 1_000, maxBodyBytes: 1_000_000, userAgent: 'veille-fuzz' });
        if (response.kind !== 'fetched') throw new Error(`unexpected ${response.kind}`);
        const { text } = decodeFeedBody(response.body, response.contentType);
        return parseFeed(text, { feedId: 'fuzz', feedUrl: response.finalUrl, fetchedAt: new Date(0).toISOString() });
      });
      bodies.delete(route);
      if (outcome.kind === 'articles') checkArticles(outcome.feed);
      note(outcome);
    }), { seed: SEED + 1, numRuns: 500, verbose: 1, endOnFailure: true });
    console.log(`fuzz over HTTP: 500 cases: ${tally.articles} ended as articles, errors by code ${JSON.stringify(Object.fromEntries(tally.errors))}`);
  }, 120_000);
});

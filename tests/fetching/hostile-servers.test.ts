/**
 * Hostile and broken servers, each against a local server that misbehaves on purpose: every
 * case must end in a clear, typed error (or a safe lenient reading) within a bound of time and
 * memory. The measured bounds are printed at the end (docs/fetching.md keeps the table).
 */
import zlib from 'node:zlib';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFeedBody } from '../../src/feeds/decode-feed.js';
import {
  BodyTooLargeError, EmptyBodyError, FeedError, FeedTimeoutError, NotAFeedError, TooManyRedirectsError,
} from '../../src/feeds/errors.js';
import { fetchFeed, type FetchFeedOptions } from '../../src/feeds/fetch-feed.js';
import { parseFeed, type ParsedFeed } from '../../src/feeds/parse-feed.js';
import { drip, endless, measurePeakMemory, startHostileServer, type HostileServer } from './hostile-server.js';

const TIMEOUT_MS = 400;
const CAP = 1024 * 1024;
const RSS_HEAD = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Hostile</title>';
const bounds: string[] = [];
let server: HostileServer;

beforeAll(async () => {
  server = await startHostileServer();
  const gzipBomb = zlib.gzipSync(Buffer.alloc(200_000_000), { level: 9 });
  const brotliBomb = zlib.brotliCompressSync(Buffer.alloc(200_000_000), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
  const deflateBomb = zlib.deflateSync(Buffer.alloc(200_000_000), { level: 9 });
  server.route('/stalled-headers', () => { /* never answers */ });
  server.route('/slow-loris', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    void drip(res, '<', 40);
  });
  server.route('/endless', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    endless(res, Buffer.alloc(64 * 1024, 'a'));
  });
  server.route('/gzip-bomb', (_req, res) => { res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipBomb); });
  server.route('/br-bomb', (_req, res) => { res.writeHead(200, { 'content-encoding': 'br' }).end(brotliBomb); });
  server.route('/deflate-bomb', (_req, res) => { res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateBomb); });
  server.route('/loop-a', (_req, res) => { res.writeHead(302, { location: '/loop-b' }).end(); });
  server.route('/loop-b', (_req, res) => { res.writeHead(301, { location: '/loop-a' }).end(); });
  for (let i = 0; i < 50; i += 1) server.route(`/chain-${i}`, (_req, res) => { res.writeHead(307, { location: `/chain-${i + 1}` }).end(); });
  server.route('/html', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<!DOCTYPE html><html><head><title>Le Quotidien</title><link rel="alternate" type="application/rss+xml" href="/rss/une.xml"></head><body>Bienvenue</body></html>');
  });
  server.route('/empty', (_req, res) => { res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(); });
  server.route('/junk-before-prolog', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/xml' }).end(Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\n\n  <!-- generated -->\r\n'),
      Buffer.from(`${RSS_HEAD}<item><title>Kim Jong Un à Moscou</title><link>/monde/kim</link></item></channel></rss>`),
    ]));
  });
  server.route('/bad-entities', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' })
      .end(`${RSS_HEAD}<item><title>Pyongyang &eacute;voque la Russie &amp; l&rsquo;Ukraine &bogus; \u0007\u001b fin</title><link>https://ex.fr/a?b=1&c=2</link><description>Texte &#x1; lisible &nbsp;ici</description></item></channel></rss>`);
  });
  server.route('/lying-charset', (_req, res) => {
    // windows-1252 bytes served as UTF-8.
    const body = Buffer.from(`${RSS_HEAD}<item><title>Lavrov arrive à Pyongyang, l\u2019été</title><link>https://ex.fr/l</link></item></channel></rss>`, 'latin1');
    body[body.indexOf(0x19)] = 0x92; // U+2019 → 0x92 in windows-1252 (latin1 truncated it to 0x19)
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(body);
  });
  const hugeTitle = 'Poutine '.repeat(200_000); // 1.6 MB title
  server.route('/odd-items', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`${RSS_HEAD}
<item><title>Sans guid ni date</title><link>../monde/sans-guid.html</link><description>Un texte.</description></item>
<item><title>Sans lien</title><description>Seulement du texte.</description></item>
<item><description>Ni titre ni lien ni date, rien qu'un résumé.</description></item>
<item><title>${hugeTitle}</title><link>/monde/titre-long</link></item>
<item><guid isPermaLink="true">https://ex.fr/permalien</guid><title>Guid comme lien</title></item>
<item></item>
</channel></rss>`);
  });
});
afterAll(async () => {
  await server.close();
  console.log(['hostile cases (measured): case | error | time | peak memory growth', ...bounds].join('\n'));
});

const options = (path: string, extra: Partial<FetchFeedOptions> = {}): FetchFeedOptions => ({
  url: server.url(path), timeoutMs: TIMEOUT_MS, maxBodyBytes: CAP, userAgent: 'Veille-test/1.0', ...extra,
});

async function readFeed(opts: FetchFeedOptions): Promise<ParsedFeed> {
  const response = await fetchFeed(opts);
  if (response.kind !== 'fetched') throw new Error('expected a body');
  const { text } = decodeFeedBody(response.body, response.contentType);
  return parseFeed(text, { feedId: 'hostile', feedUrl: response.finalUrl, fetchedAt: new Date().toISOString() });
}

/** Runs the case, records its bound, and returns the error it must end in. */
async function hostile(name: string, opts: FetchFeedOptions): Promise<{ error: FeedError; ms: number; rssMiB: number; buffersMiB: number }> {
  const { result, ms, rssMiB, buffersMiB } = await measurePeakMemory(() => readFeed(opts));
  expect(result, `${name} should fail`).toBeInstanceOf(FeedError);
  const error = result as FeedError;
  bounds.push(`${name} | ${error.code} | ${ms} ms | RSS +${rssMiB} MiB, buffers +${buffersMiB} MiB`);
  return { error, ms, rssMiB, buffersMiB };
}

describe('hostile servers', () => {
  it('times out a server that accepts the connection and never answers (headers phase)', async () => {
    const { error, ms } = await hostile('stalled headers', options('/stalled-headers'));
    expect(error).toBeInstanceOf(FeedTimeoutError);
    expect((error as FeedTimeoutError).phase).toBe('headers');
    expect(error.message).toContain(`timed out after ${TIMEOUT_MS} ms waiting for the response headers`);
    expect(ms).toBeLessThan(TIMEOUT_MS * 2);
  });

  it('times out the connect phase on its own bound (a name whose DNS never answers)', async () => {
    const blackHole = new Agent({ connect: { timeout: 150, lookup: () => { /* never calls back */ } } });
    try {
      const { error, ms } = await hostile('connect never completes (DNS black hole)', options('/never', { url: 'http://black-hole.invalid/feed.xml', dispatcher: blackHole, connectTimeoutMs: 150, timeoutMs: 2_000 }));
      expect(error).toBeInstanceOf(FeedTimeoutError);
      expect((error as FeedTimeoutError).phase).toBe('connect');
      expect(error.message).toBe('fetch: http://black-hole.invalid/feed.xml timed out after 150 ms while connecting; will retry later');
      expect(ms).toBeLessThan(2_000);
    } finally {
      await blackHole.destroy();
    }
  });

  it('bounds a slow-loris body (one byte every 40 ms) by the whole-request deadline', async () => {
    const { error, ms } = await hostile('slow-loris drip', options('/slow-loris'));
    expect(error).toBeInstanceOf(FeedTimeoutError);
    expect((error as FeedTimeoutError).phase).toBe('body');
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(ms).toBeLessThan(TIMEOUT_MS * 2);
  });

  it('stops an endless body at the size cap, holding about the cap in memory', async () => {
    const { error, buffersMiB } = await hostile('endless body', options('/endless', { timeoutMs: 5_000 }));
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect(error.message).toContain(`body exceeds ${CAP} bytes (after decompression)`);
    expect(buffersMiB).toBeLessThan(32);
  });

  it.each(['/gzip-bomb', '/br-bomb', '/deflate-bomb'])('stops a 200 MB %s at the cap on decompressed bytes', async (path) => {
    const { error, buffersMiB } = await hostile(`${path.slice(1)} (200 MB inflated)`, options(path, { timeoutMs: 5_000 }));
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect(buffersMiB).toBeLessThan(32);
  });

  it('detects a redirect loop after two requests', async () => {
    const before = server.requests.length;
    const { error } = await hostile('redirect loop', options('/loop-a'));
    expect(error).toBeInstanceOf(TooManyRedirectsError);
    expect(error.code).toBe('REDIRECT_LOOP');
    expect(server.requests.length - before).toBe(2);
  });

  it('follows at most 5 redirects of an endless chain', async () => {
    const before = server.requests.length;
    const { error } = await hostile('endless redirect chain', options('/chain-0'));
    expect(error.code).toBe('TOO_MANY_REDIRECTS');
    expect(server.requests.length - before).toBe(6);
  });

  it('says an HTML page was served and names the feed it advertises', async () => {
    const { error } = await hostile('HTML page instead of a feed', options('/html'));
    expect(error).toBeInstanceOf(NotAFeedError);
    expect((error as NotAFeedError).alternateUrl).toBe(server.url('/rss/une.xml'));
    expect(error.message).toContain(`the page advertises a feed at ${server.url('/rss/une.xml')}; use that URL in the watchlist`);
  });

  it('reports an empty body', async () => {
    const { error } = await hostile('empty body', options('/empty'));
    expect(error).toBeInstanceOf(EmptyBodyError);
    expect(error.message).toContain('returned an empty body');
  });
});

describe('broken but readable feeds', () => {
  it('skips a BOM, blank lines and a comment before the XML declaration, and resolves relative links', async () => {
    const feed = await readFeed(options('/junk-before-prolog'));
    expect(feed.articles.map((a) => [a.title, a.url])).toEqual([['Kim Jong Un à Moscou', server.url('/monde/kim')]]);
  });

  it('recovers HTML entities, an unknown entity and control characters', async () => {
    const [article] = (await readFeed(options('/bad-entities'))).articles;
    expect(article?.title).toBe('Pyongyang évoque la Russie & l’Ukraine &bogus; fin');
    expect(article?.summary).toBe('Texte lisible ici');
    expect(article?.url).toBe('https://ex.fr/a?b=1&c=2');
  });

  it('reads windows-1252 bytes served as UTF-8 with the accents right', async () => {
    const [article] = (await readFeed(options('/lying-charset'))).articles;
    expect(article?.title).toBe('Lavrov arrive à Pyongyang, l’été');
  });

  it('keeps items without guid, link or date, caps an absurd title, and says which items it skipped', async () => {
    const started = performance.now();
    const feed = await readFeed(options('/odd-items', { maxBodyBytes: 4 * CAP }));
    const ms = Math.round(performance.now() - started);
    bounds.push(`1.6 MB title, items without guid/link/date | (read) | ${ms} ms | -`);
    const [noGuid, noLink, bare, long, permalink] = feed.articles;
    expect(noGuid).toMatchObject({ title: 'Sans guid ni date', url: server.url('/monde/sans-guid.html'), guid: server.url('/monde/sans-guid.html'), publishedAt: null });
    expect(noLink).toMatchObject({ title: 'Sans lien', url: '' });
    expect(noLink?.guid).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(bare).toMatchObject({ title: '', summary: 'Ni titre ni lien ni date, rien qu\'un résumé.' });
    expect(bare?.guid).toMatch(/^sha256:/);
    expect(long?.title.length).toBeLessThanOrEqual(1000);
    expect(long?.title.endsWith('…')).toBe(true);
    expect(permalink).toMatchObject({ url: 'https://ex.fr/permalien', guid: 'https://ex.fr/permalien' });
    expect(feed.articles).toHaveLength(5);
    expect(feed.itemErrors).toEqual(['item 6: no title, link or text; skipped']);
    // Distinct items get distinct guids, and the same item the same guid on the next poll.
    expect(new Set(feed.articles.map((a) => a.guid)).size).toBe(5);
    const again = await readFeed(options('/odd-items', { maxBodyBytes: 4 * CAP }));
    expect(again.articles.map((a) => a.guid)).toEqual(feed.articles.map((a) => a.guid));
  });
});

/**
 * fetchFeed against a real local HTTP server: conditional GET, decompression, caps,
 * timeouts, redirects and statuses, each failure as a typed FeedError.
 */
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureFeedServer, type FixtureFeedServer } from '../../src/demo/fixture-feed-server.js';
import {
  BodyTooLargeError, EmptyBodyError, FeedAbortedError, FeedError, FeedTimeoutError, HttpStatusError,
  InvalidFeedUrlError, NetworkError, TooManyRedirectsError,
} from '../../src/feeds/errors.js';
import { fetchFeed, type FetchFeedOptions } from '../../src/feeds/fetch-feed.js';

const RSS = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Essai</title></channel></rss>';
const LAST_MODIFIED = 'Mon, 23 Nov 2026 06:00:00 GMT';
let server: FixtureFeedServer;

beforeAll(async () => {
  server = await startFixtureFeedServer({
    '/feed.xml': { body: RSS, etag: '"v1"', lastModified: LAST_MODIFIED },
    '/dated.xml': { body: RSS, lastModified: LAST_MODIFIED },
    '/gzip.xml': { body: zlib.gzipSync(RSS), headers: { 'content-encoding': 'gzip' } },
    '/deflate.xml': { body: zlib.deflateSync(RSS), headers: { 'content-encoding': 'deflate' } },
    '/br.xml': { body: zlib.brotliCompressSync(RSS), headers: { 'content-encoding': 'br' } },
    '/big.xml': { body: Buffer.alloc(300_000, 'a') },
    '/big-chunked.xml': { body: Buffer.alloc(300_000, 'a'), chunkDelayMs: 1, chunkBytes: 65_536 },
    // 10 MB of zeros compress to ~10 KB: the cap must trip on decompressed bytes.
    '/bomb.xml': { body: zlib.gzipSync(Buffer.alloc(10_000_000)), headers: { 'content-encoding': 'gzip' } },
    '/corrupt-gzip.xml': { body: Buffer.from('not gzip at all'), headers: { 'content-encoding': 'gzip' } },
    '/slow-headers.xml': { body: RSS, delayMs: 5_000 },
    '/slow-loris.xml': { body: RSS.repeat(20), chunkDelayMs: 100, chunkBytes: 8 },
    '/empty.xml': { body: '' },
    '/loop-a': { status: 302, headers: { location: '/loop-b' } },
    '/loop-b': { status: 301, headers: { location: '/loop-a' } },
    '/to-ftp': { status: 302, headers: { location: 'ftp://example.org/feed.xml' } },
    '/to-nowhere': { status: 302, headers: { location: 'http://[::1' } },
    '/compress.xml': { body: RSS, headers: { 'content-encoding': 'compress' } },
    '/moved': { status: 301, headers: { location: '/feed.xml#frag' } },
    '/gone': { status: 410 },
    '/forbidden': { status: 403 },
    '/broken': { status: 503, headers: { 'retry-after': '30' } },
    '/limited': { status: 429, headers: { 'retry-after': 'Mon, 23 Nov 2099 06:00:00 GMT' } },
  });
  for (let i = 0; i < 7; i += 1) server.setRoute(`/hop-${i}`, { status: 307, headers: { location: `/hop-${i + 1}` } });
});
afterAll(async () => { await server.close(); });

const options = (path: string, extra: Partial<FetchFeedOptions> = {}): FetchFeedOptions => ({
  url: server.url(path), timeoutMs: 1_000, maxBodyBytes: 100_000, userAgent: 'Veille-test/1.0', ...extra,
});
const failure = async (opts: FetchFeedOptions): Promise<{ error: FeedError; ms: number }> => {
  const started = performance.now();
  const error = await fetchFeed(opts).then(() => { throw new Error('expected fetchFeed to fail'); }, (e: unknown) => e);
  expect(error).toBeInstanceOf(FeedError);
  return { error: error as FeedError, ms: performance.now() - started };
};

describe('fetchFeed', () => {
  it('fetches a feed, then gets 304 when sending its ETag back', async () => {
    const first = await fetchFeed(options('/feed.xml'));
    expect(first).toMatchObject({ kind: 'fetched', httpStatus: 200, finalUrl: server.url('/feed.xml'), etag: '"v1"', lastModified: LAST_MODIFIED });
    if (first.kind !== 'fetched') throw new Error('unreachable');
    expect(first.body.toString('utf8')).toBe(RSS);
    expect(first.contentType).toBe('application/rss+xml; charset=utf-8');

    const second = await fetchFeed(options('/feed.xml', { etag: first.etag, lastModified: first.lastModified }));
    expect(second).toMatchObject({ kind: 'not-modified', httpStatus: 304 });
    const sent = server.requests.filter((r) => r.path === '/feed.xml').at(-1);
    expect(sent?.status).toBe(304);
    expect(sent?.headers).toMatchObject({ 'if-none-match': '"v1"', 'if-modified-since': LAST_MODIFIED, 'user-agent': 'Veille-test/1.0', 'accept-encoding': 'gzip, deflate, br' });
    expect(sent?.headers['accept']).toMatch(/application\/rss\+xml/);
  });

  it('gets 304 from If-Modified-Since alone', async () => {
    expect(await fetchFeed(options('/dated.xml', { lastModified: LAST_MODIFIED }))).toMatchObject({ kind: 'not-modified' });
    expect(await fetchFeed(options('/dated.xml', { lastModified: 'Sun, 22 Nov 2026 06:00:00 GMT' }))).toMatchObject({ kind: 'fetched' });
  });

  it.each(['/gzip.xml', '/deflate.xml', '/br.xml'])('decompresses %s', async (path) => {
    const result = await fetchFeed(options(path));
    if (result.kind !== 'fetched') throw new Error('expected a body');
    expect(result.body.toString('utf8')).toBe(RSS);
  });

  it('follows a redirect and reports the final URL', async () => {
    expect(await fetchFeed(options('/moved'))).toMatchObject({ kind: 'fetched', finalUrl: server.url('/feed.xml') });
  });

  it.each(['/big.xml', '/big-chunked.xml'])('rejects %s over the size cap', async (path) => {
    const { error } = await failure(options(path));
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect(error.permanent).toBe(true);
    expect(error.message).toBe(`fetch: ${server.url(path)} body exceeds 100000 bytes (after decompression); raise maxBodyBytes or drop the feed`);
  });

  it('stops a gzip bomb as soon as the decompressed size passes the cap', async () => {
    const { error, ms } = await failure(options('/bomb.xml', { maxBodyBytes: 1_000_000 }));
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect(ms).toBeLessThan(500);
  });

  it('reports a corrupt compressed body as a transient error', async () => {
    const { error } = await failure(options('/corrupt-gzip.xml'));
    expect(error.code).toBe('BAD_CONTENT_ENCODING');
    expect(error.permanent).toBe(false);
  });

  it('times out a server that is slow to answer', async () => {
    const { error, ms } = await failure(options('/slow-headers.xml', { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(FeedTimeoutError);
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/^fetch: http:\/\/127\.0\.0\.1:\d+\/slow-headers\.xml timed out after 300 ms waiting for the response headers; will retry later$/);
    expect((error as FeedTimeoutError).phase).toBe('headers');
    expect(ms).toBeLessThan(600);
  });

  it('bounds the whole request when the body trickles in (slow loris)', async () => {
    const { error, ms } = await failure(options('/slow-loris.xml', { timeoutMs: 500 }));
    expect(error).toBeInstanceOf(FeedTimeoutError);
    expect(error.message).toContain('timed out after 500 ms while reading the body');
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(800);
  });

  it('detects a redirect loop', async () => {
    const { error } = await failure(options('/loop-a'));
    expect(error).toBeInstanceOf(TooManyRedirectsError);
    expect(error.code).toBe('REDIRECT_LOOP');
    expect(error.message).toContain('/loop-a -> ');
  });

  it('follows at most 5 redirects', async () => {
    const { error } = await failure(options('/hop-0'));
    expect(error).toBeInstanceOf(TooManyRedirectsError);
    expect(error.code).toBe('TOO_MANY_REDIRECTS');
    expect(server.requests.filter((r) => r.path.startsWith('/hop-')).map((r) => r.path)).toEqual(['/hop-0', '/hop-1', '/hop-2', '/hop-3', '/hop-4', '/hop-5']);
  });

  it('refuses a redirect to a scheme other than http(s)', async () => {
    const { error } = await failure(options('/to-ftp'));
    expect(error).toBeInstanceOf(InvalidFeedUrlError);
    expect(error.permanent).toBe(true);
  });

  it('refuses a redirect to an unparseable Location', async () => {
    const { error } = await failure(options('/to-nowhere'));
    expect(error).toBeInstanceOf(InvalidFeedUrlError);
    expect(error.message).toContain('redirects to http://[::1');
  });

  it('refuses a Content-Encoding it did not ask for', async () => {
    const { error } = await failure(options('/compress.xml'));
    expect(error.code).toBe('UNSUPPORTED_CONTENT_ENCODING');
    expect(error.message).toContain('unsupported Content-Encoding "compress"');
  });

  it.each([
    ['/missing.xml', 404, true, 'Not Found; check the feed URL in the watchlist'],
    ['/gone', 410, true, 'Gone; check the feed URL in the watchlist'],
    ['/forbidden', 403, true, 'Forbidden; the server refuses access'],
    ['/broken', 503, false, 'Service Unavailable; server error; will retry later'],
  ])('turns %s into HttpStatusError %d (permanent: %s)', async (path, status, permanent, text) => {
    const { error } = await failure(options(path));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error).toMatchObject({ status, permanent, url: server.url(path), code: `HTTP_${status}` });
    expect(error.message).toContain(`fetch: ${server.url(path)} answered ${status} ${text}`);
  });

  it('keeps Retry-After on 503 and 429', async () => {
    expect((await failure(options('/broken'))).error).toMatchObject({ retryAfterMs: 30_000 });
    const limited = (await failure(options('/limited'))).error as HttpStatusError;
    expect(limited.permanent).toBe(false);
    expect(limited.retryAfterMs).toBeGreaterThan(0);
  });

  it('reports an empty body', async () => {
    expect((await failure(options('/empty.xml'))).error).toBeInstanceOf(EmptyBodyError);
  });

  it('reports a refused connection as a transient NetworkError', async () => {
    const { error } = await failure({ ...options('/'), url: 'http://127.0.0.1:1/feed.xml' });
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.permanent).toBe(false);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('rejects a URL that is not http(s)', async () => {
    const { error } = await failure({ ...options('/'), url: 'file:///etc/passwd' });
    expect(error).toBeInstanceOf(InvalidFeedUrlError);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { error, ms } = await failure(options('/slow-headers.xml', { timeoutMs: 5_000, signal: controller.signal }));
    expect(error).toBeInstanceOf(FeedAbortedError);
    expect(ms).toBeLessThan(1_000);
  });
});

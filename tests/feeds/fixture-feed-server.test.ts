/**
 * The fixture feed server itself: routes, 404, conditional requests, runtime routes, and
 * the demo feeds it serves for `npm run demo`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRoutes, startFixtureFeedServer, type FixtureFeedServer } from '../../src/demo/fixture-feed-server.js';
import { articleBody } from '../../src/feeds/article.js';
import { decodeFeedBody } from '../../src/feeds/decode-feed.js';
import { fetchFeed } from '../../src/feeds/fetch-feed.js';
import { parseFeed } from '../../src/feeds/parse-feed.js';

let server: FixtureFeedServer;
beforeAll(async () => { server = await startFixtureFeedServer({ '/a.xml': { body: '<rss/>', etag: '"a1"', lastModified: 'Mon, 23 Nov 2026 06:00:00 GMT' } }); });
afterAll(async () => { await server.close(); });

describe('fixture feed server', () => {
  it('listens on 127.0.0.1 with a random port', () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url('a.xml')).toBe(`${server.baseUrl}/a.xml`);
  });

  it('serves routes, answers 404 for unknown paths and logs requests', async () => {
    expect((await fetch(server.url('/a.xml'))).status).toBe(200);
    expect((await fetch(server.url('/nope'))).status).toBe(404);
    expect(server.requests.slice(-2).map((r) => [r.path, r.status])).toEqual([['/a.xml', 200], ['/nope', 404]]);
  });

  it.each([
    [{ 'if-none-match': '"a1"' }, 304],
    [{ 'if-none-match': '"old"' }, 200],
    [{ 'if-modified-since': 'Mon, 23 Nov 2026 06:00:00 GMT' }, 304],
    [{ 'if-modified-since': 'Tue, 24 Nov 2026 06:00:00 GMT' }, 304],
    [{ 'if-modified-since': 'Sun, 22 Nov 2026 06:00:00 GMT' }, 200],
  ])('answers %j with %d', async (headers, status) => {
    expect((await fetch(server.url('/a.xml'), { headers })).status).toBe(status);
  });

  it('answers 500 naming a missing fixture file', async () => {
    server.setRoute('/lost.xml', { file: '/nonexistent/lost.xml' });
    const res = await fetch(server.url('/lost.xml'));
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('/nonexistent/lost.xml');
  });

  it('adds routes at runtime', async () => {
    server.setRoute('/b.xml', { body: 'b', status: 201, headers: { 'x-demo': '1' } });
    const res = await fetch(server.url('/b.xml'));
    expect([res.status, res.headers.get('x-demo'), await res.text()]).toEqual([201, '1', 'b']);
  });
});

describe('demo feeds', () => {
  let demo: FixtureFeedServer;
  beforeAll(async () => { demo = await startFixtureFeedServer(demoRoutes()); });
  afterAll(async () => { await demo.close(); });

  it('serves 3–4 French feeds of about six items each, with a 304 on the second poll', async () => {
    const paths = Object.keys(demoRoutes());
    expect(paths.length).toBeGreaterThanOrEqual(3);
    const all = [];
    for (const p of paths) {
      const first = await fetchFeed({ url: demo.url(p), timeoutMs: 2_000, maxBodyBytes: 1_000_000, userAgent: 'Veille-test/1.0' });
      if (first.kind !== 'fetched') throw new Error(`${p}: expected a body`);
      const { text } = decodeFeedBody(first.body, first.contentType);
      const feed = await parseFeed(text, { feedId: p, feedUrl: first.finalUrl, fetchedAt: '2026-11-23T09:00:00.000Z' });
      expect(feed.itemErrors).toEqual([]);
      expect(feed.articles.length).toBeGreaterThanOrEqual(5);
      for (const a of feed.articles) {
        expect(a.title).not.toMatch(/\uFFFD|Ã/);
        expect(articleBody(a).length).toBeGreaterThan(20);
        expect(a.publishedAt).not.toBeNull();
        expect(a.url).toMatch(/^https:\/\//);
        expect(a.url).not.toMatch(/utm_|xtor/);
      }
      all.push(...feed.articles);
      const second = await fetchFeed({ url: demo.url(p), etag: first.etag, timeoutMs: 2_000, maxBodyBytes: 1_000_000, userAgent: 'Veille-test/1.0' });
      expect(second.kind).toBe('not-modified');
    }
    const text = all.map((a) => `${a.title} ${a.summary}`).join('\n');
    expect(text).toMatch(/é|è|à|ç/);
    expect(text).toMatch(/œ|€|’/);
    // One article republished by two feeds: same title, and the same canonical URL once utm_ is gone.
    const byTitle = new Map<string, typeof all>();
    for (const a of all) byTitle.set(a.title, [...(byTitle.get(a.title) ?? []), a]);
    const republished = [...byTitle.values()].filter((copies) => copies.length > 1);
    expect(republished).toHaveLength(1);
    const [copyA, copyB] = republished[0] ?? [];
    expect(copyA?.feedId).not.toBe(copyB?.feedId);
    expect(copyA?.guid).not.toBe(copyB?.guid);
    expect(copyA?.summary).toBe(copyB?.summary);
    expect(copyA?.url).toBe(copyB?.url);
  });
});

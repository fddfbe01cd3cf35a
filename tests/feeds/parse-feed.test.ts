/**
 * parseFeed: RSS 2.0, Atom and RSS 1.0 into Articles; typed errors for HTML pages and broken XML.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFeedBody } from '../../src/feeds/decode-feed.js';
import { EmptyBodyError, FeedError, FeedParseError, NotAFeedError } from '../../src/feeds/errors.js';
import { parseFeed } from '../../src/feeds/parse-feed.js';

const fixtures = path.resolve(import.meta.dirname, '..', 'fixtures', 'feeds');
const fetchedAt = '2026-11-23T09:00:00.000Z';
const ctx = (feedUrl = 'https://quotidien.example/rss.xml') => ({ feedId: 'essai', feedUrl, fetchedAt });
const readFixture = (name: string): string => decodeFeedBody(readFileSync(path.join(fixtures, name)), null).text;

describe('parseFeed', () => {
  it('reads RSS 2.0 items into plain-text articles', async () => {
    const feed = await parseFeed(readFixture('rss2-fr.xml'), ctx());
    expect(feed.format).toBe('rss');
    expect(feed.title).toBe('Le Quotidien d’essai');
    expect(feed.articles).toHaveLength(3);
    expect(feed.itemErrors).toEqual(['item 4: no title, link or text; skipped']);

    const [first, second, third] = feed.articles;
    expect(first).toEqual({
      feedId: 'essai',
      guid: 'quotidien-42',
      url: 'https://quotidien.example/politique/debat.html?id=42',
      title: 'Élection : le débat s’achève à l\'Assemblée',
      summary: 'Les députés ont voté tard dans la nuit.\nSuite demain.',
      content: 'Les députés ont voté tard dans la nuit : 289 voix.\nFin de l’article.',
      publishedAt: '2026-11-23T07:30:00.000Z',
      fetchedAt,
    });
    // No guid: the canonical URL, resolved against the feed URL; double-escaped entity decoded.
    expect(second).toMatchObject({ guid: 'https://quotidien.example/sport/match.html', url: 'https://quotidien.example/sport/match.html', summary: 'Le match séduit.', publishedAt: '2026-11-22T18:00:00.000Z' });
    // Neither link nor guid: a stable hash.
    expect(third?.url).toBe('');
    expect(third?.guid).toMatch(/^sha256:[0-9a-f]{64}$/);
    const again = await parseFeed(readFixture('rss2-fr.xml'), ctx());
    expect(again.articles[2]?.guid).toBe(third?.guid);
  });

  it('reads Atom entries, html and xhtml content, and survives an unparseable date', async () => {
    const feed = await parseFeed(readFixture('atom-fr.xml'), ctx('https://radio.example/atom.xml'));
    expect(feed.format).toBe('atom');
    expect(feed.title).toBe('Radio Essai — International');
    expect(feed.articles).toHaveLength(2);
    const [lavrov, undated] = feed.articles;
    expect(lavrov).toMatchObject({
      guid: 'tag:radio.example,2026:1001',
      url: 'https://radio.example/monde/lavrov-pyongyang',
      title: 'Kim Jong Un reçoit Sergueï Lavrov à Pyongyang & signe un accord',
      summary: 'Le ministre russe est arrivé à Pyongyang.',
      publishedAt: '2026-11-23T05:45:00.000Z',
    });
    expect(lavrov?.content).toBe('Le ministre russe des Affaires étrangères est arrivé mardi.\nDeuxième paragraphe.');
    expect(undated).toMatchObject({ url: 'https://radio.example/monde/sans-date', publishedAt: null, summary: 'Texte sans date exploitable.' });
  });

  it('reads RSS 1.0 (RDF) items', async () => {
    const feed = await parseFeed(readFixture('rss1-fr.rdf'), ctx('https://revue.example/rss'));
    expect(feed.format).toBe('rdf');
    expect(feed.articles.map((a) => a.title)).toEqual(['Séoul et Tokyo renforcent leur coopération', 'Grève à la SNCF']);
    expect(feed.articles[0]).toMatchObject({ guid: 'https://revue.example/a1', summary: 'La Corée du Sud et le Japon signent un accord.', publishedAt: '2026-11-20T09:00:00.000Z' });
  });

  it('reads RSS 0.91 and an <rss> without version', async () => {
    for (const version of ['version="0.91"', '']) {
      const feed = await parseFeed(`<rss ${version}><channel><title>Vieux</title><item><title>Brève</title><link>https://vieux.example/1</link></item></channel></rss>`, ctx());
      expect(feed.articles[0]?.title).toBe('Brève');
    }
  });

  it('repairs control characters, HTML entities and bare ampersands', async () => {
    const feed = await parseFeed(readFixture('recoverable.xml'), ctx());
    expect(feed.articles[0]).toMatchObject({
      title: 'Contrôle interdit et élève R&D',
      url: 'https://repare.example/article?a=1&b=2',
      summary: 'Texte avec entité HTML … et un caractère de contrôle.',
    });
  });

  it('reads a feed with a prefixed Atom namespace', async () => {
    const xml = '<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>Préfixé</a:title><a:entry><a:title>Entrée</a:title><a:id>e1</a:id><a:link href="https://p.example/1"/></a:entry></a:feed>';
    const feed = await parseFeed(xml, ctx());
    expect(feed.articles[0]).toMatchObject({ title: 'Entrée', guid: 'e1', url: 'https://p.example/1' });
  });

  it('gives items outside any <channel> one, and reads an empty <rss> as a feed without items', async () => {
    const loose = await parseFeed('<rss><item><title>Hors canal</title></item></rss>', ctx());
    expect(loose.articles.map((a) => a.title)).toEqual(['Hors canal']);
    const empty = await parseFeed('<rss version="2.0"></rss>', ctx());
    expect(empty).toEqual({ title: '', format: 'rss', articles: [], itemErrors: [], ttlMs: null });
  });

  it('reads the complete items of a truncated feed and says it was truncated', async () => {
    const xml = '<rss version="2.0"><channel><title>Coupé</title><item><title>Entier</title><link>https://c.example/1</link></item><item><title>Coup';
    const feed = await parseFeed(xml, ctx());
    expect(feed.articles.map((a) => a.title)).toEqual(['Entier', 'Coup']);
    expect(feed.itemErrors).toEqual(['feed: the document is truncated; read the items that arrived whole']);
  });

  it('reads Atom 0.3 entries and their issued date', async () => {
    const xml = '<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Ancien</title><entry><title>Entrée 0.3</title><link rel="alternate" type="text/html" href="https://ancien.example/1"/><id>a03-1</id><issued>2004-05-04T10:00:00Z</issued><content mode="escaped">&lt;p&gt;Texte&lt;/p&gt;</content></entry></feed>';
    const feed = await parseFeed(xml, ctx());
    expect(feed.articles[0]).toMatchObject({ title: 'Entrée 0.3', guid: 'a03-1', url: 'https://ancien.example/1', content: 'Texte', publishedAt: '2004-05-04T10:00:00.000Z' });
  });

  it('caps very long titles', async () => {
    const feed = await parseFeed(`<rss version="2.0"><channel><item><title>${'mot '.repeat(2000)}</title><link>https://l.example/</link></item></channel></rss>`, ctx());
    expect(feed.articles[0]?.title.length).toBeLessThanOrEqual(1000);
  });

  it.each([
    ['unclosed tags in a description', `<rss><channel><item><title>t</title><description>${'<a href="x" '.repeat(40_000)}</description></item></channel></rss>`],
    ['unterminated CDATA sections', `<rss><channel><item><description>${'<![CDATA[ x '.repeat(40_000)}`],
    ['unclosed text elements', `<rss><channel>${'<title>a '.repeat(40_000)}`],
    ['unclosed scripts in content', `<rss><channel><item><title>t</title><description><![CDATA[${'<script>x'.repeat(40_000)}]]></description></item></channel></rss>`],
  ])('stays fast on hostile input: %s', async (_name, xml) => {
    const started = performance.now();
    await parseFeed(xml, ctx()).catch((e: unknown) => { expect(e).toBeInstanceOf(FeedError); });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('rejects an HTML page with NotAFeedError naming the alternate feed', async () => {
    const error = await parseFeed(readFixture('html-page.html'), ctx('https://quotidien.example/')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAFeedError);
    expect((error as NotAFeedError).permanent).toBe(true);
    expect((error as NotAFeedError).alternateUrl).toBe('https://quotidien.example/rss/une.xml?format=rss&lang=fr');
    expect((error as Error).message).toBe('parse: https://quotidien.example/ is not a feed (an HTML page was served); the page advertises a feed at https://quotidien.example/rss/une.xml?format=rss&lang=fr; use that URL in the watchlist');
  });

  it('rejects malformed XML with a FeedParseError saying where', async () => {
    const error = await parseFeed(readFixture('malformed.xml'), ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedParseError);
    expect((error as FeedParseError).permanent).toBe(true);
    expect((error as Error).message).toMatch(/^parse: https:\/\/quotidien\.example\/rss\.xml is not a readable feed \(malformed XML: Unexpected close tag at line 8, column \d+\)/);
  });

  it.each([
    ['an empty body', '  \n', EmptyBodyError, /empty body/],
    ['JSON', '{"version":"https://jsonfeed.org/version/1"}', NotAFeedError, /JSON Feed is not supported/],
    ['plain text', 'Service Unavailable', NotAFeedError, /not XML; it starts with "Service Unavailable"/],
    ['another XML document', '<?xml version="1.0"?><note><to>x</to></note>', NotAFeedError, /root element is <note>/],
    ['an <rss> whose only item is empty', '<rss version="2.0"><channel><item><title> </title></item></channel></rss>', FeedParseError, /none of its 1 item\(s\) could be read; item 1: no title, link or text/],
    ['only a comment', '<!-- nothing here -->', FeedParseError, /no root element/],
  ])('rejects %s with a typed error', async (_name, xml, type, message) => {
    const error = await parseFeed(xml, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(FeedError);
    expect((error as Error).message).toMatch(message);
  });
});

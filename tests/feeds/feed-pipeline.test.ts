/**
 * fetchFeed → decodeFeedBody → parseFeed end to end over real HTTP, as the poller chains them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureFeedServer, type FixtureFeedServer } from '../../src/demo/fixture-feed-server.js';
import { decodeFeedBody } from '../../src/feeds/decode-feed.js';
import { NotAFeedError } from '../../src/feeds/errors.js';
import { fetchFeed } from '../../src/feeds/fetch-feed.js';
import { parseFeed, type ParsedFeed } from '../../src/feeds/parse-feed.js';

const fixtures = path.resolve(import.meta.dirname, '..', 'fixtures', 'feeds');
let server: FixtureFeedServer;

beforeAll(async () => {
  const cp1252 = readFileSync(path.join(fixtures, 'windows-1252.xml'));
  server = await startFixtureFeedServer({
    '/gazette.xml': { file: path.join(fixtures, 'windows-1252.xml'), contentType: 'application/rss+xml' },
    '/gazette-latin1.xml': { file: path.join(fixtures, 'iso-8859-1-no-prolog.xml'), contentType: 'text/xml; charset=ISO-8859-1' },
    '/gazette.xml.gz': { body: zlib.gzipSync(cp1252), contentType: 'application/xml', headers: { 'content-encoding': 'gzip' } },
    '/accueil': { file: path.join(fixtures, 'html-page.html'), contentType: 'text/html; charset=utf-8' },
  });
});
afterAll(async () => { await server.close(); });

async function pollOnce(urlPath: string): Promise<ParsedFeed> {
  const response = await fetchFeed({ url: server.url(urlPath), timeoutMs: 2_000, maxBodyBytes: 1_000_000, userAgent: 'Veille-test/1.0' });
  if (response.kind !== 'fetched') throw new Error('expected a body');
  const { text } = decodeFeedBody(response.body, response.contentType);
  return parseFeed(text, { feedId: 'gazette', feedUrl: response.finalUrl, fetchedAt: '2026-11-23T09:00:00.000Z' });
}

describe('feed pipeline', () => {
  it.each(['/gazette.xml', '/gazette.xml.gz'])('decodes the windows-1252 feed %s right', async (urlPath) => {
    const feed = await pollOnce(urlPath);
    expect(feed.title).toBe('Gazette de l’Ouest');
    expect(feed.articles[0]).toMatchObject({
      guid: 'gazette-1',
      url: 'https://gazette.example/marche',
      title: 'Le cœur de l’été : un marché à 5 € à Besançon',
      summary: 'Déjà très fréquenté, ça déménage « à la française ».',
    });
  });

  it('decodes ISO-8859-1 announced only in Content-Type', async () => {
    const feed = await pollOnce('/gazette-latin1.xml');
    expect(feed.articles[0]?.summary).toBe('Déjà très fréquenté, ça déménage « à la française ».');
  });

  it('says an HTML page is not a feed and where the feed is', async () => {
    const error = await pollOnce('/accueil').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAFeedError);
    expect((error as NotAFeedError).alternateUrl).toBe(server.url('/rss/une.xml?format=rss&lang=fr'));
  });
});

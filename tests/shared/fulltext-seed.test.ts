/**
 * The seed 004 (../shared/corpus/seeds/004_5d2a813404f72f90.txt) is the text of a real article
 * page with its furniture: a search box twice, a breadcrumb menu, a photo caption printed twice
 * with its credit, and the lead repeated (truncated) at the end. Build that page from the seed —
 * the hard way, everything as plain paragraphs inside the article body — serve it over HTTP in
 * windows-1252, and check the full-text stage returns the article and only the article.
 * Runs under `npm run test:shared` only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractArticleText } from '../../src/fulltext/extract-article-text.js';
import { createFullTextFetcher } from '../../src/fulltext/full-text-fetcher.js';
import { createNetworkGuard, type NetworkGuard } from '../../src/fulltext/network-guard.js';
import { parseWatchlist, type FeedSource } from '../../src/config/watchlist.js';
import type { Article } from '../../src/feeds/article.js';
import { memoryLog } from '../support/memory-log.js';
import { watchlistYaml } from '../support/watchlist.js';
import { startHostileServer, type HostileServer } from '../fetching/hostile-server.js';

const SEED = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'seeds', '004_5d2a813404f72f90.txt');
const blocks = readFileSync(SEED, 'utf8').split(/\n\s*\n/).map((b) => b.trim()).filter((b) => b !== '');
const search = blocks.filter((b) => /^(Rechercher\s*)+$/.test(b));
const rest = blocks.filter((b) => !search.includes(b));
const [breadcrumb, title, caption, ...tail] = rest as [string, string, string, ...string[]];
const repeatedLead = tail.at(-1) as string;
const body = tail.slice(0, -1);
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function seedPage(charset: string): string {
  return `<!DOCTYPE html><html><head><meta charset="${charset}"><title>${escape(title)}</title></head><body>
<div class="top">${search.flatMap((s) => s.split(/\s+/)).map((label) => `<form class="search"><label>${label}</label><input name="q"></form>`).join('')}</div>
<ul class="breadcrumb"><li>${escape(breadcrumb)}</li></ul>
<div class="main"><h1>${escape(title)}</h1>
<div itemprop="articleBody">
<p>${escape(caption)}</p>
${body.map((p) => `<p>${escape(p)}</p>`).join('\n')}
<p>${escape(repeatedLead)}</p>
</div></div></body></html>`;
}

describe('full text of the seed page 004', () => {
  it('has the furniture the page is known for', () => {
    expect(search.join(' ')).toMatch(/Rechercher/);
    expect(caption).toMatch(/PHOTO .+\/AFP$/);
    expect(repeatedLead.startsWith(body[0]?.slice(0, 60) ?? '-')).toBe(true);
    expect(body.length).toBeGreaterThanOrEqual(5);
  });

  it('extracts the article paragraphs, once each, without search box, menu, caption or repeated lead', () => {
    const { text, paragraphs } = extractArticleText(seedPage('utf-8'));
    expect(text.split('\n')).toEqual(body);
    expect(paragraphs).toBe(body.length);
    expect(text).not.toMatch(/Rechercher|Dernières Infos|PHOTO|KLIMENTYEV/);
  });

  describe('over HTTP, in windows-1252', () => {
    let server: HostileServer;
    let guard: NetworkGuard;
    beforeAll(async () => {
      server = await startHostileServer();
      guard = createNetworkGuard(['127.0.0.1/32']);
      server.route('/article', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' }).end(Buffer.from(seedPage('windows-1252'), 'latin1'));
      });
    });
    afterAll(async () => {
      await guard.close();
      await server.close();
    });

    it('fetches the page for a summary that names only Russia, and returns the whole article with its accents', async () => {
      const watchlist = parseWatchlist(watchlistYaml([{ id: 'seed', url: server.url('/feed.xml') }], { network: { allowRanges: ['127.0.0.1/32'] } }), '<seed>');
      const feed = watchlist.feeds[0] as FeedSource;
      const article: Article = {
        feedId: 'seed', guid: 'seed-004', url: server.url('/article'), title: 'Diplomatie : Moscou courtisé',
        summary: 'Vladimir Poutine est invité à une visite officielle.', content: '', publishedAt: null, fetchedAt: new Date().toISOString(),
      };
      const before = watchlist.ruleSet.evaluate(article);
      expect(before.kept).toBe(false);
      const fetcher = createFullTextFetcher({ settings: () => watchlist.settings, guard, log: memoryLog('warn').log });
      const full = await fetcher(article, feed, before);
      expect(full?.content.split('\n')).toEqual(body);
      expect(full?.content).toContain('Sergueï Lavrov');
      expect(watchlist.ruleSet.evaluate(full as Article).kept).toBe(true);
    });
  });
});

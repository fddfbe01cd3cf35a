/**
 * Full text only when it matters: the article stage asks for the page when a summary matches one
 * topic of a watch but not the whole watch (fullText: auto), always or never as configured; the
 * page's main text is extracted without its furniture; page fetches go through the network guard
 * and the same per-host politeness as feeds; any failure keeps the feed's text.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import type { Queue } from 'bullmq';
import type { ChainableCommander } from 'ioredis';
import { extractArticleText } from '../../src/fulltext/extract-article-text.js';
import { createFullTextFetcher } from '../../src/fulltext/full-text-fetcher.js';
import { createNetworkGuard, type NetworkGuard } from '../../src/fulltext/network-guard.js';
import { HostLimiter } from '../../src/politeness/host-limiter.js';
import { pollFeed, type PollDeps } from '../../src/pipeline/poll-feed.js';
import { openQueue, STORE_QUEUE, type StoreJobData } from '../../src/queues/queues.js';
import type { FeedSource } from '../../src/config/watchlist.js';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { memoryLog, type MemoryLog } from '../support/memory-log.js';
import { tempDir, writeWatchlist } from '../support/watchlist.js';
import { ITEMS, rssFeed } from '../support/feed-xml.js';
import { startHostileServer, type HostileServer } from './hostile-server.js';

const BODY = [
  'Le ministre russe des Affaires étrangères, Sergueï Lavrov, a reçu mardi à Moscou son homologue nord-coréenne, Choe Son Hui, pour préparer la visite de Kim Jong Un.',
  'Pyongyang et Moscou ont signé l’an dernier un pacte de défense mutuelle, et des soldats nord-coréens ont combattu dans la région de Koursk.',
  'Les deux diplomates ont promis de renforcer encore la coopération militaire et économique entre leurs pays.',
];

function articlePage(body: string[] = BODY): string {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Moscou</title>
<meta property="og:description" content="Moscou et Pyongyang resserrent leurs liens."></head><body>
<header><form role="search"><input name="q"><button>Rechercher</button></form><nav><ul><li><a href="/">Accueil</a></li><li><a href="/monde">Monde</a></li></ul></nav></header>
<div class="cookie-banner"><p>Nous utilisons des cookies. Accepter et continuer</p></div>
<article><h1>Moscou et Pyongyang resserrent leurs liens</h1>
<figure><img src="/photo.jpg" alt="Sergueï Lavrov"><figcaption>Sergueï Lavrov et Choe Son Hui à Moscou. PHOTO IVAN PETROV/AFP</figcaption></figure>
<div class="share-bar"><a>Partager sur X</a><a>Partager sur Facebook</a></div>
<div itemprop="articleBody">${body.map((p) => `<p>${p}</p>`).join('\n')}
<p class="paywall">Cet article est réservé aux abonnés.</p>
<p>${body[0]}</p></div>
<aside class="related"><h3>Lire aussi</h3><ul><li>Un autre article</li></ul></aside>
</article><footer><p>© Le Quotidien d’essai</p></footer></body></html>`;
}

describe('extractArticleText', () => {
  it('keeps the article body and drops the search box, menu, cookie wall, caption, share bar, paywall prompt and the repeated lead', () => {
    expect(extractArticleText(articlePage())).toEqual({ text: BODY.join('\n'), method: 'article-body', paragraphs: 3 });
  });

  it('falls back on <article>, then on the densest block of paragraphs', () => {
    const inArticle = `<html><body><nav>Menu</nav><article>${BODY.map((p) => `<p>${p}</p>`).join('')}</article></body></html>`;
    expect(extractArticleText(inArticle)).toMatchObject({ method: 'article', paragraphs: 3 });
    const divs = `<html><body><div class="menu"><p>Accueil</p></div><div id="x"><div class="col">${[...BODY, ...BODY.map((p) => `${p} (suite)`)].map((p) => `<p>${p}</p>`).join('')}</div><div><p>Court.</p></div></div></body></html>`;
    const dense = extractArticleText(divs);
    expect(dense.method).toBe('density');
    expect(dense.text.startsWith(BODY[0] as string)).toBe(true);
    expect(dense.text).not.toContain('Accueil');
  });

  it('uses the Open Graph description when the page has no paragraphs worth the name', () => {
    const page = '<html><head><meta property="og:description" content="Kim Jong Un attendu à Moscou &amp; à Vladivostok."></head><body><div>Menu</div></body></html>';
    expect(extractArticleText(page)).toEqual({ text: 'Kim Jong Un attendu à Moscou & à Vladivostok.', method: 'open-graph', paragraphs: 1 });
  });

  it.each([
    ['30,000 nested <div>s', () => `<html><body>${'<div>'.repeat(29_000)}<p>texte</p>${'</div>'.repeat(29_000)}</body></html>`],
    ['19,000 unclosed <p><b><i>', () => `<html><body>${'<p><b><i>mot '.repeat(19_000)}</body></html>`],
    ['100,000 unclosed <script>s', () => `<html><body><p>Texte</p>${'<script>'.repeat(100_000)}</body></html>`],
    ['4 MB of paragraphs in <article>', () => `<html><body><article>${Array.from({ length: 4_000 }, (_, i) => `<p>Paragraphe ${i} : ${'Moscou et Pyongyang. '.repeat(50)}</p>`).join('')}</article></body></html>`],
    ['120,000 tags of share bars', () => `<html><body>${'<div class="share"><p>Partager sur X</p></div><p>Un paragraphe ordinaire.</p>'.repeat(20_000)}</body></html>`],
  ])('stays bounded on a hostile page: %s', (_name, build) => {
    const html = build();
    const started = performance.now();
    const result = extractArticleText(html);
    // Measured: 0.3 s, 0.9 s, 5 ms, 0.2 s, 5 ms on 2 cores; the bound leaves room for a loaded machine.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.text.length).toBeLessThanOrEqual(300_000);
  });

  it('returns no text for an empty page', () => {
    expect(extractArticleText('<html><body></body></html>')).toMatchObject({ text: '', method: 'none' });
  });
});

describe('full text in a poll', () => {
  let server: HostileServer;
  let t: TestRedis;
  let dir: string;
  let storeQueue: Queue<StoreJobData>;
  let guard: NetworkGuard;
  let memory: MemoryLog;

  beforeEach(async () => {
    server = await startHostileServer();
    t = await openTestRedis();
    dir = await tempDir();
    memory = memoryLog('debug');
    storeQueue = openQueue<StoreJobData>(STORE_QUEUE, t.redis, t.keys, memory.log);
    guard = createNetworkGuard(['127.0.0.1/32']);
    server.route('/article/moscou', (_req, res) => { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articlePage()); });
    server.route('/article/foot', (_req, res) => { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articlePage(['Le PSG a gagné.'])); });
  });
  afterEach(async () => {
    await storeQueue.close();
    await guard.close();
    await server.close();
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  /** A feed whose Russia-only summary links to a page that also names North Korea. */
  async function setup(fullText: 'auto' | 'always' | 'never', links = { partial: '/article/moscou', other: '/article/foot' }, settings: Record<string, unknown> = {}) {
    const partial = { ...ITEMS.russiaOnly, link: links.partial.startsWith('http') ? links.partial : server.url(links.partial) };
    const other = { ...ITEMS.football, link: server.url(links.other) };
    server.route('/feed.xml', (_req, res) => { res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Résumés', [partial, other])); });
    const { watchlist } = await writeWatchlist(dir, [{ id: 'resumes', url: server.url('/feed.xml'), fullText } as never],
      { network: { allowRanges: ['127.0.0.1/32'] }, politeness: { minSpacing: '150ms' }, ...settings });
    const limiter = new HostLimiter(t.redis, t.keys.root, { maxInFlight: 1, minSpacingMs: 200, maxWaitMs: 10_000 });
    // Records which host each fetch waited for, and when its turn came.
    const hosts = {
      acquire: async (url: URL, signal?: AbortSignal) => {
        const release = await limiter.acquire(url, signal);
        turns.push({ host: url.host, at: performance.now() });
        return release;
      },
      // The feed's first slot is asked for with the poll's state read.
      attemptIn: (pipeline: ChainableCommander, url: URL, leaseMs?: number) => {
        const settle = limiter.attemptIn(pipeline, url, leaseMs);
        return (reply: unknown) => {
          const slot = settle(reply);
          if (slot) turns.push({ host: url.host, at: performance.now() });
          return slot;
        };
      },
    } as unknown as HostLimiter;
    const fetcher = createFullTextFetcher({ settings: () => watchlist.settings, guard, hosts, log: memory.log });
    const deps: PollDeps = { redis: t.redis, keys: t.keys, settings: watchlist.settings, ruleSet: watchlist.ruleSet, storeQueue, log: memory.log, hosts, fullText: fetcher };
    return { deps, feed: watchlist.feeds[0] as FeedSource };
  }
  let turns: { host: string; at: number }[] = [];
  beforeEach(() => { turns = []; });
  const pages = () => server.requests.filter((r) => r.path.startsWith('/article/')).map((r) => r.path);

  it('stores the article under the canonical URL its page declares', async () => {
    server.route('/article/canon', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(articlePage().replace('<head>', '<head><link rel="canonical" href="/monde/2026/moscou-pyongyang?utm_source=page#haut">'));
    });
    const { deps, feed } = await setup('auto', { partial: '/article/canon', other: '/article/foot' });
    const outcome = await pollFeed(feed, deps);
    expect(outcome.kept.map((k) => k.url)).toEqual([server.url('/monde/2026/moscou-pyongyang')]);
    expect(extractArticleText(articlePage().replace('<head>', '<head><link rel="canonical" href="https://exemple.fr/a">')).canonical).toBe('https://exemple.fr/a');
  });

  it('auto: fetches only the half-matching item\'s page, keeps it on its full text, and spaces requests to the host', async () => {
    const { deps, feed } = await setup('auto');
    const outcome = await pollFeed(feed, deps);
    expect(pages()).toEqual(['/article/moscou']);
    expect(outcome).toMatchObject({ itemsKept: 1, itemsIrrelevant: 1 });
    expect(outcome.kept[0]?.title).toBe(ITEMS.russiaOnly.title);
    const [job] = await storeQueue.getJobs(['waiting']);
    expect(JSON.stringify(job?.data)).toContain('Choe Son Hui');
    expect(JSON.stringify(job?.data)).not.toContain('réservé aux abonnés');
    // The article page waited for its turn on the same host as the feed (200 ms spacing).
    expect(turns.map((turn) => turn.host)).toEqual([new URL(server.baseUrl).host, new URL(server.baseUrl).host]);
    expect((turns[1]?.at ?? 0) - (turns[0]?.at ?? 0)).toBeGreaterThanOrEqual(150);
  });

  it('never: does not fetch pages, and the half-matching item stays irrelevant', async () => {
    const { deps, feed } = await setup('never');
    expect(await pollFeed(feed, deps)).toMatchObject({ itemsKept: 0, itemsIrrelevant: 2 });
    expect(pages()).toEqual([]);
  });

  it('always: fetches every new item\'s page', async () => {
    const { deps, feed } = await setup('always');
    await pollFeed(feed, deps);
    expect(pages().sort()).toEqual(['/article/foot', '/article/moscou']);
  });

  it('keeps the feed text when the page is on a refused address, says so at warn, and leaves that host alone afterwards', async () => {
    const { deps, feed } = await setup('always', { partial: 'http://10.0.0.7/article', other: '/article/foot' });
    expect(await pollFeed(feed, deps)).toMatchObject({ itemsKept: 0, itemsIrrelevant: 2 });
    expect(memory.find((l) => l.errCode === 'BLOCKED_ADDRESS')).toMatchObject({ level: 40, feedId: 'resumes', url: 'http://10.0.0.7/article' });
    // A second item on the same host, in the next poll: not tried again.
    const next = rssFeed('Résumés', [{ ...ITEMS.lavrov, link: 'http://10.0.0.7/autre' }]);
    server.route('/feed.xml', (_req, res) => { res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(next); });
    await pollFeed(feed, deps);
    expect(memory.lines.filter((l) => l.errCode === 'BLOCKED_ADDRESS')).toHaveLength(1);
  });

  it('keeps the feed text when the page fails (404), and stops at maxPerPoll pages', async () => {
    const { deps, feed } = await setup('always', { partial: '/article/missing', other: '/article/foot' }, { fullText: { maxPerPoll: 1 } });
    expect(await pollFeed(feed, deps)).toMatchObject({ itemsSeen: 2, itemsKept: 0 });
    expect(pages()).toEqual(['/article/missing']);
    expect(memory.find((l) => l.errCode === 'HTTP_404')).toMatchObject({ level: 30, msg: expect.stringContaining('fulltext: kept the feed text') });
  });
});

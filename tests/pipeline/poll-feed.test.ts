/**
 * The poll orchestrator against real HTTP (a local fixture server) and real Redis: relevance,
 * cross-feed dedupe, conditional GET, the first-poll age window, and idempotent storage.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Queue, Worker } from 'bullmq';
import type { FixtureFeedServer } from '../../src/demo/fixture-feed-server.js';
import { pollFeed, type PollDeps } from '../../src/pipeline/poll-feed.js';
import { openQueue, STORE_QUEUE, type StoreJobData } from '../../src/queues/queues.js';
import { NdjsonSink, articlesOf, readNdjsonStore } from '../../src/storage/ndjson-sink.js';
import { StoryIndex } from '../../src/dedupe/story-index.js';
import { identify } from '../../src/dedupe/content-hash.js';
import { startStoreWorker } from '../../workers/store-worker.js';
import { FeedStates } from '../../src/pipeline/feed-state.js';
import { HostLimiter } from '../../src/politeness/host-limiter.js';
import type { ChainableCommander } from 'ioredis';
import type { Watchlist, FeedSource } from '../../src/config/watchlist.js';
import type { TestRedis } from '../support/redis.js';
import { useTestEnvironment } from '../support/environment.js';
import { memoryLog } from '../support/memory-log.js';
import { REPO_ROOT, writeWatchlist, ndjsonPath } from '../support/watchlist.js';
import { MALFORMED_FEED, ITEMS, atomFeed, rssFeed } from '../support/feed-xml.js';

const env = useTestEnvironment();
let server: FixtureFeedServer;
let t: TestRedis;
let dir: string;
let storeQueue: Queue<StoreJobData>;
const { log } = memoryLog('warn');

beforeEach(() => {
  ({ server, t, dir } = env);
  storeQueue = openQueue<StoreJobData>(STORE_QUEUE, t.redis, t.keys, log);
});

afterEach(async () => {
  await storeQueue.close();
});

async function setup(feeds: { id: string; path: string }[]): Promise<{ watchlist: Watchlist; feed: (id: string) => FeedSource; deps: PollDeps }> {
  const { watchlist } = await writeWatchlist(dir, feeds.map((f) => ({ id: f.id, url: server.url(f.path) })));
  const deps: PollDeps = { redis: t.redis, keys: t.keys, settings: watchlist.settings, ruleSet: watchlist.ruleSet, storeQueue, log };
  const feed = (id: string) => watchlist.feeds.find((f) => f.id === id) as FeedSource;
  return { watchlist, feed, deps };
}

const storiesOf = (watchlist: Watchlist) => new StoryIndex(t.redis, t.keys, watchlist.settings.dedupeRetention, watchlist.settings.dedupe.nearDuplicateDistance);

async function drainStore(worker: Worker): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const counts = await storeQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`store queue did not drain (worker running: ${worker.isRunning()})`);
}

describe('pollFeed', () => {
  it('keeps the relevant article once although two feeds list it, and drops the irrelevant ones', async () => {
    server.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.alliance, ITEMS.football, ITEMS.russiaOnly]), contentType: 'application/rss+xml; charset=utf-8' });
    // Feed B republishes the same dispatch under another URL, with another guid.
    const republished = { ...ITEMS.alliance, link: 'https://exemple-deux.fr/international/2026/11/poutine-kim?xtor=RSS-1' };
    server.setRoute('/b.xml', { body: atomFeed('B', [republished, ITEMS.southKorea, ITEMS.lavrov]), contentType: 'application/atom+xml' });
    const { feed, deps, watchlist } = await setup([{ id: 'a', path: '/a.xml' }, { id: 'b', path: '/b.xml' }]);

    const first = await pollFeed(feed('a'), deps);
    expect(first).toMatchObject({ fetch: 'fetched', httpStatus: 200, itemsSeen: 3, itemsNew: 3, itemsKept: 1, itemsIrrelevant: 2, duplicates: 0, firstPoll: true });
    expect(first.kept[0]?.title).toBe(ITEMS.alliance.title);
    expect(first.kept[0]?.url).toBe('https://exemple-un.fr/monde/poutine-kim-kremlin');

    const second = await pollFeed(feed('b'), deps);
    expect(second).toMatchObject({ itemsSeen: 3, itemsKept: 1, duplicates: 1, itemsIrrelevant: 1 });
    expect(second.kept[0]?.title).toBe(ITEMS.lavrov.title);
    expect(second.duplicateOf[0]).toMatchObject({ title: ITEMS.alliance.title, articleId: first.kept[0]?.articleId, distance: 0, contentHash: first.kept[0]?.contentHash });

    const sink = await NdjsonSink.open(ndjsonPath(watchlist));
    const worker = startStoreWorker({ workerConnection: t.workerConnection, stories: storiesOf(watchlist), keys: t.keys, sink, concurrency: 2, log });
    try {
      await drainStore(worker);
      // A retried storage job (same article, another job) must not add a line.
      const [record] = articlesOf(await readNdjsonStore(ndjsonPath(watchlist))).filter((r) => r.article.feedId === 'a');
      await storeQueue.add('article', { record: record! }, { jobId: `retry-${record!.id}` });
      await drainStore(worker);
    } finally {
      await worker.close();
      await sink.close();
    }
    const records = await readNdjsonStore(ndjsonPath(watchlist));
    const stored = articlesOf(records);
    expect(stored.map((r) => r.article.title).sort()).toEqual([ITEMS.alliance.title, ITEMS.lavrov.title].sort());
    // Where else the story appeared: feed B's copy, under its canonical URL.
    expect(records.filter((r) => r.kind === 'sighting')).toEqual([expect.objectContaining({
      kind: 'sighting', articleId: first.kept[0]?.articleId, feedId: 'b', distance: 0, url: 'https://exemple-deux.fr/international/2026/11/poutine-kim',
    })]);
    const alliance = stored.find((r) => r.article.title === ITEMS.alliance.title)!;
    expect(alliance.matches[0]?.watchId).toBeTruthy();
    expect(alliance.matches[0]!.score).toBeGreaterThanOrEqual(alliance.matches[0]!.threshold);
    // Each hit points at the text it names.
    for (const hit of alliance.matches[0]!.hits) {
      const field = alliance.article[hit.field === 'title' ? 'title' : hit.field];
      expect(field.slice(hit.start, hit.end)).toBe(hit.text);
    }
    const lines = (await readFile(ndjsonPath(watchlist), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(3);
  });

  it('sends the ETag back, gets 304, and does no work on the second poll', async () => {
    server.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.alliance, ITEMS.football]), etag: '"v1"', contentType: 'application/rss+xml' });
    const { feed, deps } = await setup([{ id: 'a', path: '/a.xml' }]);
    const first = await pollFeed(feed('a'), deps);
    expect(first.itemsKept).toBe(1);
    const jobsAfterFirst = await storeQueue.count();

    const second = await pollFeed(feed('a'), deps);
    expect(second).toMatchObject({ fetch: 'not-modified', httpStatus: 304, itemsSeen: 0, itemsKept: 0 });
    const requests = server.requests.filter((r) => r.path === '/a.xml');
    expect(requests).toHaveLength(2);
    expect(requests[1]?.headers['if-none-match']).toBe('"v1"');
    expect(requests[1]?.status).toBe(304);
    expect(await storeQueue.count()).toBe(jobsAfterFirst);
    const state = await new FeedStates(t.redis, t.keys).get('a');
    expect(state).toMatchObject({ lastHttpStatus: 304, lastOutcome: 'not-modified', consecutiveFailures: 0, totalKept: 1 });
  });

  it('holds its host slot only for the request: taken with the state read, given back with a 304\'s record or before a body is processed', async () => {
    server.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.alliance]), etag: '"v1"', contentType: 'application/rss+xml' });
    const { feed, deps } = await setup([{ id: 'a', path: '/a.xml' }]);
    const host = new URL(server.url('/a.xml')).host;
    const inflight = `${t.keys.root}:host:${host}:inflight`;
    const slots: string[] = [];
    const limiter = new HostLimiter(t.redis, t.keys.root, { maxInFlight: 1, minSpacingMs: 0, maxWaitMs: 5_000 });
    // Counts the slots the poll asks for and how: with its state read, or by waiting.
    const hosts = {
      attemptIn: (pipeline: ChainableCommander, url: URL, leaseMs?: number) => { slots.push(`read:${url.host}`); return limiter.attemptIn(pipeline, url, leaseMs); },
      acquire: (url: URL, signal?: AbortSignal, leaseMs?: number) => { slots.push(`wait:${url.host}`); return limiter.acquire(url, signal, leaseMs); },
    } as unknown as HostLimiter;
    const polite = { ...deps, hosts };
    expect(await pollFeed(feed('a'), polite)).toMatchObject({ fetch: 'fetched', itemsKept: 1 });
    await t.redis.ping(); // the release went out before this on the same connection
    expect(await t.redis.zcard(inflight)).toBe(0);
    expect(await pollFeed(feed('a'), polite)).toMatchObject({ fetch: 'not-modified' });
    expect(await t.redis.zcard(inflight)).toBe(0);
    expect(slots).toEqual([`read:${host}`, `read:${host}`]);
    // The feed moved to another host: the slot read for the watchlist URL's host is given back, the new host's awaited.
    const moved = server.url('/a.xml').replace('127.0.0.1', 'localhost');
    await t.redis.hset(t.keys.feedState('a'), { movedTo: moved });
    expect(await pollFeed(feed('a'), polite)).toMatchObject({ fetch: 'not-modified', movedTo: moved });
    await t.redis.ping();
    expect(slots.slice(2)).toEqual([`read:${host}`, `wait:${new URL(moved).host}`]);
    expect(await t.redis.zcard(inflight)).toBe(0);
    expect(await t.redis.zcard(`${t.keys.root}:host:${new URL(moved).host}:inflight`)).toBe(0);
  });

  it('skips the parse when a server without validators sends the same bytes again', async () => {
    server.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.alliance]), contentType: 'application/rss+xml' });
    const { feed, deps } = await setup([{ id: 'a', path: '/a.xml' }]);
    await pollFeed(feed('a'), deps);
    const second = await pollFeed(feed('a'), deps);
    expect(second).toMatchObject({ fetch: 'unchanged', httpStatus: 200, itemsSeen: 0 });
  });

  it('processes only the items it has not seen on later polls', async () => {
    server.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.football, ITEMS.russiaOnly]), contentType: 'application/rss+xml' });
    const { feed, deps } = await setup([{ id: 'a', path: '/a.xml' }]);
    await pollFeed(feed('a'), deps);
    server.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.lavrov, ITEMS.football, ITEMS.russiaOnly]), contentType: 'application/rss+xml' });
    const second = await pollFeed(feed('a'), deps);
    expect(second).toMatchObject({ fetch: 'fetched', itemsSeen: 3, itemsNew: 1, itemsKept: 1, firstPoll: false });
  });

  it('remembers but does not keep items older than the first-poll window on a new feed', async () => {
    const old = { ...ITEMS.alliance, ageHours: 24 * 10 };
    server.setRoute('/a.xml', { body: rssFeed('A', [old, ITEMS.lavrov]), contentType: 'application/rss+xml' });
    const { feed, deps } = await setup([{ id: 'a', path: '/a.xml' }]);
    const first = await pollFeed(feed('a'), deps);
    expect(first).toMatchObject({ firstPoll: true, itemsTooOld: 1, itemsKept: 1 });
    expect(first.kept[0]?.title).toBe(ITEMS.lavrov.title);
    // On later polls the old item is known: it is not reconsidered.
    server.setRoute('/a.xml', { body: rssFeed('A', [old, ITEMS.lavrov, ITEMS.football]), contentType: 'application/rss+xml' });
    const second = await pollFeed(feed('a'), deps);
    expect(second).toMatchObject({ itemsNew: 1, itemsKept: 0, itemsTooOld: 0 });
  });

  it('records a failure with a readable message on the feed state and rethrows a typed error', async () => {
    server.setRoute('/broken.xml', { body: MALFORMED_FEED, contentType: 'application/rss+xml' });
    const { feed, deps } = await setup([{ id: 'broken', path: '/broken.xml' }]);
    await expect(pollFeed(feed('broken'), deps)).rejects.toMatchObject({ permanent: true });
    const state = await new FeedStates(t.redis, t.keys).get('broken');
    expect(state.consecutiveFailures).toBe(1);
    expect(state.lastError).toMatch(/broken\.xml/);
    expect(state.lastErrorCode).toBeTruthy();
  });

  it('fails with a permanent error naming the URL on 404', async () => {
    const { feed, deps } = await setup([{ id: 'gone', path: '/nothing-here.xml' }]);
    const err = await pollFeed(feed('gone'), deps).catch((e: unknown) => e);
    expect(err).toMatchObject({ permanent: true });
    expect(String((err as Error).message)).toContain(server.url('/nothing-here.xml'));
  });

  it('records an edit of a kept item as an update of that article, not a new article', async () => {
    server.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.alliance]), contentType: 'application/rss+xml' });
    const { feed, deps } = await setup([{ id: 'a', path: '/a.xml' }]);
    const first = await pollFeed(feed('a'), deps);
    const fixed = { ...ITEMS.alliance, title: 'Vladimir Poutine reçoit Kim Jong Un au Kremlin, une première depuis 2023' };
    server.setRoute('/a.xml', { body: rssFeed('A', [fixed]), contentType: 'application/rss+xml' });
    const second = await pollFeed(feed('a'), deps);
    expect(second).toMatchObject({ itemsKept: 0, itemsUpdated: 1, duplicates: 0 });
    expect(second.updated).toEqual([{ title: fixed.title, url: 'https://exemple-un.fr/monde/poutine-kim-kremlin', articleId: first.kept[0]?.articleId }]);
    const jobs = await storeQueue.getJobs(['waiting']);
    const update = jobs.find((j) => j.data.record.kind === 'update');
    expect(update?.data.record).toMatchObject({ kind: 'update', articleId: first.kept[0]?.articleId, article: { title: fixed.title } });
    // The same version listed again is not another update.
    const third = await pollFeed(feed('a'), deps);
    expect(third.itemsUpdated).toBe(0);
  });

  it('does not take a kept item re-listed under new site chrome and typography for an update', async () => {
    server.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.alliance]), contentType: 'application/rss+xml' });
    const { feed, deps } = await setup([{ id: 'a', path: '/a.xml' }]);
    expect((await pollFeed(feed('a'), deps)).itemsKept).toBe(1);
    const rechromed = { ...ITEMS.alliance, text: `${ITEMS.alliance.text.replace(/'/g, '’')}</p><p>Lire aussi : nos articles sur la Russie</p><p>Partager` };
    server.setRoute('/a.xml', { body: rssFeed('A', [rechromed]), contentType: 'application/rss+xml' });
    const second = await pollFeed(feed('a'), deps);
    expect(second).toMatchObject({ fetch: 'fetched', itemsNew: 0, itemsKept: 0, itemsUpdated: 0 });
  });

  it('judges again a dropped item whose text changed, and keeps it when it has become relevant', async () => {
    server.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.russiaOnly, ITEMS.football]), contentType: 'application/rss+xml' });
    const { feed, deps } = await setup([{ id: 'a', path: '/a.xml' }]);
    expect(await pollFeed(feed('a'), deps)).toMatchObject({ itemsNew: 2, itemsKept: 0 });
    // Same guid, the text now says who else is concerned; the other item is listed unchanged.
    const revised = { ...ITEMS.russiaOnly, text: `${ITEMS.russiaOnly.text} Pyongyang a dénoncé ces sanctions aux côtés de Moscou, son allié depuis le pacte de défense.` };
    server.setRoute('/a.xml', { body: rssFeed('A', [revised, ITEMS.football]), contentType: 'application/rss+xml' });
    const second = await pollFeed(feed('a'), deps);
    expect(second).toMatchObject({ itemsNew: 1, itemsKept: 1, itemsUpdated: 0 });
    expect(second.kept[0]?.title).toBe(ITEMS.russiaOnly.title);
  });

  it('stores a near-duplicate from another outlet as a sighting of the first article', async () => {
    // A dispatch of about 270 words; the second outlet changes one phrase, as subeditors do.
    const dispatch = readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'dedupe', 'dispatch.txt'), 'utf8');
    const original = { ...ITEMS.alliance, text: dispatch.replace(/\n/g, '</p><p>') };
    const reworded = { ...ITEMS.alliance, link: 'https://autre-journal.fr/monde/poutine-kim', guid: 'autre-1', text: original.text.replace('ont évoqué', 'ont discuté de') };
    server.setRoute('/a.xml', { body: rssFeed('A', [original]), contentType: 'application/rss+xml' });
    server.setRoute('/b.xml', { body: rssFeed('B', [reworded]), contentType: 'application/rss+xml' });
    const { feed, deps } = await setup([{ id: 'a', path: '/a.xml' }, { id: 'b', path: '/b.xml' }]);
    const first = await pollFeed(feed('a'), deps);
    const second = await pollFeed(feed('b'), deps);
    expect(first.kept[0]?.contentHash).not.toBe(second.duplicateOf[0]?.contentHash);
    expect(second.itemsKept).toBe(0);
    expect(second.duplicateOf).toHaveLength(1);
    expect(second.duplicateOf[0]?.articleId).toBe(first.kept[0]?.articleId);
    expect(second.duplicateOf[0]?.distance).toBeLessThanOrEqual(3);
  });

  it('recovers an article whose poller claimed it and crashed before queueing it', async () => {
    server.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.alliance]), contentType: 'application/rss+xml' });
    const { feed, deps, watchlist } = await setup([{ id: 'a', path: '/a.xml' }]);
    // The crash: the story is claimed (pending), nothing was queued, the item was not remembered.
    const identity = identify({ title: ITEMS.alliance.title, summary: ITEMS.alliance.text, content: '' });
    expect(await storiesOf(watchlist).claim([{ articleId: identity.articleId, fingerprint: identity.fingerprint }])).toEqual([{ kind: 'new', articleId: identity.articleId }]);
    expect(await storeQueue.count()).toBe(0);
    const outcome = await pollFeed(feed('a'), deps);
    expect(outcome.duplicateOf).toEqual([expect.objectContaining({ articleId: identity.articleId, distance: 0 })]);
    const job = await storeQueue.getJob(`a-${identity.articleId}`);
    expect(job?.data.record).toMatchObject({ kind: 'article', id: identity.articleId });
  });
});

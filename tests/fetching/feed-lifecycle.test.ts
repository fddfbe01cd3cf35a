/**
 * A feed's life across polls, against a real server and real Redis: moves (301 kept, 302/307
 * not), 410 disabling it, failures backing off and recovering alone, Retry-After, the adaptive
 * interval, and health changes logged once each.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import type { Queue } from 'bullmq';
import { pollFeed, type PollDeps } from '../../src/pipeline/poll-feed.js';
import { FeedStates } from '../../src/pipeline/feed-state.js';
import { openQueue, STORE_QUEUE, type StoreJobData } from '../../src/queues/queues.js';
import type { FeedSource } from '../../src/config/watchlist.js';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { memoryLog, type MemoryLog } from '../support/memory-log.js';
import { tempDir, writeWatchlist, type TestFeed } from '../support/watchlist.js';
import { ITEMS, rssFeed } from '../support/feed-xml.js';
import { startHostileServer, type HostileServer } from './hostile-server.js';

let server: HostileServer;
let t: TestRedis;
let dir: string;
let storeQueue: Queue<StoreJobData>;
let memory: MemoryLog;
const FEED = rssFeed('A', [ITEMS.football, ITEMS.southKorea]);

beforeEach(async () => {
  server = await startHostileServer();
  t = await openTestRedis();
  dir = await tempDir();
  memory = memoryLog('debug');
  storeQueue = openQueue<StoreJobData>(STORE_QUEUE, t.redis, t.keys, memory.log);
});
afterEach(async () => {
  await storeQueue.close();
  await server.close();
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const ok = (body = FEED, headers: Record<string, string> = {}) => (_req: unknown, res: import('node:http').ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/rss+xml', ...headers }).end(body);
};

async function setup(feed: Omit<TestFeed, 'url'> & { path: string }, settings: Record<string, unknown> = {}) {
  const { path, ...rest } = feed;
  const { watchlist } = await writeWatchlist(dir, [{ ...rest, url: server.url(path) }], settings);
  const deps: PollDeps = { redis: t.redis, keys: t.keys, settings: watchlist.settings, ruleSet: watchlist.ruleSet, storeQueue, log: memory.log };
  const source = watchlist.feeds[0] as FeedSource;
  const states = new FeedStates(t.redis, t.keys);
  return { deps, feed: source, state: () => states.get(source.id) };
}

describe('moves', () => {
  it('follows a 301 to the new URL, keeps it in the state, logs it once, and fetches the new URL directly afterwards', async () => {
    server.route('/old.xml', (_req, res) => { res.writeHead(301, { location: '/new.xml' }).end(); });
    server.route('/new.xml', ok());
    const { deps, feed, state } = await setup({ id: 'moved', path: '/old.xml' });
    const first = await pollFeed(feed, deps);
    expect(first.movedTo).toBe(server.url('/new.xml'));
    expect((await state()).movedTo).toBe(server.url('/new.xml'));
    expect(memory.lines.filter((l) => String(l.msg).includes('moved permanently'))).toHaveLength(1);
    expect(memory.find((l) => String(l.msg).includes('moved permanently'))).toMatchObject({ level: 40, feedId: 'moved', movedTo: server.url('/new.xml') });
    await pollFeed(feed, deps);
    expect(server.requests.map((r) => r.path)).toEqual(['/old.xml', '/new.xml', '/new.xml']);
    expect(memory.lines.filter((l) => String(l.msg).includes('moved permanently'))).toHaveLength(1);
  });

  it.each([302, 307])('follows a %d but keeps polling the watchlist URL', async (status) => {
    server.route('/feed.xml', (_req, res) => { res.writeHead(status, { location: '/today.xml' }).end(); });
    server.route('/today.xml', ok());
    const { deps, feed, state } = await setup({ id: 'temp', path: '/feed.xml' });
    const outcome = await pollFeed(feed, deps);
    expect(outcome.movedTo).toBeUndefined();
    expect((await state()).movedTo).toBeNull();
    await pollFeed(feed, deps);
    expect(server.requests.map((r) => r.path)).toEqual(['/feed.xml', '/today.xml', '/feed.xml', '/today.xml']);
  });

  it('does not take a 301 that comes after a 302 as a move of the feed', async () => {
    server.route('/feed.xml', (_req, res) => { res.writeHead(302, { location: '/mid.xml' }).end(); });
    server.route('/mid.xml', (_req, res) => { res.writeHead(301, { location: '/final.xml' }).end(); });
    server.route('/final.xml', ok());
    const { deps, feed } = await setup({ id: 'mixed', path: '/feed.xml' });
    expect((await pollFeed(feed, deps)).movedTo).toBeUndefined();
  });
});

describe('410 Gone', () => {
  it('disables the feed, says why at warn, and a changed watchlist URL brings it back', async () => {
    server.route('/gone.xml', (_req, res) => { res.writeHead(410).end(); });
    server.route('/back.xml', ok());
    const { deps, feed, state } = await setup({ id: 'gone', path: '/gone.xml' });
    const err = await pollFeed(feed, deps).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HTTP_410', permanent: true });
    const after = await state();
    expect(after).toMatchObject({ disabled: true, health: 'disabled', lastHttpStatus: 410 });
    expect(after.disabledReason).toContain('410 Gone');
    expect(after.disabledReason).toContain('remove it from the watchlist or give it a new URL');
    expect(memory.find((l) => l.level === 40 && String(l.msg).startsWith('feed: disabled'))).toMatchObject({ feedId: 'gone', health: 'disabled' });

    const revived = { ...feed, url: server.url('/back.xml') };
    const outcome = await pollFeed(revived, deps);
    expect(outcome.health).toBe('ok');
    expect(await state()).toMatchObject({ disabled: false, url: server.url('/back.xml') });
  });
});

describe('failures', () => {
  it('doubles the interval on each failure up to the cap, logs "failing" once, and recovers on the first success', async () => {
    let failing = true;
    server.route('/flaky.xml', (_req, res) => {
      if (failing) res.writeHead(500).end();
      else ok()(_req, res);
    });
    const { deps, feed, state } = await setup({ id: 'flaky', path: '/flaky.xml', interval: '10m' }, { schedule: { maxFailureInterval: '1h' } });
    const intervals: (number | null)[] = [];
    for (let i = 0; i < 5; i += 1) {
      await expect(pollFeed(feed, deps)).rejects.toMatchObject({ code: 'HTTP_500', permanent: false });
      intervals.push((await state()).effectiveIntervalMs);
    }
    expect(intervals).toEqual([1_200_000, 2_400_000, 3_600_000, 3_600_000, 3_600_000]);
    const failed = await state();
    expect(failed).toMatchObject({ consecutiveFailures: 5, health: 'failing', intervalReason: 'failure-backoff', lastErrorCode: 'HTTP_500' });
    expect(Date.parse(failed.nextPollAt!) - Date.parse(failed.lastAttemptAt!)).toBeGreaterThan(3_500_000);
    const warnings = memory.lines.filter((l) => l.level === 40 && String(l.msg).startsWith('feed: failing'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ feedId: 'flaky', consecutiveFailures: 3, errCode: 'HTTP_500' });

    failing = false;
    const outcome = await pollFeed(feed, deps);
    expect(outcome).toMatchObject({ health: 'ok', intervalReason: 'interval' });
    expect(await state()).toMatchObject({ consecutiveFailures: 0, effectiveIntervalMs: 600_000, health: 'ok', lastError: null });
    expect(memory.find((l) => String(l.msg).startsWith('feed: recovered'))).toMatchObject({ level: 30, healthFrom: 'failing' });
  });

  it('waits for Retry-After before the next scheduled poll', async () => {
    server.route('/busy.xml', (_req, res) => { res.writeHead(429, { 'retry-after': '7200' }).end(); });
    const { deps, feed, state } = await setup({ id: 'busy', path: '/busy.xml', interval: '10m' });
    await expect(pollFeed(feed, deps)).rejects.toMatchObject({ code: 'HTTP_429', retryAfterMs: 7_200_000 });
    const after = await state();
    expect(after).toMatchObject({ intervalReason: 'retry-after', effectiveIntervalMs: 7_200_000 });
  });
});

describe('adaptive interval and silence', () => {
  const at = (hoursAgo: number) => ({ ...ITEMS.football, title: `Match ${hoursAgo}`, link: `https://ex.fr/${hoursAgo}`, ageHours: hoursAgo });

  it('follows the publishing rate within min/max, and never below the feed\'s <ttl>', async () => {
    // 24 items over the last 24 hours: one an hour → poll every 30 min.
    const hourly = rssFeed('Horaire', Array.from({ length: 24 }, (_, i) => at(i + 0.5)));
    server.route('/hourly.xml', ok(hourly));
    const { deps, feed, state } = await setup({ id: 'hourly', path: '/hourly.xml', interval: '15m', adaptiveInterval: true } as never,
      { schedule: { minInterval: '5m', maxInterval: '6h' } });
    const outcome = await pollFeed(feed, deps);
    expect(outcome.intervalReason).toBe('adaptive');
    // 24 items in the 23.5 hours since the oldest: 24.5 a day, so a poll about every 29 minutes.
    const learnt = await state();
    expect(learnt.itemsPerDay).toBeCloseTo(24.5, 1);
    expect(learnt.effectiveIntervalMs).toBeCloseTo(86_400_000 / 24.51 / 2, -3);

    server.route('/hourly.xml', ok(hourly.replace('<description>Fixture</description>', '<description>Fixture</description><ttl>90</ttl>')));
    await pollFeed(feed, deps);
    expect(await state()).toMatchObject({ ttlMs: 5_400_000, effectiveIntervalMs: 5_400_000, intervalReason: 'ttl' });
  });

  it('marks a feed silent when it has published nothing for far longer than usual, and logs it once', async () => {
    // Used to publish daily; nothing for the last 8 days.
    server.route('/quiet.xml', ok(rssFeed('Calme', Array.from({ length: 13 }, (_, i) => at(24 * (8 + i))))));
    const { deps, feed, state } = await setup({ id: 'quiet', path: '/quiet.xml' }, { schedule: { silentFactor: 3, silentMin: '2d' } });
    expect((await pollFeed(feed, deps)).health).toBe('silent');
    expect((await state()).health).toBe('silent');
    await pollFeed(feed, deps);
    const warnings = memory.lines.filter((l) => String(l.msg).startsWith('feed: silent'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, feedId: 'quiet' });
  });
});

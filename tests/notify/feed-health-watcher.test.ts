/**
 * The feed-health watcher on real Redis: a feed that starts failing, goes silent and recovers is
 * notified once per change (not once per look), to the webhooks subscribed to that event; the
 * last notified health survives a restart; only one watcher works at a time.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import type { Queue } from 'bullmq';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { memoryLog } from '../support/memory-log.js';
import { tempDir, writeWatchlist } from '../support/watchlist.js';
import { openQueue } from '../../src/queues/queues.js';
import { FeedStates } from '../../src/pipeline/feed-state.js';
import { NOTIFY_QUEUE, type NotifyJobData } from '../../src/notify/notify-queue.js';
import { FeedHealthWatcher } from '../../src/notify/feed-health-watcher.js';
import type { FeedHealthPayload } from '../../src/notify/payloads.js';
import type { Watchlist } from '../../src/config/watchlist.js';

let t: TestRedis;
let dir: string;
let queue: Queue<NotifyJobData>;
let watchlist: Watchlist;
const mem = memoryLog('info');
const DAY = 86_400_000;

beforeEach(async () => {
  t = await openTestRedis();
  dir = await tempDir();
  queue = openQueue<NotifyJobData>(NOTIFY_QUEUE, t.redis, t.keys, mem.log);
  watchlist = (await writeWatchlist(dir, [{ id: 'alpha', url: 'http://127.0.0.1:9/a.xml' }, { id: 'beta', url: 'http://127.0.0.1:9/b.xml' }], {
    webhooks: [
      { url: 'http://127.0.0.1:9/all', events: ['feed.failing', 'feed.silent', 'feed.recovered'] },
      { url: 'http://127.0.0.1:9/failing-only', events: ['feed.failing'] },
      { url: 'http://127.0.0.1:9/articles', events: ['article.kept'] },
    ],
  })).watchlist;
});

afterEach(async () => {
  await queue.close();
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const watcher = (now: () => number = Date.now) => new FeedHealthWatcher({ redis: t.redis, keys: t.keys, live: { current: watchlist }, queue, log: mem.log, intervalMs: 1_000, now });
const failure = { url: 'http://127.0.0.1:9/a.xml', httpStatus: 503, message: 'fetch: 503 Service Unavailable', code: 'HTTP_5XX', durationMs: 12 };
const success = { url: 'http://127.0.0.1:9/a.xml', httpStatus: 200, outcome: 'fetched' as const, durationMs: 10, itemsSeen: 3, itemsNew: 0, itemsKept: 0, duplicates: 0 };

async function queued(): Promise<{ event: string; url: string; payload: FeedHealthPayload }[]> {
  const jobs = await queue.getJobs(['waiting', 'delayed']);
  return jobs.map((j) => ({ event: j.data.event, url: j.data.url, payload: j.data.payload as FeedHealthPayload }))
    .sort((a, b) => a.payload.occurredAt.localeCompare(b.payload.occurredAt) || a.url.localeCompare(b.url));
}

it('notifies failing, silent and recovered once per change, to the webhooks subscribed', async () => {
  const states = new FeedStates(t.redis, t.keys);
  await states.recordSuccess('beta', { ...success, url: 'http://127.0.0.1:9/b.xml' });
  let now = Date.now();
  const w = watcher(() => now);
  for (let i = 0; i < 3; i += 1) await states.recordFailure('alpha', failure);

  expect((await w.checkOnce())?.map((c) => [c.feedId, c.event])).toEqual([['alpha', 'feed.failing']]);
  expect(await w.checkOnce()).toEqual([]);
  let jobs = await queued();
  expect(jobs.map((j) => j.url).sort()).toEqual(['http://127.0.0.1:9/all', 'http://127.0.0.1:9/failing-only']);
  expect(jobs[0]?.payload).toMatchObject({
    event: 'feed.failing', feed: { id: 'alpha', url: 'http://127.0.0.1:9/a.xml' }, health: 'failing', previousHealth: 'ok',
    consecutiveFailures: 3, lastError: failure.message, lastErrorCode: 'HTTP_5XX', lastHttpStatus: 503,
  });
  expect(mem.find((l) => l.msg === 'notify: feed.failing' && l.feedId === 'alpha')).toMatchObject({ level: 40, webhooks: 2 });

  // It answers again, but its newest item is ten days old for a feed that publishes daily: silent.
  await states.recordSuccess('alpha', success);
  await states.update('alpha', { itemsPerDay: 1, lastItemAt: new Date(now - 10 * DAY).toISOString() });
  now += 1_000;
  expect((await w.checkOnce())?.map((c) => c.event)).toEqual(['feed.silent']);

  await states.update('alpha', { lastItemAt: new Date(now).toISOString() });
  now += 1_000;
  expect((await w.checkOnce())?.map((c) => c.event)).toEqual(['feed.recovered']);
  jobs = await queued();
  expect(jobs.map((j) => `${j.event} ${j.url}`)).toEqual([
    'feed.failing http://127.0.0.1:9/all', 'feed.failing http://127.0.0.1:9/failing-only',
    'feed.silent http://127.0.0.1:9/all',
    'feed.recovered http://127.0.0.1:9/all',
  ]);
  expect(jobs[3]?.payload).toMatchObject({ health: 'ok', previousHealth: 'silent', consecutiveFailures: 0 });
  // The watcher restarts: what it notified is remembered in Redis, nothing is sent twice.
  await w.stop();
  expect(await watcher().checkOnce()).toEqual([]);
});

it('lets one watcher work at a time and hands over when it stops', async () => {
  const first = watcher();
  const second = watcher();
  expect(await first.checkOnce()).toEqual([]);
  expect(await second.checkOnce()).toBeNull();
  expect(await first.checkOnce()).toEqual([]);
  await first.stop();
  expect(await second.checkOnce()).toEqual([]);
  await second.stop();
});

it('reports a feed already failing when watching starts, and forgets feeds removed from the watchlist', async () => {
  const states = new FeedStates(t.redis, t.keys);
  await states.recordFailure('beta', { ...failure, url: 'http://127.0.0.1:9/b.xml' });
  await states.update('beta', { lastErrorPermanent: true });
  const w = watcher();
  expect((await w.checkOnce())?.map((c) => [c.feedId, c.event, c.health])).toEqual([['beta', 'feed.failing', 'failing']]);
  watchlist = { ...watchlist, feeds: watchlist.feeds.filter((f) => f.id !== 'beta') };
  const w2 = new FeedHealthWatcher({ redis: t.redis, keys: t.keys, live: { current: watchlist }, queue, log: mem.log });
  await w.stop();
  expect(await w2.checkOnce()).toEqual([]);
  expect(await t.redis.hgetall(`${t.keys.root}:notify:health`)).toEqual({});
  await w2.stop();
});

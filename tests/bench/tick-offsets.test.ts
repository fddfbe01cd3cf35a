/**
 * The scale bench found every job scheduler ticking at the second it was upserted, so feeds
 * reconciled together came due together each interval. Schedulers now carry a stable offset per
 * feed: ticks spread over the interval, and a new feed is still polled at once.
 */
import { rm } from 'node:fs/promises';
import type { Queue } from 'bullmq';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openQueue, POLL_QUEUE, type PollJobData } from '../../src/queues/queues.js';
import { reconcileSchedulers, tickOffsetMs } from '../../workers/scheduler.js';
import { memoryLog } from '../support/memory-log.js';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { tempDir, writeWatchlist } from '../support/watchlist.js';

let t: TestRedis;
let dir: string;
let queue: Queue<PollJobData>;
const { log } = memoryLog('warn');

beforeEach(async () => {
  t = await openTestRedis();
  dir = await tempDir();
  queue = openQueue<PollJobData>(POLL_QUEUE, t.redis, t.keys, log);
});

afterEach(async () => {
  await queue.close();
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

it('spreads the ticks of feeds reconciled together over their interval', async () => {
  const feeds = Array.from({ length: 200 }, (_, i) => ({ id: `feed-${i}`, url: `http://127.0.0.1:9/${i}.xml`, interval: '10m' }));
  const { watchlist } = await writeWatchlist(dir, feeds);
  const report = await reconcileSchedulers(queue, watchlist, t.redis, t.keys, log);
  expect(report.added).toHaveLength(200);

  const schedulers = await queue.getJobSchedulers(0, -1);
  expect(schedulers).toHaveLength(200);
  const every = 600_000;
  // Ten slices of the interval: none holds more than twice its share of the next ticks.
  const slices = new Array<number>(10).fill(0);
  for (const s of schedulers) {
    expect(s.offset).toBe(Math.max(1, tickOffsetMs(s.key.slice('feed:'.length), every)));
    const slice = Math.floor((((s.next ?? 0) % every) / every) * 10);
    slices[slice] = (slices[slice] ?? 0) + 1;
  }
  expect(Math.max(...slices)).toBeLessThanOrEqual(40);

  // Every new feed is polled now, not at its slot.
  const waiting = await queue.getJobs(['waiting']);
  expect(waiting.map((j) => j.data.feedId).sort()).toEqual(feeds.map((f) => f.id).sort());

  // Reconciling again changes nothing and queues nothing more.
  const again = await reconcileSchedulers(queue, watchlist, t.redis, t.keys, log);
  expect(again).toMatchObject({ added: [], updated: [], removed: [], unchanged: 200 });
  expect(await queue.getJobCountByTypes('waiting')).toBe(200);
});

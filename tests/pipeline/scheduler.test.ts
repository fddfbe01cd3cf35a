/**
 * Job schedulers follow the watchlist: reconciled at start, on file change and on reload; an
 * invalid edit is rejected and the running version stays.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import type { Queue } from 'bullmq';
import { LiveWatchlist } from '../../src/config/live-watchlist.js';
import { openQueue, POLL_QUEUE, type PollJobData } from '../../src/queues/queues.js';
import { reconcileSchedulers, startScheduler } from '../../workers/scheduler.js';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { memoryLog } from '../support/memory-log.js';
import { tempDir, watchlistYaml, writeWatchlist } from '../support/watchlist.js';

let t: TestRedis;
let dir: string;
let queue: Queue<PollJobData>;
const memory = memoryLog('info');

beforeEach(async () => {
  t = await openTestRedis();
  dir = await tempDir();
  queue = openQueue<PollJobData>(POLL_QUEUE, t.redis, t.keys, memory.log);
});

afterEach(async () => {
  await queue.close();
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const schedulerIds = async () => (await queue.getJobSchedulers(0, -1)).map((s) => s.key).sort();

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('adds, reschedules and removes schedulers when the watchlist file changes', async () => {
  const { file } = await writeWatchlist(dir, [
    { id: 'a', url: 'http://127.0.0.1:9/a.xml', interval: '10m' },
    { id: 'b', url: 'http://127.0.0.1:9/b.xml', interval: '10m' },
    { id: 'off', url: 'http://127.0.0.1:9/off.xml', enabled: false },
  ]);
  const live = await LiveWatchlist.open(file, memory.log);
  live.watchFile(50);
  const scheduler = await startScheduler(queue, live, t.redis, t.keys, memory.log);
  try {
    expect(await schedulerIds()).toEqual(['feed:a', 'feed:b']);
    // An edit: b removed, c added, a rescheduled.
    await writeFile(file, watchlistYaml([
      { id: 'a', url: 'http://127.0.0.1:9/a.xml', interval: '5m' },
      { id: 'c', url: 'http://127.0.0.1:9/c.xml' },
    ], { sink: { type: 'ndjson', path: `${dir}/articles.ndjson` } }));
    await waitFor(async () => (await schedulerIds()).join() === 'feed:a,feed:c', 'schedulers a and c');
    const a = await queue.getJobScheduler('feed:a');
    expect(a?.every).toBe(300_000);
    expect(a?.template?.data).toEqual({ feedId: 'a' });
  } finally {
    await scheduler.close();
    live.close();
  }
});

it('rejects an invalid edit, logs where the problem is, and keeps the running version', async () => {
  const { file, watchlist } = await writeWatchlist(dir, [{ id: 'a', url: 'http://127.0.0.1:9/a.xml' }]);
  const local = memoryLog('info');
  const live = await LiveWatchlist.open(file, local.log);
  const scheduler = await startScheduler(queue, live, t.redis, t.keys, local.log);
  try {
    await writeFile(file, watchlistYaml([
      { id: 'a', url: 'http://127.0.0.1:9/a.xml' },
      { id: 'b', url: 'http://127.0.0.1:9/b.xml', interval: 'soon' },
    ]));
    expect(await live.reload('test')).toBe(false);
    expect(live.current.version).toBe(watchlist.version);
    expect(await schedulerIds()).toEqual(['feed:a']);
    const line = local.find((l) => String(l.msg).startsWith('config: rejected the edit'));
    expect(String(line?.msg)).toContain(`${file}: feeds[1].interval (feed "b"): interval: "soon" is not a duration`);
    // A valid edit after that is applied.
    await writeFile(file, watchlistYaml([{ id: 'b', url: 'http://127.0.0.1:9/b.xml' }]));
    expect(await live.reload('test')).toBe(true);
    await waitFor(async () => (await schedulerIds()).join() === 'feed:b', 'scheduler b');
  } finally {
    await scheduler.close();
    live.close();
  }
});

it('serialises concurrent reconciliations with a lock, ending in the same schedulers', async () => {
  const { watchlist } = await writeWatchlist(dir, Array.from({ length: 20 }, (_, i) => ({ id: `f${i}`, url: `http://127.0.0.1:9/${i}.xml` })));
  const reports = await Promise.all([1, 2, 3].map(() => reconcileSchedulers(queue, watchlist, t.redis, t.keys, memory.log)));
  expect(reports.map((r) => r.added.length).sort()).toEqual([0, 0, 20]);
  expect(await schedulerIds()).toHaveLength(20);
  expect(await t.redis.exists(t.keys.reconcileLock)).toBe(0);
});

it('takes the reconcile lock over when its holder died without releasing it', async () => {
  const { watchlist } = await writeWatchlist(dir, [{ id: 'a', url: 'http://127.0.0.1:9/a.xml' }]);
  // A scheduler that crashed mid-reconcile: its lock stays until it expires.
  await t.redis.set(t.keys.reconcileLock, 'dead-holder', 'PX', 1_500);
  const reconcile = reconcileSchedulers(queue, watchlist, t.redis, t.keys, memory.log);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await schedulerIds()).toEqual([]);
  const report = await reconcile;
  expect(report.added).toEqual(['a']);
  expect(await schedulerIds()).toEqual(['feed:a']);
  expect(await t.redis.exists(t.keys.reconcileLock)).toBe(0);
});

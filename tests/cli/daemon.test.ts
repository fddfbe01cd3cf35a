/**
 * The daemon and the CLI as separate processes, as people run them: `veille start`, then
 * `veille trigger --wait` and `veille status` from another shell; SIGTERM with a job in flight.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FixtureFeedServer } from '../../src/demo/fixture-feed-server.js';
import { articlesOf, readNdjsonStore } from '../../src/storage/ndjson-sink.js';
import { openQueue, POLL_QUEUE, STORE_QUEUE, type PollJobData, type StoreJobData } from '../../src/queues/queues.js';
import type { TestRedis } from '../support/redis.js';
import { useTestEnvironment } from '../support/environment.js';
import { memoryLog } from '../support/memory-log.js';
import { writeWatchlist, ndjsonPath } from '../support/watchlist.js';
import { ITEMS, rssFeed } from '../support/feed-xml.js';
import { runCli, startCli, type RunningCli } from '../support/cli.js';

const env = useTestEnvironment();
let server: FixtureFeedServer;
let t: TestRedis;
let dir: string;
let daemon: RunningCli | undefined;

beforeEach(() => {
  ({ server, t, dir } = env);
  daemon = undefined;
});
afterEach(() => {
  if (daemon) env.processes.push(daemon);
});

const redisEnv = () => ({ REDIS_URL: t.url });

it('trigger --wait prints the outcome of a poll run by the daemon, and status shows it', async () => {
  server.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.alliance, ITEMS.football, ITEMS.russiaOnly]), etag: '"e1"', contentType: 'application/rss+xml' });
  const { file, watchlist } = await writeWatchlist(dir, [{ id: 'alpha', url: server.url('/a.xml'), interval: '1h' }]);
  daemon = startCli(['--config', file, '--prefix', t.keys.prefix, 'start', '--only', 'poll,store'], redisEnv());
  await daemon.waitForLine((l) => l.msg === 'daemon: started');

  const result = await runCli(['--config', file, '--prefix', t.keys.prefix, 'trigger', 'alpha', '--wait'], redisEnv());
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('alpha: HTTP 200');
  expect(result.stdout).toContain('3 items seen, 3 new, 1 kept, 0 duplicates, 2 irrelevant');
  expect(result.stdout).toContain(`kept       "${ITEMS.alliance.title}"`);

  await daemon.waitForLine((l) => l.msg === 'store: article stored');
  const stored = articlesOf(await readNdjsonStore(ndjsonPath(watchlist)));
  expect(stored.map((r) => r.article.title)).toEqual([ITEMS.alliance.title]);

  const again = await runCli(['--config', file, '--prefix', t.keys.prefix, 'trigger', 'alpha', '--wait', '--json'], redisEnv());
  const [outcome] = JSON.parse(again.stdout) as { outcome: { fetch: string; httpStatus: number } }[];
  expect(outcome?.outcome).toMatchObject({ fetch: 'not-modified', httpStatus: 304 });

  const status = await runCli(['--config', file, '--prefix', t.keys.prefix, 'status', '--json'], redisEnv());
  expect(status.code).toBe(0);
  const [row] = JSON.parse(status.stdout) as Record<string, unknown>[];
  expect(row).toMatchObject({ feedId: 'alpha', lastHttpStatus: 304, totalKept: 1, consecutiveFailures: 0, lastError: null });
  const table = await runCli(['--config', file, '--prefix', t.keys.prefix, 'status'], redisEnv());
  expect(table.stdout).toMatch(/^FEED\s+EVERY\s+NEXT RUN/m);
  expect(table.stdout).toMatch(/^alpha\s+1h/m);
});

it('trigger names unknown feeds, and --wait refuses when no poll worker runs', async () => {
  const { file } = await writeWatchlist(dir, [{ id: 'alpha', url: server.url('/a.xml') }]);
  const unknown = await runCli(['--config', file, '--prefix', t.keys.prefix, 'trigger', 'beta'], redisEnv());
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain(`"beta" not in ${file}; known feeds: alpha`);
  const noWorker = await runCli(['--config', file, '--prefix', t.keys.prefix, 'trigger', 'alpha', '--wait'], redisEnv());
  expect(noWorker.code).toBe(1);
  expect(noWorker.stderr).toContain('no poll worker is connected');
});

it('finishes the job in flight on SIGTERM, then exits 0', async () => {
  // The server holds the response for 1.5 s: SIGTERM lands while the poll is in flight.
  server.setRoute('/slow.xml', { body: rssFeed('Lent', [ITEMS.lavrov]), contentType: 'application/rss+xml', delayMs: 1_500 });
  const { file, watchlist } = await writeWatchlist(dir, [{ id: 'slow', url: server.url('/slow.xml'), interval: '1h' }]);
  daemon = startCli(['--config', file, '--prefix', t.keys.prefix, 'start', '--only', 'poll,store', '--shutdown-timeout', '20s'], redisEnv());
  await daemon.waitForLine((l) => l.msg === 'daemon: started');
  const { log } = memoryLog('warn');
  const queue = openQueue<PollJobData>(POLL_QUEUE, t.redis, t.keys, log);
  try {
    const job = await queue.add('poll', { feedId: 'slow' });
    for (let i = 0; i < 200 && !server.requests.some((r) => r.path === '/slow.xml'); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(server.requests.some((r) => r.path === '/slow.xml')).toBe(true);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    expect(await (await queue.getJob(job.id!))?.getState()).toBe('completed');
    expect(daemon.lines.some((l) => l.msg === 'shutdown: letting active jobs finish')).toBe(true);
    expect(daemon.lines.some((l) => l.msg === 'shutdown: done')).toBe(true);
    // The article the poll kept is not lost: written already, or waiting in the store queue for the next start.
    const stored = articlesOf(await readNdjsonStore(ndjsonPath(watchlist)));
    const storeQueue = openQueue<StoreJobData>(STORE_QUEUE, t.redis, t.keys, log);
    const waiting = articlesOf((await storeQueue.getJobs(['waiting', 'completed'])).map((j) => j.data.record));
    await storeQueue.close();
    const titles = [...stored, ...waiting].map((r) => r.article.title);
    expect(new Set(titles)).toEqual(new Set([ITEMS.lavrov.title]));
  } finally {
    await queue.close();
  }
});

it('reloads the watchlist on SIGHUP and schedules the feeds it adds', async () => {
  const { file } = await writeWatchlist(dir, [{ id: 'alpha', url: server.url('/a.xml'), interval: '1h' }]);
  daemon = startCli(['--config', file, '--prefix', t.keys.prefix, 'start', '--only', 'scheduler', '--no-watch'], redisEnv());
  await daemon.waitForLine((l) => l.msg === 'daemon: started');
  await writeWatchlist(dir, [{ id: 'alpha', url: server.url('/a.xml'), interval: '1h' }, { id: 'beta', url: server.url('/b.xml'), interval: '1h' }]);
  daemon.child.kill('SIGHUP');
  await daemon.waitForLine((l) => l.msg === 'config: reloaded the watchlist' && l.reason === 'SIGHUP');
  const line = await daemon.waitForLine((l) => l.msg === 'scheduler: job schedulers reconciled with the watchlist' && Array.isArray(l.added) && (l.added as string[]).includes('beta'));
  expect(line.added).toEqual(['beta']);
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
});

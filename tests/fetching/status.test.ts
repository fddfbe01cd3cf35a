/**
 * `veille status` shows feed health from Redis: last attempt and success, HTTP status, failures,
 * last error with its code, items per day, health (failing, silent, disabled) and moves; the
 * table keeps its first columns (FEED, EVERY, NEXT RUN) and `--json` carries every field.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import type { Queue } from 'bullmq';
import { pollFeed, type PollDeps } from '../../src/pipeline/poll-feed.js';
import { formatStatusTable, readStatus } from '../../src/cli/status.js';
import { openQueue, POLL_QUEUE, STORE_QUEUE, type PollJobData, type StoreJobData } from '../../src/queues/queues.js';
import { reconcileSchedulers } from '../../workers/scheduler.js';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { memoryLog } from '../support/memory-log.js';
import { tempDir, writeWatchlist } from '../support/watchlist.js';
import { ITEMS, rssFeed } from '../support/feed-xml.js';
import { runCli } from '../support/cli.js';
import { startHostileServer, type HostileServer } from './hostile-server.js';

let server: HostileServer;
let t: TestRedis;
let dir: string;
let storeQueue: Queue<StoreJobData>;
const { log } = memoryLog('error');

beforeEach(async () => {
  server = await startHostileServer();
  t = await openTestRedis();
  dir = await tempDir();
  storeQueue = openQueue<StoreJobData>(STORE_QUEUE, t.redis, t.keys, log);
});
afterEach(async () => {
  await storeQueue.close();
  await server.close();
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

it('shows health, failures, rate, moves and the last error per feed, in the table and in JSON', async () => {
  server.route('/ok.xml', (_req, res) => { res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('OK', [{ ...ITEMS.football, ageHours: 2 }, { ...ITEMS.southKorea, ageHours: 24 }])); });
  server.route('/broken.xml', (_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Maintenance</body></html>'); });
  server.route('/gone.xml', (_req, res) => { res.writeHead(410).end(); });
  server.route('/old.xml', (_req, res) => { res.writeHead(301, { location: '/ok.xml' }).end(); });
  const { file, watchlist } = await writeWatchlist(dir, [
    { id: 'alpha', url: server.url('/ok.xml'), interval: '1h' },
    { id: 'broken', url: server.url('/broken.xml'), interval: '1h' },
    { id: 'gone', url: server.url('/gone.xml'), interval: '1h' },
    { id: 'moved', url: server.url('/old.xml'), interval: '1h' },
  ], { politeness: { minSpacing: 0 } });
  const deps: PollDeps = { redis: t.redis, keys: t.keys, settings: watchlist.settings, ruleSet: watchlist.ruleSet, storeQueue, log };
  for (const feed of watchlist.feeds) await pollFeed(feed, deps).catch(() => undefined);
  const pollQueue = openQueue<PollJobData>(POLL_QUEUE, t.redis, t.keys, log);
  await reconcileSchedulers(pollQueue, watchlist, t.redis, t.keys, log);

  const rows = await readStatus({ url: t.url, redis: t.redis, keys: t.keys, close: async () => undefined }, watchlist, log);
  await pollQueue.obliterate({ force: true });
  await pollQueue.close();
  const byId = new Map(rows.map((r) => [r.feedId, r]));
  expect(byId.get('alpha')).toMatchObject({ health: 'ok', lastHttpStatus: 200, consecutiveFailures: 0, itemsPerDay: 2, lastError: null });
  expect(byId.get('alpha')?.lastSuccessAt).toBeTruthy();
  expect(byId.get('broken')).toMatchObject({ health: 'failing', consecutiveFailures: 1, lastErrorCode: 'NOT_A_FEED', lastErrorPermanent: true, lastHttpStatus: 200 });
  expect(byId.get('broken')?.lastError).toContain(`parse: ${server.url('/broken.xml')} is not a feed (an HTML page was served)`);
  expect(byId.get('gone')).toMatchObject({ health: 'disabled', disabled: true, lastHttpStatus: 410, lastErrorCode: 'HTTP_410' });
  expect(byId.get('moved')).toMatchObject({ health: 'ok', movedTo: server.url('/ok.xml') });

  const table = formatStatusTable(rows);
  expect(table).toMatch(/^FEED\s+EVERY\s+NEXT RUN\s+LAST RUN\s+LAST OK\s+HTTP\s+SEEN\s+NEW\s+KEPT\s+TOTAL\s+PER DAY\s+FAILS\s+HEALTH\s+LAST ERROR$/m);
  expect(table).toMatch(/^alpha\s+1h\s+in \S+\s+\S+ ago\s+\S+ ago\s+200\s+2\s+2\s+0\s+0\s+2\s+0\s+ok$/m);
  // Due in 2h; its scheduler ticks hourly at the feed's own offset, and a tick within half an hour of the due time runs it.
  expect(table).toMatch(/^broken\s+1h\s+in (?:1h[3-5]\dm|2h).*\s1\s+failing, failure-backoff 2h\s+\[NOT_A_FEED\] parse:/m);
  expect(table).toMatch(/^gone\s+1h.*disabled \(410\)\s+\[HTTP_410\]/m);
  expect(table).toMatch(/^moved\s+1h.*\(moved to http:\/\/127\.0\.0\.1:\d+\/ok\.xml\)$/m);

  // The real command, as a user runs it.
  const json = await runCli(['--config', file, '--prefix', t.keys.prefix, 'status', '--json'], { REDIS_URL: t.url });
  expect(json.code).toBe(0);
  const fromCli = JSON.parse(json.stdout) as Record<string, unknown>[];
  expect(fromCli.find((r) => r.feedId === 'gone')).toMatchObject({ health: 'disabled', disabledReason: expect.stringContaining('410 Gone') });
});

/**
 * The notify role inside the daemon (in process, real Redis, real feed server and webhook
 * endpoint): a feed that starts answering 404 is reported failing, and recovered once it serves
 * its feed again.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { startFixtureFeedServer, type FixtureFeedServer } from '../../src/demo/fixture-feed-server.js';
import { startDaemon, type Daemon } from '../../workers/daemon.js';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { memoryLog } from '../support/memory-log.js';
import { tempDir, writeWatchlist } from '../support/watchlist.js';
import { ITEMS, rssFeed } from '../support/feed-xml.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

let feeds: FixtureFeedServer;
let t: TestRedis;
let dir: string;
let hook: WebhookReceiver;
let daemon: Daemon | undefined;

beforeEach(async () => {
  feeds = await startFixtureFeedServer();
  t = await openTestRedis();
  dir = await tempDir();
  hook = await startWebhookReceiver();
});

afterEach(async () => {
  await daemon?.stop('test over');
  daemon = undefined;
  await hook.close();
  await feeds.close();
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

it('notifies feed.failing when a feed breaks and feed.recovered when it comes back', async () => {
  feeds.setRoute('/a.xml', { status: 404, body: 'not here' });
  const { file } = await writeWatchlist(dir, [{ id: 'alpha', url: feeds.url('/a.xml'), interval: '1h' }], {
    webhooks: [{ url: hook.url, events: ['feed.failing', 'feed.recovered'] }],
  });
  const { log } = memoryLog('warn');
  daemon = await startDaemon({
    configPath: file, roles: ['poll', 'store', 'notify'], prefix: t.keys.prefix, dataDir: dir, shutdownTimeoutMs: 10_000,
    watchConfig: false, redisUrl: t.url, notifyWatchIntervalMs: 100, log,
  });
  await daemon.pollQueue.add('poll', { feedId: 'alpha', manual: true }, { attempts: 1 });
  const [failing] = await hook.waitFor(1);
  expect(failing?.json).toMatchObject({ event: 'feed.failing', feed: { id: 'alpha' }, health: 'failing', previousHealth: 'ok', lastHttpStatus: 404, consecutiveFailures: 1 });

  feeds.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.alliance]), contentType: 'application/rss+xml' });
  await daemon.pollQueue.add('poll', { feedId: 'alpha', manual: true }, { attempts: 1 });
  const [, recovered] = await hook.waitFor(2);
  expect(recovered?.json).toMatchObject({ event: 'feed.recovered', feed: { id: 'alpha' }, health: 'ok', previousHealth: 'failing', consecutiveFailures: 0, lastHttpStatus: 200 });
  expect(recovered?.headers['x-veille-event']).toBe('feed.recovered');
  // What was notified is remembered in Redis, for the next rounds and for restarts.
  expect(await t.redis.hget(`${t.keys.root}:notify:health`, 'alpha')).toBe('ok');
});

/**
 * Webhook deliveries through the notify queue, against real endpoints on 127.0.0.1: signed JSON
 * with the explanation, retries on 5xx and on an endpoint that never answers, no retry on a 404,
 * one delivery per article and webhook, and a dead endpoint that holds up nothing else.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { createHmac } from 'node:crypto';
import type { Queue } from 'bullmq';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { memoryLog } from '../support/memory-log.js';
import { tempDir, writeWatchlist } from '../support/watchlist.js';
import { openQueue } from '../../src/queues/queues.js';
import { NOTIFY_QUEUE, webhookId, type NotifyJobData } from '../../src/notify/notify-queue.js';
import { notifyArticleKept } from '../../src/notify/article-notifier.js';
import { healthEvent, notifiedHealth } from '../../src/notify/health-transition.js';
import { deliveryDelayMs, startNotifyWorker, type NotifyRole } from '../../workers/notify-worker.js';
import type { Watchlist } from '../../src/config/watchlist.js';
import { keptArticle } from '../http/memory-reader.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

let t: TestRedis;
let dir: string;
let queue: Queue<NotifyJobData>;
let role: NotifyRole | undefined;
const receivers: WebhookReceiver[] = [];
const { log } = memoryLog('warn');

beforeEach(async () => {
  t = await openTestRedis();
  dir = await tempDir();
  queue = openQueue<NotifyJobData>(NOTIFY_QUEUE, t.redis, t.keys, log);
});

afterEach(async () => {
  await role?.close(true);
  role = undefined;
  await queue.close();
  for (const r of receivers.splice(0)) await r.close();
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function receiver(answer?: (n: number) => number | 'hang'): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(answer);
  receivers.push(r);
  return r;
}

async function watchlistWith(webhooks: Record<string, unknown>[]): Promise<Watchlist> {
  return (await writeWatchlist(dir, [{ id: 'alpha', url: 'http://127.0.0.1:9/a.xml' }], { webhooks })).watchlist;
}

function startRole(watchlist: Watchlist): NotifyRole {
  role = startNotifyWorker({ redis: t.redis, workerConnection: t.workerConnection, keys: t.keys, live: { current: watchlist }, queue, log, watchIntervalMs: 60_000 });
  return role;
}

async function waitForState(jobId: string, wanted: (state: string, attemptsMade: number) => boolean, timeoutMs = 20_000): Promise<{ state: string; attemptsMade: number; failedReason: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // State first, then the job: a job read before it finished would show its earlier attempt count.
    const state = await queue.getJobState(jobId);
    const job = await queue.getJob(jobId);
    const seen = { state, attemptsMade: job?.attemptsMade ?? 0, failedReason: job?.failedReason ?? '' };
    if (wanted(seen.state, seen.attemptsMade)) return seen;
    if (Date.now() > deadline) throw new Error(`job ${jobId}: still ${JSON.stringify(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ALLIANCE = { feedId: 'alpha', title: 'Vladimir Poutine reçoit Kim Jong Un au Kremlin', summary: 'Le pacte de défense signé à Pyongyang est renforcé; des soldats nord-coréens combattent à Koursk.' };

it('posts article.kept as signed JSON with the explanation, retrying a 500 until it is accepted', async () => {
  const hook = await receiver((n) => (n <= 2 ? 500 : 204));
  const watchlist = await watchlistWith([{ url: hook.url, events: ['article.kept'], secret: 's3cret' }]);
  startRole(watchlist);
  const record = keptArticle(watchlist, ALLIANCE);
  await notifyArticleKept(queue, { current: watchlist }, log, 50)(record);

  const [first, , third] = await hook.waitFor(3);
  const jobId = `article.kept-${record.id}-${webhookId(hook.url)}`;
  expect((await waitForState(jobId, (s) => s === 'completed')).attemptsMade).toBe(3);
  // Every attempt is the same delivery, byte for byte: receivers dedupe on X-Veille-Delivery.
  expect(third?.body).toBe(first?.body);
  expect(third?.headers['x-veille-delivery']).toBe(jobId);
  expect(third?.headers['x-veille-event']).toBe('article.kept');
  expect(third?.headers['content-type']).toContain('application/json');
  expect(third?.headers['x-veille-signature-256']).toBe(`sha256=${createHmac('sha256', 's3cret').update(third?.body ?? '').digest('hex')}`);
  expect(third?.json).toMatchObject({
    event: 'article.kept',
    deliveryId: jobId,
    article: { id: record.id, feedId: 'alpha', title: ALLIANCE.title, url: record.article.url, keptAt: record.keptAt },
  });
  const matches = third?.json.matches as { watchId: string; score: number; reason: string; hits: { term: string; field: string; start: number; end: number }[] }[];
  expect(matches.length).toBeGreaterThan(0);
  const hit = matches[0]?.hits.find((h) => h.field === 'title');
  expect(hit && ALLIANCE.title.slice(hit.start, hit.end)).toBeTruthy();
  expect(matches[0]?.reason).toBeTruthy();
});

it('queues one delivery per article and subscribed webhook, however often the hook runs', async () => {
  const a = await receiver();
  const b = await receiver();
  const c = await receiver();
  const watchlist = await watchlistWith([
    { url: a.url, events: ['article.kept'] },
    { url: b.url, events: ['article.kept', 'feed.failing'] },
    { url: c.url, events: ['feed.failing'] },
  ]);
  const record = keptArticle(watchlist, ALLIANCE);
  const hook = notifyArticleKept(queue, { current: watchlist }, log);
  await hook(record);
  await hook(record);
  const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed']);
  expect(jobs.map((j) => j.data.url).sort()).toEqual([a.url, b.url].sort());
  expect(jobs.every((j) => j.data.event === 'article.kept')).toBe(true);
  // The secret never goes to Redis: deliveries look it up in the watchlist.
  expect(JSON.stringify(jobs.map((j) => j.data))).not.toContain('secret');
});

it('gives up at once on a 404 and retries an endpoint that never answers, while other deliveries go through', async () => {
  const gone = await receiver(() => 404);
  const dead = await receiver(() => 'hang');
  const alive = await receiver();
  const watchlist = await watchlistWith([
    { url: gone.url, events: ['article.kept'] },
    { url: dead.url, events: ['article.kept'], timeout: '300ms' },
    { url: alive.url, events: ['article.kept'] },
  ]);
  startRole(watchlist);
  const records = [keptArticle(watchlist, ALLIANCE, 'aaaaaaaaaaaaaaaaaaaaaaaa'), keptArticle(watchlist, { ...ALLIANCE, title: `${ALLIANCE.title} (suite)` }, 'bbbbbbbbbbbbbbbbbbbbbbbb')];
  const notify = notifyArticleKept(queue, { current: watchlist }, log, 60_000);
  for (const record of records) await notify(record);

  // Both articles reach the live endpoint although the dead one holds its deliveries open.
  const delivered = await alive.waitFor(2);
  expect(delivered.map((r) => (r.json.article as { id: string }).id).sort()).toEqual(records.map((r) => r.id).sort());

  const goneJob = await waitForState(`article.kept-${records[0]!.id}-${webhookId(gone.url)}`, (s) => s === 'failed');
  expect(goneJob.attemptsMade).toBe(1);
  expect(goneJob.failedReason).toContain('answered 404');
  const deadJob = await waitForState(`article.kept-${records[0]!.id}-${webhookId(dead.url)}`, (s, attempts) => s === 'delayed' && attempts >= 1);
  expect(deadJob.failedReason).toContain('did not answer within 300 ms');
});

it('drops a queued delivery whose webhook was removed from the watchlist', async () => {
  const hook = await receiver();
  const before = await watchlistWith([{ url: hook.url, events: ['article.kept'] }]);
  const record = keptArticle(before, ALLIANCE);
  await notifyArticleKept(queue, { current: before }, log)(record);
  startRole(await watchlistWith([]));
  const job = await waitForState(`article.kept-${record.id}-${webhookId(hook.url)}`, (s) => s === 'completed');
  expect(job.attemptsMade).toBe(1);
  expect(hook.requests).toHaveLength(0);
});

describe('feed health changes', () => {
  it.each([
    [null, 'ok', null],
    [null, 'failing', 'feed.failing'],
    [null, 'silent', 'feed.silent'],
    ['ok', 'failing', 'feed.failing'],
    ['ok', 'silent', 'feed.silent'],
    ['failing', 'silent', 'feed.silent'],
    ['silent', 'failing', 'feed.failing'],
    ['failing', 'ok', 'feed.recovered'],
    ['silent', 'ok', 'feed.recovered'],
    ['failing', 'failing', null],
  ] as const)('%s → %s: %s', (previous, current, event) => {
    expect(healthEvent(previous, current)).toBe(event);
  });

  it('maps disabled (a 410) to failing and says nothing about a new feed', () => {
    expect(notifiedHealth('disabled')).toBe('failing');
    expect(notifiedHealth('new')).toBeNull();
  });
});

it('backs off exponentially, capped at an hour, with jitter', () => {
  expect(deliveryDelayMs(1, 10_000, () => 0.5)).toBe(10_000);
  expect(deliveryDelayMs(3, 10_000, () => 0.5)).toBe(40_000);
  expect(deliveryDelayMs(19, 10_000, () => 0.5)).toBe(3_600_000);
  expect(deliveryDelayMs(2, 10_000, () => 0)).toBe(18_000);
  expect(deliveryDelayMs(2, 10_000, () => 1)).toBe(22_000);
});

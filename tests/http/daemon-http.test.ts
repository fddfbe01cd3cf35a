/**
 * `veille start --http` as people run it, a separate process on real Redis: a poll triggered over
 * HTTP is kept, stored, shown on the page (read back from the NDJSON store) and posted to the live
 * webhook, while a webhook that never answers is retried without holding anything up; an address
 * beyond loopback without a token is refused with the fix; `--only notify` runs the notify role.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { startFixtureFeedServer, type FixtureFeedServer } from '../../src/demo/fixture-feed-server.js';
import { articlesOf, readNdjsonStore } from '../../src/storage/ndjson-sink.js';
import { openQueue } from '../../src/queues/queues.js';
import { NOTIFY_QUEUE, webhookId, type NotifyJobData } from '../../src/notify/notify-queue.js';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { memoryLog } from '../support/memory-log.js';
import { tempDir, writeWatchlist } from '../support/watchlist.js';
import { ITEMS, rssFeed } from '../support/feed-xml.js';
import { runCli, startCli, type RunningCli } from '../support/cli.js';
import { startWebhookReceiver, type WebhookReceiver } from '../notify/webhook-receiver.js';

const TOKEN = 'daemon-token-0123456789';
let feeds: FixtureFeedServer;
let t: TestRedis;
let dir: string;
let daemon: RunningCli | undefined;
const receivers: WebhookReceiver[] = [];

beforeEach(async () => {
  feeds = await startFixtureFeedServer();
  t = await openTestRedis();
  dir = await tempDir();
});

afterEach(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGKILL');
    await daemon.exited;
  }
  daemon = undefined;
  for (const r of receivers.splice(0)) await r.close();
  await feeds.close();
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ REDIS_URL: t.url });

it('a poll triggered over HTTP is stored, shown on the page and notified, while a dead webhook is retried aside', async () => {
  const alive = await startWebhookReceiver();
  const dead = await startWebhookReceiver(() => 'hang');
  receivers.push(alive, dead);
  feeds.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.alliance, ITEMS.football]), contentType: 'application/rss+xml' });
  const { file, watchlist } = await writeWatchlist(dir, [{ id: 'alpha', url: feeds.url('/a.xml'), interval: '1h' }], {
    http: { token: TOKEN },
    webhooks: [
      { url: dead.url, events: ['article.kept'], timeout: '500ms' },
      { url: alive.url, events: ['article.kept', 'feed.failing'], secret: 'hook-secret' },
    ],
  });
  daemon = startCli(['--config', file, '--prefix', t.keys.prefix, 'start', '--http', '127.0.0.1:0'], env());
  const listening = await daemon.waitForLine((l) => l.msg === 'http: listening');
  await daemon.waitForLine((l) => l.msg === 'daemon: started');
  expect((daemon.lines.find((l) => l.msg === 'daemon: started')?.roles as string[]).sort()).toEqual(['notify', 'poll', 'scheduler', 'store']);
  const base = listening.url as string;
  expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

  const trigger = await fetch(`${base}/feeds/alpha/trigger`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(trigger.status).toBe(202);

  const [delivery] = await alive.waitFor(1);
  expect(delivery?.json).toMatchObject({ event: 'article.kept', article: { feedId: 'alpha', title: ITEMS.alliance.title } });
  expect(delivery?.headers['x-veille-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
  // Ingestion went on: the article is in the store although the other endpoint never answers.
  const stored = articlesOf(await readNdjsonStore((watchlist.settings.sink as { path: string }).path));
  expect(stored.map((r) => r.article.title)).toEqual([ITEMS.alliance.title]);
  await dead.waitFor(1);
  const { log } = memoryLog('warn');
  const queue = openQueue<NotifyJobData>(NOTIFY_QUEUE, t.redis, t.keys, log);
  try {
    const jobId = `article.kept-${stored[0]!.id}-${webhookId(dead.url)}`;
    let job = await queue.getJob(jobId);
    for (let i = 0; i < 200 && !(job && job.attemptsMade >= 1); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = await queue.getJob(jobId);
    }
    expect(await job?.getState()).toBe('delayed');
    expect(job?.failedReason).toContain('did not answer within 500 ms');
  } finally {
    await queue.close();
  }

  const page = await (await fetch(base)).text();
  expect(page).toMatch(/<mark title="[^"]+">Poutine<\/mark>/);
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  expect(metrics).toContain('veille_polls_total{feed="alpha",outcome="fetched"} 1');

  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
  expect(daemon.lines.some((l) => l.msg === 'http: closed')).toBe(true);
});

it('refuses to bind beyond loopback without settings.http.token, and a malformed --http', async () => {
  const { file } = await writeWatchlist(dir, [{ id: 'alpha', url: feeds.url('/a.xml') }]);
  const exposed = await runCli(['--config', file, '--prefix', t.keys.prefix, 'start', '--http', '0.0.0.0:0'], env());
  expect(exposed.code).toBe(1);
  expect(exposed.stderr).toContain(`--http 0.0.0.0:0: binding beyond loopback needs a token; set settings.http.token in ${file}`);
  const malformed = await runCli(['--config', file, '--prefix', t.keys.prefix, 'start', '--http', '8080'], env());
  expect(malformed.code).toBe(1);
  expect(malformed.stderr).toContain('--http: "8080" is not host:port');
});

it('runs the notify role alone with --only notify', async () => {
  const { file } = await writeWatchlist(dir, [{ id: 'alpha', url: feeds.url('/a.xml') }]);
  daemon = startCli(['--config', file, '--prefix', t.keys.prefix, 'start', '--only', 'notify'], env());
  const started = await daemon.waitForLine((l) => l.msg === 'daemon: started');
  expect(started.roles).toEqual(['notify']);
  expect(daemon.lines.some((l) => l.msg === 'notify: delivering webhooks')).toBe(true);
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
});

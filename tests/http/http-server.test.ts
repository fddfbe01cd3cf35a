/**
 * The HTTP server against real Redis and real queues, over real HTTP: probes, the status page
 * (escaped, terms marked), the token on the trigger and the dashboard, and /metrics counting a
 * real poll worker's jobs through queue events.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import type { Queue, Worker } from 'bullmq';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { memoryLog } from '../support/memory-log.js';
import { tempDir, writeWatchlist } from '../support/watchlist.js';
import { ITEMS, rssFeed } from '../support/feed-xml.js';
import { startFixtureFeedServer, type FixtureFeedServer } from '../../src/demo/fixture-feed-server.js';
import { openQueue, POLL_QUEUE, STORE_QUEUE, type PollJobData, type StoreJobData } from '../../src/queues/queues.js';
import { NOTIFY_QUEUE, type NotifyJobData } from '../../src/notify/notify-queue.js';
import { LiveWatchlist } from '../../src/config/live-watchlist.js';
import { startHttpServer, type HttpServer } from '../../src/http/http-server.js';
import { HttpOptionError } from '../../src/http/listen-address.js';
import { startPollWorker } from '../../workers/poll-worker.js';
import { keptArticle, memoryReader, type MemoryReader } from './memory-reader.js';

const TOKEN = 'test-token-0123456789abcdef';
let t: TestRedis;
let dir: string;
let feeds: FixtureFeedServer;
let queues: { poll: Queue<PollJobData>; store: Queue<StoreJobData>; notify: Queue<NotifyJobData> };
let live: LiveWatchlist;
let reader: MemoryReader;
let server: HttpServer | undefined;
let worker: Worker | undefined;
const mem = memoryLog('info');

beforeEach(async () => {
  t = await openTestRedis();
  dir = await tempDir();
  feeds = await startFixtureFeedServer();
  queues = {
    poll: openQueue<PollJobData>(POLL_QUEUE, t.redis, t.keys, mem.log),
    store: openQueue<StoreJobData>(STORE_QUEUE, t.redis, t.keys, mem.log),
    notify: openQueue<NotifyJobData>(NOTIFY_QUEUE, t.redis, t.keys, mem.log),
  };
  reader = memoryReader();
});

afterEach(async () => {
  await worker?.close(true);
  worker = undefined;
  await server?.close();
  server = undefined;
  live?.close();
  for (const q of Object.values(queues)) await q.close();
  await feeds.close();
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function start(settings: Record<string, unknown> = { http: { token: TOKEN } }, host = '127.0.0.1'): Promise<HttpServer> {
  const { file } = await writeWatchlist(dir, [
    { id: 'alpha', url: feeds.url('/a.xml'), interval: '1h' },
    { id: 'beta', url: feeds.url('/b.xml'), interval: '1h' },
  ], settings);
  live = await LiveWatchlist.open(file, mem.log);
  server = await startHttpServer({ address: { host, port: 0 }, redis: t.redis, redisUrl: t.url, keys: t.keys, live, reader, queues, log: mem.log });
  return server;
}

const bearer = { authorization: `Bearer ${TOKEN}` };
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server!.url}${path}`, { headers, redirect: 'manual' });
const post = (path: string, headers: Record<string, string> = {}, body?: string) => fetch(`${server!.url}${path}`, { method: 'POST', headers, body, redirect: 'manual' });
const formPost = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  post(path, { 'content-type': 'application/x-www-form-urlencoded', ...headers }, new URLSearchParams(fields).toString());

describe('probes', () => {
  it('/healthz answers while the process lives; /readyz checks Redis and the store', async () => {
    await start();
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { redis: 'ok', store: 'ok' }, store: 'memory (test)' });
    reader.failWith = new Error('store: PostgreSQL at 127.0.0.1:5432 refused the connection');
    const notReady = await get('/readyz');
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ status: 'not ready', checks: { redis: 'ok', store: 'store: PostgreSQL at 127.0.0.1:5432 refused the connection' } });
  });
});

describe('status page', () => {
  it('lists feeds and kept articles with matched terms marked and everything escaped', async () => {
    await start();
    const article = keptArticle(live.current, { feedId: 'alpha', title: '<img src=x onerror=alert(1)> Vladimir Poutine reçoit Kim Jong Un', summary: 'Le pacte de défense signé à Pyongyang & la Russie.' });
    reader.views.push({ article, sightings: [], updates: 0 });
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('<meta name="viewport"');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toMatch(/<mark title="[^"]+">Poutine<\/mark>/);
    expect(html).toMatch(/<mark title="[^"]+">Pyongyang<\/mark> &amp; la/);
    expect(html).toContain('data-feed="alpha"');
    expect(html).toContain(`<span>${article.keptAt.slice(0, 10)}</span>`);
    // Locked: no trigger buttons until the token is given.
    expect(html).not.toContain('Poll now');
    expect(html).toContain('id="unlock"');
  });

  it('still shows the feeds when the store is down, saying so', async () => {
    await start();
    reader.failWith = new Error('store unreachable');
    const html = await (await get('/')).text();
    expect(html).toContain('The store could not be read: store unreachable');
    expect(html).toContain('data-feed="beta"');
  });

  it('searches kept articles', async () => {
    await start();
    reader.views.push({ article: keptArticle(live.current, { feedId: 'alpha', title: 'Vladimir Poutine reçoit Kim Jong Un', summary: 'À Pyongyang.' }), sightings: [], updates: 0 });
    expect(await (await get('/?q=kremlin')).text()).toContain('Search: “kremlin” (0)');
    expect(await (await get('/?q=poutine')).text()).toContain('Search: “poutine” (1)');
  });
});

describe('trigger', () => {
  it('queues a manual poll for a bearer token, and refuses without it', async () => {
    await start();
    expect((await post('/feeds/alpha/trigger')).status).toBe(401);
    expect((await post('/feeds/alpha/trigger', { authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
    expect((await post('/feeds/nope/trigger', bearer)).status).toBe(404);
    const ok = await post('/feeds/alpha/trigger', bearer);
    expect(ok.status).toBe(202);
    const { jobId } = await ok.json() as { jobId: string };
    expect((await queues.poll.getJob(jobId))?.data).toEqual({ feedId: 'alpha', manual: true });
    expect(mem.find((l) => l.msg === 'http: poll triggered')).toMatchObject({ feedId: 'alpha', jobId, via: 'api' });
  });

  it('accepts the token as a form field, or the cookie of the unlock form', async () => {
    await start();
    const viaField = await formPost('/feeds/beta/trigger', { token: TOKEN });
    expect(viaField.status).toBe(303);
    expect(viaField.headers.get('location')).toMatch(/^\/\?triggered=beta&job=manual-beta-\d+#feeds$/);

    expect((await formPost('/login', { token: 'wrong-token-wrong-token' })).status).toBe(401);
    const login = await formPost('/login', { token: TOKEN, next: '//evil.example/' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/');
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0] as string;
    const page = await (await get('/', { cookie: session })).text();
    expect(page).toContain('action="/feeds/alpha/trigger"');
    const viaCookie = await formPost('/feeds/alpha/trigger', {}, { cookie: session });
    expect(viaCookie.status).toBe(303);
    const jobs = await queues.poll.getJobs(['waiting']);
    expect(jobs.map((j) => j.data.feedId).sort()).toEqual(['alpha', 'beta']);
  });

  it('is off, and the dashboard read-only, when no token is configured', async () => {
    await start({});
    const refused = await post('/feeds/alpha/trigger', bearer);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: expect.stringContaining('set settings.http.token') });
    expect(await (await get('/')).text()).toContain('settings.http.token');
    expect((await get('/queues/')).status).toBe(200);
    const api = await (await get('/queues/api/queues')).json() as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(api.queues.map((q) => [q.name, q.readOnlyMode]).sort()).toEqual([['notify', true], ['poll', true], ['store', true]]);
  });
});

it('serves the queue dashboard to token holders only', async () => {
  await start();
  const locked = await get('/queues/');
  expect(locked.status).toBe(401);
  expect(await locked.text()).toContain('settings.http.token');
  const open = await get('/queues/', bearer);
  expect(open.status).toBe(200);
  expect(await open.text()).toContain('<div id="root"');
  const api = await (await get('/queues/api/queues', bearer)).json() as { queues: { name: string; readOnlyMode: boolean }[] };
  expect(api.queues.map((q) => [q.name, q.readOnlyMode]).sort()).toEqual([['notify', false], ['poll', false], ['store', false]]);
});

it('refuses to listen beyond loopback without a token', async () => {
  await expect(start({}, '0.0.0.0')).rejects.toThrow(HttpOptionError);
  await expect(start({}, '0.0.0.0')).rejects.toThrow(/binding beyond loopback needs a token; set settings\.http\.token in .*watchlist\.yaml/);
});

it('/metrics counts polls, statuses, items, failures and durations from queue events, and reads depths and health', async () => {
  await start();
  feeds.setRoute('/a.xml', { body: rssFeed('A', [ITEMS.alliance, ITEMS.football, ITEMS.russiaOnly]), contentType: 'application/rss+xml' });
  feeds.setRoute('/b.xml', { status: 404, body: 'gone' });
  worker = startPollWorker({ redis: t.redis, workerConnection: t.workerConnection, keys: t.keys, live, storeQueue: queues.store, log: mem.log });
  expect((await post('/feeds/alpha/trigger', bearer)).status).toBe(202);
  expect((await post('/feeds/beta/trigger', bearer)).status).toBe(202);

  const wanted = [
    'veille_polls_total{feed="alpha",outcome="fetched"} 1',
    'veille_poll_http_responses_total{feed="alpha",status="200"} 1',
    'veille_items_seen_total{feed="alpha"} 3',
    'veille_items_new_total{feed="alpha"} 3',
    'veille_items_kept_total{feed="alpha"} 1',
    'veille_items_duplicates_total{feed="alpha"} 0',
    'veille_polls_total{feed="beta",outcome="failed"} 1',
    'veille_feed_failures_total{feed="beta"} 1',
    'veille_job_duration_seconds_count{queue="poll",outcome="completed"} 1',
    'veille_job_duration_seconds_count{queue="poll",outcome="failed"} 1',
    // No store worker runs here: the kept article waits in the store queue.
    'veille_queue_jobs{queue="store",state="waiting"} 1',
    'veille_feeds_failing 1',
    'veille_feeds{health="failing"} 1',
    'veille_feeds{health="ok"} 1',
    'veille_feed_consecutive_failures{feed="beta"} 1',
  ];
  let text = '';
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const res = await get('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    text = await res.text();
    if (wanted.every((line) => text.includes(line))) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(wanted.filter((line) => !text.includes(line))).toEqual([]);
  expect(text).toContain('# TYPE veille_job_duration_seconds histogram');
  expect(text).toContain('veille_process_cpu_user_seconds_total');
});

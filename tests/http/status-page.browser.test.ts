/**
 * The status page in a real headless chromium against the real server and Redis: it loads,
 * shows a kept article with its terms marked, fits a phone's width, and its "Poll now" button
 * (after unlocking with the token) puts a poll on the queue.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import type { Queue } from 'bullmq';
import type { Browser } from 'playwright-core';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { memoryLog } from '../support/memory-log.js';
import { tempDir, writeWatchlist } from '../support/watchlist.js';
import { openQueue, POLL_QUEUE, STORE_QUEUE, type PollJobData, type StoreJobData } from '../../src/queues/queues.js';
import { NOTIFY_QUEUE, type NotifyJobData } from '../../src/notify/notify-queue.js';
import { startHttpServer, type HttpServer } from '../../src/http/http-server.js';
import { keptArticle, memoryReader } from './memory-reader.js';
import { launchChromium } from './chromium.js';

const TOKEN = 'browser-token-0123456789';
let browser: Browser;
let t: TestRedis;
let dir: string;
let queues: { poll: Queue<PollJobData>; store: Queue<StoreJobData>; notify: Queue<NotifyJobData> };
let server: HttpServer;
const { log } = memoryLog('warn');

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  t = await openTestRedis();
  dir = await tempDir();
  queues = {
    poll: openQueue<PollJobData>(POLL_QUEUE, t.redis, t.keys, log),
    store: openQueue<StoreJobData>(STORE_QUEUE, t.redis, t.keys, log),
    notify: openQueue<NotifyJobData>(NOTIFY_QUEUE, t.redis, t.keys, log),
  };
  const { watchlist } = await writeWatchlist(dir, [{ id: 'alpha', url: 'http://127.0.0.1:9/a.xml' }, { id: 'beta', url: 'http://127.0.0.1:9/b.xml' }], { http: { token: TOKEN } });
  const article = keptArticle(watchlist, {
    feedId: 'alpha',
    title: 'Vladimir Poutine reçoit Kim Jong Un au Kremlin',
    summary: 'Le président russe a accueilli le dirigeant nord-coréen pour renforcer le pacte de défense signé à Pyongyang.',
  });
  server = await startHttpServer({
    address: { host: '127.0.0.1', port: 0 }, redis: t.redis, redisUrl: t.url, keys: t.keys,
    live: { current: watchlist }, reader: memoryReader([{ article, sightings: [], updates: 0 }]), queues, log,
  });
});

afterEach(async () => {
  await server?.close();
  for (const q of Object.values(queues ?? {})) await q.close();
  await t?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

it('loads, shows a kept article with its terms marked, and a trigger from the page reaches the queue', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(server.url);
    expect(await page.title()).toBe('Veille — status');
    const card = page.locator('article').first();
    expect(await card.locator('h3').innerText()).toBe('Vladimir Poutine reçoit Kim Jong Un au Kremlin');
    const marked = await card.locator('mark').allInnerTexts();
    expect(marked).toEqual(expect.arrayContaining(['Poutine', 'Pyongyang']));
    expect(await page.locator('tr[data-feed="alpha"] .health').innerText()).toBe('new');

    // Locked until the token is given; then each enabled feed has a button.
    expect(await page.locator('button', { hasText: 'Poll now' }).count()).toBe(0);
    await page.fill('#unlock input[name="token"]', TOKEN);
    await page.click('#unlock button[type="submit"]');
    await page.waitForSelector('button[data-feed="beta"]');
    await page.click('button[data-feed="beta"]');
    const flash = page.locator('p.flash.ok');
    await flash.waitFor();
    expect(await flash.innerText()).toMatch(/^Poll of beta queued \(job manual-beta-\d+\)\.$/);
    const jobs = await queues.poll.getJobs(['waiting']);
    expect(jobs.map((j) => j.data)).toEqual([{ feedId: 'beta', manual: true }]);
  } finally {
    await page.close();
  }
});

it('fits a phone: no sideways scrolling of the page, articles readable', async () => {
  const page = await browser.newPage({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    await page.goto(server.url);
    // Runs in the page: written as a string, since the tests compile without the DOM's types.
    const { scrollWidth, innerWidth } = await page.evaluate<{ scrollWidth: number; innerWidth: number }>('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })');
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    const box = await page.locator('article').first().boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= innerWidth).toBe(true);
    const fontSize = await page.evaluate<number>("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)");
    expect(fontSize).toBeGreaterThanOrEqual(14);
  } finally {
    await page.close();
  }
});

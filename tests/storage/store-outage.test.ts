/**
 * The store worker while PostgreSQL is down: jobs wait (no attempt spent, none failed), the
 * outage is logged once when it begins and once when it ends, and when PostgreSQL is back every
 * record is stored exactly once. Real Redis, real PostgreSQL behind a proxy the test stops.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Worker } from 'bullmq';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { openTestPostgres, type TestPostgres } from '../support/postgres.js';
import { memoryLog } from '../support/memory-log.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { articleRecord, sightingOf, updateOf } from './records.js';
import { PostgresSink } from '../../src/storage/postgres/postgres-sink.js';
import { StoreOutage } from '../../src/storage/store-outage.js';
import { StoryIndex } from '../../src/dedupe/story-index.js';
import { openQueue, STORE_QUEUE, storeJobId, type StoreJobData } from '../../src/queues/queues.js';
import { startStoreWorker } from '../../workers/store-worker.js';
import type { StoreRecord } from '../../src/storage/stored-article.js';

describe('StoreOutage', () => {
  it('doubles the wait once per round of failed tries, up to the cap, and starts over after recovery', () => {
    const outage = new StoreOutage({ initialMs: 100, maxMs: 500 });
    expect(outage.failed(0)).toEqual({ began: true, delayMs: 100 });
    expect(outage.failed(10)).toEqual({ began: false, delayMs: 100 }); // same round (another job)
    expect(outage.failed(110).delayMs).toBe(200);
    expect(outage.failed(310).delayMs).toBe(400);
    expect(outage.failed(710).delayMs).toBe(500);
    expect(outage.failed(1210).delayMs).toBe(500);
    expect(outage.recovered(1800)).toBe(1800);
    expect(outage.recovered(1900)).toBeNull();
    expect(outage.failed(2000)).toEqual({ began: true, delayMs: 100 });
  });
});

describe('store worker with PostgreSQL down', () => {
  let r: TestRedis;
  let p: TestPostgres;
  let proxy: TcpProxy;
  let worker: Worker | undefined;
  let sink: PostgresSink | undefined;
  beforeEach(async () => {
    r = await openTestRedis();
    p = await openTestPostgres();
    proxy = await startTcpProxy('127.0.0.1', Number(new URL(p.url).port || 5432));
  });
  afterEach(async () => {
    await worker?.close();
    await sink?.close();
    await proxy.close();
    await p.cleanup();
    await r.cleanup();
  });

  const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('holds the jobs without spending attempts, then stores each record once when PostgreSQL is back', async () => {
    const viaProxy = p.urlVia(proxy.port);
    // Opened while PostgreSQL answers: the schema exists; then the outage begins.
    sink = await PostgresSink.open(p.sink({ url: viaProxy, retry: { initial: 100, max: 400 }, connectTimeout: 1_000 }));
    await proxy.down();

    const { log, lines } = memoryLog('debug');
    const queue = openQueue<StoreJobData>(STORE_QUEUE, r.redis, r.keys, log);
    const articles = [0, 1, 2, 3, 4].map((n) => articleRecord(n));
    const records: StoreRecord[] = [...articles, sightingOf(articles[0]!, 'lefigaro'), sightingOf(articles[0]!, 'liberation'), updateOf(articles[1]!, 1)];
    // Three attempts, as in production: a job that spent them would fail.
    const jobOpts = { attempts: 3, backoff: { type: 'fixed', delay: 50 } };
    await queue.addBulk(records.map((record) => ({ name: record.kind, data: { record }, opts: { ...jobOpts, jobId: storeJobId(record) } })));

    const stories = new StoryIndex(r.redis, r.keys, 7 * 86_400_000, 3);
    const started = Date.now();
    worker = startStoreWorker({ workerConnection: r.workerConnection, stories, keys: r.keys, sink, concurrency: 2, log });

    await until('the outage to be logged', () => lines.some((l) => String(l.msg).startsWith('store: waiting for PostgreSQL')));
    // Several rounds of tries while it is down (100 + 200 + 400 + 400 ms of waits).
    await until('a few rounds of tries', () => lines.filter((l) => l.msg === 'store: PostgreSQL still unavailable').length >= 4);
    const during = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    expect(during.failed).toBe(0);
    expect(during.completed).toBe(0);
    expect((during.waiting ?? 0) + (during.active ?? 0) + (during.delayed ?? 0)).toBe(records.length);
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed']);
    expect(jobs.every((j) => j.attemptsMade === 0)).toBe(true);
    const waited = Date.now() - started;

    await proxy.up();
    await until('every job to complete', async () => (await queue.getJobCountByTypes('completed')) === records.length);
    expect(await queue.getJobCountByTypes('failed')).toBe(0);

    const waiting = lines.filter((l) => String(l.msg).startsWith('store: waiting for PostgreSQL'));
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ level: 40, role: 'store', target: `127.0.0.1:${proxy.port}${new URL(p.url).pathname}`, reason: 'ECONNREFUSED', jobsWaiting: records.length });
    expect(waiting[0]!.msg).toBe(`store: waiting for PostgreSQL at 127.0.0.1:${proxy.port}${new URL(p.url).pathname} (ECONNREFUSED); ${records.length} jobs waiting`);
    const back = lines.filter((l) => String(l.msg).startsWith(`store: PostgreSQL at 127.0.0.1:${proxy.port}${new URL(p.url).pathname} is back`));
    expect(back).toHaveLength(1);
    expect(back[0]!.durationMs).toBeGreaterThanOrEqual(waited - 100);
    // The waits grew: 100 ms first, 400 ms (the cap) by the end.
    const delays = lines.filter((l) => typeof l.retryInMs === 'number').map((l) => l.retryInMs as number);
    expect(delays[0]).toBe(100);
    expect(Math.max(...delays)).toBe(400);
    console.log(`store outage: ${records.length} jobs waited ${back[0]!.durationMs} ms over ${delays.length} failed tries (waits ${[...new Set(delays)].join(', ')} ms); 0 failed, 0 attempts spent`);

    // Nothing lost, nothing duplicated; a repeated job (another id) writes nothing.
    await queue.add('article', { record: articles[0]! }, { jobId: `again-${articles[0]!.id}` });
    await until('the repeated job', async () => (await queue.getJobCountByTypes('completed')) === records.length + 1);
    const counts = await p.query<{ a: number; s: number; u: number }>(
      `SELECT (SELECT count(*)::int FROM ${p.schema}.articles) AS a, (SELECT count(*)::int FROM ${p.schema}.article_sightings) AS s, (SELECT count(*)::int FROM ${p.schema}.article_updates) AS u`);
    expect(counts[0]).toEqual({ a: 5, s: 2, u: 1 });
    expect(lines.filter((l) => l.msg === 'store: article already stored')).toHaveLength(1);
    await queue.close();
  });

  it('fails a job whose record PostgreSQL refuses (a data error), as before: that is no outage', async () => {
    sink = await PostgresSink.open(p.sink());
    const { log, lines } = memoryLog('info');
    const queue = openQueue<StoreJobData>(STORE_QUEUE, r.redis, r.keys, log);
    const bad = { ...articleRecord(0), id: 'not-hex' };
    await queue.add('article', { record: bad }, { jobId: 'bad', attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    const stories = new StoryIndex(r.redis, r.keys, 7 * 86_400_000, 3);
    worker = startStoreWorker({ workerConnection: r.workerConnection, stories, keys: r.keys, sink, concurrency: 1, log });
    await until('the job to fail', async () => (await queue.getJobCountByTypes('failed')) === 1);
    expect((await queue.getJob('bad'))?.attemptsMade).toBe(2);
    expect(lines.some((l) => String(l.msg).startsWith('store: waiting for PostgreSQL'))).toBe(false);
    expect(lines.filter((l) => l.msg === 'store: write failed')).toHaveLength(2);
    await queue.close();
  });
});

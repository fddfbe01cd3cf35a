/**
 * The floors Veille's speed is divided by, measured in the bench process on the same data in the
 * same run:
 * - parse: bare rss-parser `parseString` of the farm's bodies, one after the other;
 * - queue: bare BullMQ `addBulk` plus a no-op worker, for as many jobs as the pipeline enqueued;
 * - not modified: a BullMQ job per feed whose worker sends the conditional GET with undici (the
 *   client and pool settings of src/feeds/fetch-feed.ts) at Veille's total poll concurrency.
 */
import Parser from 'rss-parser';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { createKeyspace } from '../src/queues/keyspace.js';
import { deleteKeys } from '../src/redis/connections.js';

export interface ParseFloor {
  items: number;
  seconds: number;
}

/** Parses every body once, in order; the time of the whole loop. */
export async function measureParseFloor(bodies: readonly string[]): Promise<ParseFloor> {
  const parser = new Parser();
  let items = 0;
  const t0 = performance.now();
  for (const body of bodies) items += (await parser.parseString(body)).items.length;
  return { items, seconds: (performance.now() - t0) / 1000 };
}

async function withQueue<T>(redisUrl: string, name: string, work: (queue: Queue, prefix: string, connection: Redis) => Promise<T>): Promise<T> {
  const keys = createKeyspace(`bench-floor-${name}-${process.pid}-${Date.now()}`);
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix: keys.bullPrefix });
  try {
    return await work(queue, keys.bullPrefix, connection);
  } finally {
    await queue.close();
    await deleteKeys(connection, keys.patterns);
    await connection.quit();
  }
}

/** Runs `count` jobs through a worker whose processor is `process`; seconds from the first add to the last completion. */
async function timeJobs(redisUrl: string, name: string, count: number, concurrency: number, processJob: (index: number) => Promise<void>): Promise<number> {
  return withQueue(redisUrl, name, async (queue, prefix, connection) => {
    let done = 0;
    let finish: () => void = () => undefined;
    let fail: (err: Error) => void = () => undefined;
    const finished = new Promise<void>((resolve, reject) => { finish = resolve; fail = reject; });
    const worker = new Worker(name, async (job) => processJob(job.data.i as number), { connection, prefix, concurrency });
    worker.on('completed', () => { done += 1; if (done === count) finish(); });
    worker.on('failed', (_job, err) => fail(err));
    await worker.waitUntilReady();
    const t0 = performance.now();
    const opts = { removeOnComplete: { age: 24 * 3600, count: 1000 } };
    for (let i = 0; i < count; i += 1000) {
      await queue.addBulk(Array.from({ length: Math.min(1000, count - i) }, (_, k) => ({ name, data: { i: i + k }, opts })));
    }
    if (count > 0) await finished;
    const seconds = (performance.now() - t0) / 1000;
    await worker.close();
    return seconds;
  });
}

/** addBulk + no-op worker for `jobs` jobs. */
export function measureQueueFloor(redisUrl: string, jobs: number, concurrency: number): Promise<number> {
  return timeJobs(redisUrl, 'noop', jobs, concurrency, async () => undefined);
}

export interface NotModifiedTarget {
  url: string;
  etag: string;
  lastModified: string;
}

/** A job per feed, each a conditional GET that must answer 304; seconds for all of them. */
export async function measureNotModifiedFloor(redisUrl: string, targets: readonly NotModifiedTarget[], concurrency: number, userAgent: string): Promise<number> {
  const pool = new Agent({ connect: { timeout: 10_000 }, keepAliveTimeout: 10_000, connections: 64 });
  try {
    return await timeJobs(redisUrl, 'conditional-get', targets.length, concurrency, async (i) => {
      const target = targets[i] as NotModifiedTarget;
      const res = await request(target.url, {
        method: 'GET',
        dispatcher: pool,
        headers: { 'user-agent': userAgent, accept: 'application/rss+xml', 'accept-encoding': 'gzip, deflate, br', 'if-none-match': target.etag, 'if-modified-since': target.lastModified },
      });
      await res.body.dump();
      if (res.statusCode !== 304) throw new Error(`bench: ${target.url} answered ${res.statusCode} to a conditional GET, not 304`);
    });
  } finally {
    await pool.close();
  }
}

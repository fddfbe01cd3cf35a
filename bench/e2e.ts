/**
 * End-to-end benchmark: Veille's scheduler, poll and store roles as child processes on a fresh
 * Redis prefix and the NDJSON sink, against the feed farm. First poll of every feed (all items
 * new) until the store queue drains, then a second poll (every feed answers 304). Each figure
 * beside its floor (floors.ts), measured in the same run on the same data.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createKeyspace } from '../src/queues/keyspace.js';
import { deleteKeys } from '../src/redis/connections.js';
import type { LocatedRedis } from '../src/redis/locate-redis.js';
import { FeedCorpus, type CorpusOptions } from './feed-corpus.js';
import { startFeedFarm, type FeedFarm } from './feed-farm.js';
import { measureNotModifiedFloor, measureParseFloor, measureQueueFloor } from './floors.js';
import { PollProgress } from './poll-progress.js';
import { readProc } from './proc-stats.js';
import { startRole, writeBenchWatchlist, type RoleProcess } from './veille-roles.js';
import { round } from './bench-results.js';
import { bytesOf } from './redis-bytes.js';

/** Polls of every feed in the 304 measurement: one round of 1,000 feeds lasts well under a second. */
const NOT_MODIFIED_ROUNDS = 5;

export interface E2eOptions {
  feeds: number;
  items: number;
  seed: number;
  pollers: number;
  pollConcurrency: number;
  storeConcurrency: number;
  /** Node flags for the poll processes (e.g. --cpu-prof). */
  pollerFlags: string[];
  timeoutMs: number;
}

export interface E2eRun {
  feeds: number;
  items: number;
  firstPoll: {
    seconds: number;
    articlesPerSecond: number;
    storeJobs: { article: number; sighting: number; update: number };
    failedPolls: number;
    cpuSeconds: Record<string, number>;
    cpuSecondsPer1000Articles: number;
    redisCpuSecondsPer1000Articles: number | null;
  };
  notModified: { polls: number; seconds: number; feedsPerSecond: number; failedPolls: number; cpuSeconds: Record<string, number> };
  floor: {
    parseSeconds: number;
    parsedItems: number;
    queueJobs: number;
    queueSeconds: number;
    articlesPerSecond: number;
    cpuSecondsPer1000Articles: number;
    notModifiedSeconds: number;
    notModifiedFeedsPerSecond: number;
  };
  ratios: { endToEnd: number; notModified: number };
  peakRssMiB: Record<string, number>;
  redis: { dedupeBytesPerRememberedArticle: number; dedupeBytes: number; deploymentBytes: number; rememberedArticles: number };
}

export interface E2eContext {
  redisUrl: string;
  redisPid: number | null;
  farm: FeedFarm;
  corpus: FeedCorpus;
  /** The farm's bodies, fetched once for the parse floor. */
  bodies: string[];
}

export function corpusOptions(options: Pick<E2eOptions, 'feeds' | 'items' | 'seed'>): CorpusOptions {
  const hour = 3_600_000;
  return { feeds: options.feeds, items: options.items, seed: options.seed, relevantShare: 0.02, sharedShare: 0.1, startedAt: Math.floor(Date.now() / hour) * hour };
}

export async function openE2eContext(options: E2eOptions, located: LocatedRedis): Promise<E2eContext> {
  const corpusOpts = corpusOptions(options);
  const farm = await startFeedFarm(corpusOpts);
  const bodies: string[] = [];
  for (let f = 0; f < options.feeds; f += 1) bodies.push(await (await fetch(farm.feedUrl(f))).text());
  const probe = new Redis(located.url);
  const redisPid = Number(/process_id:(\d+)/.exec(await probe.info('server'))?.[1] ?? NaN);
  await probe.quit();
  return { redisUrl: located.url, redisPid: Number.isFinite(redisPid) && readProc(redisPid) ? redisPid : null, farm, corpus: new FeedCorpus(corpusOpts), bodies };
}

function cpuOf(roles: RoleProcess[]): Record<string, number> {
  return Object.fromEntries(roles.map((r) => [r.name, r.sample()?.cpuSeconds ?? NaN]));
}

function cpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([name, v]) => [name, round(v - (before[name] ?? 0))]));
}

const sum = (values: Record<string, number>): number => Object.entries(values).filter(([n]) => n !== 'redis').reduce((a, [, b]) => a + b, 0);

export async function runE2eOnce(options: E2eOptions, ctx: E2eContext, run: number): Promise<E2eRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'veille-bench-'));
  const keys = createKeyspace(`bench-e2e-${process.pid}-${run}`);
  const ndjsonPath = path.join(dir, 'articles.ndjson');
  const config = writeBenchWatchlist(dir, {
    feedUrls: Array.from({ length: options.feeds }, (_, f) => ctx.farm.feedUrl(f)),
    interval: '1h', pollConcurrency: options.pollConcurrency, storeConcurrency: options.storeConcurrency, ndjsonPath,
  });
  const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  const blocking = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  const progress = new PollProgress(redis, blocking, keys);
  const roles: RoleProcess[] = [];
  const common = { config, prefix: keys.prefix, redisUrl: ctx.redisUrl, dir };
  try {
    await progress.ready();
    roles.push(await startRole({ ...common, name: 'store', role: 'store' }));
    for (let i = 0; i < options.pollers; i += 1) roles.push(await startRole({ ...common, name: `poll-${i + 1}`, role: 'poll', nodeFlags: options.pollerFlags }));
    // The scheduler queues the first tick of every feed at once; pollers see them only on resume.
    await progress.pollQueue.pause();
    roles.push(await startRole({ ...common, name: 'scheduler', role: 'scheduler' }));
    const redisCpu = () => (ctx.redisPid !== null ? readProc(ctx.redisPid)?.cpuSeconds ?? NaN : NaN);

    // First poll: every item is new.
    const cpu0 = { ...cpuOf(roles), redis: redisCpu() };
    const t0 = performance.now();
    await progress.pollQueue.resume();
    // The scheduler queues a first poll (`first-…`) per new feed; its own ticks wait for each feed's slot.
    await progress.untilFinished(options.feeds, options.timeoutMs, 'first-');
    await progress.untilStoreDrained(options.timeoutMs);
    const firstSeconds = (performance.now() - t0) / 1000;
    const cpu1 = { ...cpuOf(roles), redis: redisCpu() };
    const firstFailed = progress.finished.filter((e) => e.failedReason !== undefined);
    const articles = options.feeds * options.items;
    const firstCpu = cpuDelta(cpu0, cpu1);

    // Then every feed polled again NOT_MODIFIED_ROUNDS times: every poll answers 304.
    const polls304 = options.feeds * NOT_MODIFIED_ROUNDS;
    progress.finished = [];
    const t1 = performance.now();
    const stamp = Date.now();
    for (let round = 0; round < NOT_MODIFIED_ROUNDS; round += 1) {
      await progress.pollQueue.addBulk(Array.from({ length: options.feeds }, (_, f) => ({
        name: 'poll', data: { feedId: `feed-${f}`, manual: true },
        opts: { jobId: `manual-feed-${f}-${stamp}-${round}`, attempts: 1, removeOnComplete: { age: 3600, count: 1000 }, removeOnFail: { age: 24 * 3600 } },
      })));
    }
    await progress.untilFinished(polls304, options.timeoutMs, 'manual-');
    const secondSeconds = (performance.now() - t1) / 1000;
    const cpu2 = { ...cpuOf(roles), redis: redisCpu() };
    const secondFailed = progress.finishedWith('manual-').filter((e) => e.failedReason !== undefined || (e.returnvalue as { httpStatus?: number } | undefined)?.httpStatus !== 304);
    const peakRssMiB = Object.fromEntries(roles.map((r) => [r.name, round((r.sample()?.peakRssBytes ?? NaN) / 2 ** 20, 1)]));

    const storeJobs = { article: 0, sighting: 0, update: 0 };
    for (const line of (await readFile(ndjsonPath, 'utf8').catch(() => '')).split('\n')) {
      const kind = /^\{"kind":"(\w+)"/.exec(line)?.[1] as keyof typeof storeJobs | undefined;
      if (kind && kind in storeJobs) storeJobs[kind] += 1;
    }
    const dedupeBytes = (await bytesOf(redis, `${keys.root}:seen:*`)).bytes + (await bytesOf(redis, `${keys.root}:nd:*`)).bytes;
    const deploymentBytes = (await bytesOf(redis, `${keys.root}:*`)).bytes;

    // Floors, on the same bodies and job counts.
    const floorCpu0 = process.cpuUsage();
    const floorRedis0 = redisCpu();
    const parse = await measureParseFloor(ctx.bodies);
    const queueJobs = options.feeds + storeJobs.article + storeJobs.sighting + storeJobs.update;
    const queueSeconds = await measureQueueFloor(ctx.redisUrl, queueJobs, options.pollConcurrency);
    const floorCpuUsage = process.cpuUsage(floorCpu0);
    const floorCpu = (floorCpuUsage.user + floorCpuUsage.system) / 1e6;
    const floorSeconds = parse.seconds + queueSeconds;
    const targets = Array.from({ length: polls304 }, (_, i) => ({ url: ctx.farm.feedUrl(i % options.feeds), ...ctx.corpus.versionOf(i % options.feeds) }));
    const notModifiedSeconds = await measureNotModifiedFloor(ctx.redisUrl, targets, options.pollers * options.pollConcurrency, 'Veille/0.1 (news monitoring; French RSS/Atom reader)');
    void floorRedis0;

    const articlesPerSecond = articles / firstSeconds;
    const floorArticlesPerSecond = articles / floorSeconds;
    const feedsPerSecond = polls304 / secondSeconds;
    const floorFeedsPerSecond = polls304 / notModifiedSeconds;
    return {
      feeds: options.feeds,
      items: options.items,
      firstPoll: {
        seconds: round(firstSeconds, 3),
        articlesPerSecond: round(articlesPerSecond, 1),
        storeJobs,
        failedPolls: firstFailed.length,
        cpuSeconds: firstCpu,
        cpuSecondsPer1000Articles: round(sum(firstCpu) / (articles / 1000), 3),
        redisCpuSecondsPer1000Articles: Number.isFinite(firstCpu.redis) ? round((firstCpu.redis ?? 0) / (articles / 1000), 3) : null,
      },
      notModified: { polls: polls304, seconds: round(secondSeconds, 3), feedsPerSecond: round(feedsPerSecond, 1), failedPolls: secondFailed.length, cpuSeconds: cpuDelta(cpu1, cpu2) },
      floor: {
        parseSeconds: round(parse.seconds, 3),
        parsedItems: parse.items,
        queueJobs,
        queueSeconds: round(queueSeconds, 3),
        articlesPerSecond: round(floorArticlesPerSecond, 1),
        cpuSecondsPer1000Articles: round(floorCpu / (articles / 1000), 3),
        notModifiedSeconds: round(notModifiedSeconds, 3),
        notModifiedFeedsPerSecond: round(floorFeedsPerSecond, 1),
      },
      ratios: { endToEnd: round(articlesPerSecond / floorArticlesPerSecond), notModified: round(feedsPerSecond / floorFeedsPerSecond) },
      peakRssMiB,
      redis: { dedupeBytesPerRememberedArticle: round(dedupeBytes / articles, 1), dedupeBytes, deploymentBytes, rememberedArticles: articles },
    };
  } finally {
    await Promise.all(roles.map((r) => r.stop()));
    await progress.close();
    await deleteKeys(redis, keys.patterns);
    await redis.quit();
    await blocking.quit();
    if (options.pollerFlags.length === 0) await rm(dir, { recursive: true, force: true });
    else process.stdout.write(`(poller profiles and logs kept in ${dir})\n`);
  }
}

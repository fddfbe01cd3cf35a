/**
 * Where a poll's CPU goes, part by part, each measured alone in this process on the farm's data:
 * - a first poll's stages per item (decode, repair, parse, item → Article, seen-item hash,
 *   rules), against rss-parser's parse of the same bodies — the end-to-end floor's own work;
 * - a 304 poll's operations at concurrency 8 (BullMQ job, conditional GET, state read with the
 *   host slot, success record, log line), against the floor's poll: a BullMQ job and a GET.
 * CPU is process.cpuUsage (user + system, the collector's threads included), median of rounds.
 * `npm run bench -- --only parts`; JSON in bench/results/poll-parts-latest.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import Parser from 'rss-parser';
import { Agent, request } from 'undici';
import { loadWatchlist } from '../src/config/watchlist.js';
import { listingHashOf } from '../src/dedupe/content-hash.js';
import { decodeFeedBody } from '../src/feeds/decode-feed.js';
import { detectFeedFormat } from '../src/feeds/feed-format.js';
import { buildArticle, type RawItem } from '../src/feeds/item-article.js';
import { repairXml } from '../src/feeds/repair-xml.js';
import { FeedStates, type ScheduleFields, type SuccessRecord } from '../src/pipeline/feed-state.js';
import { HostLimiter } from '../src/politeness/host-limiter.js';
import { createKeyspace } from '../src/queues/keyspace.js';
import { deleteKeys } from '../src/redis/connections.js';
import { locateRedis } from '../src/redis/locate-redis.js';
import { FeedCorpus, type CorpusOptions } from './feed-corpus.js';
import { startFeedFarm } from './feed-farm.js';
import { spread, writeResult } from './bench-results.js';
import { REPO_ROOT } from './veille-roles.js';

const ROUNDS = 5;
const FEEDS = 100;
const OPS = 4_000;
const CONCURRENCY = 8;

function cpuMicros<T>(work: () => T): { result: T; micros: number } {
  const before = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(before);
  return { result, micros: used.user + used.system };
}

const median = (values: number[]): number => spread(values).median;

async function firstPollStages(corpusOptions: CorpusOptions): Promise<Record<string, number>> {
  const corpus = new FeedCorpus(corpusOptions);
  const bodies = Array.from({ length: FEEDS }, (_, f) => Buffer.from(corpus.feedXml(f, 0)));
  const { ruleSet } = await loadWatchlist(path.join(REPO_ROOT, 'config', 'watchlist.yaml'));
  const items = FEEDS * corpusOptions.items;
  const samples: Record<string, number[]> = {};
  const note = (name: string, micros: number): void => { (samples[name] ??= []).push(micros / items); };
  for (let round = 0; round < ROUNDS; round += 1) {
    const decoded = cpuMicros(() => bodies.map((body) => decodeFeedBody(body, 'application/rss+xml; charset=utf-8').text));
    note('decode the body (UTF-8 → one string per feed)', decoded.micros);
    const repaired = cpuMicros(() => decoded.result.map((text) => repairXml(text, detectFeedFormat(text, 'https://farm.example/'))));
    note('detect the format, repairXml', repaired.micros);
    const before = process.cpuUsage();
    const outputs: RawItem[][] = [];
    for (const xml of repaired.result) outputs.push((await new Parser<Record<string, unknown>, RawItem>({ defaultRSS: 2 }).parseString(xml)).items);
    const parsed = process.cpuUsage(before);
    note('rss-parser parseString (the floor)', parsed.user + parsed.system);
    const context = { feedId: 'f', feedUrl: 'https://farm.example/feed.xml', fetchedAt: new Date(0).toISOString() };
    const articles = cpuMicros(() => outputs.flat().map((item) => buildArticle(item, 'rss', context)).filter((a) => typeof a !== 'string'));
    note('item → Article (HTML to text ×3, canonical URL, date)', articles.micros);
    note('seen-item hash of a dropped item (listing hash)', cpuMicros(() => articles.result.map((a) => listingHashOf(a))).micros);
    note('rules: evaluate', cpuMicros(() => articles.result.map((a) => ruleSet.evaluate(a))).micros);
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

/** CPU-µs per call of `op` run OPS times by CONCURRENCY loops, after one warm-up pass. */
async function perOperation(op: (i: number) => Promise<unknown>): Promise<number> {
  const values: number[] = [];
  for (let pass = 0; pass < 3; pass += 1) {
    let next = 0;
    const before = process.cpuUsage();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (next < OPS) await op(next++); }));
    const used = process.cpuUsage(before);
    if (pass > 0) values.push((used.user + used.system) / OPS);
  }
  return median(values);
}

async function notModifiedParts(corpusOptions: CorpusOptions, redisUrl: string): Promise<Record<string, number>> {
  const farm = await startFeedFarm({ ...corpusOptions, feeds: FEEDS });
  const corpus = new FeedCorpus({ ...corpusOptions, feeds: FEEDS });
  const keys = createKeyspace(`bench-parts-${process.pid}`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const queueConnection = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'veille-bench-parts-'));
  const log = pino(pino.destination({ dest: path.join(dir, 'poll.log'), sync: false }));
  const states = new FeedStates(redis, keys);
  const hosts = new HostLimiter(redis, keys.root, { maxInFlight: 64, minSpacingMs: 0, maxWaitMs: 60_000 });
  const farmUrl = new URL(farm.feedUrl(0));
  const record: SuccessRecord = { url: farm.feedUrl(0), httpStatus: 304, outcome: 'not-modified', durationMs: 3, itemsSeen: 0, itemsNew: 0, itemsKept: 0, duplicates: 0 };
  const schedule: ScheduleFields = {
    movedTo: null, failedPolls: 0, disabled: false, disabledReason: null, lastErrorPermanent: false, cacheMaxAgeMs: null, ttlMs: null,
    effectiveIntervalMs: 3_600_000, intervalReason: 'interval', nextPollAt: new Date().toISOString(),
  };
  try {
    const parts: Record<string, number> = {};
    parts['conditional GET → 304 (undici)'] = await perOperation(async (i) => {
      const feed = i % FEEDS;
      const res = await request(farm.feedUrl(feed), { dispatcher: agent, headers: { 'if-none-match': corpus.versionOf(feed).etag } });
      await res.body.dump();
    });
    parts['BullMQ job: add, fetch, complete (no-op)'] = await bullmqJob(queueConnection, workerConnection, keys.bullPrefix);
    parts['state read + host slot, one pipeline (release included)'] = await perOperation(async (i) => {
      const pipeline = redis.pipeline();
      const readState = states.getIn(pipeline, `feed-${i % FEEDS}`);
      const settle = hosts.attemptIn(pipeline, farmUrl, 30_000);
      const replies = (await pipeline.exec()) ?? [];
      readState(replies[0]);
      await settle(replies[1]?.[1])?.();
    });
    parts['success record + schedule fields, one MULTI'] = await perOperation((i) => states.recordSuccess(`feed-${i % FEEDS}`, record, new Date(), schedule));
    parts['one log line (child logger)'] = await perOperation(async (i) => {
      log.child({ feedId: `feed-${i % FEEDS}`, jobId: `job-${i}`, url: record.url }).info({ durationMs: 3, httpStatus: 304, fetch: 'not-modified' }, 'poll: done');
    });
    parts['Redis PING awaited (one round trip)'] = await perOperation(() => redis.ping());
    return parts;
  } finally {
    await deleteKeys(redis, keys.patterns);
    redis.disconnect();
    queueConnection.disconnect();
    workerConnection.disconnect();
    await agent.close();
    await farm.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bullmqJob(connection: Redis, workerConnection: Redis, prefix: string): Promise<number> {
  const queue = new Queue('parts', { connection, prefix });
  const values: number[] = [];
  try {
    for (let pass = 0; pass < 3; pass += 1) {
      let done = 0;
      let finish: () => void = () => undefined;
      const finished = new Promise<void>((resolve) => { finish = resolve; });
      const worker = new Worker('parts', async () => undefined, { connection: workerConnection, prefix, concurrency: CONCURRENCY });
      worker.on('completed', () => { done += 1; if (done === OPS) finish(); });
      await worker.waitUntilReady();
      const before = process.cpuUsage();
      for (let i = 0; i < OPS; i += 1_000) {
        await queue.addBulk(Array.from({ length: Math.min(1_000, OPS - i) }, (_, k) => ({ name: 'parts', data: { i: i + k }, opts: { removeOnComplete: { age: 3_600, count: 1_000 } } })));
      }
      await finished;
      const used = process.cpuUsage(before);
      if (pass > 0) values.push((used.user + used.system) / OPS);
      await worker.close();
    }
  } finally {
    await queue.close();
  }
  return median(values);
}

export async function runPollPartsBench(out: string): Promise<void> {
  const corpusOptions: CorpusOptions = { feeds: FEEDS, items: 50, seed: 42, relevantShare: 0.02, sharedShare: 0.1, startedAt: Date.UTC(2026, 10, 1) };
  const stages = await firstPollStages(corpusOptions);
  const floorParse = stages['rss-parser parseString (the floor)'] ?? NaN;
  const located = await locateRedis({ dataDir: path.join(os.tmpdir(), `veille-bench-${process.pid}`), startIfMissing: 'ephemeral' });
  let parts: Record<string, number>;
  try {
    parts = await notModifiedParts(corpusOptions, located.url);
  } finally {
    await located.child?.stop();
  }
  const floorPoll = (parts['BullMQ job: add, fetch, complete (no-op)'] ?? NaN) + (parts['conditional GET → 304 (undici)'] ?? NaN);
  const lines = [
    `First poll, per item (${FEEDS} feeds × ${corpusOptions.items} items of the farm, median of ${ROUNDS} rounds; × = CPU ÷ rss-parser's parse of the same items):`,
    '',
    '| stage | CPU-µs per item | × the parse |',
    '|---|---:|---:|',
    ...Object.entries(stages).map(([name, micros]) => `| ${name} | ${micros.toFixed(1)} | ${(micros / floorParse).toFixed(2)} |`),
    '',
    `304 poll, per operation (concurrency ${CONCURRENCY}, ${OPS} operations, median of 2 passes; × = CPU ÷ the floor's poll, a BullMQ job + a GET = ${floorPoll.toFixed(0)} µs):`,
    '',
    '| part | CPU-µs | × the floor\'s poll |',
    '|---|---:|---:|',
    ...Object.entries(parts).map(([name, micros]) => `| ${name} | ${micros.toFixed(0)} | ${(micros / floorPoll).toFixed(2)} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const file = writeResult(out, 'poll-parts', { date: new Date().toISOString(), node: process.version, firstPollMicrosPerItem: stages, notModifiedMicrosPerOperation: parts, floorPollMicros: floorPoll });
  process.stdout.write(`\nwritten ${path.relative(process.cwd(), file)}\n`);
}

/**
 * Dedupe memory benchmark: Redis bytes per remembered article (seen item + story fingerprint and
 * claim) for 100,000 articles over 1,000 feeds and a 30-day window, with Veille's layout
 * (weekly listpack hashes, story-index.ts and seen-items.ts) against the one-key-per-fact layout
 * it replaced (SET NX per content hash with a TTL, a sorted set per feed), in the same run on the
 * same Redis. Bytes are summed with MEMORY USAGE over each layout's keys.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createKeyspace } from '../src/queues/keyspace.js';
import { deleteKeys } from '../src/redis/connections.js';
import { locateRedis } from '../src/redis/locate-redis.js';
import { SeenItems, type RememberedItem } from '../src/dedupe/seen-items.js';
import { StoryIndex } from '../src/dedupe/story-index.js';
import { bytesOf } from './redis-bytes.js';

const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 100_000);
const FEEDS = 1_000;
const RETENTION_MS = 30 * 86_400_000;
const BATCH = 100;

async function firstKey(redis: Redis, pattern: string): Promise<string> {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (batch[0] !== undefined) return batch[0];
    cursor = next;
  } while (cursor !== '0');
  throw new Error(`bench: no key matches ${pattern}`);
}

export async function runDedupeMemoryBench(): Promise<void> {
  const located = await locateRedis({ dataDir: path.join(os.tmpdir(), `veille-bench-${process.pid}`), startIfMissing: 'ephemeral' });
  const redis = new Redis(located.url);
  const keys = createKeyspace(`bench-${process.pid}`);
  const baselinePrefix = `bench-baseline-${process.pid}`;
  try {
    const start = Date.now() - RETENTION_MS;
    const seen = new SeenItems(redis, keys, RETENTION_MS);
    const stories = new StoryIndex(redis, keys, RETENTION_MS, 3);
    const t0 = performance.now();
    for (let done = 0; done < ARTICLES; done += BATCH) {
      // Articles arrive in time order across the window, each batch from one feed.
      const at = start + Math.floor((done / ARTICLES) * RETENTION_MS);
      const feedId = `feed-${(done / BATCH) % FEEDS}`;
      const batch = Array.from({ length: Math.min(BATCH, ARTICLES - done) }, () => ({
        guid: randomBytes(12).toString('base64url'),
        articleId: randomBytes(12).toString('hex'),
        textHash: randomBytes(4).toString('hex'),
        fingerprint: { hi: randomBytes(4).readUInt32BE(0), lo: randomBytes(4).readUInt32BE(0) },
      }));
      await stories.claim(batch.map((a) => ({ articleId: a.articleId, fingerprint: a.fingerprint })), at);
      await seen.remember(feedId, batch.map((a): RememberedItem => ({ guid: a.guid, textHash: a.textHash, articleId: a.articleId })), at);
      // The baseline: one key per claimed content hash, one sorted-set member per seen guid and URL.
      const pipeline = redis.pipeline();
      for (const a of batch) {
        pipeline.set(`${baselinePrefix}:claim:${randomBytes(32).toString('hex')}`, feedId, 'PX', RETENTION_MS, 'NX');
        pipeline.zadd(`${baselinePrefix}:seen:${feedId}`, at, randomBytes(12).toString('base64url'), at, randomBytes(12).toString('base64url'));
      }
      await pipeline.exec();
    }
    const seconds = (performance.now() - t0) / 1000;
    const veille = await bytesOf(redis, `${keys.root}:*`);
    const baseline = await bytesOf(redis, `${baselinePrefix}:*`);
    const encodings = await redis.object('ENCODING', await firstKey(redis, `${keys.root}:nd:*`));
    const perArticle = veille.bytes / ARTICLES;
    const basePerArticle = baseline.bytes / ARTICLES;
    const result = {
      date: new Date().toISOString(), articles: ARTICLES, feeds: FEEDS, retentionDays: 30, redis: (await redis.info('server')).match(/redis_version:(\S+)/)?.[1],
      veille: { keys: veille.keys, bytes: veille.bytes, bytesPerArticle: Math.round(perArticle * 10) / 10, bucketEncoding: encodings },
      baseline: { keys: baseline.keys, bytes: baseline.bytes, bytesPerArticle: Math.round(basePerArticle * 10) / 10 },
      ratio: Math.round((perArticle / basePerArticle) * 100) / 100,
      loadSeconds: Math.round(seconds * 10) / 10,
    };
    process.stdout.write([
      `Dedupe memory: ${ARTICLES} articles (seen item + fingerprint + claim) over ${FEEDS} feeds and a 30-day window, Redis ${result.redis}, MEMORY USAGE summed per key.`,
      '',
      '| layout | keys | bytes | bytes per article | ratio to baseline |',
      '|---|---:|---:|---:|---:|',
      `| Veille (weekly listpack hashes, ${encodings}) | ${veille.keys} | ${veille.bytes} | ${result.veille.bytesPerArticle} | ${result.ratio}× |`,
      `| baseline (SET NX per hash + sorted set per feed, no fingerprints) | ${baseline.keys} | ${baseline.bytes} | ${result.baseline.bytesPerArticle} | 1× |`,
      '',
      `Loaded in ${result.loadSeconds} s (both layouts, including the Lua claim of each article).`,
      '',
    ].join('\n'));
    const dir = path.join(import.meta.dirname, '..', '..', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'dedupe-memory-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await deleteKeys(redis, [...keys.patterns, `${baselinePrefix}:*`]);
    await redis.quit();
    await located.child?.stop();
  }
}

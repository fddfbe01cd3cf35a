/**
 * `npm run demo`: the whole pipeline, offline. Serves the demo feeds from a local HTTP server,
 * runs the real poll and store roles on a private key prefix, polls each feed once, and prints
 * what was kept, why, and what was dropped as a duplicate. Leaves nothing behind in Redis.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { startFixtureFeedServer, demoRoutes } from '../demo/fixture-feed-server.js';
import { locateRedis } from '../redis/locate-redis.js';
import { createRedis, deleteKeys } from '../redis/connections.js';
import { startDaemon } from '../../workers/daemon.js';
import { articlesOf, readNdjsonStore } from '../storage/ndjson-sink.js';
import type { Sighting } from '../storage/stored-article.js';
import { resolveWatchlistPath } from '../config/watchlist.js';
import { createKeyspace } from '../queues/keyspace.js';
import { describeOutcome } from './print-outcome.js';
import { triggerPolls } from './trigger.js';
import type { Logger } from '../logging/logger.js';

export async function runDemo(options: { configPath?: string; log: Logger; out: (line: string) => void }): Promise<void> {
  const { log, out } = options;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'veille-demo-'));
  const server = await startFixtureFeedServer(demoRoutes());
  const located = await locateRedis({ dataDir: dir, startIfMissing: 'ephemeral' });
  const prefix = `veille-demo-${process.pid}`;
  let daemon: Awaited<ReturnType<typeof startDaemon>> | undefined;
  try {
    // The demo uses the real watchlist's rules, with the demo feeds and a throwaway store.
    const base = parseYaml(await readFile(resolveWatchlistPath(options.configPath), 'utf8')) as Record<string, unknown>;
    const feedPaths = Object.keys(demoRoutes());
    const sinkPath = path.join(dir, 'articles.ndjson');
    const config = {
      ...base,
      // All demo feeds live on one local host: no per-host spacing, or each poll would wait a second.
      settings: { ...(base.settings as object), sink: { type: 'ndjson', path: sinkPath }, politeness: { minSpacing: 0 } },
      feeds: feedPaths.map((p) => ({ id: path.basename(p).replace(/\.[a-z]+$/, ''), url: server.url(p), interval: '1h' })),
    };
    const configPath = path.join(dir, 'watchlist.yaml');
    await writeFile(configPath, stringifyYaml(config));
    out(`Serving ${feedPaths.length} demo feeds at ${server.baseUrl}; Redis ${located.source === 'private-child' ? 'started privately' : 'found'} at ${located.url}; key prefix ${prefix}.\n`);

    daemon = await startDaemon({ configPath, roles: ['poll', 'store'], prefix, dataDir: dir, shutdownTimeoutMs: 10_000, watchConfig: false, redisUrl: located.url, log });
    const redis = createRedis(located.url, 'producer', log);
    const conn = { url: located.url, redis, keys: daemon.keys, close: async () => { await redis.quit(); } };
    // One feed at a time, so "kept" and "duplicate" come out in a stable order.
    for (const feed of daemon.live.current.feeds) {
      const [result] = await triggerPolls(conn, [feed.id], { wait: true, timeoutMs: 30_000, log });
      if (result?.outcome) describeOutcome(result.outcome).forEach((line) => out(line));
      else out(`${feed.id}: failed: ${result?.error ?? 'no result'}`);
    }
    // Storage is asynchronous: wait until the store queue has drained.
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const counts = await daemon.storeQueue.getJobCounts('waiting', 'active', 'delayed');
      if ((counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const records = await readNdjsonStore(sinkPath);
    const stored = articlesOf(records);
    out(`\nStored ${stored.length} article(s) (in a temporary NDJSON store, removed when the demo ends):`);
    for (const record of stored) {
      out(`  ${record.id}  ${record.article.title}  [${record.article.feedId}]`);
      for (const match of record.matches) {
        out(`      why: ${match.watchId} score ${match.score} ≥ ${match.threshold}; ${match.hits.filter((h) => h.weight > 0).map((h) => `"${h.text}" (${h.topic}, ${h.field})`).join(', ')}`);
      }
      for (const sighting of records.filter((r): r is Sighting => r.kind === 'sighting' && r.articleId === record.id)) {
        out(`      also seen at: ${sighting.feedId} ${sighting.url}${sighting.distance > 0 ? ` (near-duplicate, ${sighting.distance} bits)` : ''}`);
      }
    }
    await daemon.stop('demo finished');
    daemon = undefined;
    await deleteKeys(redis, createKeyspace(prefix).patterns);
    await conn.close();
  } finally {
    await daemon?.stop('demo failed');
    await server.close();
    await located.child?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Redis restarted under load: a redis-server of the test's own (a free port, append-only file in
 * a temporary folder) serves two poll processes and a store process (the real CLI). While a
 * batch of slow feeds is being polled and stored, the test stops Redis (SIGTERM, then SIGKILL in
 * the next rounds), waits, and starts it again on the same port and folder. The processes must
 * reconnect by themselves and finish the work: every story stored exactly once, no job left.
 */
import { afterEach, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openQueue, POLL_QUEUE, STORE_QUEUE, type PollJobData, type StoreJobData } from '../../src/queues/queues.js';
import { createKeyspace } from '../../src/queues/keyspace.js';
import type { Fingerprint } from '../../src/dedupe/simhash.js';
import { useTestEnvironment } from '../support/environment.js';
import { memoryLog } from '../support/memory-log.js';
import { writeWatchlist, ndjsonPath } from '../support/watchlist.js';
import { startCli, type RunningCli } from '../support/cli.js';
import { seededRandom, type GeneratedStory } from '../dedupe/story-generator.js';
import { buildFarm, faultSettings, scheduledPolls } from './farm.js';
import { expectExactlyOnce, ndjsonRows, settleAndAudit } from './audit.js';
import { startPrivateRedisServer, type PrivateRedisServer } from './private-redis.js';

const env = useTestEnvironment();
let redisServer: PrivateRedisServer | undefined;
afterEach(async () => {
  // The processes first (environment.ts), then this Redis.
  for (const p of env.processes.splice(0)) {
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
  await redisServer?.close();
});

const SEED = Number(process.env.FAULT_SEED ?? 2026);
const ROUNDS: { signal: 'SIGTERM' | 'SIGKILL'; downMs: number }[] = [
  { signal: 'SIGTERM', downMs: 1_500 },
  { signal: 'SIGKILL', downMs: 3_000 },
  { signal: 'SIGKILL', downMs: 500 },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it(`Redis stopped and started again under load, ${ROUNDS.length} rounds (seed ${SEED}): the workers reconnect, every story stored once`, async () => {
  const { server, dir, processes } = env;
  const redisDir = path.join(dir, 'redis');
  await mkdir(redisDir);
  redisServer = await startPrivateRedisServer(redisDir);
  const taken: Fingerprint[] = [];
  const farms = ROUNDS.map((_, round) => buildFarm(server, { name: `redis${round}`, feeds: 10, stories: 14, seed: SEED + 50 + round, taken, spread: 0.5, delayMs: 200, chunkDelayMs: 20 }));
  const { file, watchlist } = await writeWatchlist(dir, farms.flatMap((f) => f.feeds), faultSettings());
  const keys = createKeyspace(`faults-redis-${process.pid}`);
  const common = ['--config', file, '--prefix', keys.prefix, 'start', '--no-watch'];
  const redisEnv = { REDIS_URL: redisServer.url };
  const start = (role: string): RunningCli => {
    const p = startCli([...common, '--only', role], redisEnv);
    processes.push(p);
    return p;
  };
  const roles = [start('poll'), start('poll'), start('store')];
  await Promise.all(roles.map((p) => p.waitForLine((l) => l.msg === 'daemon: started', 20_000)));

  // The test's own connection waits through the outages instead of failing.
  const connection = new Redis(redisServer.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  connection.on('error', () => undefined);
  const { log } = memoryLog('fatal');
  const pollQueue = openQueue<PollJobData>(POLL_QUEUE, connection, keys, log);
  const storeQueue = openQueue<StoreJobData>(STORE_QUEUE, connection, keys, log);
  const expected = new Map<string, GeneratedStory>();
  try {
    for (const [round, farm] of farms.entries()) {
      const r = seededRandom(SEED * 7 + round);
      const { signal, downMs } = ROUNDS[round]!;
      for (const [id, story] of farm.expected) expected.set(id, story);
      const started = Date.now();
      await pollQueue.addBulk(scheduledPolls(farm, watchlist.settings));
      await sleep(700 + Math.floor(r() * 1_300));
      const before = { polls: await pollQueue.getJobCounts('active', 'waiting', 'completed'), stores: await storeQueue.getJobCounts('active', 'waiting', 'completed') };
      const stoppedAt = Date.now();
      await redisServer.stop(signal);
      await sleep(downMs);
      await redisServer.start();
      const outageMs = Date.now() - stoppedAt;
      const report = await settleAndAudit({ expected, rows: () => ndjsonRows(ndjsonPath(watchlist)), pollQueue, storeQueue, timeoutMs: 45_000 });
      const alive = roles.filter((p) => p.child.exitCode === null).length;
      console.log(`redis restart round ${round}: ${signal} at ${stoppedAt - started} ms into the batch (polls ${JSON.stringify(before.polls)}, stores ${JSON.stringify(before.stores)}), down ${outageMs} ms; settled ${Date.now() - started} ms after the batch began; ${alive}/3 processes alive; ${report.stored}/${report.expected} stories stored once; polls ${JSON.stringify(report.polls)}; stores ${JSON.stringify(report.stores)}`);
      for (const job of await pollQueue.getJobs(['failed'])) {
        console.log(`redis restart round ${round}: poll of ${job.data.feedId} failed after ${job.attemptsMade} attempt(s): ${job.failedReason}`);
      }
      expect(alive, 'no process died with Redis').toBe(3);
      expectExactlyOnce(report, `round ${round} (seed ${SEED})`);
    }
    const reconnects = roles.map((p) => p.lines.filter((l) => l.msg === 'redis: connection error').length);
    console.log(`redis restart: connection errors logged per process (at most one per 10 s each): ${reconnects.join(', ')}`);
  } finally {
    await pollQueue.close();
    await storeQueue.close();
    connection.disconnect();
  }
}, 180_000);

/**
 * The store (PostgreSQL) unreachable for 30 s while articles flow: a daemon (poll and store roles,
 * the real CLI) writes to PostgreSQL through a TCP proxy the test owns. Once the first articles
 * are in, the proxy goes down (connections refused, open ones cut) for 30 s while the feeds keep
 * being polled; then it comes back. Storage jobs must wait and retry (no attempt spent, none
 * failed) and every story end up in PostgreSQL exactly once.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openQueue, POLL_QUEUE, STORE_QUEUE, type PollJobData, type StoreJobData } from '../../src/queues/queues.js';
import type { Fingerprint } from '../../src/dedupe/simhash.js';
import { useTestEnvironment } from '../support/environment.js';
import { memoryLog } from '../support/memory-log.js';
import { writeWatchlist } from '../support/watchlist.js';
import { startCli } from '../support/cli.js';
import { openTestPostgres, type TestPostgres } from '../support/postgres.js';
import { startTcpProxy, type TcpProxy } from '../storage/tcp-proxy.js';
import type { GeneratedStory } from '../dedupe/story-generator.js';
import { buildFarm, faultSettings, scheduledPolls } from './farm.js';
import { expectExactlyOnce, settleAndAudit, type StoredRow } from './audit.js';

const env = useTestEnvironment();
let pg: TestPostgres;
let proxy: TcpProxy;
beforeEach(async () => {
  pg = await openTestPostgres();
  proxy = await startTcpProxy('127.0.0.1', Number(new URL(pg.url).port || 5432));
});
afterEach(async () => {
  for (const p of env.processes.splice(0)) {
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
  await proxy.close();
  await pg.cleanup();
});

const OUTAGE_MS = 30_000;
const SEED = Number(process.env.FAULT_SEED ?? 2026);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('PostgreSQL unreachable for 30 s while articles flow: storage jobs wait, nothing dropped, each story stored once', async () => {
  const { server, t, dir, processes } = env;
  const taken: Fingerprint[] = [];
  const before = buildFarm(server, { name: 'pg-before', feeds: 10, stories: 16, seed: SEED + 100, taken, spread: 0.5, delayMs: 100, chunkDelayMs: 20 });
  const during = buildFarm(server, { name: 'pg-during', feeds: 8, stories: 12, seed: SEED + 101, taken, spread: 0.5 });
  const sink = { type: 'postgres', url: pg.urlVia(proxy.port), schema: pg.schema, retry: { initial: '250ms', max: '2s' }, connectTimeout: '1s' };
  const { file, watchlist } = await writeWatchlist(dir, [...before.feeds, ...during.feeds], faultSettings({ sink }));
  const daemon = startCli(['--config', file, '--prefix', t.keys.prefix, 'start', '--no-watch', '--only', 'poll,store'], { REDIS_URL: t.url });
  processes.push(daemon);
  await daemon.waitForLine((l) => l.msg === 'daemon: started', 20_000);

  const { log } = memoryLog('warn');
  const pollQueue = openQueue<PollJobData>(POLL_QUEUE, t.redis, t.keys, log);
  const storeQueue = openQueue<StoreJobData>(STORE_QUEUE, t.redis, t.keys, log);
  const rows = () => pg.query<StoredRow>(`SELECT id, title FROM ${pg.schema}.articles`);
  const expected = new Map<string, GeneratedStory>([...before.expected, ...during.expected]);
  try {
    await pollQueue.addBulk(scheduledPolls(before, watchlist.settings));
    // Cut as soon as the first articles are in: the rest of the batch is still being polled.
    for (let i = 0; i < 300 && (await rows()).length === 0; i += 1) await sleep(20);
    const storedAtCut = (await rows()).length;
    await proxy.down();
    const cutAt = Date.now();
    await sleep(3_000);
    // More feeds polled while the store is down.
    await pollQueue.addBulk(scheduledPolls(during, watchlist.settings));
    await sleep(OUTAGE_MS - (Date.now() - cutAt) - 2_000);
    const whileDown = await storeQueue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    const heldJobs = await storeQueue.getJobs(['waiting', 'active', 'delayed']);
    const attemptsSpent = heldJobs.reduce((sum, job) => sum + job.attemptsMade, 0);
    await sleep(OUTAGE_MS - (Date.now() - cutAt));
    await proxy.up();
    const outageMs = Date.now() - cutAt;

    const report = await settleAndAudit({ expected, rows, pollQueue, storeQueue, timeoutMs: 30_000 });
    const waitingLine = daemon.lines.find((l) => String(l.msg).startsWith('store: waiting for PostgreSQL'));
    const backLine = daemon.lines.find((l) => / is back after /.test(String(l.msg)));
    console.log(`store cut: ${storedAtCut} articles stored when the proxy went down; down ${outageMs} ms; while down: store queue ${JSON.stringify(whileDown)}, ${heldJobs.length} jobs held with ${attemptsSpent} attempts spent; `
      + `daemon said "${String(waitingLine?.msg)}" then "${String(backLine?.msg)}" (the retries in between are logged at debug level); `
      + `after: ${report.stored}/${report.expected} stories stored once; polls ${JSON.stringify(report.polls)}; stores ${JSON.stringify(report.stores)}`);

    expect(storedAtCut).toBeLessThan(expected.size);
    expect(whileDown.failed).toBe(0);
    expect(heldJobs.length).toBeGreaterThan(0);
    expect(attemptsSpent).toBe(0);
    expect(waitingLine).toBeDefined();
    expect(backLine).toBeDefined();
    expect(Number(backLine!.durationMs)).toBeGreaterThanOrEqual(OUTAGE_MS - 3_000);
    expect(daemon.lines.filter((l) => String(l.msg).startsWith('store: waiting for PostgreSQL'))).toHaveLength(1);
    expectExactlyOnce(report, `seed ${SEED}`);
  } finally {
    await pollQueue.close();
    await storeQueue.close();
  }
}, 90_000);

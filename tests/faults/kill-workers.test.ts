/**
 * kill -9 in the middle of a batch, ten times: two poll processes and one store process (the
 * real CLI) over a farm of slow feeds that share their stories. In each round a fresh farm is
 * polled; at seeded moments one poll process and the store process are SIGKILLed while jobs are
 * in flight, then started again. Their active jobs stall and are run again (settings.jobs.lockDuration
 * 1 s, so within seconds instead of BullMQ's default 30 s) by the survivor or the restarted
 * process. After each round: every relevant story stored exactly once, no job left behind.
 */
import { expect, it } from 'vitest';
import { openQueue, POLL_QUEUE, STORE_QUEUE, type PollJobData, type StoreJobData } from '../../src/queues/queues.js';
import { useTestEnvironment } from '../support/environment.js';
import { memoryLog } from '../support/memory-log.js';
import { writeWatchlist, ndjsonPath } from '../support/watchlist.js';
import { startCli, type RunningCli } from '../support/cli.js';
import { seededRandom } from '../dedupe/story-generator.js';
import { buildFarm, faultSettings, scheduledPolls, type Farm } from './farm.js';
import { expectExactlyOnce, ndjsonRows, settleAndAudit } from './audit.js';
import type { GeneratedStory } from '../dedupe/story-generator.js';
import type { Fingerprint } from '../../src/dedupe/simhash.js';

const env = useTestEnvironment();

const ROUNDS = 10;
const FEEDS = 8;
const STORIES = 12;
const SEED = Number(process.env.FAULT_SEED ?? 2026);

const isWrite = (l: Record<string, unknown>) => typeof l.msg === 'string' && l.msg.startsWith('store: ') && (l.msg.endsWith(' stored') || l.msg.endsWith(' already stored'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it(`kill -9 of a poll and a store process mid-batch, ${ROUNDS} rounds (seed ${SEED}): every story stored once`, async () => {
  const { server, t, dir, processes } = env;
  const farms: Farm[] = [];
  const taken: Fingerprint[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    farms.push(buildFarm(server, { name: `r${round}`, feeds: FEEDS, stories: STORIES, seed: SEED + round, taken, spread: 0.5, delayMs: 150, chunkDelayMs: 15 }));
  }
  const { file, watchlist } = await writeWatchlist(dir, farms.flatMap((f) => f.feeds), faultSettings({ jobs: { attempts: 3, backoff: '500ms', maxBackoff: '2s', jitter: 0.2, lockDuration: '1s' } }));
  const common = ['--config', file, '--prefix', t.keys.prefix, 'start', '--no-watch'];
  const redisEnv = { REDIS_URL: t.url };
  const start = (role: 'poll' | 'store'): RunningCli => {
    const p = startCli([...common, '--only', role], redisEnv);
    processes.push(p);
    return p;
  };
  const pollers = [start('poll'), start('poll')];
  let store = start('store');
  await Promise.all([...pollers, store].map((p) => p.waitForLine((l) => l.msg === 'daemon: started', 20_000)));

  const { log } = memoryLog('warn');
  const pollQueue = openQueue<PollJobData>(POLL_QUEUE, t.redis, t.keys, log);
  const storeQueue = openQueue<StoreJobData>(STORE_QUEUE, t.redis, t.keys, log);
  const expected = new Map<string, GeneratedStory>();
  const rounds: string[] = [];
  try {
    for (const [round, farm] of farms.entries()) {
      const r = seededRandom(SEED * 100 + round);
      for (const [id, story] of farm.expected) expected.set(id, story);
      const started = Date.now();
      await pollQueue.addBulk(scheduledPolls(farm, watchlist.settings));
      // Two strikes within the batch (which takes about 1-2 s here): a poll process at a seeded
      // moment, the store process right after its n-th write of the round (n seeded): store jobs
      // take milliseconds, so only its own log says when it is in the middle of a batch.
      const victim = round % 2;
      const storedBefore = store.lines.filter(isWrite).length;
      const strikes = [
        { at: 100 + Math.floor(r() * 1_400), kill: 'poll' as const },
        { at: 1 + Math.floor(r() * 8), kill: 'store' as const },
      ];
      const notes: string[] = [];
      for (const strike of strikes) {
        const target = strike.kill === 'poll' ? pollers[victim]! : store;
        if (strike.kill === 'poll') await sleep(Math.max(0, strike.at - (Date.now() - started)));
        else {
          await target.waitForLine(() => target.lines.filter(isWrite).length >= storedBefore + strike.at, 15_000).catch(async () => {
            console.log(`round ${round}: the store process wrote ${target.lines.filter(isWrite).length - storedBefore} records, not ${strike.at}; store queue ${JSON.stringify(await storeQueue.getJobCounts())}; its last lines:\n${target.lines.slice(-8).map((l) => JSON.stringify(l)).join('\n')}`);
          });
        }
        target.child.kill('SIGKILL');
        const inFlight = await (strike.kill === 'poll' ? pollQueue : storeQueue).getJobCounts('active', 'waiting');
        await target.exited;
        notes.push(strike.kill === 'poll'
          ? `poll killed at ${Date.now() - started} ms (poll queue: ${inFlight.active} active, ${inFlight.waiting} waiting)`
          : `store killed after its write #${strike.at} of the round (store queue: ${inFlight.active} active, ${inFlight.waiting} waiting)`);
        const again = start(strike.kill);
        if (strike.kill === 'poll') pollers[victim] = again;
        else store = again;
      }
      const report = await settleAndAudit({ expected, rows: () => ndjsonRows(ndjsonPath(watchlist)), pollQueue, storeQueue, timeoutMs: 30_000 });
      const line = `round ${round}: ${notes.join('; ')}; settled after ${Date.now() - started} ms; ${report.stored}/${report.expected} stories stored once; polls ${JSON.stringify(report.polls)}; stores ${JSON.stringify(report.stores)}`;
      rounds.push(line);
      console.log(`kill -9 ${line}`);
      for (const missing of report.missing) {
        const id = missing.split(' ')[0]!;
        const seen = processes.flatMap((p, n) => p.lines.filter((l) => JSON.stringify(l).includes(id)).map((l) => `process ${n}: ${JSON.stringify(l)}`));
        console.log(`missing ${missing}:\n${seen.join('\n')}`);
      }
      expectExactlyOnce(report, `round ${round} (seed ${SEED})`);
    }
    // A few generated stories are left out as near-duplicates of others (farm.ts).
    expect(expected.size).toBeGreaterThanOrEqual(ROUNDS * STORIES - 5);
  } finally {
    await pollQueue.close();
    await storeQueue.close();
  }
}, 110_000);

/**
 * The poll role in the test process: a real BullMQ poll worker on the watchlist in `file`, with
 * the queues, queue events and in-memory log a test needs to drive and observe it.
 */
import { QueueEvents, type Queue } from 'bullmq';
import { LiveWatchlist } from '../../src/config/live-watchlist.js';
import { openQueue, POLL_QUEUE, STORE_QUEUE, type PollJobData, type StoreJobData } from '../../src/queues/queues.js';
import { startPollWorker } from '../../workers/poll-worker.js';
import { memoryLog } from './memory-log.js';
import type { TestRedis } from './redis.js';

export async function startPollRole(t: TestRedis, file: string, level = 'info') {
  const memory = memoryLog(level);
  const live = await LiveWatchlist.open(file, memory.log);
  const pollQueue: Queue<PollJobData> = openQueue(POLL_QUEUE, t.redis, t.keys, memory.log);
  const storeQueue: Queue<StoreJobData> = openQueue(STORE_QUEUE, t.redis, t.keys, memory.log);
  // QueueEvents blocks on its connection: it gets its own.
  const eventsConnection = t.workerConnection.duplicate();
  const events = new QueueEvents(POLL_QUEUE, { connection: eventsConnection, prefix: t.keys.bullPrefix });
  await events.waitUntilReady();
  const worker = startPollWorker({ redis: t.redis, workerConnection: t.workerConnection, keys: t.keys, live, storeQueue, log: memory.log });
  return {
    memory, pollQueue, storeQueue, events, live,
    async close() {
      await worker.close();
      await events.close();
      eventsConnection.disconnect();
      await pollQueue.close();
      await storeQueue.close();
      live.close();
    },
  };
}

/**
 * Watches a deployment's queues from outside: counts finished poll jobs through BullMQ's event
 * stream (QueueEvents) and tells when the store queue has drained.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../src/queues/keyspace.js';
import { POLL_QUEUE, STORE_QUEUE } from '../src/queues/queues.js';

export interface PollOutcomeEvent {
  jobId: string;
  /** The stream entry's time: when the job finished, on Redis's clock. */
  at: number;
  failedReason?: string;
  returnvalue?: unknown;
}

export class PollProgress {
  readonly events: QueueEvents;
  readonly pollQueue: Queue;
  readonly storeQueue: Queue;
  finished: PollOutcomeEvent[] = [];
  private waiters: (() => void)[] = [];

  constructor(connection: Redis, blockingConnection: Redis, keys: Keyspace) {
    this.pollQueue = new Queue(POLL_QUEUE, { connection, prefix: keys.bullPrefix });
    this.storeQueue = new Queue(STORE_QUEUE, { connection, prefix: keys.bullPrefix });
    this.events = new QueueEvents(POLL_QUEUE, { connection: blockingConnection, prefix: keys.bullPrefix });
    const note = (event: PollOutcomeEvent) => {
      this.finished.push(event);
      for (const wake of this.waiters.splice(0)) wake();
    };
    this.events.on('completed', ({ jobId, returnvalue }, id) => note({ jobId, at: Number(id.split('-')[0]), returnvalue }));
    this.events.on('failed', ({ jobId, failedReason }, id) => note({ jobId, at: Number(id.split('-')[0]), failedReason }));
  }

  async ready(): Promise<void> {
    await this.events.waitUntilReady();
  }

  /** Finished poll jobs whose id starts with `prefix`. */
  finishedWith(prefix: string): PollOutcomeEvent[] {
    return this.finished.filter((e) => e.jobId.startsWith(prefix));
  }

  /**
   * Resolves once `count` poll jobs with ids starting with `prefix` have finished (completed or
   * failed). Other jobs (a scheduler's tick falling in the window) are not counted.
   */
  async untilFinished(count: number, timeoutMs: number, prefix = ''): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Counted incrementally: re-filtering every event on every event cost the bench process a
    // fifth of a core during the 304 phase, CPU taken from the processes it measures.
    let looked = 0;
    let matched = 0;
    for (;;) {
      for (; looked < this.finished.length; looked += 1) if ((this.finished[looked] as PollOutcomeEvent).jobId.startsWith(prefix)) matched += 1;
      if (matched >= count) return;
      if (Date.now() > deadline) throw new Error(`bench: only ${matched} of ${count} polls finished within ${timeoutMs / 1000} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** Resolves once no store job waits, runs or is delayed. */
  async untilStoreDrained(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.storeQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) return;
      if (Date.now() > deadline) throw new Error(`bench: the store queue did not drain within ${timeoutMs / 1000} s: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.pollQueue.close();
    await this.storeQueue.close();
  }
}

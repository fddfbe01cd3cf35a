/**
 * The scheduler role: keeps exactly one BullMQ job scheduler per enabled feed, reconciled with
 * the watchlist at start and after every reload. Concurrent upserts race, so only the holder of
 * a short Redis lock reconciles.
 *
 * A scheduler fires every "tick" (src/politeness/poll-schedule.ts): the feed's interval, or the
 * adaptive minimum. The poll worker skips ticks until the feed is due, so backoff, adaptive
 * intervals and server hints change how often a feed is fetched without rewriting schedulers.
 * Retries use the poll worker's capped, jittered "feed" backoff instead of BullMQ's uncapped one.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Watchlist } from '../src/config/watchlist.js';
import type { LiveWatchlist } from '../src/config/live-watchlist.js';
import { jobOptions, schedulerIdFor, SCHEDULER_PREFIX, type PollJobData } from '../src/queues/queues.js';
import type { Keyspace } from '../src/queues/keyspace.js';
import type { Logger } from '../src/logging/logger.js';
import { tickIntervalMs } from '../src/politeness/poll-schedule.js';
import { FEED_BACKOFF } from '../src/politeness/retry-policy.js';

const LOCK_TTL_MS = 30_000;
const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface ReconcileReport {
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
}

async function withLock<T>(redis: Redis, key: string, waitMs: number, work: () => Promise<T>): Promise<T> {
  const token = randomUUID();
  const deadline = Date.now() + waitMs;
  while ((await redis.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
    if (Date.now() > deadline) throw new Error(`scheduler: another process has held the reconcile lock (${key}) for more than ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    return await work();
  } finally {
    await redis.eval(RELEASE_LOCK, 1, key, token);
  }
}

/**
 * Where a feed's ticks fall within its interval: a stable spread by feed id. Without it every
 * scheduler ticks at the moment it was upserted, so thousands of feeds reconciled within a few
 * seconds come due in the same few seconds of every interval (the scale bench saw 6,000 polls
 * due within 5 s of each minute, and seconds of lag, with the CPU idle the rest of the minute).
 */
export function tickOffsetMs(feedId: string, everyMs: number): number {
  return createHash('sha256').update(feedId).digest().readUInt32BE(0) % everyMs;
}

/** Makes the queue's job schedulers match the watchlist's enabled feeds. */
export async function reconcileSchedulers(
  queue: Queue<PollJobData>,
  watchlist: Watchlist,
  redis: Redis,
  keys: Keyspace,
  log: Logger,
): Promise<ReconcileReport> {
  return withLock(redis, keys.reconcileLock, 60_000, async () => {
    const existing = new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, s]));
    const wanted = new Map(watchlist.feeds.filter((f) => f.enabled).map((f) => [schedulerIdFor(f.id), f]));
    const report: ReconcileReport = { added: [], updated: [], removed: [], unchanged: 0 };
    for (const id of existing.keys()) {
      if (id.startsWith(SCHEDULER_PREFIX) && !wanted.has(id)) {
        await queue.removeJobScheduler(id);
        report.removed.push(id.slice(SCHEDULER_PREFIX.length));
      }
    }
    const base = jobOptions(watchlist.settings);
    const opts = { ...base, backoff: { type: FEED_BACKOFF, delay: watchlist.settings.jobs.backoff } };
    for (const [id, feed] of wanted) {
      const current = existing.get(id);
      const every = tickIntervalMs(feed, watchlist.settings);
      // BullMQ ignores an offset of 0 (the tick then falls at the upsert time); 1 ms is as good.
      const offset = Math.max(1, tickOffsetMs(feed.id, every));
      const backoff = current?.template?.opts?.backoff;
      const sameBackoff = typeof backoff === 'object' && backoff.type === FEED_BACKOFF && backoff.delay === opts.backoff.delay
        && current?.template?.opts?.attempts === opts.attempts;
      if (current && current.every === every && current.offset === offset && sameBackoff) {
        report.unchanged += 1;
        continue;
      }
      await queue.upsertJobScheduler(id, { every, offset }, { name: 'poll', data: { feedId: feed.id }, opts });
      (current ? report.updated : report.added).push(feed.id);
    }
    // With an offset the first tick waits for the feed's slot; a new feed is polled now instead
    // (the tick that follows is skipped if it comes within half an interval: poll-schedule.ts).
    if (report.added.length > 0) {
      await queue.addBulk(report.added.map((feedId) => ({ name: 'poll', data: { feedId }, opts: { ...opts, jobId: `first-${feedId}-${watchlist.version}` } })));
    }
    log.info({ ...report, version: watchlist.version }, 'scheduler: job schedulers reconciled with the watchlist');
    return report;
  });
}

export interface SchedulerRole {
  close(): Promise<void>;
}

/** Reconciles now and after every accepted watchlist change. */
export async function startScheduler(
  queue: Queue<PollJobData>,
  live: LiveWatchlist,
  redis: Redis,
  keys: Keyspace,
  log: Logger,
): Promise<SchedulerRole> {
  const schedLog = log.child({ role: 'scheduler' });
  await reconcileSchedulers(queue, live.current, redis, keys, schedLog);
  let pending: Promise<unknown> = Promise.resolve();
  const onChange = (next: Watchlist) => {
    pending = pending
      .then(() => reconcileSchedulers(queue, next, redis, keys, schedLog))
      .catch((err: unknown) => schedLog.error({ err }, 'scheduler: reconcile failed; will retry on the next reload'));
  };
  live.on('change', onChange);
  return {
    async close() {
      live.off('change', onChange);
      await pending;
    },
  };
}

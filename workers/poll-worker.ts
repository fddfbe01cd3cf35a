/**
 * The poll role: a BullMQ worker on the `poll` queue that runs pollFeed for the feed a job names,
 * with the watchlist version current when the job starts. Permanent feed errors (404, not a feed,
 * unparseable) fail the job without retries; transient ones are retried with backoff.
 */
import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LiveWatchlist } from '../src/config/live-watchlist.js';
import { FeedError } from '../src/feeds/errors.js';
import { pollFeed, type PollOutcome } from '../src/pipeline/poll-feed.js';
import { POLL_QUEUE, type PollJobData, type StoreJobData } from '../src/queues/queues.js';
import type { Keyspace } from '../src/queues/keyspace.js';
import type { Logger } from '../src/logging/logger.js';

export interface PollWorkerDeps {
  /** Connection for commands (state, dedupe); the worker duplicates its own blocking connection from `workerConnection`. */
  redis: Redis;
  workerConnection: Redis;
  keys: Keyspace;
  live: LiveWatchlist;
  storeQueue: Queue<StoreJobData>;
  log: Logger;
}

export function startPollWorker(deps: PollWorkerDeps): Worker<PollJobData, PollOutcome> {
  const log = deps.log.child({ role: 'poll' });
  const processJob = async (job: Job<PollJobData, PollOutcome>): Promise<PollOutcome> => {
    const watchlist = deps.live.current;
    const feed = watchlist.feeds.find((f) => f.id === job.data.feedId);
    if (!feed) {
      throw new UnrecoverableError(`poll: feed "${job.data.feedId}" is not in the watchlist ${watchlist.file}; add it under feeds: or remove its scheduler by reloading`);
    }
    const jobLog = log.child({ feedId: feed.id, jobId: job.id, url: feed.url });
    try {
      const outcome = await pollFeed(feed, { redis: deps.redis, keys: deps.keys, settings: watchlist.settings, ruleSet: watchlist.ruleSet, storeQueue: deps.storeQueue, log: jobLog });
      jobLog.info({
        durationMs: Math.round(outcome.durationMs), httpStatus: outcome.httpStatus, fetch: outcome.fetch,
        itemsSeen: outcome.itemsSeen, itemsNew: outcome.itemsNew, itemsKept: outcome.itemsKept, duplicates: outcome.duplicates,
        itemsTooOld: outcome.itemsTooOld, manual: job.data.manual === true,
      }, 'poll: done');
      for (const itemError of outcome.itemErrors) jobLog.warn({ itemError }, 'poll: skipped an item the feed could not describe');
      return outcome;
    } catch (err) {
      const permanent = err instanceof FeedError && err.permanent;
      jobLog.error({ err, attempt: job.attemptsMade + 1, permanent }, `poll: failed${permanent ? ' (not retried)' : ''}: ${err instanceof Error ? err.message : String(err)}`);
      if (permanent) throw new UnrecoverableError((err as Error).message);
      throw err;
    }
  };
  const worker = new Worker<PollJobData, PollOutcome>(POLL_QUEUE, processJob, {
    connection: deps.workerConnection,
    prefix: deps.keys.bullPrefix,
    concurrency: deps.live.current.settings.concurrency.poll,
  });
  worker.on('error', (err) => log.error({ err }, 'poll: worker error'));
  deps.live.on('change', (next) => {
    worker.concurrency = next.settings.concurrency.poll;
  });
  return worker;
}

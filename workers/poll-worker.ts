/**
 * The poll role: a BullMQ worker on the `poll` queue that runs pollFeed for the feed a job names,
 * with the watchlist version current when the job starts. Permanent feed errors (404, not a feed,
 * unparseable) fail the job without retries; transient ones are retried with the capped, jittered
 * "feed" backoff, or after what Retry-After asks.
 *
 * Scheduled ticks run only when the feed is due (backoff, adaptive interval, 410): see
 * src/politeness/poll-schedule.ts. Manual polls (`veille trigger`) always run. Every fetch,
 * feed or article page, waits for its host's turn (src/politeness/host-limiter.ts).
 */
import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LiveWatchlist } from '../src/config/live-watchlist.js';
import type { Settings } from '../src/config/schema.js';
import { FeedError } from '../src/feeds/errors.js';
import { pollFeed, readStateAndSlot, type PollOutcome } from '../src/pipeline/poll-feed.js';
import { FeedStates } from '../src/pipeline/feed-state.js';
import { POLL_QUEUE, type PollJobData, type StoreJobData } from '../src/queues/queues.js';
import type { Keyspace } from '../src/queues/keyspace.js';
import type { Logger } from '../src/logging/logger.js';
import { HostLimiter } from '../src/politeness/host-limiter.js';
import { shouldPoll, tickIntervalMs } from '../src/politeness/poll-schedule.js';
import { FEED_BACKOFF, retryDelayMs } from '../src/politeness/retry-policy.js';
import { createNetworkGuard, type NetworkGuard } from '../src/fulltext/network-guard.js';
import { createFullTextFetcher } from '../src/fulltext/full-text-fetcher.js';

export interface PollWorkerDeps {
  /** Connection for commands (state, dedupe); the worker duplicates its own blocking connection from `workerConnection`. */
  redis: Redis;
  workerConnection: Redis;
  keys: Keyspace;
  live: LiveWatchlist;
  storeQueue: Queue<StoreJobData>;
  log: Logger;
}

/** A scheduled tick that found its feed not due: no request was made. */
export interface SkippedPoll {
  feedId: string;
  skipped: true;
  why: string;
  dueAt: string;
}

export function startPollWorker(deps: PollWorkerDeps): Worker<PollJobData, PollOutcome | SkippedPoll> {
  const log = deps.log.child({ role: 'poll' });
  const states = new FeedStates(deps.redis, deps.keys);
  let fetching = createFetchingTools(deps, deps.live.current.settings, log);

  const processJob = async (job: Job<PollJobData, PollOutcome | SkippedPoll>): Promise<PollOutcome | SkippedPoll> => {
    const watchlist = deps.live.current;
    const feed = watchlist.feeds.find((f) => f.id === job.data.feedId);
    if (!feed) {
      throw new UnrecoverableError(`poll: feed "${job.data.feedId}" is not in the watchlist ${watchlist.file}; add it under feeds: or remove its scheduler by reloading`);
    }
    const jobLog = log.child({ feedId: feed.id, jobId: job.id, url: feed.url });
    const manual = job.data.manual === true;
    // A retry (attemptsMade > 0) was already judged due; only fresh scheduled ticks are gated.
    // The state and a first try at the host's slot come in one round trip; a tick not due gives the slot back.
    const { hosts, fullText } = fetching;
    const read = await readStateAndSlot(feed, { redis: deps.redis, keys: deps.keys, hosts });
    if (!manual && job.attemptsMade === 0) {
      const decision = read.state.url === feed.url ? shouldPoll(read.state, tickIntervalMs(feed, watchlist.settings), Date.now()) : { run: true as const };
      if (!decision.run) {
        void read.slot?.().catch(() => undefined);
        jobLog.debug({ why: decision.why, dueAt: decision.dueAt }, 'poll: skipped, feed not due');
        return { feedId: feed.id, skipped: true, why: decision.why, dueAt: decision.dueAt };
      }
    }
    try {
      const outcome = await pollFeed(feed, {
        redis: deps.redis, keys: deps.keys, settings: watchlist.settings, ruleSet: watchlist.ruleSet, storeQueue: deps.storeQueue, log: jobLog,
        hosts, fullText, attempt: job.attemptsMade + 1, state: read.state, slot: read.slot,
      });
      jobLog.info({
        durationMs: Math.round(outcome.durationMs), httpStatus: outcome.httpStatus, fetch: outcome.fetch,
        itemsSeen: outcome.itemsSeen, itemsNew: outcome.itemsNew, itemsKept: outcome.itemsKept, duplicates: outcome.duplicates,
        itemsTooOld: outcome.itemsTooOld, manual, nextPollAt: outcome.nextPollAt, intervalReason: outcome.intervalReason,
      }, 'poll: done');
      for (const itemError of outcome.itemErrors) jobLog.warn({ itemError }, 'poll: skipped an item the feed could not describe');
      return outcome;
    } catch (err) {
      const permanent = err instanceof FeedError && err.permanent;
      const failures = (await states.get(feed.id).catch(() => null))?.consecutiveFailures ?? 1;
      const message = `poll: failed${permanent ? ' (not retried)' : ''}: ${err instanceof Error ? err.message : String(err)}`;
      // The first failure of a streak is an error; the repeats are routine until the feed recovers
      // (the change to "failing" is logged once at warn by pollFeed).
      const context = { err, attempt: job.attemptsMade + 1, permanent, consecutiveFailures: failures };
      if (failures <= 1) jobLog.error(context, message);
      else jobLog.info(context, message);
      if (permanent) throw new UnrecoverableError((err as Error).message);
      throw err;
    }
  };
  const worker = new Worker<PollJobData, PollOutcome | SkippedPoll>(POLL_QUEUE, processJob, {
    connection: deps.workerConnection,
    prefix: deps.keys.bullPrefix,
    concurrency: deps.live.current.settings.concurrency.poll,
    // A dead worker's job is found (stalledInterval) and run again once its lock expires.
    lockDuration: deps.live.current.settings.jobs.lockDuration,
    stalledInterval: deps.live.current.settings.jobs.lockDuration,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string, err?: Error) => {
        const jobs = deps.live.current.settings.jobs;
        const policy = { baseMs: jobs.backoff, maxMs: jobs.maxBackoff, jitter: jobs.jitter };
        if (type !== FEED_BACKOFF) return retryDelayMs(attemptsMade, undefined, { ...policy, jitter: 0 });
        return retryDelayMs(attemptsMade, err, policy);
      },
    },
  });
  worker.on('error', (err) => log.error({ err }, 'poll: worker error'));
  deps.live.on('change', (next, previous) => {
    worker.concurrency = next.settings.concurrency.poll;
    const changed = (pick: (s: Settings) => unknown) => JSON.stringify(pick(next.settings)) !== JSON.stringify(pick(previous.settings));
    if (changed((s) => [s.politeness, s.network])) {
      const old = fetching;
      fetching = createFetchingTools(deps, next.settings, log);
      // Requests in flight keep the old pool; close it once they are done.
      setTimeout(() => { old.guard.close().catch(() => undefined); }, 120_000).unref();
    }
  });
  worker.on('closed', () => { fetching.guard.close().catch(() => undefined); });
  return worker;
}

interface FetchingTools {
  hosts: HostLimiter;
  guard: NetworkGuard;
  fullText: ReturnType<typeof createFullTextFetcher>;
}

function createFetchingTools(deps: PollWorkerDeps, settings: Settings, log: Logger): FetchingTools {
  const hosts = new HostLimiter(deps.redis, deps.keys.root, {
    maxInFlight: settings.politeness.maxInFlightPerHost,
    minSpacingMs: settings.politeness.minSpacing,
    maxWaitMs: settings.politeness.maxWait,
  });
  const guard = createNetworkGuard(settings.network.allowRanges);
  const fullText = createFullTextFetcher({ settings: () => deps.live.current.settings, guard, hosts, log });
  return { hosts, guard, fullText };
}

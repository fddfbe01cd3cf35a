/**
 * `veille trigger`: queue a poll now for some feeds (or all), optionally waiting for the outcome.
 * The poll itself runs in the daemon's poll workers, exactly as a scheduled poll would.
 */
import { QueueEvents, type Job } from 'bullmq';
import type { Watchlist } from '../config/watchlist.js';
import { openQueue, POLL_QUEUE, type PollJobData } from '../queues/queues.js';
import type { PollOutcome } from '../pipeline/poll-feed.js';
import type { CliConnection } from './connect.js';
import type { Logger } from '../logging/logger.js';
import { CliError } from './cli-error.js';
import { createRedis } from '../redis/connections.js';

export interface TriggerResult {
  feedId: string;
  jobId: string;
  outcome?: PollOutcome;
  error?: string;
}

/** Resolves the feed ids to poll, rejecting unknown ones by name. */
export function selectFeeds(watchlist: Watchlist, feedIds: string[], all: boolean): string[] {
  if (all) return watchlist.feeds.filter((f) => f.enabled).map((f) => f.id);
  if (feedIds.length === 0) throw new CliError('trigger: name at least one feed id, or use --all');
  const known = new Set(watchlist.feeds.map((f) => f.id));
  const unknown = feedIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new CliError(`trigger: ${unknown.map((id) => `"${id}"`).join(', ')} not in ${watchlist.file}; known feeds: ${[...known].join(', ') || '(none)'}`);
  }
  return feedIds;
}

export async function triggerPolls(
  conn: CliConnection,
  feedIds: string[],
  options: { wait: boolean; timeoutMs: number; log: Logger },
): Promise<TriggerResult[]> {
  const queue = openQueue<PollJobData>(POLL_QUEUE, conn.redis, conn.keys, options.log);
  // QueueEvents blocks on its connection, which must therefore retry forever; it gets its own.
  const eventsConnection = options.wait ? createRedis(conn.url, 'worker', options.log) : undefined;
  const events = eventsConnection ? new QueueEvents(POLL_QUEUE, { connection: eventsConnection, prefix: conn.keys.bullPrefix }) : undefined;
  events?.on('error', (err) => options.log.error({ err }, 'trigger: queue events error'));
  try {
    if (options.wait) {
      // Waiting for a poll nobody will run would just time out: say what is missing instead.
      const workers = await queue.getWorkersCount();
      if (workers === 0) {
        throw new CliError(`trigger --wait: no poll worker is connected to ${conn.url} (prefix "${conn.keys.prefix}"); start the daemon (npm start, or veille start --only poll)`);
      }
      await events!.waitUntilReady();
    }
    const stamp = Date.now();
    const jobs = await queue.addBulk(feedIds.map((feedId) => ({
      name: 'poll',
      data: { feedId, manual: true },
      opts: { jobId: `manual-${feedId}-${stamp}`, attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } },
    })));
    if (!options.wait) return jobs.map((job, i) => ({ feedId: feedIds[i] as string, jobId: job.id as string }));
    return await Promise.all(jobs.map(async (job: Job<PollJobData>, i): Promise<TriggerResult> => {
      const feedId = feedIds[i] as string;
      try {
        const outcome = (await job.waitUntilFinished(events!, options.timeoutMs)) as PollOutcome;
        return { feedId, jobId: job.id as string, outcome };
      } catch (err) {
        return { feedId, jobId: job.id as string, error: err instanceof Error ? err.message : String(err) };
      }
    }));
  } finally {
    await events?.close();
    eventsConnection?.disconnect();
    await queue.close();
  }
}

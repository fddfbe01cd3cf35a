/**
 * The two queues and what travels on them: `poll` (one job per feed poll, produced by job
 * schedulers or `veille trigger`) and `store` (one job per kept article, id = content hash).
 */
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Settings } from '../config/schema.js';
import type { Keyspace } from './keyspace.js';
import { createHash } from 'node:crypto';
import type { StoreRecord } from '../storage/stored-article.js';
import type { Logger } from '../logging/logger.js';

export const POLL_QUEUE = 'poll';
export const STORE_QUEUE = 'store';

export interface PollJobData {
  feedId: string;
  /** Set by `veille trigger`, for the log. */
  manual?: boolean;
}

export interface StoreJobData {
  record: StoreRecord;
}

/**
 * A store job's id, derived from the record, so that queueing the same record twice while the
 * first job is still there is a no-op (the sinks stay idempotent for the rest).
 */
export function storeJobId(record: StoreRecord): string {
  switch (record.kind) {
    case 'article':
      return articleJobId(record.id);
    case 'update':
      return `u-${record.articleId}-${record.textHash}`;
    case 'sighting':
      return `s-${record.articleId}-${createHash('sha256').update(`${record.feedId}\n${record.url}`).digest('hex').slice(0, 16)}`;
  }
}

export const articleJobId = (articleId: string): string => `a-${articleId}`;

/** Scheduler ids are derived from feed ids so reconciliation can tell which feed a scheduler is for. */
export const SCHEDULER_PREFIX = 'feed:';
export const schedulerIdFor = (feedId: string): string => `${SCHEDULER_PREFIX}${feedId}`;

export function jobOptions(settings: Settings): JobsOptions {
  return {
    attempts: settings.jobs.attempts,
    backoff: { type: 'exponential', delay: settings.jobs.backoff },
    // Finished jobs go away by themselves; failures stay longer so people can look at them.
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
  };
}

export function openQueue<T>(name: string, connection: Redis, keys: Keyspace, log: Logger): Queue<T> {
  const queue = new Queue<T>(name, { connection, prefix: keys.bullPrefix });
  queue.on('error', (err) => log.error({ err, queue: name }, 'queue: error'));
  return queue;
}

/**
 * The storage role: a BullMQ worker on the `store` queue that writes each record (a kept article,
 * an update, a sighting) to the sink. Sinks are idempotent by record key, so a retried or
 * repeated job never duplicates.
 *
 * When the sink's store is down (StoreUnavailableError), the job is not failed and spends no
 * attempt: the queue is rate-limited for a growing delay and the job goes back to waiting
 * (BullMQ's manual rate limit), so every store worker on the queue pauses until the next try.
 * The outage is logged once when it begins and once when it ends.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ArticleSink, RetryWhileUnavailable, WriteOutcome } from '../src/storage/article-sink.js';
import type { StoredArticle } from '../src/storage/stored-article.js';
import { isStoreUnavailable } from '../src/storage/storage-errors.js';
import { StoreOutage } from '../src/storage/store-outage.js';
import { parseFingerprintHex } from '../src/dedupe/simhash.js';
import type { StoryIndex } from '../src/dedupe/story-index.js';
import { STORE_QUEUE, type StoreJobData } from '../src/queues/queues.js';
import type { Keyspace } from '../src/queues/keyspace.js';
import type { Logger } from '../src/logging/logger.js';

export interface StoreWorkerDeps {
  workerConnection: Redis;
  /** Told when an article is stored, so a pending claim is not mistaken for a lost one. */
  stories: StoryIndex;
  keys: Keyspace;
  sink: ArticleSink;
  concurrency: number;
  /** settings.jobs.lockDuration: a dead worker's job runs again after at most about twice this (default 30 s). */
  lockDurationMs?: number;
  log: Logger;
  /** Called once per article actually written (not for retries the sink refused): webhooks hang here. */
  onArticleStored?: (record: StoredArticle) => Promise<void>;
  /** Waits while the store is unavailable; default the sink's own, else 1 s doubling to 1 min. */
  retryWhileUnavailable?: RetryWhileUnavailable;
}

const DEFAULT_RETRY: RetryWhileUnavailable = { initialMs: 1_000, maxMs: 60_000 };
/** Manual rate limits are only honoured by workers that have a limiter; this one never limits by itself. */
const NO_LIMIT = { max: 100_000, duration: 1_000 };

export function startStoreWorker(deps: StoreWorkerDeps): Worker<StoreJobData, WriteOutcome> {
  const log = deps.log.child({ role: 'store' });
  const outage = new StoreOutage(deps.retryWhileUnavailable ?? deps.sink.retryWhileUnavailable ?? DEFAULT_RETRY);
  let waitingFor = deps.sink.description;
  // For the queue-wide rate limit and the count of jobs waiting, on the worker's own connection.
  const queue = new Queue<StoreJobData>(STORE_QUEUE, { connection: deps.workerConnection, prefix: deps.keys.bullPrefix });
  queue.on('error', (err) => log.error({ err }, 'store: queue error'));
  const jobsWaiting = () => queue.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized').catch(() => -1);

  const worker = new Worker<StoreJobData, WriteOutcome>(
    STORE_QUEUE,
    async (job: Job<StoreJobData, WriteOutcome>) => {
      const started = performance.now();
      const { record } = job.data;
      let outcome: WriteOutcome;
      try {
        outcome = await deps.sink.write(record);
      } catch (err) {
        if (!isStoreUnavailable(err)) throw err;
        const step = outage.failed(Date.now());
        waitingFor = err.target;
        if (step.began) {
          const waiting = await jobsWaiting();
          log.warn({ jobId: job.id, err, sink: deps.sink.description, target: err.target, reason: err.reason, retryInMs: step.delayMs, jobsWaiting: waiting },
            `store: waiting for PostgreSQL at ${err.target} (${err.reason}); ${waiting} jobs waiting`);
        } else {
          log.debug({ jobId: job.id, target: err.target, reason: err.reason, retryInMs: step.delayMs }, 'store: PostgreSQL still unavailable');
        }
        await queue.rateLimit(step.delayMs);
        // Back to waiting, attempts untouched: the store is down, nothing is wrong with this job.
        throw Worker.RateLimitError();
      }
      const outageMs = outage.recovered(Date.now());
      if (outageMs !== null) {
        const waiting = await jobsWaiting();
        log.info({ jobId: job.id, sink: deps.sink.description, target: waitingFor, durationMs: outageMs, jobsWaiting: waiting },
          `store: PostgreSQL at ${waitingFor} is back after ${(outageMs / 1000).toFixed(1)} s; ${waiting} jobs to store`);
      }
      if (record.kind === 'article') {
        await deps.stories.markStored({ articleId: record.id, fingerprint: parseFingerprintHex(record.fingerprint) });
        if (outcome === 'written') await deps.onArticleStored?.(record);
      }
      const about = record.kind === 'sighting'
        ? { feedId: record.feedId, url: record.url, title: record.title, articleId: record.articleId, distance: record.distance }
        : { feedId: record.article.feedId, url: record.article.url, title: record.article.title, articleId: record.kind === 'article' ? record.id : record.articleId };
      log.info({ jobId: job.id, kind: record.kind, ...about, durationMs: Math.round(performance.now() - started), outcome },
        outcome === 'written' ? `store: ${record.kind} stored` : `store: ${record.kind} already stored`);
      return outcome;
    },
    {
      connection: deps.workerConnection, prefix: deps.keys.bullPrefix, concurrency: deps.concurrency, limiter: NO_LIMIT,
      ...(deps.lockDurationMs ? { lockDuration: deps.lockDurationMs, stalledInterval: deps.lockDurationMs } : {}),
    },
  );
  worker.on('error', (err) => log.error({ err }, 'store: worker error'));
  worker.on('failed', (job, err) => log.error({ err, jobId: job?.id, attempt: job?.attemptsMade, sink: deps.sink.description }, 'store: write failed'));
  worker.on('closed', () => { queue.close().catch(() => undefined); });
  return worker;
}

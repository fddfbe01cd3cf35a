/**
 * The storage role: a BullMQ worker on the `store` queue that writes each kept article to the
 * sink. Sinks are idempotent by content hash, so a retried or repeated job never duplicates.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ArticleSink, WriteOutcome } from '../src/storage/article-sink.js';
import { STORE_QUEUE, type StoreJobData } from '../src/queues/queues.js';
import type { Keyspace } from '../src/queues/keyspace.js';
import type { Logger } from '../src/logging/logger.js';

export interface StoreWorkerDeps {
  workerConnection: Redis;
  keys: Keyspace;
  sink: ArticleSink;
  concurrency: number;
  log: Logger;
}

export function startStoreWorker(deps: StoreWorkerDeps): Worker<StoreJobData, WriteOutcome> {
  const log = deps.log.child({ role: 'store' });
  const worker = new Worker<StoreJobData, WriteOutcome>(
    STORE_QUEUE,
    async (job: Job<StoreJobData, WriteOutcome>) => {
      const started = performance.now();
      const { record } = job.data;
      const outcome = await deps.sink.write(record);
      log.info({
        jobId: job.id, feedId: record.article.feedId, url: record.article.url, contentHash: record.contentHash,
        durationMs: Math.round(performance.now() - started), outcome, title: record.article.title,
        watches: record.matches.map((m) => m.watchId),
      }, outcome === 'written' ? 'store: article stored' : 'store: already stored');
      return outcome;
    },
    { connection: deps.workerConnection, prefix: deps.keys.bullPrefix, concurrency: deps.concurrency },
  );
  worker.on('error', (err) => log.error({ err }, 'store: worker error'));
  worker.on('failed', (job, err) => log.error({ err, jobId: job?.id, attempt: job?.attemptsMade, sink: deps.sink.description }, 'store: write failed'));
  return worker;
}

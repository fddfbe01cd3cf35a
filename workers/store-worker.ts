/**
 * The storage role: a BullMQ worker on the `store` queue that writes each record (a kept article,
 * an update, a sighting) to the sink. Sinks are idempotent by record key, so a retried or
 * repeated job never duplicates.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ArticleSink, WriteOutcome } from '../src/storage/article-sink.js';
import type { StoredArticle } from '../src/storage/stored-article.js';
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
  log: Logger;
  /** Called once per article actually written (not for retries the sink refused): webhooks hang here. */
  onArticleStored?: (record: StoredArticle) => Promise<void>;
}

export function startStoreWorker(deps: StoreWorkerDeps): Worker<StoreJobData, WriteOutcome> {
  const log = deps.log.child({ role: 'store' });
  const worker = new Worker<StoreJobData, WriteOutcome>(
    STORE_QUEUE,
    async (job: Job<StoreJobData, WriteOutcome>) => {
      const started = performance.now();
      const { record } = job.data;
      const outcome = await deps.sink.write(record);
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
    { connection: deps.workerConnection, prefix: deps.keys.bullPrefix, concurrency: deps.concurrency },
  );
  worker.on('error', (err) => log.error({ err }, 'store: worker error'));
  worker.on('failed', (job, err) => log.error({ err, jobId: job?.id, attempt: job?.attemptsMade, sink: deps.sink.description }, 'store: write failed'));
  return worker;
}

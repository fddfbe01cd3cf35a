/**
 * The notify role: a BullMQ worker on the `notify` queue that POSTs each delivery to its
 * webhook (src/notify/deliver-webhook.ts), retried with a capped, jittered exponential backoff;
 * and the feed-health watcher that queues feed.failing / feed.silent / feed.recovered. It runs
 * beside the other roles but shares nothing with them except Redis, so a dead endpoint never
 * slows a poll or a write.
 */
import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LiveWatchlist } from '../src/config/live-watchlist.js';
import { deliverWebhook, WebhookError, type DeliveryResult } from '../src/notify/deliver-webhook.js';
import { FeedHealthWatcher } from '../src/notify/feed-health-watcher.js';
import { NOTIFY_QUEUE, WEBHOOK_BACKOFF, webhookId, type NotifyJobData } from '../src/notify/notify-queue.js';
import type { Keyspace } from '../src/queues/keyspace.js';
import type { Logger } from '../src/logging/logger.js';

/** Longest wait between two attempts: an endpoint down for hours is tried hourly, not daily. */
const MAX_DELAY_MS = 3_600_000;
const JITTER = 0.2;
/** Deliveries in flight per process: each holds at most one connection for its timeout. */
const CONCURRENCY = 8;

export interface NotifyWorkerDeps {
  redis: Redis;
  workerConnection: Redis;
  keys: Keyspace;
  live: Pick<LiveWatchlist, 'current'>;
  queue: Queue<NotifyJobData>;
  log: Logger;
  /** Seconds between two looks at feed health (default 30 s). */
  watchIntervalMs?: number;
}

export type NotifyOutcome = (DeliveryResult & { delivered: true }) | { delivered: false; why: string };

export interface NotifyRole {
  worker: Worker<NotifyJobData, NotifyOutcome>;
  watcher: FeedHealthWatcher;
  close(force?: boolean): Promise<void>;
}

export function deliveryDelayMs(attemptsMade: number, baseMs: number, random = Math.random): number {
  const exact = Math.min(baseMs * 2 ** Math.max(attemptsMade - 1, 0), MAX_DELAY_MS);
  return Math.round(exact * (1 - JITTER / 2 + JITTER * random()));
}

export function startNotifyWorker(deps: NotifyWorkerDeps): NotifyRole {
  const log = deps.log.child({ role: 'notify' });
  const worker = new Worker<NotifyJobData, NotifyOutcome>(
    NOTIFY_QUEUE,
    async (job: Job<NotifyJobData, NotifyOutcome>) => {
      const { settings } = deps.live.current;
      const hook = settings.webhooks.find((h) => webhookId(h.url) === job.data.webhookId);
      const context = { jobId: job.id, event: job.data.event, url: job.data.url, attempt: job.attemptsMade + 1 };
      if (!hook || !hook.events.includes(job.data.event)) {
        // Removed from the watchlist (or unsubscribed) since the job was queued: nobody wants it any more.
        log.info(context, 'notify: dropped, the webhook is no longer in settings.webhooks for this event');
        return { delivered: false, why: 'webhook removed from settings.webhooks' };
      }
      try {
        const result = await deliverWebhook(hook, job.data.payload, settings.userAgent);
        log.info({ ...context, httpStatus: result.httpStatus, durationMs: result.durationMs }, 'notify: delivered');
        return { ...result, delivered: true };
      } catch (err) {
        const permanent = err instanceof WebhookError && err.permanent;
        log.warn({ ...context, err, permanent, httpStatus: err instanceof WebhookError ? err.httpStatus : null }, `notify: delivery failed${permanent ? ' (not retried)' : ''}`);
        if (permanent) throw new UnrecoverableError((err as Error).message);
        throw err;
      }
    },
    {
      connection: deps.workerConnection,
      prefix: deps.keys.bullPrefix,
      concurrency: CONCURRENCY,
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string, _err?: Error, job?: { opts: { backoff?: unknown } }) => {
          const backoff = job?.opts.backoff as { delay?: number } | undefined;
          const base = backoff?.delay ?? 10_000;
          return type === WEBHOOK_BACKOFF ? deliveryDelayMs(attemptsMade, base) : base;
        },
      },
    },
  );
  worker.on('error', (err) => log.error({ err }, 'notify: worker error'));
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) log.error({ err, jobId: job.id, event: job.data.event, url: job.data.url, attempts: job.attemptsMade }, 'notify: gave up on a delivery');
  });
  const watcher = new FeedHealthWatcher({ redis: deps.redis, keys: deps.keys, live: deps.live, queue: deps.queue, log: deps.log, ...(deps.watchIntervalMs ? { intervalMs: deps.watchIntervalMs } : {}) });
  watcher.start();
  return {
    worker,
    watcher,
    async close(force = false) {
      await watcher.stop();
      await worker.close(force);
    },
  };
}

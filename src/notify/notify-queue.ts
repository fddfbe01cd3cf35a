/**
 * The `notify` queue: one job per webhook delivery (an event for one endpoint). Deliveries have a
 * queue and worker of their own so that a slow or dead endpoint delays only other deliveries,
 * never polls or storage. Job ids are derived from what is notified, so a producer that runs
 * twice queues one delivery.
 */
import { createHash } from 'node:crypto';
import type { JobsOptions, Queue } from 'bullmq';
import type { WebhookConfig, WebhookEvent } from '../config/schema.js';
import type { NotificationPayload } from './payloads.js';

export const NOTIFY_QUEUE = 'notify';

/** Backoff type the notify worker understands: exponential from the job's delay, capped, jittered. */
export const WEBHOOK_BACKOFF = 'webhook';
/** A dead endpoint is retried for about a day (20 attempts, capped at an hour apart) before the job fails. */
export const DELIVERY_ATTEMPTS = 20;
export const DELIVERY_BACKOFF_MS = 10_000;

export interface NotifyJobData {
  /** Which webhook: the secret and timeout are read from the watchlist at delivery time, never stored in Redis. */
  webhookId: string;
  /** For people reading the dashboard; deliveries go to the configured URL of webhookId. */
  url: string;
  event: WebhookEvent;
  payload: NotificationPayload;
}

/** A webhook's stable id: a short hash of its URL (URLs are unique in the watchlist). */
export function webhookId(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 12);
}

export function subscribers(webhooks: readonly WebhookConfig[], event: WebhookEvent): WebhookConfig[] {
  return webhooks.filter((hook) => hook.events.includes(event));
}

export function deliveryJobOptions(backoffMs = DELIVERY_BACKOFF_MS): JobsOptions {
  return {
    attempts: DELIVERY_ATTEMPTS,
    backoff: { type: WEBHOOK_BACKOFF, delay: backoffMs },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
  };
}

/**
 * Queues one delivery of `payload` per webhook subscribed to its event. `key` names what is
 * notified (an article id, a feed's health change): with the webhook it makes the job id.
 */
export async function enqueueNotifications(
  queue: Queue<NotifyJobData>,
  webhooks: readonly WebhookConfig[],
  payload: NotificationPayload,
  key: string,
  backoffMs?: number,
): Promise<string[]> {
  const hooks = subscribers(webhooks, payload.event);
  if (hooks.length === 0) return [];
  const opts = deliveryJobOptions(backoffMs);
  const jobs = await queue.addBulk(hooks.map((hook) => {
    const id = webhookId(hook.url);
    return { name: payload.event, data: { webhookId: id, url: hook.url, event: payload.event, payload: { ...payload, deliveryId: `${key}-${id}` } }, opts: { ...opts, jobId: `${key}-${id}` } };
  }));
  return jobs.map((job) => job.id as string);
}

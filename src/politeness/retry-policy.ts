/**
 * How long a failed poll waits before its retry (within one job): capped exponential backoff
 * with jitter, or what Retry-After asks on 429/503. Plugged into BullMQ as the poll worker's
 * custom backoff strategy ("feed"), because the built-in exponential has no cap.
 */
import { HttpStatusError } from '../feeds/errors.js';

export const FEED_BACKOFF = 'feed';

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** 0..1: that fraction of the delay is drawn at random. */
  jitter: number;
}

/** Delay before retry number `attemptsMade` (1 = first retry); -1 = do not retry (BullMQ's convention). */
export function retryDelayMs(attemptsMade: number, err: unknown, policy: RetryPolicy, random: () => number = Math.random): number {
  if (err instanceof HttpStatusError && err.retryAfterMs !== null) {
    // The server named its price. Longer than our cap: stop retrying; the feed's schedule waits for it.
    if (err.retryAfterMs > policy.maxMs) return -1;
    return Math.max(err.retryAfterMs, 1);
  }
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attemptsMade - 1));
  const spread = exponential * policy.jitter;
  return Math.max(1, Math.round(exponential - spread + random() * spread));
}

/**
 * One outage of the store as the store worker sees it: when it began, why, and how long jobs
 * wait before the next try (doubling per round of failed tries, capped). Jobs of one round fail
 * together (concurrency > 1) and count once, so the wait doubles per round, not per job. Pure:
 * times come in as arguments.
 */
import type { RetryWhileUnavailable } from './article-sink.js';

export interface OutageStep {
  /** True for the first failure of an outage: the moment to say so in the log. */
  began: boolean;
  /** How long the queue should hold its jobs before the next try. */
  delayMs: number;
}

export class StoreOutage {
  private readonly retry: RetryWhileUnavailable;
  private since: number | undefined;
  private delayMs = 0;
  private nextTryAt = 0;

  constructor(retry: RetryWhileUnavailable) {
    this.retry = retry;
  }

  get active(): boolean {
    return this.since !== undefined;
  }

  /** A write found the store unavailable at `now`. */
  failed(now: number): OutageStep {
    const began = this.since === undefined;
    if (this.since === undefined) {
      this.since = now;
      this.delayMs = this.retry.initialMs;
    } else if (now >= this.nextTryAt) {
      this.delayMs = Math.min(this.delayMs * 2, this.retry.maxMs);
    }
    this.nextTryAt = now + this.delayMs;
    return { began, delayMs: this.delayMs };
  }

  /** A write succeeded at `now`: the outage (if any) is over; returns how long it lasted. */
  recovered(now: number): number | null {
    if (this.since === undefined) return null;
    const lasted = now - this.since;
    this.since = undefined;
    this.delayMs = 0;
    this.nextTryAt = 0;
    return lasted;
  }
}

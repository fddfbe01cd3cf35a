/**
 * When a feed is next polled: its interval (fixed, or adaptive to how often it publishes),
 * doubled per failed poll up to a cap, and never sooner than the server asked
 * (Retry-After always; RSS <ttl> and Cache-Control max-age in adaptive mode).
 *
 * The job scheduler fires every "tick" (the feed's interval, or the adaptive minimum) and the
 * poll worker runs a tick only when the feed is due (shouldPoll): the schedule lives in the
 * feed's state, so backoff and recovery need no scheduler rewrite and survive restarts.
 */
import type { FeedSource } from '../config/watchlist.js';
import type { Settings } from '../config/schema.js';

const DAY_MS = 86_400_000;
/** No server hint keeps a feed unpolled for more than a week. */
const MAX_HINT_MS = 7 * DAY_MS;

export interface ScheduleInput {
  /** Polls (not attempts: a poll's retries count once) that failed in a row. */
  failedPolls: number;
  /** Estimated publishing rate, null when unknown. */
  itemsPerDay: number | null;
  ttlMs: number | null;
  cacheMaxAgeMs: number | null;
  retryAfterMs: number | null;
}

export interface PollInterval {
  intervalMs: number;
  /** Which rule decided it, for `veille status` and the logs. */
  reason: 'interval' | 'adaptive' | 'failure-backoff' | 'retry-after' | 'ttl' | 'cache-control';
}

/** How often the job scheduler wakes this feed up: the shortest interval it may ever need. */
export function tickIntervalMs(feed: FeedSource, settings: Settings): number {
  return feed.adaptiveInterval ? Math.min(settings.schedule.minInterval, feed.intervalMs) : feed.intervalMs;
}

export function computePollInterval(feed: FeedSource, settings: Settings, input: ScheduleInput): PollInterval {
  const { minInterval, maxInterval, maxFailureInterval } = settings.schedule;
  let result: PollInterval = { intervalMs: feed.intervalMs, reason: 'interval' };
  if (feed.adaptiveInterval && input.itemsPerDay !== null) {
    // Two polls per usual gap between items: a new item waits half a gap on average.
    const gap = input.itemsPerDay > 0 ? DAY_MS / input.itemsPerDay : maxInterval;
    result = { intervalMs: clamp(Math.round(gap / 2), minInterval, maxInterval), reason: 'adaptive' };
  }
  if (input.failedPolls > 0) {
    const backedOff = Math.min(feed.intervalMs * 2 ** Math.min(input.failedPolls, 30), Math.max(maxFailureInterval, feed.intervalMs));
    if (backedOff > result.intervalMs) result = { intervalMs: backedOff, reason: 'failure-backoff' };
  }
  const floors: [number | null, PollInterval['reason']][] = [[input.retryAfterMs, 'retry-after']];
  if (feed.adaptiveInterval) floors.push([input.ttlMs, 'ttl'], [input.cacheMaxAgeMs, 'cache-control']);
  for (const [floor, reason] of floors) {
    if (floor !== null && floor > result.intervalMs) result = { intervalMs: Math.min(floor, MAX_HINT_MS), reason };
  }
  return result;
}

export type PollDecision = { run: true } | { run: false; why: string; dueAt: string };

/**
 * Whether a scheduled tick should poll now. Half a tick of slack: the scheduler's jobs start a
 * little early or late, and a due feed must not wait a whole extra tick for it.
 */
export function shouldPoll(
  state: { nextPollAt: string | null; disabled: boolean; disabledReason: string | null },
  tickMs: number,
  now: number,
): PollDecision {
  if (state.disabled) return { run: false, why: `disabled: ${state.disabledReason ?? 'by an earlier poll'}`, dueAt: '' };
  if (state.nextPollAt === null) return { run: true };
  const due = Date.parse(state.nextPollAt);
  if (Number.isNaN(due) || due - now <= tickMs / 2) return { run: true };
  return { run: false, why: 'not due yet (backoff, adaptive interval or a server hint)', dueAt: state.nextPollAt };
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

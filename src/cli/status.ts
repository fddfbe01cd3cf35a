/**
 * `veille status`: per feed, next run, last run and last success, last HTTP status, items
 * seen/kept, publishing rate, consecutive failures, health (ok, failing, silent, disabled — and
 * why the interval is what it is) and the last error with its stable code.
 */
import type { Watchlist } from '../config/watchlist.js';
import { formatDuration } from '../config/duration.js';
import { classifyHealth, type FeedHealth } from '../feeds/feed-health.js';
import { FeedStates, type FeedState } from '../pipeline/feed-state.js';
import { openQueue, POLL_QUEUE, schedulerIdFor, type PollJobData } from '../queues/queues.js';
import type { CliConnection } from './connect.js';
import type { Logger } from '../logging/logger.js';

export interface FeedStatus extends FeedState {
  feedId: string;
  enabled: boolean;
  intervalMs: number;
  /** ISO time of the next poll: the scheduler's next tick on or after the feed is due; null when no scheduler exists (disabled, or daemon never reconciled). */
  nextRunAt: string | null;
  /** Health now (silence is judged at read time, not only when the feed was last polled). */
  health: FeedHealth;
}

export async function readStatus(conn: CliConnection, watchlist: Watchlist, log: Logger, now = Date.now()): Promise<FeedStatus[]> {
  const queue = openQueue<PollJobData>(POLL_QUEUE, conn.redis, conn.keys, log);
  try {
    const schedulers = new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, s]));
    const states = await new FeedStates(conn.redis, conn.keys).getMany(watchlist.feeds.map((f) => f.id));
    return watchlist.feeds.map((feed) => {
      const scheduler = schedulers.get(schedulerIdFor(feed.id));
      const state = states.get(feed.id) as FeedState;
      const health = classifyHealth(state, { silentFactor: watchlist.settings.schedule.silentFactor, silentMinMs: watchlist.settings.schedule.silentMin }, now);
      return {
        ...state,
        feedId: feed.id,
        enabled: feed.enabled,
        intervalMs: feed.intervalMs,
        nextRunAt: nextRun(scheduler?.next, scheduler?.every, state.nextPollAt),
        health,
      };
    });
  } finally {
    await queue.close();
  }
}

/** The first scheduler tick at which the feed is due (ticks before it are skipped by the poll worker). */
function nextRun(next: number | undefined, every: number | undefined, nextPollAt: string | null): string | null {
  if (!next) return null;
  const due = nextPollAt === null ? NaN : Date.parse(nextPollAt);
  if (Number.isNaN(due) || due <= next || !every) return new Date(next).toISOString();
  return new Date(next + Math.ceil((due - next - every / 2) / every) * every).toISOString();
}

function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const delta = now - Date.parse(iso);
  return delta >= 0 ? `${formatDuration(Math.round(delta / 1000) * 1000) || '0s'} ago` : `in ${formatDuration(Math.round(-delta / 1000) * 1000)}`;
}

function describeHealth(r: FeedStatus): string {
  if (r.health === 'disabled') return 'disabled (410)';
  const slowed = r.intervalReason && r.intervalReason !== 'interval' && r.effectiveIntervalMs !== null
    ? `, ${r.intervalReason} ${formatDuration(r.effectiveIntervalMs)}` : '';
  return `${r.health}${slowed}`;
}

export function formatStatusTable(rows: FeedStatus[], now = Date.now()): string {
  const header = ['FEED', 'EVERY', 'NEXT RUN', 'LAST RUN', 'LAST OK', 'HTTP', 'SEEN', 'NEW', 'KEPT', 'TOTAL', 'PER DAY', 'FAILS', 'HEALTH', 'LAST ERROR'];
  const table = rows.map((r) => [
    r.enabled ? r.feedId : `${r.feedId} (disabled)`,
    formatDuration(r.intervalMs),
    r.nextRunAt ? ago(r.nextRunAt, now) : '-',
    ago(r.lastAttemptAt, now),
    ago(r.lastSuccessAt, now),
    r.lastHttpStatus === null ? '-' : String(r.lastHttpStatus),
    String(r.itemsSeen), String(r.itemsNew), String(r.itemsKept), String(r.totalKept),
    r.itemsPerDay === null ? '-' : String(r.itemsPerDay),
    String(r.consecutiveFailures),
    describeHealth(r),
    [r.lastError ? `[${r.lastErrorCode}] ${r.lastError}` : '', r.movedTo ? `(moved to ${r.movedTo})` : ''].filter(Boolean).join(' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (i === header.length - 1 ? 0 : (row[i] as string).length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(header), ...table.map(line)].join('\n');
}

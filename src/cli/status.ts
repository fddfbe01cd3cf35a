/** `veille status`: per feed, next run, last run, last HTTP status, items seen/kept, last error. */
import type { Watchlist } from '../config/watchlist.js';
import { formatDuration } from '../config/duration.js';
import { FeedStates, type FeedState } from '../pipeline/feed-state.js';
import { openQueue, POLL_QUEUE, schedulerIdFor, type PollJobData } from '../queues/queues.js';
import type { CliConnection } from './connect.js';
import type { Logger } from '../logging/logger.js';

export interface FeedStatus extends FeedState {
  feedId: string;
  enabled: boolean;
  intervalMs: number;
  /** ISO time of the next scheduled poll, null when no scheduler exists (disabled, or daemon never reconciled). */
  nextRunAt: string | null;
}

export async function readStatus(conn: CliConnection, watchlist: Watchlist, log: Logger): Promise<FeedStatus[]> {
  const queue = openQueue<PollJobData>(POLL_QUEUE, conn.redis, conn.keys, log);
  try {
    const schedulers = new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, s]));
    const states = await new FeedStates(conn.redis, conn.keys).getMany(watchlist.feeds.map((f) => f.id));
    return watchlist.feeds.map((feed) => {
      const next = schedulers.get(schedulerIdFor(feed.id))?.next;
      return {
        feedId: feed.id,
        enabled: feed.enabled,
        intervalMs: feed.intervalMs,
        nextRunAt: next ? new Date(next).toISOString() : null,
        ...(states.get(feed.id) as FeedState),
      };
    });
  } finally {
    await queue.close();
  }
}

function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const delta = now - Date.parse(iso);
  return delta >= 0 ? `${formatDuration(Math.round(delta / 1000) * 1000) || '0s'} ago` : `in ${formatDuration(Math.round(-delta / 1000) * 1000)}`;
}

export function formatStatusTable(rows: FeedStatus[], now = Date.now()): string {
  const header = ['FEED', 'EVERY', 'NEXT RUN', 'LAST RUN', 'HTTP', 'SEEN', 'NEW', 'KEPT', 'TOTAL', 'FAILS', 'LAST ERROR'];
  const table = rows.map((r) => [
    r.enabled ? r.feedId : `${r.feedId} (disabled)`,
    formatDuration(r.intervalMs),
    r.nextRunAt ? ago(r.nextRunAt, now) : '-',
    ago(r.lastAttemptAt, now),
    r.lastHttpStatus === null ? '-' : String(r.lastHttpStatus),
    String(r.itemsSeen), String(r.itemsNew), String(r.itemsKept), String(r.totalKept), String(r.consecutiveFailures),
    r.lastError ? `[${r.lastErrorCode}] ${r.lastError}` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (i === header.length - 1 ? 0 : (row[i] as string).length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(header), ...table.map(line)].join('\n');
}

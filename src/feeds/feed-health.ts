/**
 * A feed's health from what its polls recorded: publishing rate, "silent" (nothing new for much
 * longer than usual), failing, disabled. Pure functions; the state lives in feed-state.ts.
 */

const DAY_MS = 86_400_000;
/** Items older than this say little about today's rate. */
const RATE_WINDOW_MS = 30 * DAY_MS;
/** Transient failures in a row before a feed counts as failing (a permanent one counts at once). */
export const FAILING_AFTER = 3;

export type FeedHealth = 'new' | 'ok' | 'failing' | 'silent' | 'disabled';

/**
 * Items per day from the dates of the items a feed lists now: n items since the oldest of them.
 * Null when fewer than two items carry a usable date.
 */
export function estimateItemsPerDay(publishedAt: readonly (string | null)[], now: number): number | null {
  const times = publishedAt
    .map((iso) => (iso === null ? NaN : Date.parse(iso)))
    .filter((t) => !Number.isNaN(t) && t <= now + 3_600_000 && now - t <= RATE_WINDOW_MS);
  if (times.length < 2) return null;
  const span = Math.max(now - Math.min(...times), 3_600_000);
  return Math.round((times.length / (span / DAY_MS)) * 100) / 100;
}

/** The newest publication date in the listing that is not in the future (clock-skewed feeds). */
export function newestItemAt(publishedAt: readonly (string | null)[], now: number): string | null {
  let newest = -Infinity;
  for (const iso of publishedAt) {
    const t = iso === null ? NaN : Date.parse(iso);
    if (!Number.isNaN(t) && t <= now + 3_600_000 && t > newest) newest = t;
  }
  return newest === -Infinity ? null : new Date(Math.min(newest, now)).toISOString();
}

export interface HealthInput {
  lastAttemptAt: string | null;
  consecutiveFailures: number;
  lastErrorPermanent: boolean;
  disabled: boolean;
  itemsPerDay: number | null;
  lastItemAt: string | null;
}

export interface SilenceRule {
  silentFactor: number;
  silentMinMs: number;
}

export function classifyHealth(input: HealthInput, rule: SilenceRule, now: number): FeedHealth {
  if (input.disabled) return 'disabled';
  if (input.lastAttemptAt === null) return 'new';
  if (input.consecutiveFailures >= FAILING_AFTER || (input.consecutiveFailures > 0 && input.lastErrorPermanent)) return 'failing';
  if (isSilent(input, rule, now)) return 'silent';
  return 'ok';
}

function isSilent(input: HealthInput, rule: SilenceRule, now: number): boolean {
  if (input.lastItemAt === null) return false;
  const usualGap = input.itemsPerDay !== null && input.itemsPerDay > 0 ? DAY_MS / input.itemsPerDay : 0;
  const threshold = Math.max(rule.silentMinMs, rule.silentFactor * usualGap);
  return now - Date.parse(input.lastItemAt) > threshold;
}

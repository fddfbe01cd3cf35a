/** Week buckets: dedupe memory is kept in weekly keys that expire whole, instead of a TTL per entry. */
export const WEEK_MS = 7 * 86_400_000;

export function weekOf(ms: number): number {
  return Math.floor(ms / WEEK_MS);
}

/** How many weekly buckets cover a retention window (the current, partial week included). */
export function weeksFor(retentionMs: number): number {
  return Math.ceil(retentionMs / WEEK_MS) + 1;
}

/** TTL of a bucket in seconds: it must outlive the last lookup that can reach it. */
export function bucketTtlSeconds(retentionMs: number): number {
  return (weeksFor(retentionMs) + 1) * (WEEK_MS / 1000);
}

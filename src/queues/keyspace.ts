/**
 * Every Redis key Veille uses, under one prefix, so several deployments (and every test) can share a
 * Redis without touching each other. All of them — BullMQ's and Veille's own — start with `{prefix}`,
 * one hash tag, so on Redis Cluster they land in one slot: BullMQ's Lua scripts, the story index's
 * script and the pipelines that span several keys all stay legal there.
 */

export interface Keyspace {
  prefix: string;
  /** `{prefix}`: what every key starts with; build any new key as `${root}:<name>:…`. */
  root: string;
  /** Passed as BullMQ's `prefix` option (the same hash tag). */
  bullPrefix: string;
  /** Hash: a feed's fetch state and health (etag, last status, counts, last error). */
  feedState(feedId: string): string;
  /** Base of a feed's weekly seen-item hashes (see dedupe/seen-items.ts). */
  seenItems(feedId: string): string;
  /** String with expiry: only one process reconciles job schedulers at a time. */
  reconcileLock: string;
  /** Every key of this deployment, for SCAN (tests, `veille reset`). */
  patterns: string[];
}

const PREFIX = /^[A-Za-z0-9_.-]{1,64}$/;

export function createKeyspace(prefix = process.env.VEILLE_PREFIX ?? 'veille'): Keyspace {
  if (!PREFIX.test(prefix)) {
    throw new Error(`keyspace: prefix "${prefix}" is invalid; use 1-64 letters, digits, ".", "_" or "-" (VEILLE_PREFIX / --prefix)`);
  }
  const root = `{${prefix}}`;
  return {
    prefix,
    root,
    bullPrefix: root,
    feedState: (feedId) => `${root}:feed:${feedId}`,
    seenItems: (feedId) => `${root}:seen:${feedId}`,
    reconcileLock: `${root}:lock:reconcile`,
    patterns: [`${root}:*`],
  };
}

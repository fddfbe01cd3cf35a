/**
 * Every Redis key Veille uses, under one prefix, so several deployments (and every test) can share a
 * Redis without touching each other. BullMQ's keys sit under `{prefix}` — one hash tag — so all of a
 * deployment's queue keys land in one Redis Cluster slot, as BullMQ requires.
 */

export interface Keyspace {
  prefix: string;
  /** Passed as BullMQ's `prefix` option. */
  bullPrefix: string;
  /** Hash: a feed's fetch state and health (etag, last status, counts, last error). */
  feedState(feedId: string): string;
  /** Sorted set: a feed's seen items (member = short hash of guid or URL, score = last seen ms). */
  seenItems(feedId: string): string;
  /** String, SET NX with TTL: a content hash claimed by the first feed that kept the article. */
  contentClaim(contentHash: string): string;
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
  return {
    prefix,
    bullPrefix: `{${prefix}}`,
    feedState: (feedId) => `${prefix}:feed:${feedId}`,
    seenItems: (feedId) => `${prefix}:seen:${feedId}`,
    contentClaim: (contentHash) => `${prefix}:claim:${contentHash}`,
    reconcileLock: `${prefix}:lock:reconcile`,
    patterns: [`${prefix}:*`, `{${prefix}}:*`],
  };
}

/**
 * What Veille remembers about each feed between polls, in one Redis hash per feed: the validators
 * for conditional GET, the last body's hash, the schedule (next poll, why), and the health shown
 * by `veille status` (failures, last error, publishing rate, silent, disabled).
 */
import type { ChainableCommander, Redis } from 'ioredis';
import type { Keyspace } from '../queues/keyspace.js';
import type { FeedHealth } from '../feeds/feed-health.js';

export interface FeedState {
  url: string | null;
  etag: string | null;
  lastModified: string | null;
  bodyHash: string | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastHttpStatus: number | null;
  lastOutcome: 'fetched' | 'not-modified' | 'unchanged' | 'error' | null;
  lastError: string | null;
  lastErrorCode: string | null;
  consecutiveFailures: number;
  lastDurationMs: number | null;
  itemsSeen: number;
  itemsNew: number;
  itemsKept: number;
  duplicates: number;
  totalKept: number;
  /** Where the feed now lives after a 301/308, used instead of `url` until the watchlist URL changes. */
  movedTo: string | null;
  /** Set by a 410 Gone: scheduled polls stop until the watchlist URL changes or a manual trigger succeeds. */
  disabled: boolean;
  disabledReason: string | null;
  /** Polls that failed in a row (a poll's retries count once): the exponent of the failure backoff. */
  failedPolls: number;
  /** Whether the last error was permanent (retrying cannot help). */
  lastErrorPermanent: boolean;
  /** When the next scheduled poll may run, and the interval and rule that set it. */
  nextPollAt: string | null;
  effectiveIntervalMs: number | null;
  intervalReason: string | null;
  /** Server hints: RSS <ttl>, Cache-Control max-age of the last response. */
  ttlMs: number | null;
  cacheMaxAgeMs: number | null;
  /** Publishing rate estimated from the items' dates, and the newest item's date. */
  itemsPerDay: number | null;
  lastItemAt: string | null;
  /** Health when last logged; a change is logged once at warn. */
  health: FeedHealth | null;
  healthSince: string | null;
}

/** Schedule and health fields, written after each poll. */
export type ScheduleFields = Partial<Pick<FeedState,
  'movedTo' | 'failedPolls' | 'disabled' | 'disabledReason' | 'nextPollAt' | 'effectiveIntervalMs' | 'intervalReason' | 'ttlMs' | 'cacheMaxAgeMs'
  | 'itemsPerDay' | 'lastItemAt' | 'health' | 'healthSince' | 'lastErrorPermanent'>>;

export interface SuccessRecord {
  url: string;
  httpStatus: number;
  outcome: 'fetched' | 'not-modified' | 'unchanged';
  etag?: string | null;
  lastModified?: string | null;
  bodyHash?: string;
  durationMs: number;
  itemsSeen: number;
  itemsNew: number;
  itemsKept: number;
  duplicates: number;
}

export interface FailureRecord {
  url: string;
  httpStatus: number | null;
  message: string;
  code: string;
  durationMs: number;
}

const num = (value: string | undefined): number => (value === undefined ? 0 : Number(value));
const numOrNull = (value: string | undefined): number | null => (value === undefined || value === '' ? null : Number(value));
const str = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value);

function toState(hash: Record<string, string>): FeedState {
  return {
    url: str(hash.url),
    etag: str(hash.etag),
    lastModified: str(hash.lastModified),
    bodyHash: str(hash.bodyHash),
    lastAttemptAt: str(hash.lastAttemptAt),
    lastSuccessAt: str(hash.lastSuccessAt),
    lastHttpStatus: hash.lastHttpStatus ? Number(hash.lastHttpStatus) : null,
    lastOutcome: str(hash.lastOutcome) as FeedState['lastOutcome'],
    lastError: str(hash.lastError),
    lastErrorCode: str(hash.lastErrorCode),
    consecutiveFailures: num(hash.consecutiveFailures),
    lastDurationMs: hash.lastDurationMs ? Number(hash.lastDurationMs) : null,
    itemsSeen: num(hash.itemsSeen),
    itemsNew: num(hash.itemsNew),
    itemsKept: num(hash.itemsKept),
    duplicates: num(hash.duplicates),
    totalKept: num(hash.totalKept),
    movedTo: str(hash.movedTo),
    failedPolls: num(hash.failedPolls),
    disabled: hash.disabled === '1',
    disabledReason: str(hash.disabledReason),
    lastErrorPermanent: hash.lastErrorPermanent === '1',
    nextPollAt: str(hash.nextPollAt),
    effectiveIntervalMs: numOrNull(hash.effectiveIntervalMs),
    intervalReason: str(hash.intervalReason),
    ttlMs: numOrNull(hash.ttlMs),
    cacheMaxAgeMs: numOrNull(hash.cacheMaxAgeMs),
    itemsPerDay: numOrNull(hash.itemsPerDay),
    lastItemAt: str(hash.lastItemAt),
    health: str(hash.health) as FeedHealth | null,
    healthSince: str(hash.healthSince),
  };
}

function toFields(fields: Partial<FeedState>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] = value === null ? '' : typeof value === 'boolean' ? (value ? '1' : '0') : value;
  }
  return out;
}

/** The fields a successful poll sets (totalKept aside: it is incremented). */
function successChanges(record: SuccessRecord, now: Date): Partial<FeedState> {
  const at = now.toISOString();
  return {
    url: record.url,
    lastAttemptAt: at,
    lastSuccessAt: at,
    lastHttpStatus: record.httpStatus,
    lastOutcome: record.outcome,
    lastError: null,
    lastErrorCode: null,
    consecutiveFailures: 0,
    lastDurationMs: Math.round(record.durationMs),
    itemsSeen: record.itemsSeen,
    itemsNew: record.itemsNew,
    itemsKept: record.itemsKept,
    duplicates: record.duplicates,
    // Validators are replaced together: a server that drops its ETag must not keep an old one alive.
    ...(record.outcome === 'fetched' ? { etag: record.etag ?? null, lastModified: record.lastModified ?? null, ...(record.bodyHash ? { bodyHash: record.bodyHash } : {}) } : {}),
  };
}

/** The state that recordSuccess leaves, from the state read before the poll: no read after the write. */
export function stateAfterSuccess(before: FeedState, record: SuccessRecord, now: Date): FeedState {
  return { ...before, ...successChanges(record, now), totalKept: before.totalKept + record.itemsKept };
}

export class FeedStates {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
  ) {}

  async get(feedId: string): Promise<FeedState> {
    return toState(await this.redis.hgetall(this.keys.feedState(feedId)));
  }

  /** Queues the read on a pipeline that carries other commands; pass its reply to the function returned. */
  getIn(pipeline: ChainableCommander, feedId: string): (reply: [Error | null, unknown] | undefined) => FeedState {
    pipeline.hgetall(this.keys.feedState(feedId));
    return (reply) => {
      if (reply?.[0]) throw reply[0];
      return toState((reply?.[1] ?? {}) as Record<string, string>);
    };
  }

  async getMany(feedIds: string[]): Promise<Map<string, FeedState>> {
    const pipeline = this.redis.pipeline();
    for (const id of feedIds) pipeline.hgetall(this.keys.feedState(id));
    const replies = (await pipeline.exec()) ?? [];
    return new Map(feedIds.map((id, i) => [id, toState((replies[i]?.[1] ?? {}) as Record<string, string>)]));
  }

  /**
   * Records a successful poll, with the schedule and health fields it led to, in one round trip
   * (a 304 poll is little else); `also` adds the poll's other writes (seen items, the host slot's
   * release) to the same transaction. stateAfterSuccess gives the state it leaves.
   */
  async recordSuccess(feedId: string, record: SuccessRecord, now = new Date(), schedule: ScheduleFields = {}, also?: (tx: ChainableCommander) => void): Promise<void> {
    const key = this.keys.feedState(feedId);
    const tx = this.redis.multi();
    also?.(tx);
    throwFirstError(await tx.hset(key, toFields({ ...successChanges(record, now), ...schedule })).hincrby(key, 'totalKept', record.itemsKept).exec());
  }

  /** Records a failed poll; resolves to the state after the write (read in the same round trip). */
  async recordFailure(feedId: string, record: FailureRecord, now = new Date()): Promise<FeedState> {
    const key = this.keys.feedState(feedId);
    return stateAfter(await this.redis
      .multi()
      .hset(key, {
        url: record.url,
        lastAttemptAt: now.toISOString(),
        lastHttpStatus: record.httpStatus ?? '',
        lastOutcome: 'error',
        lastError: record.message,
        lastErrorCode: record.code,
        lastDurationMs: Math.round(record.durationMs),
      })
      .hincrby(key, 'consecutiveFailures', 1)
      .hgetall(key)
      .exec());
  }

  /** Writes schedule and health fields (null clears a field). */
  async update(feedId: string, fields: ScheduleFields): Promise<void> {
    const values = toFields(fields);
    if (Object.keys(values).length > 0) await this.redis.hset(this.keys.feedState(feedId), values);
  }

  /** The watchlist URL changed: what was learnt about the old one (move, 410, validators) no longer applies. */
  async resetForNewUrl(feedId: string): Promise<void> {
    await this.redis.hdel(this.keys.feedState(feedId), 'movedTo', 'disabled', 'disabledReason', 'etag', 'lastModified', 'bodyHash', 'nextPollAt', 'consecutiveFailures', 'failedPolls');
  }

  async forget(feedId: string): Promise<void> {
    await this.redis.unlink(this.keys.feedState(feedId));
  }
}

function throwFirstError(replies: [Error | null, unknown][] | null): void {
  const failed = replies?.find(([err]) => err !== null)?.[0];
  if (failed) throw failed;
}

/** The state read by the last command of a MULTI (an HGETALL); throws the first error of the transaction. */
function stateAfter(replies: [Error | null, unknown][] | null): FeedState {
  throwFirstError(replies);
  return toState((replies?.at(-1)?.[1] ?? {}) as Record<string, string>);
}

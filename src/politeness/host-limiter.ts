/**
 * Per-host politeness shared by every worker process: at most `maxInFlight` requests to one
 * host at a time and at least `minSpacingMs` between the starts of two of them.
 *
 * Open-source BullMQ has no per-group rate limit, so the limit lives in Redis: a sorted set of
 * leases per host (member = token, score = lease expiry, so a crashed worker's slot frees
 * itself) and the earliest time the next request may start. One Lua script decides atomically,
 * on Redis's clock, so processes on hosts with skewed clocks still agree.
 */
import { randomUUID } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import { FeedError } from '../feeds/errors.js';

export interface HostLimits {
  maxInFlight: number;
  minSpacingMs: number;
  /** Give up (a transient error) after waiting this long for a slot. */
  maxWaitMs: number;
  /** How long a slot stays taken if its holder dies without releasing it (default 10 min). */
  leaseMs?: number;
}

/**
 * A slot held on a host. Calling it gives the slot back (safe to call twice); releaseIn adds the
 * release to a transaction the caller sends anyway, one round trip less for a poll that ends with
 * a write.
 */
export type HostSlot = (() => Promise<void>) & { readonly host: string; releaseIn(tx: ChainableCommander): void };

/** A lease outlives any request (timeouts are far shorter): it only matters if a worker dies holding it. */
const LEASE_MS = 10 * 60_000;
/** Slack over a request's own timeout (its slot is given back in the same turn of the event loop it ends). */
const LEASE_SLACK_MS = 10_000;

/**
 * The lease for a request bounded by `timeoutMs`: long enough that it never ends under a live
 * request, short enough that a worker killed mid-request (kill -9, lost host) does not hold the
 * host's slot for the 10-minute default and, after a few crashes, block the host.
 */
export function leaseFor(timeoutMs: number): number {
  return timeoutMs + LEASE_SLACK_MS;
}
const POLL_MS = { min: 20, max: 250 };

// Returns 0 when the slot is taken, else how long to wait (ms) before asking again.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local maxInFlight = tonumber(ARGV[2])
local spacing = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])
if redis.call('ZCARD', KEYS[1]) >= maxInFlight then return -1 end
local nextAt = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < nextAt then return nextAt - now end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease)
if spacing > 0 then redis.call('SET', KEYS[2], now + spacing, 'PX', spacing) end
return 0
`;

export class HostBusyError extends FeedError {
  constructor(url: string, host: string, waitedMs: number) {
    super(`fetch: ${url} not requested: host ${host} stayed busy for ${waitedMs} ms (settings.politeness limits requests per host); will retry later`, {
      code: 'HOST_BUSY', permanent: false, url,
    });
  }
}

type AcquireScript = (...args: (string | number)[]) => Promise<unknown>;

export class HostLimiter {
  constructor(
    private readonly redis: Redis,
    /** Key root of the deployment (Keyspace.root, one hash tag for Redis Cluster). */
    private readonly prefix: string,
    private readonly limits: HostLimits,
  ) {
    // EVALSHA (ioredis falls back to EVAL once per connection), also inside pipelines.
    if (!(redis as unknown as Record<string, unknown>).veilleHostAcquire) redis.defineCommand('veilleHostAcquire', { numberOfKeys: 2, lua: ACQUIRE });
  }

  /**
   * Waits for a slot on `url`'s host; resolves to the slot. `leaseMs` bounds how long the slot
   * stays taken if this process dies holding it (see leaseFor).
   */
  async acquire(url: URL, signal?: AbortSignal, leaseMs?: number): Promise<HostSlot> {
    const attempt = this.attemptArgs(url, leaseMs);
    const started = Date.now();
    for (let n = 0; ; n += 1) {
      const wait = Number(await (this.redis as unknown as Record<string, AcquireScript>).veilleHostAcquire!.apply(this.redis, attempt.args));
      if (wait === 0) break;
      const waited = Date.now() - started;
      if (waited >= this.limits.maxWaitMs) throw new HostBusyError(url.href, attempt.host, waited);
      // Busy (-1): poll with a growing pause; spacing: sleep exactly until the next start.
      const pause = wait > 0 ? wait : Math.min(POLL_MS.max, POLL_MS.min * 2 ** Math.min(n, 4));
      await sleep(Math.min(pause, this.limits.maxWaitMs - waited + 1), signal);
    }
    return this.slot(attempt.host, attempt.inflight, attempt.token);
  }

  /**
   * One attempt at a slot, queued on a pipeline that carries the caller's other reads (one round
   * trip for both). Pass the attempt's reply to the function returned: the slot, or null when the
   * host is busy (then wait with acquire()).
   */
  attemptIn(pipeline: ChainableCommander, url: URL, leaseMs?: number): (reply: unknown) => HostSlot | null {
    const attempt = this.attemptArgs(url, leaseMs);
    (pipeline as unknown as Record<string, AcquireScript>).veilleHostAcquire!.apply(pipeline, attempt.args);
    return (reply) => (reply !== null && reply !== undefined && Number(reply) === 0 ? this.slot(attempt.host, attempt.inflight, attempt.token) : null);
  }

  private attemptArgs(url: URL, leaseMs: number | undefined): { host: string; inflight: string; token: string; args: (string | number)[] } {
    const host = url.host.toLowerCase();
    const inflight = `${this.prefix}:host:${host}:inflight`;
    const token = randomUUID();
    return {
      host, inflight, token,
      args: [inflight, `${this.prefix}:host:${host}:next`, token, this.limits.maxInFlight, this.limits.minSpacingMs, leaseMs ?? this.limits.leaseMs ?? LEASE_MS],
    };
  }

  private slot(host: string, inflight: string, token: string): HostSlot {
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      await this.redis.zrem(inflight, token);
    };
    return Object.assign(release, {
      host,
      // Not marked released: if the transaction fails, calling the slot still gives it back.
      releaseIn: (tx: ChainableCommander): void => {
        if (!released) tx.zrem(inflight, token);
      },
    });
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

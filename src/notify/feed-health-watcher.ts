/**
 * The feed-health watcher of the notify role: every few seconds it classifies each enabled feed
 * (failing, silent, ok — the same judgement as `veille status`), compares it with the health last
 * notified (kept in Redis, so restarts do not repeat notifications) and queues feed.failing,
 * feed.silent or feed.recovered on a change. One process watches at a time: the holder of a
 * Redis lock that it renews each round; if it dies, the lock expires and another takes over.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LiveWatchlist } from '../config/live-watchlist.js';
import { classifyHealth, type FeedHealth } from '../feeds/feed-health.js';
import { FeedStates } from '../pipeline/feed-state.js';
import type { Keyspace } from '../queues/keyspace.js';
import type { Logger } from '../logging/logger.js';
import { healthEvent, notifiedHealth, type NotifiedHealth } from './health-transition.js';
import { enqueueNotifications, type NotifyJobData } from './notify-queue.js';
import { notifyKeys } from './notify-keys.js';
import { feedHealthPayload } from './payloads.js';

const CLAIM_OR_RENEW = `
local holder = redis.call('get', KEYS[1])
if holder == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
if holder then return 0 end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface FeedHealthWatcherOptions {
  redis: Redis;
  keys: Keyspace;
  live: Pick<LiveWatchlist, 'current'>;
  queue: Queue<NotifyJobData>;
  log: Logger;
  /** Time between two looks at the feeds. */
  intervalMs?: number;
  /** Delivery retry base (tests shorten it). */
  backoffMs?: number;
  now?: () => number;
}

export interface HealthChange {
  feedId: string;
  event: 'feed.failing' | 'feed.silent' | 'feed.recovered';
  health: FeedHealth;
  jobIds: string[];
}

export class FeedHealthWatcher {
  private readonly token = randomUUID();
  private readonly log: Logger;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: FeedHealthWatcherOptions) {
    this.log = options.log.child({ role: 'notify' });
    this.intervalMs = options.intervalMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    const tick = () => {
      this.round = this.checkOnce()
        .catch((err: unknown) => this.log.error({ err }, 'notify: feed health check failed; trying again next round'))
        .finally(() => { if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs); });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
    await this.options.redis.eval(RELEASE, 1, notifyKeys(this.options.keys).watchLock, this.token).catch(() => undefined);
  }

  /** One round: claims (or renews) the lock, then notifies every change. Returns nothing when another process holds the lock. */
  async checkOnce(): Promise<HealthChange[] | null> {
    const { redis, keys, live, queue } = this.options;
    const nk = notifyKeys(keys);
    // The lock outlives a few missed rounds, so a busy holder keeps it and a dead one frees it soon.
    const held = await redis.eval(CLAIM_OR_RENEW, 1, nk.watchLock, this.token, String(Math.max(this.intervalMs * 3, 10_000)));
    if (held !== 1) return null;
    const watchlist = live.current;
    const feeds = watchlist.feeds.filter((f) => f.enabled);
    const [states, notified] = await Promise.all([
      new FeedStates(redis, keys).getMany(feeds.map((f) => f.id)),
      redis.hgetall(nk.notifiedHealth),
    ]);
    const rule = { silentFactor: watchlist.settings.schedule.silentFactor, silentMinMs: watchlist.settings.schedule.silentMin };
    const now = this.now();
    const changes: HealthChange[] = [];
    for (const feed of feeds) {
      const state = states.get(feed.id);
      if (!state) continue;
      const health = classifyHealth(state, rule, now);
      const current = notifiedHealth(health);
      if (current === null) continue;
      const previous = (notified[feed.id] ?? null) as NotifiedHealth | null;
      const event = healthEvent(previous, current);
      if (event !== null) {
        const payload = feedHealthPayload(event, { id: feed.id, name: feed.name, url: feed.url }, health, previous ?? 'ok', state, new Date(now));
        const jobIds = await enqueueNotifications(queue, watchlist.settings.webhooks, payload, `${event}-${feed.id}-${now}`, this.options.backoffMs);
        this.log.warn({ feedId: feed.id, event, health, previous: previous ?? 'ok', webhooks: jobIds.length, lastError: state.lastError }, `notify: ${event}`);
        changes.push({ feedId: feed.id, event, health, jobIds });
      }
      // Written after the jobs are queued: a crash in between notifies again rather than never.
      if (previous !== current) await redis.hset(nk.notifiedHealth, feed.id, current);
    }
    const gone = Object.keys(notified).filter((id) => !feeds.some((f) => f.id === id));
    if (gone.length > 0) await redis.hdel(nk.notifiedHealth, ...gone);
    return changes;
  }
}

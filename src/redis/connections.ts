/**
 * Redis connections with the options BullMQ's production guide asks for: workers retry forever
 * (`maxRetriesPerRequest: null`), producers and commands fail fast instead of queueing offline.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';

export type ConnectionRole = 'worker' | 'producer';

export function createRedis(url: string, role: ConnectionRole, log: Logger): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    enableOfflineQueue: role === 'worker',
    connectionName: `veille-${role}`,
    // Back off up to 5 s between reconnects; never give up, a daemon must outlive Redis restarts.
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  });
  let lastLogged = 0;
  client.on('error', (err) => {
    // A down Redis emits an error per reconnect attempt; one line every 10 s is enough.
    const now = Date.now();
    if (now - lastLogged > 10_000) {
      lastLogged = now;
      log.error({ err, redis: redactUrl(url), role }, 'redis: connection error');
    }
  });
  return client;
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Deletes every key matching the patterns (SCAN + UNLINK): tests and `veille reset`. */
export async function deleteKeys(redis: Redis, patterns: string[]): Promise<number> {
  let deleted = 0;
  for (const pattern of patterns) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  }
  return deleted;
}

/**
 * Resolves once the client is connected. Producer connections fail fast instead of queueing,
 * so they must not be used before this.
 */
export async function untilReady(client: Redis, url: string, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`redis: no connection to ${redactUrl(url)} within ${timeoutMs} ms; is Redis running there? (REDIS_URL)`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}

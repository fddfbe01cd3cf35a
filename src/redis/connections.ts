/**
 * Redis connections with the options BullMQ's production guide asks for: workers retry forever
 * (`maxRetriesPerRequest: null`), producers and commands fail fast instead of queueing offline.
 * A `redis+cluster://host:port,host:port` URL gives a Redis Cluster client instead.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logging/logger.js';

export type ConnectionRole = 'worker' | 'producer';

const CLUSTER_SCHEME = 'redis+cluster://';

/** The seed nodes of a `redis+cluster://host:port,host:port[/?password=…]` URL, or null for a plain Redis URL. */
export function clusterNodes(url: string): { host: string; port: number }[] | null {
  if (!url.startsWith(CLUSTER_SCHEME)) return null;
  const list = url.slice(CLUSTER_SCHEME.length).split(/[/?]/, 1)[0] ?? '';
  return list.split(',').filter(Boolean).map((node) => {
    const [host = '127.0.0.1', port = '6379'] = node.split(':');
    return { host, port: Number(port) };
  });
}

export function createRedis(url: string, role: ConnectionRole, log: Logger): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    enableOfflineQueue: role === 'worker',
    connectionName: `veille-${role}`,
    // Back off up to 5 s between reconnects; never give up, a daemon must outlive Redis restarts.
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  };
  const nodes = clusterNodes(url);
  // Cluster and Redis share the command API Veille and BullMQ use (BullMQ accepts either).
  const client = nodes
    ? (new Cluster(nodes, { redisOptions: options, enableOfflineQueue: role === 'worker', clusterRetryStrategy: (times) => Math.min(times * 200, 5_000) }) as unknown as Redis)
    : new Redis(url, options);
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

/**
 * What the one-shot CLI commands (trigger, status) need to reach the daemon's Redis: the same
 * discovery as the daemon, without ever starting a Redis of their own.
 */
import type { Redis } from 'ioredis';
import { locateRedis } from '../redis/locate-redis.js';
import { createRedis, untilReady } from '../redis/connections.js';
import { createKeyspace, type Keyspace } from '../queues/keyspace.js';
import type { Logger } from '../logging/logger.js';

export interface CliConnection {
  url: string;
  redis: Redis;
  keys: Keyspace;
  close(): Promise<void>;
}

export async function connectToDaemonRedis(options: { prefix?: string; dataDir: string; log: Logger }): Promise<CliConnection> {
  const located = await locateRedis({ dataDir: options.dataDir, startIfMissing: false });
  const redis = createRedis(located.url, 'producer', options.log);
  await untilReady(redis, located.url);
  return {
    url: located.url,
    redis,
    keys: createKeyspace(options.prefix),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

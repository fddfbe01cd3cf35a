/**
 * Per-test Redis access: the run's Redis (see global-setup.ts) under a fresh key prefix, and a
 * cleanup that deletes every key of that prefix.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { createKeyspace, type Keyspace } from '../../src/queues/keyspace.js';
import { deleteKeys } from '../../src/redis/connections.js';

export interface TestRedis {
  url: string;
  redis: Redis;
  keys: Keyspace;
  /** A second connection with `maxRetriesPerRequest: null`, for BullMQ workers. */
  workerConnection: Redis;
  cleanup(): Promise<void>;
}

export async function openTestRedis(): Promise<TestRedis> {
  const url = inject('redisUrl');
  const keys = createKeyspace(`test-${randomUUID().slice(0, 8)}`);
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  const workerConnection = new Redis(url, { maxRetriesPerRequest: null });
  return {
    url,
    redis,
    keys,
    workerConnection,
    async cleanup() {
      await deleteKeys(redis, keys.patterns);
      await Promise.all([redis.quit(), workerConnection.quit()]);
    },
  };
}

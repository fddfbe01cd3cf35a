/** Redis memory of a set of keys: MEMORY USAGE summed over every key matching a pattern. */
import type { Redis } from 'ioredis';

export async function bytesOf(redis: Redis, pattern: string): Promise<{ keys: number; bytes: number }> {
  let cursor = '0';
  let keys = 0;
  let bytes = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.memory('USAGE', key, 'SAMPLES', '0');
    for (const [, size] of (await pipeline.exec()) ?? []) bytes += Number(size);
    keys += batch.length;
  } while (cursor !== '0');
  return { keys, bytes };
}

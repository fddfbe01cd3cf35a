/** Redis discovery, including the private redis-server child the daemon starts when none answers. */
import { afterEach, expect, it } from 'vitest';
import { rm, readFile } from 'node:fs/promises';
import path from 'node:path';
import { inject } from 'vitest';
import { locateRedis, pingRedis, RedisUnavailableError, startPrivateRedis, type PrivateRedis } from '../../src/redis/locate-redis.js';
import { tempDir } from '../support/watchlist.js';

let child: PrivateRedis | undefined;
let dir: string | undefined;
const savedUrl = process.env.REDIS_URL;

afterEach(async () => {
  await child?.stop();
  child = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  if (savedUrl === undefined) delete process.env.REDIS_URL;
  else process.env.REDIS_URL = savedUrl;
});

it('prefers REDIS_URL', async () => {
  process.env.REDIS_URL = inject('redisUrl');
  const located = await locateRedis({ dataDir: '/nonexistent', startIfMissing: false });
  expect(located).toEqual({ url: inject('redisUrl'), source: 'REDIS_URL' });
});

it('starts a private redis-server with an append-only file, announces its URL, and stops it', async () => {
  dir = await tempDir();
  child = await startPrivateRedis({ dir, persist: true });
  expect(await pingRedis(child.url)).toBe(true);
  expect((await readFile(path.join(dir, 'veille-redis.url'), 'utf8')).trim()).toBe(child.url);
  const url = child.url;
  await child.stop();
  child = undefined;
  expect(await pingRedis(url, 300)).toBe(false);
  await expect(readFile(path.join(dir, 'veille-redis.url'), 'utf8')).rejects.toThrow();
});

it('reports nothing answering as unreachable', async () => {
  expect(await pingRedis('redis://127.0.0.1:9', 300)).toBe(false);
});

it('names the three ways out when redis-server is not installed', async () => {
  const savedPath = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    dir = await tempDir();
    const err = await startPrivateRedis({ dir, persist: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisUnavailableError);
    const message = (err as Error).message;
    expect(message).toContain('apt-get install redis-server');
    expect(message).toContain('docker compose up -d redis');
    expect(message).toContain('REDIS_URL=');
  } finally {
    process.env.PATH = savedPath;
  }
});

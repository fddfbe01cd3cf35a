/**
 * Finds the Redis the tests use, as the daemon does: REDIS_URL, else 127.0.0.1:6379, else a private
 * redis-server child on a free port for the duration of the run.
 */
import type { TestProject } from 'vitest/node';
import os from 'node:os';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { locateRedis, type PrivateRedis } from '../../src/redis/locate-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let child: PrivateRedis | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dataDir = path.join(os.tmpdir(), `veille-test-${process.pid}`);
  const located = await locateRedis({ dataDir, startIfMissing: 'ephemeral' });
  child = located.child;
  process.env.REDIS_URL = located.url;
  project.provide('redisUrl', located.url);
}

export async function teardown(): Promise<void> {
  await child?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}

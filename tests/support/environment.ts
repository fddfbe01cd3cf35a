/**
 * The per-test world most integration tests need: a local feed server, the run's Redis under a
 * fresh prefix, and a temporary folder — created before each test, torn down after it, together
 * with any child process the test registered.
 */
import { afterEach, beforeEach } from 'vitest';
import { rm } from 'node:fs/promises';
import { startFixtureFeedServer, type FixtureFeedServer } from '../../src/demo/fixture-feed-server.js';
import { openTestRedis, type TestRedis } from './redis.js';
import { tempDir } from './watchlist.js';
import type { RunningCli } from './cli.js';

export interface TestEnvironment {
  server: FixtureFeedServer;
  t: TestRedis;
  dir: string;
  /** Child processes to SIGKILL after the test if they are still running. */
  processes: RunningCli[];
}

export function useTestEnvironment(): TestEnvironment {
  const env = { processes: [] } as unknown as TestEnvironment;
  beforeEach(async () => {
    env.server = await startFixtureFeedServer();
    env.t = await openTestRedis();
    env.dir = await tempDir();
  });
  afterEach(async () => {
    for (const p of env.processes.splice(0)) {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    await env.server.close();
    await env.t.cleanup();
    await rm(env.dir, { recursive: true, force: true });
  });
  return env;
}

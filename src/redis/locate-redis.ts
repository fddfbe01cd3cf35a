/**
 * Finding a Redis to talk to, the same way for the daemon, the CLI and the tests:
 * `REDIS_URL`, else 127.0.0.1:6379, else the URL a private Veille Redis wrote in the data folder,
 * else (when the caller allows it) a private `redis-server` child.
 */
import { Redis } from 'ioredis';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const URL_FILE = 'veille-redis.url';

export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

export interface LocatedRedis {
  url: string;
  /** Where the URL came from, for the log. */
  source: 'REDIS_URL' | 'default' | 'private-file' | 'private-child';
  /** The private child, when Veille started one; stop it on shutdown. */
  child?: PrivateRedis;
}

export interface PrivateRedis {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** True when a Redis answers PING at `url` within `timeoutMs`. */
export async function pingRedis(url: string, timeoutMs = 800): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** The redis-server executable on PATH, or null. */
export function findRedisServer(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

async function freePort(preferred?: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address ? address.port : null;
        server.close(() => resolve(chosen));
      });
    });
  if (preferred !== undefined) {
    const port = await tryListen(preferred);
    if (port !== null) return port;
  }
  const port = await tryListen(0);
  if (port === null) throw new RedisUnavailableError('could not find a free TCP port on 127.0.0.1 for a private redis-server');
  return port;
}

export interface StartPrivateRedisOptions {
  /** Data folder; with `persist` the append-only file lives there. */
  dir: string;
  persist: boolean;
  /** Port to try first (the daemon tries 6379 so CLI commands in other shells find it). */
  preferredPort?: number;
}

/** Starts `redis-server` as a child bound to 127.0.0.1 and waits until it answers. */
export async function startPrivateRedis(options: StartPrivateRedisOptions): Promise<PrivateRedis> {
  const bin = findRedisServer();
  if (!bin) throw new RedisUnavailableError(noRedisMessage());
  await mkdir(options.dir, { recursive: true });
  const port = await freePort(options.preferredPort);
  const args = [
    '--bind', '127.0.0.1', '--port', String(port), '--dir', options.dir,
    '--save', '', '--appendonly', options.persist ? 'yes' : 'no',
    '--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--protected-mode', 'yes',
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!(await pingRedis(url, 300))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new RedisUnavailableError(`redis-server (${bin}) did not start on port ${port}: ${stderr.trim() || 'no answer within 10 s'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const urlFile = path.join(options.dir, URL_FILE);
  if (options.persist) await writeFile(urlFile, `${url}\n`);
  return {
    url,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      if (options.persist) await rm(urlFile, { force: true });
    },
  };
}

export function noRedisMessage(): string {
  return [
    'No Redis answers on 127.0.0.1:6379, REDIS_URL is not set, and redis-server is not installed. Either:',
    '  1. install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), or',
    '  2. start the one in docker-compose.yml: docker compose up -d redis, or',
    '  3. point Veille at a Redis you have: REDIS_URL=redis://host:6379 npm start',
  ].join('\n');
}

export interface LocateRedisOptions {
  /** Data folder of the daemon (a private Redis keeps its AOF and URL file in `<dataDir>/redis`). */
  dataDir: string;
  /** Start a private redis-server when nothing answers. */
  startIfMissing: 'persistent' | 'ephemeral' | false;
}

export async function locateRedis(options: LocateRedisOptions): Promise<LocatedRedis> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv && fromEnv.length > 0) return { url: fromEnv, source: 'REDIS_URL' };
  if (await pingRedis(DEFAULT_REDIS_URL)) return { url: DEFAULT_REDIS_URL, source: 'default' };
  const redisDir = path.join(options.dataDir, 'redis');
  const written = await readFile(path.join(redisDir, URL_FILE), 'utf8').then((t) => t.trim(), () => null);
  if (written && (await pingRedis(written))) return { url: written, source: 'private-file' };
  if (options.startIfMissing === false) {
    throw new RedisUnavailableError(
      `No Redis answers on 127.0.0.1:6379 and REDIS_URL is not set. Start the daemon first (npm start), ` +
        `or set REDIS_URL to the Redis the daemon uses.`,
    );
  }
  const persistent = options.startIfMissing === 'persistent';
  const child = await startPrivateRedis({
    dir: persistent ? redisDir : path.join(options.dataDir, `redis-ephemeral-${process.pid}`),
    persist: persistent,
    ...(persistent ? { preferredPort: 6379 } : {}),
  });
  return { url: child.url, source: 'private-child', child };
}

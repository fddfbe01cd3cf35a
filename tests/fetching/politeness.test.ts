/**
 * Per-host politeness across processes (two limiters on two Redis connections stand for two
 * worker processes): the in-flight cap, the spacing between starts, the wait bound, a dead
 * holder's lease, and hosts kept apart. Real Redis, real HTTP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { fetchFeed } from '../../src/feeds/fetch-feed.js';
import { HostBusyError, HostLimiter, type HostLimits } from '../../src/politeness/host-limiter.js';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { sleep, startHostileServer, type HostileServer } from './hostile-server.js';

const RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>';
let t: TestRedis;
let other: Redis;
let server: HostileServer;
let inFlight = 0;
let maxSeen = 0;

beforeEach(async () => {
  t = await openTestRedis();
  other = new Redis(t.url, { maxRetriesPerRequest: 2 });
  server = await startHostileServer();
  inFlight = 0;
  maxSeen = 0;
  server.route('/slow.xml', async (_req, res) => {
    inFlight += 1;
    maxSeen = Math.max(maxSeen, inFlight);
    await sleep(150);
    inFlight -= 1;
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS);
  });
  server.route('/fast.xml', (_req, res) => { res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS); });
});
afterEach(async () => {
  await server.close();
  other.disconnect();
  await t.cleanup();
});

const limits = (extra: Partial<HostLimits> = {}): HostLimits => ({ maxInFlight: 2, minSpacingMs: 0, maxWaitMs: 10_000, ...extra });
const fetchVia = (limiter: HostLimiter, path: string) => fetchFeed({
  url: server.url(path), timeoutMs: 5_000, maxBodyBytes: 100_000, userAgent: 'Veille-test/1.0',
  acquireHost: (url, signal) => limiter.acquire(url, signal),
});

describe('HostLimiter', () => {
  it('never lets more than maxInFlight requests reach one host, across processes', async () => {
    const a = new HostLimiter(t.redis, t.keys.root, limits());
    const b = new HostLimiter(other, t.keys.root, limits());
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => fetchVia(i % 2 === 0 ? a : b, '/slow.xml')));
    expect(results.every((r) => r.kind === 'fetched')).toBe(true);
    expect(maxSeen).toBe(2);
    // Every slot was given back (releases are not awaited: a PING on each connection comes after them).
    await Promise.all([t.redis.ping(), other.ping()]);
    expect(await t.redis.zcard(`${t.keys.root}:host:${new URL(server.baseUrl).host}:inflight`)).toBe(0);
  });

  it('spaces the starts of requests to one host', async () => {
    const a = new HostLimiter(t.redis, t.keys.root, limits({ maxInFlight: 8, minSpacingMs: 200 }));
    const b = new HostLimiter(other, t.keys.root, limits({ maxInFlight: 8, minSpacingMs: 200 }));
    await Promise.all(Array.from({ length: 4 }, (_, i) => fetchVia(i % 2 === 0 ? a : b, '/fast.xml')));
    const starts = server.requests.filter((r) => r.path === '/fast.xml').map((r) => r.at).sort((x, y) => x - y);
    expect(starts).toHaveLength(4);
    // 200 ms apart at the limiter; the server sees them within a few ms of that (connection setup varies).
    for (let i = 1; i < starts.length; i += 1) expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(150);
    expect((starts[3] as number) - (starts[0] as number)).toBeGreaterThanOrEqual(590);
  });

  it('gives up with a transient HostBusyError after maxWait, naming the host and the setting', async () => {
    const holder = new HostLimiter(t.redis, t.keys.root, limits({ maxInFlight: 1 }));
    const waiter = new HostLimiter(other, t.keys.root, limits({ maxInFlight: 1, maxWaitMs: 200 }));
    const release = await holder.acquire(new URL(server.url('/fast.xml')));
    const started = performance.now();
    const err = await fetchVia(waiter, '/fast.xml').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostBusyError);
    expect((err as HostBusyError).permanent).toBe(false);
    expect((err as Error).message).toContain('settings.politeness');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(server.requests.filter((r) => r.path === '/fast.xml')).toHaveLength(0);
    await release();
  });

  it('frees the slot of a holder that died without releasing it once its lease ends', async () => {
    const dead = new HostLimiter(t.redis, t.keys.root, limits({ maxInFlight: 1, leaseMs: 200 }));
    await dead.acquire(new URL(server.url('/fast.xml'))); // never released
    const alive = new HostLimiter(other, t.keys.root, limits({ maxInFlight: 1, maxWaitMs: 3_000 }));
    expect((await fetchVia(alive, '/fast.xml')).kind).toBe('fetched');
  });

  it('gives a host its slot back before waiting for the next host of a redirect', async () => {
    const second = await startHostileServer();
    try {
      second.route('/feed.xml', (_req, res) => { res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS); });
      server.route('/moved.xml', (_req, res) => { res.writeHead(301, { location: second.url('/feed.xml') }).end(); });
      const limiter = new HostLimiter(t.redis, t.keys.root, limits({ maxInFlight: 1 }));
      const busy = await new HostLimiter(other, t.keys.root, limits({ maxInFlight: 1 })).acquire(new URL(second.url('/feed.xml')));
      const fetching = fetchVia(limiter, '/moved.xml');
      for (let i = 0; i < 100 && !server.requests.some((r) => r.path === '/moved.xml'); i += 1) await sleep(20);
      await sleep(100);
      // Waiting for the second host, the first one's slot is free again.
      expect(await t.redis.zcard(`${t.keys.root}:host:${new URL(server.baseUrl).host}:inflight`)).toBe(0);
      expect(second.requests).toHaveLength(0);
      await busy();
      expect(await fetching).toMatchObject({ kind: 'fetched', finalUrl: second.url('/feed.xml') });
    } finally {
      await second.close();
    }
  });

  it('keeps hosts apart: a busy host does not hold up another', async () => {
    const limiter = new HostLimiter(t.redis, t.keys.root, limits({ maxInFlight: 1, maxWaitMs: 300 }));
    const release = await limiter.acquire(new URL('http://busy.example/feed.xml'));
    expect((await fetchVia(limiter, '/fast.xml')).kind).toBe('fetched');
    await release();
  });
});

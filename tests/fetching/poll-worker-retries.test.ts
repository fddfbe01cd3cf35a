/**
 * The poll worker as BullMQ runs it: transient failures retried with the capped, jittered "feed"
 * backoff or after Retry-After; a 429 storm costs one request, not one per tick; ticks of a feed
 * that is not due are skipped without a request; a manual trigger always polls.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { reconcileSchedulers } from '../../workers/scheduler.js';
import { FEED_BACKOFF } from '../../src/politeness/retry-policy.js';
import { FeedStates } from '../../src/pipeline/feed-state.js';
import { openTestRedis, type TestRedis } from '../support/redis.js';
import { startPollRole } from '../support/poll-role.js';
import { tempDir, writeWatchlist } from '../support/watchlist.js';
import { ITEMS, rssFeed } from '../support/feed-xml.js';
import { sleep, startHostileServer, type HostileServer } from './hostile-server.js';

let server: HostileServer;
let t: TestRedis;
let dir: string;
const FEED = rssFeed('A', [ITEMS.football]);

beforeEach(async () => {
  server = await startHostileServer();
  t = await openTestRedis();
  dir = await tempDir();
});
afterEach(async () => {
  await server.close();
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const settings = { jobs: { attempts: 4, backoff: '100ms', maxBackoff: '2s', jitter: 0.2 }, politeness: { minSpacing: 0 } };
const retryOpts = (attempts = 4) => ({ attempts, backoff: { type: FEED_BACKOFF, delay: 100 } });

it('retries a 503 after the Retry-After it names, then succeeds', async () => {
  let calls = 0;
  server.route('/a.xml', (_req, res) => {
    calls += 1;
    if (calls === 1) res.writeHead(503, { 'retry-after': '1' }).end();
    else res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED);
  });
  const { file } = await writeWatchlist(dir, [{ id: 'a', url: server.url('/a.xml') }], settings);
  const role = await startPollRole(t, file, 'debug');
  try {
    const job = await role.pollQueue.add('poll', { feedId: 'a' }, retryOpts());
    expect(await job.waitUntilFinished(role.events, 10_000)).toMatchObject({ feedId: 'a', httpStatus: 200 });
    const [first, second] = server.requests.filter((r) => r.path === '/a.xml');
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(role.memory.find((l) => String(l.msg).startsWith('poll: failed'))).toMatchObject({ level: 50, permanent: false, consecutiveFailures: 1 });
  } finally {
    await role.close();
  }
});

it('retries connection failures with growing, capped delays, and fails the job after its attempts', async () => {
  server.route('/reset.xml', (req) => { req.socket.destroy(); });
  const { file } = await writeWatchlist(dir, [{ id: 'r', url: server.url('/reset.xml') }], settings);
  const role = await startPollRole(t, file, 'debug');
  try {
    const job = await role.pollQueue.add('poll', { feedId: 'r' }, retryOpts());
    const err = await job.waitUntilFinished(role.events, 15_000).then(() => null, (e: Error) => e);
    expect(err?.message).toContain('could not be reached');
    const times = server.requests.filter((r) => r.path === '/reset.xml').map((r) => r.at);
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((at, i) => at - (times[i] as number));
    // 100, 200, 400 ms, each jittered down by at most 20%.
    expect(gaps[0]).toBeGreaterThanOrEqual(75);
    expect(gaps[1]).toBeGreaterThanOrEqual(155);
    expect(gaps[2]).toBeGreaterThanOrEqual(315);
    // First failure of the streak at error, the repeats at info: one error line, not four.
    expect(role.memory.lines.filter((l) => l.level === 50 && String(l.msg).startsWith('poll: failed'))).toHaveLength(1);
    expect(role.memory.lines.filter((l) => l.level === 30 && String(l.msg).startsWith('poll: failed'))).toHaveLength(3);
    // Four failed attempts are one failed poll: the feed's interval doubles once, not four times.
    const state = await new FeedStates(t.redis, t.keys).get('r');
    expect(state).toMatchObject({ consecutiveFailures: 4, failedPolls: 1, effectiveIntervalMs: 2 * 900_000, intervalReason: 'failure-backoff', health: 'failing' });
  } finally {
    await role.close();
  }
});

it('survives a 429 storm with one request: the ticks that follow wait for Retry-After', async () => {
  server.route('/storm.xml', (_req, res) => { res.writeHead(429, { 'retry-after': '3600' }).end(); });
  const { file } = await writeWatchlist(dir, [{ id: 's', url: server.url('/storm.xml'), interval: '1s' }], settings);
  const role = await startPollRole(t, file, 'debug');
  try {
    // Twenty scheduled ticks in a row (as a job scheduler would produce them).
    const outcomes = [];
    for (let i = 0; i < 20; i += 1) {
      const job = await role.pollQueue.add('poll', { feedId: 's' }, retryOpts());
      outcomes.push(await job.waitUntilFinished(role.events, 10_000).then((o: unknown) => o, (e: Error) => e));
    }
    expect(server.requests.filter((r) => r.path === '/storm.xml')).toHaveLength(1);
    expect(outcomes[0]).toBeInstanceOf(Error); // Retry-After (1 h) is beyond maxBackoff: no retry inside the job
    expect(outcomes.slice(1).every((o) => (o as { skipped?: boolean }).skipped === true)).toBe(true);
    expect(outcomes[1]).toMatchObject({ why: 'not due yet (backoff, adaptive interval or a server hint)' });
    // A manual trigger is the operator's call: it polls anyway.
    const manual = await role.pollQueue.add('poll', { feedId: 's', manual: true }, { attempts: 1 });
    await manual.waitUntilFinished(role.events, 10_000).catch(() => undefined);
    expect(server.requests.filter((r) => r.path === '/storm.xml')).toHaveLength(2);
    // Each tick took a slot with its state read; the skipped ones gave it back at once.
    expect(await t.redis.zcard(`${t.keys.root}:host:${new URL(server.url('/')).host}:inflight`)).toBe(0);
  } finally {
    await role.close();
  }
});

it('runs the scheduler\'s ticks only when the feed is due, with the "feed" backoff on its jobs', async () => {
  server.route('/tick.xml', (_req, res) => { res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED); });
  const { file, watchlist } = await writeWatchlist(dir, [{ id: 'tick', url: server.url('/tick.xml'), interval: '1s' }], { ...settings, schedule: { maxFailureInterval: '1h' } });
  const role = await startPollRole(t, file, 'debug');
  try {
    // The feed failed twice before: due 4 ticks from now.
    await t.redis.hset(t.keys.feedState('tick'), { url: server.url('/tick.xml'), nextPollAt: new Date(Date.now() + 3_000).toISOString() });
    await reconcileSchedulers(role.pollQueue, watchlist, t.redis, t.keys, role.memory.log);
    const scheduler = await role.pollQueue.getJobScheduler('feed:tick');
    expect(scheduler?.template?.opts?.backoff).toEqual({ type: FEED_BACKOFF, delay: 100 });
    await sleep(1_500);
    expect(server.requests).toHaveLength(0);
    expect(role.memory.lines.filter((l) => l.msg === 'poll: skipped, feed not due').length).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 60 && server.requests.length === 0; i += 1) await sleep(100);
    expect(server.requests).toHaveLength(1);
  } finally {
    await role.pollQueue.removeJobScheduler('feed:tick');
    await role.close();
  }
});

/**
 * The poll role as BullMQ runs it: a malformed feed fails its own job with a clear, logged error
 * (and is not retried), while the other feeds' jobs go on.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FixtureFeedServer } from '../../src/demo/fixture-feed-server.js';
import type { TestRedis } from '../support/redis.js';
import { useTestEnvironment } from '../support/environment.js';
import { startPollRole } from '../support/poll-role.js';
import { writeWatchlist } from '../support/watchlist.js';
import { MALFORMED_FEED, ITEMS, rssFeed } from '../support/feed-xml.js';

const env = useTestEnvironment();
let server: FixtureFeedServer;
let t: TestRedis;
let dir: string;

beforeEach(() => {
  ({ server, t, dir } = env);
});


it('logs a malformed feed with a clear error, does not retry it, and polls the other feeds', async () => {
  server.setRoute('/good.xml', { body: rssFeed('Bon', [ITEMS.alliance, ITEMS.football]), contentType: 'application/rss+xml' });
  server.setRoute('/broken.xml', { body: MALFORMED_FEED, contentType: 'application/rss+xml' });
  const { file } = await writeWatchlist(dir, [
    { id: 'broken', url: server.url('/broken.xml') },
    { id: 'good', url: server.url('/good.xml') },
  ], { jobs: { attempts: 3, backoff: '1s' } });
  const { memory, pollQueue, storeQueue, events, close } = await startPollRole(t, file);
  try {
    const broken = await pollQueue.add('poll', { feedId: 'broken' }, { attempts: 3, backoff: { type: 'fixed', delay: 100 } });
    const good = await pollQueue.add('poll', { feedId: 'good' });
    const failure = await broken.waitUntilFinished(events, 10_000).then(() => null, (err: Error) => err);
    expect(failure?.message).toMatch(/broken\.xml/);
    const outcome = await good.waitUntilFinished(events, 10_000);
    expect(outcome).toMatchObject({ feedId: 'good', itemsKept: 1 });

    // Permanent: one attempt only, although the job allowed three.
    const failed = await pollQueue.getJob(broken.id!);
    expect(failed?.attemptsMade).toBe(1);
    const line = memory.find((l) => l.feedId === 'broken' && l.level === 50);
    expect(line).toBeDefined();
    expect(line).toMatchObject({ url: server.url('/broken.xml'), permanent: true });
    expect(String(line?.msg)).toMatch(/poll: failed \(not retried\)/);
    expect(memory.find((l) => l.feedId === 'good' && l.msg === 'poll: done')).toMatchObject({ itemsKept: 1 });
    expect(await storeQueue.count()).toBe(1);
  } finally {
    await close();
  }
});

it('rejects a job for a feed that is not in the watchlist, naming the file', async () => {
  const { file } = await writeWatchlist(dir, []);
  const { memory, pollQueue, storeQueue, events, close } = await startPollRole(t, file);
  try {
    const job = await pollQueue.add('poll', { feedId: 'ghost' });
    const err = await job.waitUntilFinished(events, 10_000).then(() => null, (e: Error) => e);
    expect(err?.message).toContain('"ghost" is not in the watchlist');
    expect(err?.message).toContain(file);
  } finally {
    await close();
  }
});

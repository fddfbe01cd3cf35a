/**
 * A success is written in one round trip and never read back: the state the poll goes on with
 * (stateAfterSuccess) must be what Redis then holds.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FeedStates, stateAfterSuccess, type SuccessRecord } from '../../src/pipeline/feed-state.js';
import { openTestRedis, type TestRedis } from '../support/redis.js';

let t: TestRedis;
beforeEach(async () => { t = await openTestRedis(); });
afterEach(async () => { await t.cleanup(); });

const fetched: SuccessRecord = {
  url: 'https://exemple.fr/flux.xml', httpStatus: 200, outcome: 'fetched', etag: '"v2"', lastModified: null, bodyHash: 'ab12',
  durationMs: 41.6, itemsSeen: 20, itemsNew: 3, itemsKept: 2, duplicates: 1,
};

it('leaves in Redis the state stateAfterSuccess derives, schedule fields included', async () => {
  const states = new FeedStates(t.redis, t.keys);
  await states.recordFailure('a', { url: fetched.url, httpStatus: 503, message: 'fetch: 503', code: 'HTTP_503', durationMs: 12 }, new Date('2026-11-30T10:00:00Z'));
  await states.recordSuccess('a', { ...fetched, etag: '"v1"', lastModified: 'Mon, 30 Nov 2026 09:00:00 GMT', itemsKept: 1 }, new Date('2026-11-30T10:01:00Z'));
  await states.update('a', { failedPolls: 2, health: 'failing', nextPollAt: '2026-11-30T10:05:00.000Z' });
  const before = await states.get('a');
  const now = new Date('2026-11-30T10:10:00Z');
  const schedule = { failedPolls: 0, disabled: false, nextPollAt: '2026-11-30T10:25:00.000Z', effectiveIntervalMs: 900_000, health: 'ok' as const, healthSince: now.toISOString(), ttlMs: null };
  await states.recordSuccess('a', fetched, now, schedule);
  const after = await states.get('a');
  expect(after).toEqual({ ...stateAfterSuccess(before, fetched, now), ...schedule });
  expect(after).toMatchObject({ consecutiveFailures: 0, lastError: null, etag: '"v2"', lastModified: null, totalKept: 3, lastDurationMs: 42 });
});

it('keeps the validators on a 304 and counts nothing kept', async () => {
  const states = new FeedStates(t.redis, t.keys);
  await states.recordSuccess('a', fetched, new Date('2026-11-30T10:00:00Z'));
  const before = await states.get('a');
  const now = new Date('2026-11-30T10:15:00Z');
  const notModified: SuccessRecord = { url: fetched.url, httpStatus: 304, outcome: 'not-modified', durationMs: 3, itemsSeen: 0, itemsNew: 0, itemsKept: 0, duplicates: 0 };
  await states.recordSuccess('a', notModified, now);
  const after = await states.get('a');
  expect(after).toEqual(stateAfterSuccess(before, notModified, now));
  expect(after).toMatchObject({ etag: '"v2"', bodyHash: 'ab12', lastOutcome: 'not-modified', totalKept: 2 });
});

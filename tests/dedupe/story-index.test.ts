/** The story index on real Redis: exact and near duplicates, atomic claims, stored status, expiry layout. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { StoryIndex } from '../../src/dedupe/story-index.js';
import type { Fingerprint } from '../../src/dedupe/simhash.js';
import { openTestRedis, type TestRedis } from '../support/redis.js';

let t: TestRedis;
beforeEach(async () => { t = await openTestRedis(); });
afterEach(async () => { await t.cleanup(); });

const DAY = 86_400_000;
const fp = (hi: number, lo: number): Fingerprint => ({ hi: hi >>> 0, lo: lo >>> 0 });
const id = (n: number) => n.toString(16).padStart(24, '0');

it('claims a new story once, then finds exact and near duplicates within 3 bits in any block', async () => {
  const index = new StoryIndex(t.redis, t.keys, 30 * DAY, 3);
  const base = fp(0x12345678, 0x9abcdef0);
  expect(await index.claim([{ articleId: id(1), fingerprint: base }])).toEqual([{ kind: 'new', articleId: id(1) }]);
  expect(await index.claim([{ articleId: id(1), fingerprint: base }])).toEqual([{ kind: 'duplicate', articleId: id(1), stored: false }]);
  // Three bits flipped, one in each of three blocks: only the fourth block still matches exactly.
  const near = fp(0x12345678 ^ 0x00010001, 0x9abcdef0 ^ 0x00010000);
  expect(await index.claim([{ articleId: id(2), fingerprint: near }])).toEqual([{ kind: 'near-duplicate', articleId: id(1), distance: 3, stored: false }]);
  // Four bits away: a different story, claimed as new.
  const far = fp(0x12345678 ^ 0x00010001, 0x9abcdef0 ^ 0x00010001);
  expect(await index.claim([{ articleId: id(3), fingerprint: far }])).toEqual([{ kind: 'new', articleId: id(3) }]);
});

it('is atomic: the same story claimed by many concurrent callers is new exactly once', async () => {
  const story = { articleId: id(7), fingerprint: fp(0xdeadbeef, 0x01020304) };
  const clients = Array.from({ length: 8 }, () => t.redis.duplicate());
  try {
    const results = await Promise.all(clients.map((c) => new StoryIndex(c, t.keys, 30 * DAY, 3).claim([story])));
    expect(results.flat().filter((m) => m.kind === 'new')).toHaveLength(1);
    expect(results.flat().filter((m) => m.kind === 'duplicate')).toHaveLength(7);
  } finally {
    await Promise.all(clients.map((c) => c.quit()));
  }
});

it('checks a batch in order: a later item sees an earlier one of the same call', async () => {
  const index = new StoryIndex(t.redis, t.keys, 30 * DAY, 3);
  const a = { articleId: id(10), fingerprint: fp(0xaaaa0000, 0x0000aaaa) };
  const b = { articleId: id(11), fingerprint: fp(0xaaaa0001, 0x0000aaaa) };
  const matches = await index.claim([a, b, a]);
  expect(matches).toEqual([
    { kind: 'new', articleId: id(10) },
    { kind: 'near-duplicate', articleId: id(10), distance: 1, stored: false },
    { kind: 'duplicate', articleId: id(10), stored: false },
  ]);
});

it('records the stored status, and near-duplicate distance 0 is honoured when disabled above it', async () => {
  const index = new StoryIndex(t.redis, t.keys, 30 * DAY, 0);
  const story = { articleId: id(20), fingerprint: fp(1, 2) };
  await index.claim([story]);
  expect(await index.markStored(story)).toBe(true);
  expect(await index.claim([story])).toEqual([{ kind: 'duplicate', articleId: id(20), stored: true }]);
  expect(await index.claim([{ articleId: id(21), fingerprint: fp(1, 3) }])).toEqual([{ kind: 'new', articleId: id(21) }]);
  expect(await index.markStored({ articleId: id(99), fingerprint: fp(5, 5) })).toBe(false);
});

it('forgets stories once their weekly buckets fall out of the retention window', async () => {
  const index = new StoryIndex(t.redis, t.keys, 7 * DAY, 3);
  const story = { articleId: id(30), fingerprint: fp(0x0f0f0f0f, 0xf0f0f0f0) };
  const start = Date.UTC(2026, 0, 5);
  await index.claim([story], start);
  expect((await index.claim([story], start + 8 * DAY))[0]?.kind).toBe('duplicate');
  expect((await index.claim([story], start + 15 * DAY))[0]?.kind).toBe('new');
  const keys = await t.redis.keys(`${t.keys.root}:nd:*`);
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) expect(await t.redis.ttl(key)).toBeGreaterThan(7 * 86_400);
});

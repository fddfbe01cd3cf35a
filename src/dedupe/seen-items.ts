/**
 * Per-feed memory of the items already processed, so a feed that re-lists the same fifty items
 * every poll costs one Redis round trip, not fifty evaluations, and an edited item is recognised
 * as an update of the article it produced.
 *
 * Layout: one hash per feed and week, `<prefix>:seen:<feed>:<week>`, field = 8 bytes of
 * SHA-256(guid), value = 4-byte hash, followed by the 12-byte article id when the item was kept.
 * The hash of a kept item is its text hash (cosmetic edits do not make an update), that of any
 * other item its listing hash (content-hash.ts). Buckets expire whole after the retention window;
 * an item still listed is copied forward.
 */
import { createHash } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Keyspace } from '../queues/keyspace.js';
import { bucketTtlSeconds, weekOf, weeksFor } from './week.js';

export interface SeenItem {
  textHash: string;
  /** The article the item was kept as, when it was kept. */
  articleId: string | null;
  /** True when found only in an older week's bucket (it must be copied forward). */
  stale: boolean;
}

export interface RememberedItem {
  guid: string;
  textHash: string;
  articleId: string | null;
}

function fieldOf(guid: string): Buffer {
  return createHash('sha256').update(guid).digest().subarray(0, 8);
}

function valueOf(item: RememberedItem): Buffer {
  const text = Buffer.from(item.textHash, 'hex');
  return item.articleId ? Buffer.concat([text, Buffer.from(item.articleId, 'hex')]) : text;
}

export class SeenItems {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly retentionMs: number,
  ) {}

  private bucket(feedId: string, week: number): string {
    return `${this.keys.seenItems(feedId)}:${week}`;
  }

  /**
   * Looks every guid up in one round trip. `firstPoll` is true when the feed has no memory at
   * all (never polled, or silent for longer than the retention window).
   */
  async lookup(feedId: string, guids: string[], now = Date.now()): Promise<{ firstPoll: boolean; items: (SeenItem | null)[] }> {
    const current = weekOf(now);
    const weeks = Array.from({ length: weeksFor(this.retentionMs) }, (_, i) => current - i);
    const fields = guids.map(fieldOf);
    const pipeline = this.redis.pipeline();
    for (const week of weeks) {
      pipeline.exists(this.bucket(feedId, week));
      if (fields.length > 0) pipeline.hmgetBuffer(this.bucket(feedId, week), ...fields);
    }
    const replies = (await pipeline.exec()) ?? [];
    let anyBucket = false;
    const items: (SeenItem | null)[] = guids.map(() => null);
    let reply = 0;
    weeks.forEach((week, w) => {
      const [existsErr, exists] = replies[reply++] ?? [];
      if (existsErr) throw existsErr;
      if (Number(exists) === 1) anyBucket = true;
      if (fields.length === 0) return;
      const [err, values] = replies[reply++] ?? [];
      if (err) throw err;
      (values as (Buffer | null)[]).forEach((value, i) => {
        if (value === null || items[i] !== null) return;
        items[i] = {
          textHash: value.subarray(0, 4).toString('hex'),
          articleId: value.length >= 16 ? value.subarray(4, 16).toString('hex') : null,
          stale: w > 0 && week !== current,
        };
      });
    });
    return { firstPoll: !anyBucket, items };
  }

  /** Writes items into this week's bucket (new, changed, or copied forward from an older week). */
  async remember(feedId: string, items: RememberedItem[], now = Date.now()): Promise<void> {
    if (items.length === 0) return;
    const tx = this.redis.multi();
    this.rememberIn(tx, feedId, items, now);
    await tx.exec();
  }

  /** The same write, added to a transaction the caller sends (the poll's record). */
  rememberIn(tx: ChainableCommander, feedId: string, items: RememberedItem[], now = Date.now()): void {
    if (items.length === 0) return;
    const key = this.bucket(feedId, weekOf(now));
    tx.hset(key, ...items.flatMap((item) => [fieldOf(item.guid), valueOf(item)])).expire(key, bucketTtlSeconds(this.retentionMs));
  }
}

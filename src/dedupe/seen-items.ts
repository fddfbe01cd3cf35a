/**
 * Per-feed memory of the items already processed, so a feed that re-lists the same fifty items
 * every poll costs two Redis round trips, not fifty evaluations. One sorted set per feed:
 * member = short hash of the guid (and of the URL), score = when it was last listed; entries
 * older than the retention window are trimmed on each poll.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Article } from '../feeds/article.js';
import type { Keyspace } from '../queues/keyspace.js';

/** 12 bytes of SHA-256, base64url: 16 characters, collision-free at any realistic feed size. */
function member(kind: 'g' | 'u', value: string): string {
  return createHash('sha256').update(`${kind}:${value}`).digest().subarray(0, 12).toString('base64url');
}

function membersOf(article: Pick<Article, 'guid' | 'url'>): string[] {
  const members = [member('g', article.guid)];
  if (article.url.length > 0 && article.url !== article.guid) members.push(member('u', article.url));
  return members;
}

export class SeenItems {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly retentionMs: number,
  ) {}

  /** True when the feed has been polled successfully before (its first poll is treated differently). */
  async hasHistory(feedId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.seenItems(feedId))) === 1;
  }

  /** Splits articles into those never seen on this feed (by guid or URL) and the count already seen. */
  async partition<T extends Pick<Article, 'guid' | 'url'>>(feedId: string, articles: T[]): Promise<{ unseen: T[]; seen: number }> {
    if (articles.length === 0) return { unseen: [], seen: 0 };
    const perArticle = articles.map(membersOf);
    const scores = await this.redis.zmscore(this.keys.seenItems(feedId), ...perArticle.flat());
    const unseen: T[] = [];
    let cursor = 0;
    articles.forEach((article, index) => {
      const count = (perArticle[index] as string[]).length;
      const known = scores.slice(cursor, cursor + count).some((score) => score !== null);
      cursor += count;
      if (!known) unseen.push(article);
    });
    return { unseen, seen: articles.length - unseen.length };
  }

  /** Records the articles as seen now, trims what fell out of the retention window. */
  async remember(feedId: string, articles: Pick<Article, 'guid' | 'url'>[], now = Date.now()): Promise<void> {
    const key = this.keys.seenItems(feedId);
    const pipeline = this.redis.multi();
    const members = articles.flatMap(membersOf);
    if (members.length > 0) pipeline.zadd(key, ...members.flatMap((m) => [now, m]));
    else pipeline.zadd(key, 'NX', 0, '~'); // keeps the key (history marker) for an empty feed
    pipeline.zremrangebyscore(key, 1, now - this.retentionMs);
    pipeline.pexpire(key, this.retentionMs);
    await pipeline.exec();
  }

  async forget(feedId: string): Promise<void> {
    await this.redis.unlink(this.keys.seenItems(feedId));
  }
}

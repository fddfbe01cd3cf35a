/**
 * Cross-feed dedupe: the first feed to keep an article claims its content hash with one atomic
 * SET NX; every later listing of the same text, on any feed and any process, finds the claim.
 * Claims expire with the retention window. These keys are Veille's own: a BullMQ job id stops
 * deduplicating once the job is removed.
 */
import type { Redis } from 'ioredis';
import type { Keyspace } from '../queues/keyspace.js';

export class ContentClaims {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly retentionMs: number,
  ) {}

  /** Claims each hash for `owner`; returns, per hash, true when this call won it. One round trip. */
  async claim(hashes: string[], owner: string): Promise<boolean[]> {
    if (hashes.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const hash of hashes) pipeline.set(this.keys.contentClaim(hash), owner, 'PX', this.retentionMs, 'NX');
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, reply]) => {
      if (err) throw err;
      return reply === 'OK';
    });
  }

  /** Gives claims back, when the articles they were claimed for could not be queued for storage. */
  async release(hashes: string[]): Promise<void> {
    if (hashes.length > 0) await this.redis.unlink(...hashes.map((h) => this.keys.contentClaim(h)));
  }

  /** Who claimed each hash (a feed id), or null; one round trip. */
  async ownersOf(hashes: string[]): Promise<(string | null)[]> {
    if (hashes.length === 0) return [];
    return this.redis.mget(...hashes.map((h) => this.keys.contentClaim(h)));
  }
}

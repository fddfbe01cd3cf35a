/**
 * The cross-feed story index in Redis: every kept article's SimHash fingerprint and id, looked
 * up with the banding scheme of Manku et al. (2007) — four 16-bit blocks, so any fingerprint
 * within Hamming distance 3 shares at least one block exactly. One Lua call per batch checks
 * and claims atomically: the same story polled by two workers at once is kept by exactly one.
 *
 * Layout (weekly buckets that expire whole; small hashes stay listpack-encoded):
 *   <prefix>:nd:<band>:<week>:<high byte of block>  field = low byte of block
 *   band 0 value: records of 19 bytes = the 6 other fingerprint bytes + article id (12) + status (1)
 *   bands 1-3 value: records of 6 bytes = the 6 other fingerprint bytes
 * Status is 'p' (claimed, storage pending) or 's' (stored): a pending claim whose storage job
 * is gone (a crash between claim and enqueue) is recovered by the next sighting.
 */
import type { Redis } from 'ioredis';
import type { Keyspace } from '../queues/keyspace.js';
import { fingerprintBytes, type Fingerprint } from './simhash.js';
import { bucketTtlSeconds, weekOf, weeksFor } from './week.js';

const CLAIM_LUA = `
local base = ARGV[1]
local week = tonumber(ARGV[2])
local weeks = tonumber(ARGV[3])
local maxd = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
local pop = {}
for i = 0, 255 do
  local c, x = 0, i
  while x > 0 do c = c + (x % 2); x = math.floor(x / 2) end
  pop[i] = c
end
local function distance(a, b)
  local d = 0
  for i = 1, 8 do d = d + pop[bit.bxor(string.byte(a, i), string.byte(b, i))] end
  return d
end
local function bucket(band, w, fp)
  return base .. band .. ':' .. w .. ':' .. string.byte(fp, 2 * band + 1), string.sub(fp, 2 * band + 2, 2 * band + 2)
end
local function rest(fp, band)
  return string.sub(fp, 1, 2 * band) .. string.sub(fp, 2 * band + 3, 8)
end
local function whole(r, fp, band)
  return string.sub(r, 1, 2 * band) .. string.sub(fp, 2 * band + 1, 2 * band + 2) .. string.sub(r, 2 * band + 1, 6)
end
-- The id and status of an indexed fingerprint, from its band-0 record.
local function owner(fp, w)
  local key, field = bucket(0, w, fp)
  local v = redis.call('HGET', key, field)
  if not v then return nil end
  local r = rest(fp, 0)
  for off = 1, #v, 19 do
    if string.sub(v, off, off + 5) == r then return string.sub(v, off + 6, off + 17), string.sub(v, off + 18, off + 18) end
  end
  return nil
end
local out = {}
for i = 6, #ARGV, 2 do
  local fp, id = ARGV[i], ARGV[i + 1]
  local kind, bestId, bestD, bestSt = 0, id, 99, 'p'
  for w = week, week - weeks + 1, -1 do
    for band = 0, 3 do
      local key, field = bucket(band, w, fp)
      local v = redis.call('HGET', key, field)
      if v then
        local size = (band == 0) and 19 or 6
        for off = 1, #v, size do
          local cand = whole(string.sub(v, off, off + 5), fp, band)
          local d = distance(fp, cand)
          if band == 0 and d == 0 and string.sub(v, off + 6, off + 17) == id then
            kind, bestId, bestD, bestSt = 1, id, 0, string.sub(v, off + 18, off + 18)
          elseif kind ~= 1 and d <= maxd and d < bestD then
            local cid, st
            if band == 0 then cid, st = string.sub(v, off + 6, off + 17), string.sub(v, off + 18, off + 18)
            else cid, st = owner(cand, w) end
            if cid then kind, bestId, bestD, bestSt = 2, cid, d, st end
          end
        end
      end
      if kind == 1 then break end
    end
    if kind == 1 then break end
  end
  if kind == 0 then
    for band = 0, 3 do
      local key, field = bucket(band, week, fp)
      local record = rest(fp, band)
      if band == 0 then record = record .. id .. 'p' end
      local v = redis.call('HGET', key, field)
      redis.call('HSET', key, field, (v or '') .. record)
      redis.call('EXPIRE', key, ttl)
    end
    bestD = 0
  end
  table.insert(out, kind)
  table.insert(out, bestId)
  table.insert(out, bestD)
  table.insert(out, bestSt)
end
return out
`;

const MARK_LUA = `
local base, week, weeks, fp, id, status = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
local r = string.sub(fp, 3, 8)
for w = week, week - weeks + 1, -1 do
  local key = base .. '0:' .. w .. ':' .. string.byte(fp, 1)
  local field = string.sub(fp, 2, 2)
  local v = redis.call('HGET', key, field)
  if v then
    for off = 1, #v, 19 do
      if string.sub(v, off, off + 5) == r and string.sub(v, off + 6, off + 17) == id then
        redis.call('HSET', key, field, string.sub(v, 1, off + 17) .. status .. string.sub(v, off + 19))
        return 1
      end
    end
  end
end
return 0
`;

export type StoryMatch =
  | { kind: 'new'; articleId: string }
  | { kind: 'duplicate'; articleId: string; stored: boolean }
  | { kind: 'near-duplicate'; articleId: string; distance: number; stored: boolean };

export interface StoryCandidate {
  articleId: string;
  fingerprint: Fingerprint;
}

type ClaimReply = (Buffer | number)[];
type ScriptCall = (...args: (string | number | Buffer)[]) => Promise<unknown>;

/** Registers the scripts once per connection (EVALSHA, with ioredis's EVAL fallback) and returns their Buffer-replying callers. */
function scriptsOf(redis: Redis): { claim: ScriptCall; mark: ScriptCall } {
  const commands = redis as unknown as Record<string, ScriptCall | undefined>;
  if (!commands.veilleStoryClaimBuffer) {
    // One declared key (the index's base, same hash tag as every bucket) routes the script to the
    // node that owns the deployment's slot on Redis Cluster; the buckets it touches are derived.
    redis.defineCommand('veilleStoryClaim', { numberOfKeys: 1, lua: CLAIM_LUA });
    redis.defineCommand('veilleStoryMark', { numberOfKeys: 1, lua: MARK_LUA });
  }
  return {
    claim: (...args) => (commands.veilleStoryClaimBuffer as ScriptCall).apply(redis, args),
    mark: (...args) => (commands.veilleStoryMarkBuffer as ScriptCall).apply(redis, args),
  };
}

export class StoryIndex {
  private readonly base: string;

  constructor(
    private readonly redis: Redis,
    keys: Keyspace,
    private readonly retentionMs: number,
    private readonly maxDistance: number,
  ) {
    this.base = `${keys.root}:nd:`;
  }

  /**
   * For each candidate, in order: a new story (now claimed, storage pending), an exact duplicate
   * of a kept article (same id), or a near-duplicate within `maxDistance` bits. Atomic per call.
   */
  async claim(candidates: StoryCandidate[], now = Date.now()): Promise<StoryMatch[]> {
    if (candidates.length === 0) return [];
    const args: (string | number | Buffer)[] = [this.base, weekOf(now), weeksFor(this.retentionMs), this.maxDistance, bucketTtlSeconds(this.retentionMs)];
    for (const c of candidates) args.push(fingerprintBytes(c.fingerprint), Buffer.from(c.articleId, 'hex'));
    const reply = (await scriptsOf(this.redis).claim(this.base, ...args)) as ClaimReply;
    const matches: StoryMatch[] = [];
    for (let i = 0; i < reply.length; i += 4) {
      const kind = Number(reply[i]);
      const articleId = (reply[i + 1] as Buffer).toString('hex');
      const distance = Number(reply[i + 2]);
      const stored = (reply[i + 3] as Buffer).toString() === 's';
      if (kind === 0) matches.push({ kind: 'new', articleId });
      else if (kind === 1) matches.push({ kind: 'duplicate', articleId, stored });
      else matches.push({ kind: 'near-duplicate', articleId, distance, stored });
    }
    return matches;
  }

  /** Records that the article is stored (called by the storage worker after a write). */
  async markStored(candidate: StoryCandidate, now = Date.now()): Promise<boolean> {
    return this.setStatus(candidate, 's', now);
  }

  private async setStatus(candidate: StoryCandidate, status: 's' | 'p', now: number): Promise<boolean> {
    const found = await scriptsOf(this.redis).mark(
      this.base, this.base, weekOf(now), weeksFor(this.retentionMs),
      fingerprintBytes(candidate.fingerprint), Buffer.from(candidate.articleId, 'hex'), status,
    );
    return Number(found) === 1;
  }
}

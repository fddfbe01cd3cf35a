/**
 * The watchlist schema: what `config/watchlist.yaml` may contain, with defaults, checked before
 * anything runs. Topic rules (`topics`, `watches`) are validated by the rules module.
 */
import { z } from 'zod';
import { parseDuration } from './duration.js';

const FEED_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function duration(what: string, minMs = 0) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `${what}: "${value}" is not a duration; write e.g. 90s, 15m, 1h, 7d` });
      return z.NEVER;
    }
    if (ms < minMs) {
      ctx.addIssue({ code: 'custom', message: `${what}: ${value} is too short; the minimum is ${minMs / 1000}s` });
      return z.NEVER;
    }
    return ms;
  });
}

const httpUrl = z.string().refine((value) => {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}, { message: 'expected an absolute http:// or https:// URL' });

const fetchOptions = z.strictObject({
  timeout: duration('timeout', 1_000).optional(),
  maxBodyBytes: z.number().int().min(1024, 'maxBodyBytes must be at least 1024').optional(),
  userAgent: z.string().min(1).optional(),
});

const feedSchema = z.strictObject({
  id: z.string().regex(FEED_ID, 'feed ids are 1-64 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit'),
  url: httpUrl,
  name: z.string().optional(),
  interval: duration('interval', 1_000).optional(),
  enabled: z.boolean().default(true),
  firstPollMaxAge: duration('firstPollMaxAge').optional(),
  fetch: fetchOptions.optional(),
});

const sinkSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ndjson'), path: z.string().min(1).default('data/articles.ndjson') }),
]);

const settingsSchema = z.strictObject({
  userAgent: z.string().min(1).default('Veille/0.1 (news monitoring; French RSS/Atom reader)'),
  defaultInterval: duration('defaultInterval', 1_000).default(900_000),
  fetch: z.strictObject({
    timeout: duration('timeout', 1_000).default(20_000),
    maxBodyBytes: z.number().int().min(1024).default(15 * 1024 * 1024),
  }).prefault({}),
  firstPollMaxAge: duration('firstPollMaxAge').default(7 * 86_400_000),
  dedupeRetention: duration('dedupeRetention', 60_000).default(30 * 86_400_000),
  sink: sinkSchema.prefault({ type: 'ndjson' }),
  concurrency: z.strictObject({
    poll: z.number().int().min(1).max(256).default(8),
    store: z.number().int().min(1).max(64).default(2),
  }).prefault({}),
  jobs: z.strictObject({
    attempts: z.number().int().min(1).max(20).default(3),
    backoff: duration('backoff', 100).default(10_000),
  }).prefault({}),
}).prefault({});

export const watchlistSchema = z.strictObject({
  settings: settingsSchema,
  feeds: z.array(feedSchema).default([]).superRefine((feeds, ctx) => {
    const seen = new Map<string, number>();
    feeds.forEach((feed, index) => {
      const first = seen.get(feed.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate feed id "${feed.id}" (also feeds[${first}]); ids must be unique` });
      } else seen.set(feed.id, index);
    });
  }),
  // Validated by the rules module (src/rules/parse-rules.ts).
  topics: z.unknown().optional(),
  watches: z.unknown().optional(),
});

export type WatchlistInput = z.input<typeof watchlistSchema>;
export type WatchlistData = z.output<typeof watchlistSchema>;
export type Settings = WatchlistData['settings'];
export type FeedConfig = WatchlistData['feeds'][number];

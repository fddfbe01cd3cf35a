/**
 * The watchlist schema: what `config/watchlist.yaml` may contain, with defaults, checked before
 * anything runs. Topic rules (`topics`, `watches`) are validated by the rules module.
 */
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { isCidr } from '../fulltext/ip-ranges.js';

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
  connectTimeout: duration('connectTimeout', 100).optional(),
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
  /** Fetch the article page when the feed's text is not enough to decide (docs/fetching.md); default settings.fullText.mode. */
  fullText: z.enum(['auto', 'always', 'never']).optional(),
  /** Poll as often as the feed publishes, between settings.schedule.minInterval and maxInterval; default settings.schedule.adaptive. */
  adaptiveInterval: z.boolean().optional(),
});

/** PostgreSQL URL: settings.sink.url, else $DATABASE_URL, else a local database named veille (docs/storage.md). */
const DEFAULT_DATABASE_URL = 'postgres://127.0.0.1:5432/veille';
const isPostgresUrl = (value: string): boolean => {
  try {
    const { protocol, hostname, pathname } = new URL(value);
    return (protocol === 'postgres:' || protocol === 'postgresql:') && (hostname.length > 0 || pathname.length > 1);
  } catch {
    return false;
  }
};

const postgresSinkSchema = z.strictObject({
  type: z.literal('postgres'),
  url: z.string().min(1).optional(),
  /** Tables live in this schema, created and migrated by the store role itself. */
  schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'schema: lower-case letters, digits and "_", starting with a letter or "_", at most 63 characters').default('veille'),
  /** While PostgreSQL is down, storage jobs wait this long before the next try, doubling up to max. */
  retry: z.strictObject({
    initial: duration('initial', 10).default(1_000),
    max: duration('max', 10).default(60_000),
  }).prefault({}),
  /** Bound on opening one connection: a host that does not answer counts as down after this. */
  connectTimeout: duration('connectTimeout', 100).default(5_000),
}).transform((sink, ctx) => {
  const fromEnv = sink.url === undefined && process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '';
  const url = sink.url ?? (fromEnv ? process.env.DATABASE_URL as string : DEFAULT_DATABASE_URL);
  if (!isPostgresUrl(url)) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: `${fromEnv ? '$DATABASE_URL' : 'url'}: expected a PostgreSQL URL such as postgres://user:password@host:5432/veille` });
    return z.NEVER;
  }
  if (sink.retry.max < sink.retry.initial) {
    ctx.addIssue({ code: 'custom', path: ['retry', 'max'], message: `retry.max must be at least retry.initial` });
    return z.NEVER;
  }
  return { ...sink, url };
});

const sinkSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ndjson'), path: z.string().min(1).default('data/articles.ndjson') }),
  postgresSinkSchema,
]);

export const WEBHOOK_EVENTS = ['article.kept', 'feed.failing', 'feed.silent', 'feed.recovered'] as const;

const webhookSchema = z.strictObject({
  url: httpUrl,
  events: z.array(z.enum(WEBHOOK_EVENTS, { message: `expected one of ${WEBHOOK_EVENTS.join(', ')}` })).min(1, `name at least one event: ${WEBHOOK_EVENTS.join(', ')}`),
  /** Signs each body: header X-Veille-Signature-256: sha256=<HMAC-SHA256 hex>. */
  secret: z.string().min(1).optional(),
  /** Bound on one delivery attempt, connect to last byte. */
  timeout: duration('timeout', 100).default(10_000),
});

const settingsSchema = z.strictObject({
  userAgent: z.string().min(1).default('Veille/0.1 (news monitoring; French RSS/Atom reader)'),
  defaultInterval: duration('defaultInterval', 1_000).default(900_000),
  fetch: z.strictObject({
    timeout: duration('timeout', 1_000).default(20_000),
    /** DNS lookup, TCP and TLS handshakes: a server that does not accept fails fast, not after the whole timeout. */
    connectTimeout: duration('connectTimeout', 100).default(10_000),
    maxBodyBytes: z.number().int().min(1024).default(15 * 1024 * 1024),
  }).prefault({}),
  firstPollMaxAge: duration('firstPollMaxAge').default(7 * 86_400_000),
  dedupeRetention: duration('dedupeRetention', 60_000).default(30 * 86_400_000),
  dedupe: z.strictObject({
    // Largest SimHash distance (bits of 64) at which two texts are the same story; 0 turns near-duplicate detection off.
    nearDuplicateDistance: z.number().int().min(0, 'nearDuplicateDistance is 0 (off) to 3').max(3, 'nearDuplicateDistance is 0 (off) to 3: the index finds distances up to 3').default(3),
  }).prefault({}),
  sink: sinkSchema.prefault({ type: 'ndjson' }),
  concurrency: z.strictObject({
    poll: z.number().int().min(1).max(256).default(8),
    store: z.number().int().min(1).max(64).default(2),
  }).prefault({}),
  jobs: z.strictObject({
    attempts: z.number().int().min(1).max(20).default(3),
    backoff: duration('backoff', 100).default(10_000),
    /** Cap on one retry's delay (Retry-After longer than this ends the retries; the next scheduled poll waits for it). */
    maxBackoff: duration('maxBackoff', 100).default(600_000),
    /** Fraction of each retry delay drawn at random, so failed polls of one host do not retry in step. */
    jitter: z.number().min(0).max(1).default(0.2),
    /**
     * A job's lock, renewed every half of it while its worker lives: the job of a worker that died
     * (kill -9, lost host) is run again by another worker after at most about twice this.
     */
    lockDuration: duration('lockDuration', 1_000).default(30_000),
  }).prefault({}),
  // Fetching politely: docs/fetching.md.
  politeness: z.strictObject({
    /** Requests in flight to one host, across every worker process (Redis-backed). */
    maxInFlightPerHost: z.number().int().min(1).max(64).default(2),
    /** Minimum time between the starts of two requests to one host. */
    minSpacing: duration('minSpacing').default(1_000),
    /** How long a request waits for its host's turn before giving up (a transient error). */
    maxWait: duration('maxWait', 100).default(60_000),
  }).prefault({}),
  schedule: z.strictObject({
    /** A failing feed's interval doubles on each failed poll (its retries count once), up to this. */
    maxFailureInterval: duration('maxFailureInterval', 1_000).default(6 * 3_600_000),
    /** Adaptive interval for every feed (feeds[].adaptiveInterval overrides). */
    adaptive: z.boolean().default(false),
    minInterval: duration('minInterval', 1_000).default(5 * 60_000),
    maxInterval: duration('maxInterval', 1_000).default(6 * 3_600_000),
    /** A feed is "silent" after publishing nothing for silentFactor × its usual gap between items (and at least silentMin). */
    silentFactor: z.number().min(1).default(5),
    silentMin: duration('silentMin').default(2 * 86_400_000),
  }).prefault({}),
  fullText: z.strictObject({
    mode: z.enum(['auto', 'always', 'never']).default('auto'),
    /** Per page; a poll spends at most maxPerPoll × timeout on pages. */
    timeout: duration('timeout', 1_000).default(10_000),
    maxBodyBytes: z.number().int().min(1024).default(5 * 1024 * 1024),
    /** Article pages fetched per poll at most; the rest are decided on the feed's text. */
    maxPerPoll: z.number().int().min(0).max(200).default(10),
  }).prefault({}),
  network: z.strictObject({
    /** Article links come from third parties: loopback, private, link-local and metadata addresses are refused unless listed here (CIDR, e.g. 127.0.0.1/32). */
    allowRanges: z.array(z.string().refine(isCidr, { message: 'expected an IP range in CIDR notation, e.g. 10.0.0.0/8 or 127.0.0.1/32' })).default([]),
  }).prefault({}),
  // The HTTP server of `veille start --http` (docs/operations.md).
  http: z.strictObject({
    /** Needed to trigger polls and open the queue dashboard, and to bind beyond loopback. */
    token: z.string().min(16, 'http.token: use at least 16 characters, e.g. the output of `openssl rand -hex 32`').optional(),
  }).prefault({}),
  // Notifications: one POST per event to each webhook subscribed to it (docs/operations.md).
  webhooks: z.array(webhookSchema).default([]).superRefine((hooks, ctx) => {
    const seen = new Map<string, number>();
    hooks.forEach((hook, index) => {
      const first = seen.get(hook.url);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: [index, 'url'], message: `webhook ${hook.url} is listed twice (also webhooks[${first}]); list all its events in one entry` });
      } else seen.set(hook.url, index);
    });
  }),
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
export type WebhookConfig = Settings['webhooks'][number];
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * The poll orchestrator: one feed, one poll. Fetch (conditional, polite) → decode → parse →
 * process the articles (process-articles.ts) → record the feed's state: validators, health,
 * and when it is next due (src/politeness/poll-schedule.ts). The daemon's poll worker,
 * `veille trigger` and `npm run demo` all run this function.
 */
import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { ChainableCommander, Redis } from 'ioredis';
import type { FeedSource } from '../config/watchlist.js';
import type { Settings } from '../config/schema.js';
import { fetchFeed, type FetchFeedResult } from '../feeds/fetch-feed.js';
import { decodeFeedBody } from '../feeds/decode-feed.js';
import { parseFeed } from '../feeds/parse-feed.js';
import { FeedError, HttpStatusError } from '../feeds/errors.js';
import { classifyHealth, estimateItemsPerDay, newestItemAt, type FeedHealth } from '../feeds/feed-health.js';
import type { RuleSet } from '../rules/rule-set.js';
import type { StoreJobData } from '../queues/queues.js';
import { processArticles, type FullTextFetcher } from './process-articles.js';
import type { Keyspace } from '../queues/keyspace.js';
import { FeedStates, stateAfterSuccess, type FeedState, type ScheduleFields, type SuccessRecord } from './feed-state.js';
import { leaseFor, type HostLimiter, type HostSlot } from '../politeness/host-limiter.js';
import { computePollInterval } from '../politeness/poll-schedule.js';
import type { Logger } from '../logging/logger.js';

export interface PollDeps {
  redis: Redis;
  keys: Keyspace;
  settings: Settings;
  ruleSet: RuleSet;
  storeQueue: Queue<StoreJobData>;
  log: Logger;
  now?: () => Date;
  /** Fetches an article's page when its feed text is not enough to decide (see FullTextFetcher). */
  fullText?: FullTextFetcher;
  /** Per-host politeness shared by every worker (src/politeness/host-limiter.ts); none: no limit. */
  hosts?: HostLimiter;
  /** Aborts the fetch (shutdown). */
  signal?: AbortSignal;
  /** Which attempt of its job this poll is (1 = first); retries do not count as new failed polls. */
  attempt?: number;
  /** The feed's state, when the caller has just read it (the poll worker, to decide a tick is due). */
  state?: FeedState;
  /** A slot on the feed URL's host that the caller took with that read (see readStateAndSlot). */
  slot?: HostSlot | null;
}

/**
 * Reads the feed's state and makes a first attempt at a slot on its URL's host, in one round
 * trip: a poll needs both before its request. The slot is null when the host was busy (the fetch
 * then waits for one) or politeness is off.
 */
export async function readStateAndSlot(feed: FeedSource, deps: Pick<PollDeps, 'redis' | 'keys' | 'hosts'>): Promise<{ state: FeedState; slot: HostSlot | null }> {
  const pipeline = deps.redis.pipeline();
  const readState = new FeedStates(deps.redis, deps.keys).getIn(pipeline, feed.id);
  const url = URL.canParse(feed.url) ? new URL(feed.url) : null;
  const settleSlot = deps.hosts && url ? deps.hosts.attemptIn(pipeline, url, leaseFor(feed.timeoutMs)) : null;
  const replies = (await pipeline.exec()) ?? [];
  const slotReply = replies[1];
  const slot = settleSlot && slotReply && slotReply[0] === null ? settleSlot(slotReply[1]) : null;
  try {
    return { state: readState(replies[0]), slot };
  } catch (err) {
    void slot?.().catch(() => undefined);
    throw err;
  }
}

export type { KeptSummary, DuplicateSummary, UpdateSummary } from './process-articles.js';
import type { KeptSummary, DuplicateSummary, UpdateSummary } from './process-articles.js';

export interface PollOutcome {
  feedId: string;
  url: string;
  httpStatus: number;
  /** 'not-modified': the server said 304; 'unchanged': same bytes as last time (server ignores validators). */
  fetch: 'fetched' | 'not-modified' | 'unchanged';
  firstPoll: boolean;
  itemsSeen: number;
  itemsNew: number;
  itemsKept: number;
  itemsIrrelevant: number;
  itemsTooOld: number;
  duplicates: number;
  kept: KeptSummary[];
  duplicateOf: DuplicateSummary[];
  /** Items Veille kept before whose text the publisher changed: recorded as new versions. */
  itemsUpdated: number;
  updated: UpdateSummary[];
  itemErrors: string[];
  durationMs: number;
  /** The URL actually fetched when the feed moved (301/308); absent otherwise. */
  movedTo?: string;
  /** When the next scheduled poll is due, and why that interval. */
  nextPollAt?: string;
  intervalReason?: string;
  health?: FeedHealth;
}

/** Polls one feed. Throws FeedError (typed: permanent or transient) after recording it on the feed's state. */
export async function pollFeed(feed: FeedSource, deps: PollDeps): Promise<PollOutcome> {
  const started = performance.now();
  const startedAt = Date.now();
  const now = deps.now ?? (() => new Date());
  const states = new FeedStates(deps.redis, deps.keys);
  let { state, slot } = deps.state ? { state: deps.state, slot: deps.slot ?? null } : await readStateAndSlot(feed, deps);
  const sameUrl = state.url === feed.url;
  if (!sameUrl && state.url !== null) {
    await states.resetForNewUrl(feed.id);
    state = await states.get(feed.id);
  }
  const fetchUrl = state.movedTo ?? feed.url;
  const base = { feedId: feed.id, url: feed.url };
  const log = deps.log.child({ feedId: feed.id, url: feed.url });
  // The status of a response whose body then failed (not a feed, unparseable), for `veille status`.
  let answeredStatus: number | null = null;
  try {
    const response = await fetchFeed<HostSlot>({
      url: fetchUrl,
      etag: sameUrl ? state.etag : null,
      lastModified: sameUrl ? state.lastModified : null,
      timeoutMs: feed.timeoutMs,
      connectTimeoutMs: feed.connectTimeoutMs,
      maxBodyBytes: feed.maxBodyBytes,
      userAgent: feed.userAgent,
      ...(deps.hosts ? { acquireHost: (url: URL, signal?: AbortSignal) => deps.hosts!.acquire(url, signal, leaseFor(feed.timeoutMs)) } : {}),
      ...(slot ? { heldHost: slot } : {}),
      keepHost: true,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    // The slot now held, if any: a 304 gives it back with its record; a body, before it is processed.
    slot = response.heldHost ?? null;
    answeredStatus = response.httpStatus;
    const movedTo = noteMove(response, fetchUrl, feed, log);
    const empty = { firstPoll: false, itemsSeen: 0, itemsNew: 0, itemsKept: 0, itemsIrrelevant: 0, itemsTooOld: 0, duplicates: 0, kept: [], duplicateOf: [], itemsUpdated: 0, updated: [], itemErrors: [] };
    // Success: the record, the schedule it leads to and the poll's other writes go in one round trip.
    const succeed = async (record: SuccessRecord, publishedAt: (string | null)[] | null, ttlMs: number | null, also?: (tx: ChainableCommander) => void): Promise<SchedulePlan['outcome']> => {
      const at = now();
      const plan = planSchedule(feed, deps, state, stateAfterSuccess(state, record, at), { ok: true, startedAt, response, movedTo, publishedAt, ttlMs });
      const held = slot;
      slot = null;
      try {
        await states.recordSuccess(feed.id, record, at, plan.fields, (tx) => { held?.releaseIn(tx); also?.(tx); });
      } catch (err) {
        void held?.().catch(() => undefined);
        throw err;
      }
      plan.logChange(log);
      return plan.outcome;
    };
    const quiet = { url: feed.url, itemsSeen: 0, itemsNew: 0, itemsKept: 0, duplicates: 0 };
    if (response.kind === 'not-modified') {
      const durationMs = performance.now() - started;
      const schedule = await succeed({ ...quiet, httpStatus: 304, outcome: 'not-modified', durationMs }, null, state.ttlMs);
      return { ...base, ...empty, httpStatus: 304, fetch: 'not-modified', durationMs, ...schedule, ...(movedTo ? { movedTo } : {}) };
    }
    const bodyHash = createHash('sha256').update(response.body).digest('hex');
    if (sameUrl && bodyHash === state.bodyHash) {
      // Same bytes as last time: nothing can be new, skip the parse (servers that ignore ETag).
      const durationMs = performance.now() - started;
      const schedule = await succeed({ ...quiet, httpStatus: response.httpStatus, outcome: 'unchanged', durationMs }, null, state.ttlMs);
      return { ...base, ...empty, httpStatus: response.httpStatus, fetch: 'unchanged', durationMs, ...schedule, ...(movedTo ? { movedTo } : {}) };
    }
    // Other polls of this host may start while this one decodes and parses.
    void slot?.().catch(() => undefined);
    slot = null;
    const fetchedAt = now().toISOString();
    const { text } = decodeFeedBody(response.body, response.contentType);
    const parsed = await parseFeed(text, { feedId: feed.id, feedUrl: response.finalUrl, fetchedAt });
    const processed = await processArticles(feed, parsed.articles, deps, now());
    const durationMs = performance.now() - started;
    const schedule = await succeed({
      url: feed.url, httpStatus: response.httpStatus, outcome: 'fetched', etag: response.etag, lastModified: response.lastModified,
      bodyHash, durationMs, itemsSeen: parsed.articles.length, itemsNew: processed.itemsNew, itemsKept: processed.kept.length, duplicates: processed.duplicateOf.length,
    }, parsed.articles.map((a) => a.publishedAt), parsed.ttlMs, processed.rememberIn);
    return {
      ...base, httpStatus: response.httpStatus, fetch: 'fetched', firstPoll: processed.firstPoll,
      itemsSeen: parsed.articles.length, itemsNew: processed.itemsNew, itemsKept: processed.kept.length,
      itemsIrrelevant: processed.itemsIrrelevant, itemsTooOld: processed.itemsTooOld, duplicates: processed.duplicateOf.length,
      kept: processed.kept, duplicateOf: processed.duplicateOf, itemsUpdated: processed.updated.length, updated: processed.updated, itemErrors: parsed.itemErrors, durationMs, ...schedule, ...(movedTo ? { movedTo } : {}),
    };
  } catch (err) {
    void slot?.().catch(() => undefined);
    const durationMs = performance.now() - started;
    const feedError = err instanceof FeedError ? err : null;
    if (feedError?.code === 'ABORTED') throw err; // shutdown, not the feed's fault: leave its health alone
    try {
      const after = await states.recordFailure(feed.id, {
        url: feed.url,
        httpStatus: feedError instanceof HttpStatusError ? feedError.status : answeredStatus,
        message: err instanceof Error ? err.message : String(err),
        code: feedError?.code ?? 'internal',
        durationMs,
      }, now());
      const plan = planSchedule(feed, deps, state, after, { ok: false, startedAt, error: err });
      await states.update(feed.id, plan.fields);
      plan.logChange(log);
    } catch (stateErr) {
      deps.log.warn({ err: stateErr, feedId: feed.id }, 'poll: could not record the failure on the feed state');
    }
    throw err;
  }
}

/** Logs a permanent move once and returns where the feed now lives (undefined: it did not move). */
function noteMove(response: FetchFeedResult, fetchUrl: string, feed: FeedSource, log: Logger): string | undefined {
  if (!response.permanentUrl) return fetchUrl === feed.url ? undefined : fetchUrl;
  log.warn({ movedTo: response.permanentUrl, from: fetchUrl },
    `feed: ${feed.id} moved permanently to ${response.permanentUrl}; polling the new URL from now on (put it in the watchlist to make it official)`);
  return response.permanentUrl;
}

type PollResult =
  | { ok: true; startedAt: number; response: FetchFeedResult; movedTo: string | undefined; publishedAt: (string | null)[] | null; ttlMs: number | null }
  | { ok: false; startedAt: number; error: unknown };

interface SchedulePlan {
  /** Schedule and health fields to write with the poll's record. */
  fields: ScheduleFields;
  outcome: Pick<PollOutcome, 'nextPollAt' | 'intervalReason' | 'health'>;
  /** Logs the health change, if any, once the fields are written. */
  logChange: (log: Logger) => void;
}

/** The next due time and the health (`after`: the state as the poll's record leaves it). */
function planSchedule(feed: FeedSource, deps: PollDeps, before: FeedState, after: FeedState, result: PollResult): SchedulePlan {
  const nowMs = (deps.now?.() ?? new Date()).getTime();
  const fields: ScheduleFields = {};
  let retryAfterMs: number | null = null;
  if (result.ok) {
    fields.movedTo = result.movedTo ?? null;
    fields.failedPolls = 0;
    fields.disabled = false;
    fields.disabledReason = null;
    fields.lastErrorPermanent = false;
    fields.cacheMaxAgeMs = result.response.cacheMaxAgeMs ?? null;
    fields.ttlMs = result.ttlMs;
    if (result.publishedAt !== null) {
      fields.itemsPerDay = estimateItemsPerDay(result.publishedAt, nowMs) ?? after.itemsPerDay;
      const newest = newestItemAt(result.publishedAt, nowMs);
      if (newest !== null && (after.lastItemAt === null || newest > after.lastItemAt)) fields.lastItemAt = newest;
    }
  } else {
    const error = result.error;
    fields.lastErrorPermanent = error instanceof FeedError && error.permanent;
    fields.failedPolls = (deps.attempt ?? 1) <= 1 ? after.failedPolls + 1 : Math.max(after.failedPolls, 1);
    if (error instanceof HttpStatusError) {
      retryAfterMs = error.retryAfterMs;
      if (error.status === 410) {
        fields.disabled = true;
        fields.disabledReason = `410 Gone at ${error.url}: the publisher removed the feed; remove it from the watchlist or give it a new URL`;
      }
    }
  }
  const interval = computePollInterval(feed, deps.settings, {
    failedPolls: fields.failedPolls ?? after.failedPolls,
    itemsPerDay: fields.itemsPerDay ?? after.itemsPerDay,
    ttlMs: fields.ttlMs !== undefined ? fields.ttlMs : after.ttlMs,
    cacheMaxAgeMs: fields.cacheMaxAgeMs !== undefined ? fields.cacheMaxAgeMs : after.cacheMaxAgeMs,
    retryAfterMs,
  });
  fields.effectiveIntervalMs = interval.intervalMs;
  fields.intervalReason = interval.reason;
  // From the poll's start, so that the next tick of a steady schedule finds the feed due.
  fields.nextPollAt = new Date(result.startedAt + interval.intervalMs).toISOString();

  const health = classifyHealth({
    lastAttemptAt: after.lastAttemptAt,
    consecutiveFailures: after.consecutiveFailures,
    lastErrorPermanent: fields.lastErrorPermanent ?? after.lastErrorPermanent,
    disabled: fields.disabled ?? after.disabled,
    itemsPerDay: fields.itemsPerDay ?? after.itemsPerDay,
    lastItemAt: fields.lastItemAt ?? after.lastItemAt,
  }, { silentFactor: deps.settings.schedule.silentFactor, silentMinMs: deps.settings.schedule.silentMin }, nowMs);
  const previous = before.health ?? 'new';
  const changed = health !== previous;
  if (changed) {
    fields.health = health;
    fields.healthSince = new Date(nowMs).toISOString();
  }
  return {
    fields,
    outcome: { nextPollAt: fields.nextPollAt, intervalReason: interval.reason, health },
    logChange: (log) => { if (changed) logHealthChange(log, previous, health, after, fields); },
  };
}

function logHealthChange(log: Logger, from: FeedHealth, to: FeedHealth, state: FeedState, fields: ScheduleFields): void {
  const context = { healthFrom: from, health: to, consecutiveFailures: state.consecutiveFailures, errCode: state.lastErrorCode, nextPollAt: fields.nextPollAt };
  switch (to) {
    case 'failing':
      log.warn(context, `feed: failing (${state.consecutiveFailures} failure(s) in a row): ${state.lastError ?? ''}`);
      break;
    case 'disabled':
      log.warn(context, `feed: disabled: ${fields.disabledReason ?? state.disabledReason ?? ''}`);
      break;
    case 'silent':
      log.warn({ ...context, lastItemAt: fields.lastItemAt ?? state.lastItemAt, itemsPerDay: fields.itemsPerDay ?? state.itemsPerDay },
        `feed: silent: nothing published since ${fields.lastItemAt ?? state.lastItemAt ?? '?'}, far longer than its usual rate; check the feed URL`);
      break;
    default:
      if (from === 'failing' || from === 'silent' || from === 'disabled') log.info(context, `feed: recovered (${from} → ${to})`);
  }
}

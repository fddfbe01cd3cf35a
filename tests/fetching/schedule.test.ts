/**
 * The pure rules of fetching politely: retry delays (capped exponential with jitter, Retry-After),
 * the poll interval (failure backoff, adaptive rate, server hints), when a tick polls, and health.
 */
import { describe, expect, it } from 'vitest';
import { parseWatchlist, type FeedSource } from '../../src/config/watchlist.js';
import { HttpStatusError, NetworkError } from '../../src/feeds/errors.js';
import { classifyHealth, estimateItemsPerDay, newestItemAt } from '../../src/feeds/feed-health.js';
import { computePollInterval, shouldPoll, tickIntervalMs } from '../../src/politeness/poll-schedule.js';
import { retryDelayMs } from '../../src/politeness/retry-policy.js';
import { watchlistYaml } from '../support/watchlist.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const { settings, feeds } = parseWatchlist(watchlistYaml([
  { id: 'fixed', url: 'https://ex.fr/a.xml', interval: '15m' },
  { id: 'adaptive', url: 'https://ex.fr/b.xml', interval: '15m', adaptiveInterval: true } as never,
], { schedule: { maxFailureInterval: '4h', minInterval: '5m', maxInterval: '6h' } }), '<test>');
const fixed = feeds[0] as FeedSource;
const adaptive = feeds[1] as FeedSource;
const calm = { failedPolls: 0, itemsPerDay: null, ttlMs: null, cacheMaxAgeMs: null, retryAfterMs: null };

describe('retryDelayMs', () => {
  const policy = { baseMs: 1_000, maxMs: 30_000, jitter: 0.2 };
  it.each([[1, 1_000], [2, 2_000], [3, 4_000], [5, 16_000], [6, 30_000], [20, 30_000]])('attempt %d waits about %d ms, jittered down by at most 20%%', (attempt, full) => {
    expect(retryDelayMs(attempt, new NetworkError('u', 'x'), policy, () => 0)).toBe(Math.round(full * 0.8));
    expect(retryDelayMs(attempt, new NetworkError('u', 'x'), policy, () => 0.999999)).toBe(full);
  });
  it('honours Retry-After on 429 and 503, and gives up when it is longer than the cap', () => {
    expect(retryDelayMs(1, new HttpStatusError('u', 429, 'Too Many Requests', 12_000), policy)).toBe(12_000);
    expect(retryDelayMs(3, new HttpStatusError('u', 503, 'Service Unavailable', 2_000), policy)).toBe(2_000);
    expect(retryDelayMs(1, new HttpStatusError('u', 429, 'Too Many Requests', 3_600_000), policy)).toBe(-1);
  });
  it('spreads retries of the same attempt (jitter)', () => {
    const delays = new Set(Array.from({ length: 20 }, () => retryDelayMs(3, new NetworkError('u', 'x'), policy)));
    expect(delays.size).toBeGreaterThan(1);
  });
});

describe('computePollInterval', () => {
  it.each([
    ['a healthy fixed feed', fixed, calm, 15 * MIN, 'interval'],
    ['one failure doubles', fixed, { ...calm, failedPolls: 1 }, 30 * MIN, 'failure-backoff'],
    ['three failures: x8', fixed, { ...calm, failedPolls: 3 }, 120 * MIN, 'failure-backoff'],
    ['many failures: capped', fixed, { ...calm, failedPolls: 12 }, 4 * HOUR, 'failure-backoff'],
    ['Retry-After wins over the interval', fixed, { ...calm, retryAfterMs: HOUR }, HOUR, 'retry-after'],
    ['ttl is ignored for a fixed feed', fixed, { ...calm, ttlMs: HOUR }, 15 * MIN, 'interval'],
    ['adaptive: 48 items a day → every 15 min', adaptive, { ...calm, itemsPerDay: 48 }, 15 * MIN, 'adaptive'],
    ['adaptive: 1000 a day → the minimum', adaptive, { ...calm, itemsPerDay: 1000 }, 5 * MIN, 'adaptive'],
    ['adaptive: 1 a day → the maximum', adaptive, { ...calm, itemsPerDay: 1 }, 6 * HOUR, 'adaptive'],
    ['adaptive: unknown rate → the interval', adaptive, calm, 15 * MIN, 'interval'],
    ['adaptive: never below <ttl>', adaptive, { ...calm, itemsPerDay: 1000, ttlMs: 60 * MIN }, 60 * MIN, 'ttl'],
    ['adaptive: never below Cache-Control', adaptive, { ...calm, itemsPerDay: 1000, cacheMaxAgeMs: 30 * MIN }, 30 * MIN, 'cache-control'],
    ['adaptive: a floor above the maximum still wins', adaptive, { ...calm, itemsPerDay: 1, ttlMs: 12 * HOUR }, 12 * HOUR, 'ttl'],
    ['adaptive and failing: backoff from the base interval', adaptive, { ...calm, itemsPerDay: 1000, failedPolls: 2 }, 60 * MIN, 'failure-backoff'],
  ] as const)('%s', (_name, feed, input, intervalMs, reason) => {
    expect(computePollInterval(feed, settings, input)).toEqual({ intervalMs, reason });
  });
  it('ticks an adaptive feed at the minimum, a fixed one at its interval', () => {
    expect(tickIntervalMs(adaptive, settings)).toBe(5 * MIN);
    expect(tickIntervalMs(fixed, settings)).toBe(15 * MIN);
  });
});

describe('shouldPoll', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  const state = (nextPollAt: string | null, disabled = false) => ({ nextPollAt, disabled, disabledReason: disabled ? '410 Gone' : null });
  it('polls a new feed, and a due one even if the tick comes a little early', () => {
    expect(shouldPoll(state(null), 15 * MIN, now).run).toBe(true);
    expect(shouldPoll(state('2026-11-23T10:00:30Z'), 15 * MIN, now).run).toBe(true);
  });
  it('skips a tick while the feed is backing off, and every tick of a disabled feed', () => {
    expect(shouldPoll(state('2026-11-23T10:30:00Z'), 15 * MIN, now)).toEqual({ run: false, why: 'not due yet (backoff, adaptive interval or a server hint)', dueAt: '2026-11-23T10:30:00Z' });
    expect(shouldPoll(state(null, true), 15 * MIN, now)).toMatchObject({ run: false, why: 'disabled: 410 Gone' });
  });
});

describe('feed health', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  const hoursAgo = (h: number) => new Date(now - h * HOUR).toISOString();
  it('estimates items per day from the dates a feed lists', () => {
    expect(estimateItemsPerDay([hoursAgo(1), hoursAgo(7), hoursAgo(13), hoursAgo(24)], now)).toBe(4);
    expect(estimateItemsPerDay([hoursAgo(1), null], now)).toBeNull();
    expect(estimateItemsPerDay([hoursAgo(24 * 60), hoursAgo(24 * 61)], now)).toBeNull();
    expect(newestItemAt([hoursAgo(5), null, hoursAgo(2), new Date(now + 48 * HOUR).toISOString()], now)).toBe(hoursAgo(2));
  });
  const rule = { silentFactor: 5, silentMinMs: 2 * DAY };
  const base = { lastAttemptAt: hoursAgo(0), consecutiveFailures: 0, lastErrorPermanent: false, disabled: false, itemsPerDay: 24, lastItemAt: hoursAgo(1) };
  it.each([
    ['never polled', { ...base, lastAttemptAt: null }, 'new'],
    ['publishing', base, 'ok'],
    ['two transient failures', { ...base, consecutiveFailures: 2 }, 'ok'],
    ['three transient failures', { ...base, consecutiveFailures: 3 }, 'failing'],
    ['one permanent failure', { ...base, consecutiveFailures: 1, lastErrorPermanent: true }, 'failing'],
    ['gone', { ...base, disabled: true }, 'disabled'],
    ['24 a day, nothing for 3 days', { ...base, lastItemAt: hoursAgo(72) }, 'silent'],
    ['1 a week, nothing for 3 days', { ...base, itemsPerDay: 1 / 7, lastItemAt: hoursAgo(72) }, 'ok'],
    ['no dates at all', { ...base, itemsPerDay: null, lastItemAt: null }, 'ok'],
  ] as const)('%s → %s', (_name, input, health) => {
    expect(classifyHealth(input, rule, now)).toBe(health);
  });
});

describe('fetching settings in the watchlist', () => {
  it('has defaults, so a watchlist without them stays valid', () => {
    const { settings: defaults, feeds: [feed] } = parseWatchlist(watchlistYaml([{ id: 'a', url: 'https://ex.fr/a.xml' }]), '<test>');
    expect(defaults.politeness).toEqual({ maxInFlightPerHost: 2, minSpacing: 1_000, maxWait: 60_000 });
    expect(defaults.schedule).toEqual({ maxFailureInterval: 6 * HOUR, adaptive: false, minInterval: 5 * MIN, maxInterval: 6 * HOUR, silentFactor: 5, silentMin: 2 * DAY });
    expect(defaults.fullText).toEqual({ mode: 'auto', timeout: 10_000, maxBodyBytes: 5 * 1024 * 1024, maxPerPoll: 10 });
    expect(defaults.network).toEqual({ allowRanges: [] });
    expect(defaults.fetch.connectTimeout).toBe(10_000);
    expect(defaults.jobs).toMatchObject({ maxBackoff: 10 * MIN, jitter: 0.2 });
    expect(feed).toMatchObject({ fullText: 'auto', adaptiveInterval: false, connectTimeoutMs: 10_000 });
  });

  it('applies the global adaptive and full-text modes to every feed, unless a feed says otherwise', () => {
    const { feeds: [plain, own] } = parseWatchlist(watchlistYaml([
      { id: 'plain', url: 'https://ex.fr/a.xml' },
      { id: 'own', url: 'https://ex.fr/b.xml', adaptiveInterval: false, fullText: 'never', fetch: { connectTimeout: '2s' } } as never,
    ], { schedule: { adaptive: true }, fullText: { mode: 'always' } }), '<test>');
    expect(plain).toMatchObject({ adaptiveInterval: true, fullText: 'always' });
    expect(own).toMatchObject({ adaptiveInterval: false, fullText: 'never', connectTimeoutMs: 2_000 });
  });

  it('rejects a misspelt mode, naming the feed', () => {
    expect(() => parseWatchlist(watchlistYaml([{ id: 'x', url: 'https://ex.fr/x.xml', fullText: 'sometimes' } as never]), 'w.yaml'))
      .toThrow(/w\.yaml: feeds\[0\]\.fullText \(feed "x"\)/);
  });
});

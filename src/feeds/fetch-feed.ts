/**
 * Fetches one feed over HTTP: conditional GET, manual redirects, decompression and a size cap.
 *
 * Built on undici `request` with a dedicated Agent rather than node:http because it gives
 * per-request headers/body timeouts, AbortSignal support that also tears down a streaming
 * body, keep-alive pooling across polls, and it never decompresses or follows redirects
 * behind our back, so the size cap and redirect policy stay ours.
 */

import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import {
  BlockedAddressError, EmptyBodyError, FeedAbortedError, FeedError, FeedTimeoutError, HttpStatusError, type FetchPhase,
  InvalidFeedUrlError, NetworkError, TooManyRedirectsError, BodyTooLargeError,
} from './errors.js';
import { abandonBody, readCappedBody } from './read-body.js';
import { parseRetryAfter } from './retry-after.js';

export interface FetchFeedOptions<H extends HeldHost = HeldHost> {
  url: string;
  etag?: string | null;
  lastModified?: string | null;
  /** Bound on the whole fetch: connect, redirects, headers and body together. */
  timeoutMs: number;
  /** Bound on DNS lookup + TCP (+ TLS) connect, within timeoutMs; default 15 s. Ignored when `dispatcher` is given. */
  connectTimeoutMs?: number;
  /** Cap on the decompressed body. */
  maxBodyBytes: number;
  userAgent: string;
  signal?: AbortSignal;
  /** Accept header; feeds by default (article pages ask for HTML). */
  accept?: string;
  /** Connection pool to use; article fetches pass one whose DNS lookups refuse private addresses. */
  dispatcher?: Dispatcher;
  /** Called on the URL of every hop before connecting; throws a FeedError to refuse it (IP literals, see network-guard). */
  checkTarget?: (url: URL) => void;
  /**
   * Per-host politeness: resolves when the hop's host has a free slot, to the function that frees
   * it. The wait for the first host is not counted in timeoutMs; waits after a redirect are.
   */
  acquireHost?: (url: URL, signal?: AbortSignal) => Promise<H>;
  /** A slot the caller already took for the first request's host (with its other reads); given back and asked again if the host differs. */
  heldHost?: H;
  /** On success, keep the slot and hand it back in the result: the caller releases it with its own next write. */
  keepHost?: boolean;
}

/** A slot on a host (settings.politeness): call it to give it back. */
export type HeldHost = (() => Promise<void>) & { readonly host: string };

/** Caching hints of the final response, so the scheduler never polls faster than the server asks. */
export interface FetchHints {
  /** The URL reached through permanent redirects (301/308) only, when it differs from the requested one. */
  permanentUrl: string | null;
  /** Cache-Control max-age (or s-maxage), null when absent. */
  cacheMaxAgeMs: number | null;
}

export type FetchFeedResult<H extends HeldHost = HeldHost> = (
  | ({ kind: 'not-modified'; httpStatus: 304; finalUrl: string; durationMs: number } & Partial<FetchHints>)
  | ({
      kind: 'fetched'; httpStatus: number; finalUrl: string; body: Buffer; contentType: string | null;
      etag: string | null; lastModified: string | null; durationMs: number;
    } & Partial<FetchHints>)
) & {
  /** The slot still held, with `keepHost`. */
  heldHost?: H;
};

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PERMANENT_REDIRECTS = new Set([301, 308]);
const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
/** undici sets the connect timeout per pool, so one pool per distinct value (a handful in practice). */
const pools = new Map<number, Agent>();

function poolFor(connectTimeoutMs: number): Agent {
  let pool = pools.get(connectTimeoutMs);
  if (!pool) {
    pool = new Agent({ connect: { timeout: connectTimeoutMs }, keepAliveTimeout: 10_000, connections: 64 });
    pools.set(connectTimeoutMs, pool);
  }
  return pool;
}

/** Fetches `opts.url`; throws only FeedError subclasses. */
export async function fetchFeed<H extends HeldHost = HeldHost>(opts: FetchFeedOptions<H>): Promise<FetchFeedResult<H>> {
  const held: HeldSlot<H> = { release: undefined };
  if (opts.heldHost || opts.acquireHost) {
    try {
      const first = checkFeedUrl(opts.url, opts.url);
      if (opts.heldHost?.host === first.host) held.release = opts.heldHost;
      else {
        void opts.heldHost?.().catch(() => undefined);
        if (opts.acquireHost) held.release = await opts.acquireHost(first, opts.signal);
      }
    } catch (err) {
      if (held.release === undefined) void opts.heldHost?.().catch(() => undefined);
      if (opts.signal?.aborted) throw new FeedAbortedError(opts.url, err);
      throw toFeedError(err, opts);
    }
  }
  const started = performance.now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error(`deadline of ${opts.timeoutMs} ms`)), opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([deadline.signal, opts.signal]) : deadline.signal;
  const progress: Progress = { phase: 'headers' };
  try {
    const result = await followRedirects(opts, signal, started, progress, held);
    if (!opts.keepHost || held.release === undefined) return result;
    const heldHost = held.release;
    held.release = undefined;
    return { ...result, heldHost };
  } catch (err) {
    if (opts.signal?.aborted) throw new FeedAbortedError(opts.url, err);
    if (deadline.signal.aborted) throw new FeedTimeoutError(opts.url, progress.phase, opts.timeoutMs, err);
    throw toFeedError(err, opts);
  } finally {
    clearTimeout(timer);
    // Not awaited: the release goes out on the connection ahead of anything this process asks
    // next, and waiting for its reply would add a round trip to every poll.
    void held.release?.().catch(() => undefined);
  }
}

/** Where the fetch is, so that a timeout can say what was slow. */
interface Progress { phase: FetchPhase }

/** The host slot held by the request in progress, released when the fetch ends however it ends. */
interface HeldSlot<H extends HeldHost> { release: H | undefined }

async function followRedirects<H extends HeldHost>(opts: FetchFeedOptions<H>, signal: AbortSignal, started: number, progress: Progress, held: HeldSlot<H>): Promise<FetchFeedResult<H>> {
  const chain: string[] = [];
  let current = checkFeedUrl(opts.url, opts.url);
  // Only an unbroken run of 301/308 from the start moves the feed; a 302 anywhere means "for now".
  let permanentUrl: string | null = null;
  let permanentSoFar = true;
  for (;;) {
    chain.push(current.href);
    opts.checkTarget?.(current);
    if (held.release === undefined && opts.acquireHost) held.release = await opts.acquireHost(current, signal);
    progress.phase = 'headers';
    const res = await request(current, {
      method: 'GET',
      headers: buildRequestHeaders(opts),
      signal,
      dispatcher: opts.dispatcher ?? poolFor(opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    const status = res.statusCode;
    const header = (name: string): string | null => readHeader(res.headers[name]);

    if (REDIRECT_STATUSES.has(status) && header('location') !== null) {
      await discardBody(res.body);
      const next = checkFeedUrl(resolveLocation(header('location') ?? '', current), opts.url);
      if (chain.includes(next.href)) throw new TooManyRedirectsError(opts.url, [...chain, next.href], true);
      if (chain.length > MAX_REDIRECTS) throw new TooManyRedirectsError(opts.url, [...chain, next.href], false);
      permanentSoFar &&= PERMANENT_REDIRECTS.has(status);
      if (permanentSoFar) permanentUrl = next.href;
      // Another host gets its own turn: give this one back before asking.
      if (next.host !== current.host && held.release) {
        const release = held.release;
        held.release = undefined;
        await release();
      }
      current = next;
      continue;
    }
    const hints: FetchHints = {
      permanentUrl: permanentUrl !== null && permanentUrl !== checkFeedUrl(opts.url, opts.url).href ? permanentUrl : null,
      cacheMaxAgeMs: parseCacheMaxAge(header('cache-control')),
    };
    const durationMs = (): number => Math.round(performance.now() - started);
    if (status === 304) {
      await discardBody(res.body);
      return { kind: 'not-modified', httpStatus: 304, finalUrl: current.href, durationMs: durationMs(), ...hints };
    }
    if (status < 200 || status > 299) {
      await discardBody(res.body);
      throw new HttpStatusError(current.href, status, STATUS_CODES[status] ?? '', parseRetryAfter(header('retry-after')));
    }

    const contentEncoding = header('content-encoding');
    const declaredLength = Number(header('content-length') ?? NaN);
    if (contentEncoding === null && declaredLength > opts.maxBodyBytes) {
      abandonBody(res.body);
      throw new BodyTooLargeError(current.href, opts.maxBodyBytes);
    }
    progress.phase = 'body';
    const body = await readCappedBody(res.body, contentEncoding, opts.maxBodyBytes, current.href);
    if (body.length === 0) throw new EmptyBodyError(current.href);
    return {
      kind: 'fetched', httpStatus: status, finalUrl: current.href, body,
      contentType: header('content-type'), etag: header('etag'), lastModified: header('last-modified'),
      durationMs: durationMs(), ...hints,
    };
  }
}

/** max-age / s-maxage in ms; "no-cache"/"no-store" say nothing about polling frequency. */
function parseCacheMaxAge(value: string | null): number | null {
  if (value === null) return null;
  const match = /(?:^|[,\s])(?:s-maxage|max-age)\s*=\s*"?(\d{1,10})"?/i.exec(value);
  return match?.[1] === undefined ? null : Number(match[1]) * 1000;
}

function buildRequestHeaders(opts: FetchFeedOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': opts.userAgent,
    accept: opts.accept ?? FEED_ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
  return headers;
}

function checkFeedUrl(href: string, feedUrl: string): URL {
  const redirected = href !== feedUrl;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new InvalidFeedUrlError(feedUrl, redirected ? `redirects to ${href}, which is not a valid URL` : 'not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidFeedUrlError(feedUrl, redirected ? `redirects to ${href}, which is not http or https` : `scheme ${url.protocol} is not http or https`);
  }
  url.hash = '';
  return url;
}

function resolveLocation(location: string, current: URL): string {
  try {
    return new URL(location, current).href;
  } catch {
    return location; // checkFeedUrl reports it as unusable
  }
}

function readHeader(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

/** Frees the connection for reuse; an error here must not hide the status we are reporting. */
async function discardBody(body: Readable & { dump?: () => Promise<void> }): Promise<void> {
  try {
    if (body.dump) await body.dump();
    else abandonBody(body);
  } catch {
    abandonBody(body);
  }
}

const TIMEOUT_PHASES: Record<string, FetchPhase> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_BODY_TIMEOUT: 'body',
};

function toFeedError(err: unknown, opts: FetchFeedOptions): FeedError {
  if (err instanceof FeedError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const phase = typeof code === 'string' ? TIMEOUT_PHASES[code] : undefined;
  if (phase) return new FeedTimeoutError(opts.url, phase, phase === 'connect' ? opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS : opts.timeoutMs, err);
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  // The network guard's DNS check (src/fulltext/network-guard.ts) refused the resolved address.
  const blocked = [err as { code?: unknown; message?: unknown } | null, cause].find((e) => e?.code === 'EBLOCKEDADDRESS');
  if (blocked) return new BlockedAddressError(opts.url, String(blocked.message));
  const detail = [code, (err as Error | null)?.message, cause?.code].filter((p) => typeof p === 'string' && p !== '').join(': ');
  return new NetworkError(opts.url, detail || String(err), err);
}

/**
 * Typed errors of the feed pipeline (fetch → decode → parse).
 *
 * Every failure a feed can produce is a FeedError: `code` is stable for logs and metrics,
 * `permanent` tells the queue not to retry (it wraps the error in an UnrecoverableError),
 * and the message names the stage, the URL and what a human should do about it.
 */

export interface FeedErrorOptions {
  code: string;
  permanent: boolean;
  url: string;
  cause?: unknown;
}

export class FeedError extends Error {
  readonly code: string;
  readonly permanent: boolean;
  readonly url: string;

  constructor(message: string, { code, permanent, url, cause }: FeedErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
    this.permanent = permanent;
    this.url = url;
  }
}

/** Statuses after which retrying cannot help until someone edits the watchlist. */
const PERMANENT_STATUSES = new Set([400, 401, 403, 404, 405, 406, 410, 451]);

export class HttpStatusError extends FeedError {
  readonly status: number;
  /** Delay the server asked for (Retry-After on 429/503), null when it did not say. */
  readonly retryAfterMs: number | null;

  constructor(url: string, status: number, statusText: string, retryAfterMs: number | null = null) {
    const permanent = PERMANENT_STATUSES.has(status) || (status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429);
    super(`fetch: ${url} answered ${status}${statusText ? ` ${statusText}` : ''}; ${adviseOnStatus(status, retryAfterMs)}`, {
      code: `HTTP_${status}`,
      permanent,
      url,
    });
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

function adviseOnStatus(status: number, retryAfterMs: number | null): string {
  if (status === 404 || status === 410) return 'check the feed URL in the watchlist';
  if (status === 401 || status === 403) return 'the server refuses access; check the feed URL or whether it needs credentials';
  if (status === 429) return retryAfterMs === null ? 'rate limited; will retry later' : `rate limited; retry after ${Math.round(retryAfterMs / 1000)} s`;
  if (status >= 500) return 'server error; will retry later';
  if (status >= 300 && status < 400) return 'redirect without a usable Location header';
  return 'the request was rejected; check the feed URL in the watchlist';
}

export type FetchPhase = 'connect' | 'headers' | 'body';

const PHASE_WORDS: Record<FetchPhase, string> = {
  connect: 'while connecting',
  headers: 'waiting for the response headers',
  body: 'while reading the body',
};

export class FeedTimeoutError extends FeedError {
  readonly phase: FetchPhase;

  constructor(url: string, phase: FetchPhase, timeoutMs: number, cause?: unknown) {
    super(`fetch: ${url} timed out after ${timeoutMs} ms ${PHASE_WORDS[phase]}; will retry later`, {
      code: 'TIMEOUT',
      permanent: false,
      url,
      cause,
    });
    this.phase = phase;
  }
}

export class NetworkError extends FeedError {
  constructor(url: string, detail: string, cause?: unknown) {
    super(`fetch: ${url} could not be reached (${detail}); will retry later`, { code: 'NETWORK', permanent: false, url, cause });
  }
}

/** The caller's AbortSignal fired (shutdown); not the feed's fault. */
export class FeedAbortedError extends FeedError {
  constructor(url: string, cause?: unknown) {
    super(`fetch: ${url} was aborted by the caller`, { code: 'ABORTED', permanent: false, url, cause });
  }
}

export class InvalidFeedUrlError extends FeedError {
  constructor(url: string, reason: string) {
    super(`fetch: ${url} is not a usable feed URL (${reason}); fix it in the watchlist`, { code: 'INVALID_URL', permanent: true, url });
  }
}

export class BodyTooLargeError extends FeedError {
  constructor(url: string, maxBodyBytes: number) {
    super(`fetch: ${url} body exceeds ${maxBodyBytes} bytes (after decompression); raise maxBodyBytes or drop the feed`, {
      code: 'BODY_TOO_LARGE',
      permanent: true,
      url,
    });
  }
}

export class TooManyRedirectsError extends FeedError {
  constructor(url: string, chain: string[], loop: boolean) {
    const what = loop ? 'a redirect loop' : `more than ${chain.length - 1} redirects`;
    super(`fetch: ${url} leads to ${what} (${chain.join(' -> ')}); put the final feed URL in the watchlist`, {
      code: loop ? 'REDIRECT_LOOP' : 'TOO_MANY_REDIRECTS',
      permanent: true,
      url,
    });
  }
}

export class EmptyBodyError extends FeedError {
  constructor(url: string, stage: 'fetch' | 'parse' = 'fetch') {
    super(`${stage}: ${url} returned an empty body; will retry later`, { code: 'EMPTY_BODY', permanent: false, url });
  }
}

export class NotAFeedError extends FeedError {
  /** Absolute URL of the page's <link rel="alternate"> feed, null when it has none. */
  readonly alternateUrl: string | null;

  constructor(url: string, what: string, alternateUrl: string | null = null) {
    const advice = alternateUrl === null
      ? 'check the feed URL in the watchlist'
      : `the page advertises a feed at ${alternateUrl}; use that URL in the watchlist`;
    super(`parse: ${url} is not a feed (${what}); ${advice}`, { code: 'NOT_A_FEED', permanent: true, url });
    this.alternateUrl = alternateUrl;
  }
}

export class FeedParseError extends FeedError {
  constructor(url: string, detail: string, cause?: unknown) {
    super(`parse: ${url} is not a readable feed (${detail}); the publisher's feed is broken, check it in a validator`, {
      code: 'PARSE',
      permanent: true,
      url,
      cause,
    });
  }
}

/** An article link leads to the service's own network (loopback, private, link-local, metadata). */
export class BlockedAddressError extends FeedError {
  constructor(url: string, reason: string) {
    super(`fetch: ${url} refused: ${reason}, which links from feeds may not reach; list the range under settings.network.allowRanges if it is meant to be fetched`, {
      code: 'BLOCKED_ADDRESS', permanent: true, url,
    });
  }
}

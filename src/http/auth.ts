/**
 * Who may change things (trigger a poll, use the queue dashboard): whoever shows
 * settings.http.token — as `Authorization: Bearer <token>`, a `token` form field, or the session
 * cookie the page's unlock form sets. The cookie holds an HMAC of the token, not the token, and is
 * SameSite=Strict, so another site cannot make a browser use it. Comparisons take constant time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { HttpOptionError } from './listen-address.js';

export const SESSION_COOKIE = 'veille_session';

/**
 * The token: settings.http.token, else $VEILLE_HTTP_TOKEN (containers pass secrets in the
 * environment rather than in the watchlist). Undefined when neither is set.
 */
export function configuredToken(settings: { http: { token?: string | undefined } }, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = settings.http.token ?? (env.VEILLE_HTTP_TOKEN || undefined);
  if (token !== undefined && token.length < 16) {
    throw new HttpOptionError('VEILLE_HTTP_TOKEN: use at least 16 characters, e.g. the output of `openssl rand -hex 32`');
  }
  return token;
}

/** Equal strings in time independent of where they differ (hashing first evens out lengths). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('veille-session-v1').digest('hex');
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** True when the request carries the token (any of the three ways); false when no token is configured. */
export function isAuthorized(req: Request, token: string | undefined): boolean {
  if (!token) return false;
  const bearer = bearerToken(req);
  if (bearer !== undefined) return sameSecret(bearer, token);
  const field = (req.body as Record<string, unknown> | undefined)?.token;
  if (typeof field === 'string' && field !== '') return sameSecret(field, token);
  const cookie = readCookie(req, SESSION_COOKIE);
  return cookie !== undefined && sameSecret(cookie, sessionValue(token));
}

/**
 * Connections to PostgreSQL for the sink and the reader: one small pool per process, a bound on
 * connecting, and the line between "PostgreSQL is down" (wait and retry) and "this statement is
 * wrong" (fail the job).
 */
import os from 'node:os';
import pg from 'pg';
import { StoreUnavailableError } from '../storage-errors.js';

export type PostgresSinkSettings = {
  url: string;
  schema: string;
  connectTimeout: number;
};

/** `host:port/database` of a PostgreSQL URL, without user or password, for logs and messages. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return `${host}:${u.port || '5432'}/${decodeURIComponent(u.pathname.slice(1)) || '(default database)'}`;
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * A URL without a user means the account we run as, as psql does; pg itself reads only $USER,
 * which some supervisors (and test runners) leave unset.
 */
export function withDefaultUser(url: string): string {
  try {
    const u = new URL(url);
    if (u.username !== '' || u.searchParams.has('user')) return url;
    u.username = encodeURIComponent(process.env.PGUSER ?? process.env.USER ?? os.userInfo().username);
    return u.toString();
  } catch {
    return url;
  }
}

export function createPool(settings: PostgresSinkSettings, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: withDefaultUser(settings.url),
    max,
    connectionTimeoutMillis: settings.connectTimeout,
    idleTimeoutMillis: 30_000,
    // Long enough for a slow disk, short enough that a hung server is noticed and counted as down.
    query_timeout: 60_000,
    application_name: 'veille',
  });
  // An idle connection that PostgreSQL closes (restart, failover) is reported here; the next
  // query opens a fresh one. Without a listener the error would end the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Socket-level failures: nothing reached PostgreSQL, or the connection died under us. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);

/**
 * SQLSTATE classes and codes that say "not now", not "not this record": connection exceptions
 * (08), insufficient resources (53), operator intervention (57: shutdown, starting up), and the
 * settings problems an operator fixes without touching the jobs (28: authentication, 3D000: no
 * such database) — waiting keeps the jobs until the fix, failing them would drop them.
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || code.startsWith('57') || code.startsWith('28') || code === '3D000';
}

function reasonOf(err: Error & { code?: string }): string {
  if (err.code && NETWORK_CODES.has(err.code)) return err.code;
  if (/timeout/i.test(err.message)) return 'connection timeout';
  return err.message.split('\n')[0] ?? err.name;
}

/** The typed transient error for a failure that means "PostgreSQL is unavailable", else null. */
export function asUnavailable(err: unknown, url: string): StoreUnavailableError | null {
  if (err instanceof StoreUnavailableError) return err;
  if (!(err instanceof Error)) return null;
  const code = (err as Error & { code?: unknown }).code;
  const transient = (typeof code === 'string' && (NETWORK_CODES.has(code) || isUnavailableSqlState(code)))
    || /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(err.message);
  return transient ? new StoreUnavailableError(describeDatabase(url), reasonOf(err as Error & { code?: string }), { cause: err }) : null;
}

/** Runs `work`; failures that mean "PostgreSQL is unavailable" come out as StoreUnavailableError. */
export async function whileAvailable<T>(url: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asUnavailable(err, url) ?? err;
  }
}

/** A schema name checked by the config schema, quoted for SQL. */
export const quoteIdentifier = (name: string): string => pg.escapeIdentifier(name);

/**
 * The `--http <host:port>` address, and whether it stays on this machine. Binding anywhere but
 * loopback exposes the trigger and the dashboard to the network, so it needs settings.http.token.
 */
import { isIP } from 'node:net';

export class HttpOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpOptionError';
  }
}

export interface ListenAddress {
  host: string;
  /** 0 picks a free port (tests); the log line "http: listening" says which. */
  port: number;
}

/** Parses `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080` or `:8080` (loopback). */
export function parseListenAddress(value: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65_535) {
    throw new HttpOptionError(`--http: "${value}" is not host:port; write e.g. 127.0.0.1:8080, [::1]:8080 or 0.0.0.0:8080 (the last needs settings.http.token)`);
  }
  const host = match[1] ?? (match[2] || '127.0.0.1');
  if (match[1] !== undefined && isIP(host) !== 6) throw new HttpOptionError(`--http: "${host}" in brackets is not an IPv6 address`);
  return { host, port };
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return /^::ffff:127\./i.test(host);
}

/** Refuses an address beyond loopback when no token is configured; the message names the fix. */
export function assertBindAllowed(address: ListenAddress, token: string | undefined, configFile: string): void {
  if (isLoopback(address.host) || token) return;
  throw new HttpOptionError(
    `--http ${address.host}:${address.port}: binding beyond loopback needs a token; set settings.http.token in ${configFile} `
    + '(or VEILLE_HTTP_TOKEN; at least 16 characters, e.g. the output of `openssl rand -hex 32`), or bind 127.0.0.1',
  );
}

/**
 * A real HTTP server on 127.0.0.1 serving feed fixtures, for `npm run demo` and for tests.
 *
 * Behaves like a well-configured feed host: ETag / Last-Modified with 304s, per-route
 * status and headers, and optional delays or a trickled body to play a slow server.
 */

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FixtureRoute {
  body?: string | Buffer;
  /** Path of a file to serve, read at request time; relative paths resolve against the demo feeds folder. */
  file?: string;
  contentType?: string;
  status?: number;
  etag?: string;
  lastModified?: string;
  headers?: Record<string, string>;
  /** Wait before sending the status line. */
  delayMs?: number;
  /** Send the body in chunks of `chunkBytes` (default 16) with this pause between them (a slow-loris server). */
  chunkDelayMs?: number;
  chunkBytes?: number;
}

export interface FixtureRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  status: number;
}

export interface FixtureFeedServer {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  url(path: string): string;
  /** Adds or replaces a route while the server runs. */
  setRoute(path: string, route: FixtureRoute): void;
  requests: FixtureRequest[];
  close(): Promise<void>;
}

export async function startFixtureFeedServer(routes: Record<string, FixtureRoute> = {}): Promise<FixtureFeedServer> {
  const table = new Map(Object.entries(routes));
  const requests: FixtureRequest[] = [];
  const server = createServer((req, res) => {
    const routePath = new URL(req.url ?? '/', 'http://fixture').pathname;
    const entry: FixtureRequest = { path: routePath, headers: { ...req.headers }, status: 0 };
    requests.push(entry);
    serveRoute(table.get(routePath), req, res)
      .then((status) => { entry.status = status; })
      .catch((err: unknown) => { entry.status = reportServerError(res, err); });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    url: (p) => `${baseUrl}${p.startsWith('/') ? p : `/${p}`}`,
    setRoute: (p, route) => { table.set(p, route); },
    requests,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // slow routes must not hold the test run open
    }),
  };
}

async function serveRoute(route: FixtureRoute | undefined, req: IncomingMessage, res: ServerResponse): Promise<number> {
  if (route === undefined) return sendEnd(res, 404, { 'content-type': 'text/plain; charset=utf-8' }, 'not found');
  if (route.delayMs) await sleep(route.delayMs);
  const headers: Record<string, string> = { 'content-type': route.contentType ?? 'application/rss+xml; charset=utf-8' };
  if (route.etag) headers['etag'] = route.etag;
  if (route.lastModified) headers['last-modified'] = route.lastModified;
  Object.assign(headers, route.headers);
  const status = route.status ?? 200;
  if (status === 200 && isNotModified(route, req)) return sendEnd(res, 304, omitContentHeaders(headers), '');

  const body = route.file !== undefined ? await readFile(resolveFixtureFile(route.file)) : Buffer.from(route.body ?? '');
  if (!route.chunkDelayMs) {
    headers['content-length'] ??= String(body.length);
    return sendEnd(res, status, headers, body);
  }
  res.writeHead(status, headers);
  const size = route.chunkBytes ?? 16;
  for (let at = 0; at < body.length && !res.destroyed; at += size) {
    res.write(body.subarray(at, at + size));
    await sleep(route.chunkDelayMs);
  }
  res.end();
  return status;
}

/** A broken fixture (missing file) answers 500 saying so, rather than a reset the client cannot explain. */
function reportServerError(res: ServerResponse, err: unknown): number {
  if (res.headersSent) {
    res.destroy();
    return res.statusCode;
  }
  return sendEnd(res, 500, { 'content-type': 'text/plain; charset=utf-8' }, `fixture server: ${err instanceof Error ? err.message : String(err)}`);
}

function isNotModified(route: FixtureRoute, req: IncomingMessage): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (route.etag && ifNoneMatch !== undefined) return ifNoneMatch.split(',').map((t) => t.trim()).includes(route.etag);
  const ifModifiedSince = Date.parse(req.headers['if-modified-since'] ?? '');
  const lastModified = Date.parse(route.lastModified ?? '');
  return !Number.isNaN(ifModifiedSince) && !Number.isNaN(lastModified) && ifModifiedSince >= lastModified;
}

function omitContentHeaders(headers: Record<string, string>): Record<string, string> {
  const { 'content-type': _type, 'content-length': _length, 'content-encoding': _encoding, ...rest } = headers;
  return rest;
}

function sendEnd(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): number {
  res.writeHead(status, headers);
  res.end(body);
  return status;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The demo feeds live in src/demo/feeds/; tsc does not copy them to dist/, so when this
 * module runs from dist/src/demo/ look for them back in the source tree.
 */
export function resolveDemoFeedsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'feeds'), path.resolve(here, '..', '..', '..', 'src', 'demo', 'feeds')];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0] ?? here;
}

function resolveFixtureFile(file: string): string {
  return path.isAbsolute(file) ? file : path.join(resolveDemoFeedsDir(), file);
}

/** The demo feeds, each with an ETag so a second poll gets a 304. */
export function demoRoutes(): Record<string, FixtureRoute> {
  const lastModified = 'Mon, 23 Nov 2026 06:00:00 GMT';
  return {
    '/lemonde-like.xml': { file: 'lemonde-like.xml', contentType: 'application/rss+xml; charset=utf-8', etag: '"lemonde-like-v1"', lastModified },
    '/ouest-like.xml': { file: 'ouest-like.xml', contentType: 'application/rss+xml; charset=windows-1252', etag: '"ouest-like-v1"', lastModified },
    '/rfi-like.atom': { file: 'rfi-like.atom', contentType: 'application/atom+xml; charset=utf-8', etag: '"rfi-like-v1"', lastModified },
    '/liberation-like.xml': { file: 'liberation-like.xml', contentType: 'application/rss+xml', etag: '"liberation-like-v1"', lastModified },
  };
}

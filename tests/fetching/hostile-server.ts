/**
 * A local HTTP server that misbehaves on purpose, one handler per path: drips bytes, never
 * ends, sends bombs, loops redirects, answers 429 forever. Each request is recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HostileServer {
  baseUrl: string;
  url(path: string): string;
  route(path: string, handler: Handler): void;
  /** Paths requested, in order, with when (ms since the server started). */
  requests: { path: string; at: number; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

export async function startHostileServer(host = '127.0.0.1'): Promise<HostileServer> {
  const routes = new Map<string, Handler>();
  const requests: HostileServer['requests'] = [];
  const born = performance.now();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://hostile').pathname;
    requests.push({ path, at: performance.now() - born, headers: req.headers });
    const handler = routes.get(path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    Promise.resolve(handler(req, res)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://${host}:${port}`;
  return {
    baseUrl,
    url: (p) => `${baseUrl}${p}`,
    route: (p, handler) => { routes.set(p, handler); },
    requests,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `chunk` every `everyMs` until the client goes away or `maxMs` passes. */
export async function drip(res: ServerResponse, chunk: string | Buffer, everyMs: number, maxMs = 30_000): Promise<void> {
  const until = Date.now() + maxMs;
  while (!res.destroyed && !res.writableEnded && Date.now() < until) {
    res.write(chunk);
    await sleep(everyMs);
  }
  if (!res.destroyed) res.end();
}

/** Writes as fast as the client reads, forever (until it hangs up). */
export function endless(res: ServerResponse, chunk: Buffer): void {
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk)) { /* fill the socket buffer */ }
    if (!res.destroyed) res.once('drain', pump);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}

/** Peak growth of the process's memory (RSS and array buffers) while `work` runs, sampled every 5 ms. */
export async function measurePeakMemory<T>(work: () => Promise<T>): Promise<{ result: T | Error; rssMiB: number; buffersMiB: number; ms: number }> {
  globalThis.gc?.();
  const before = process.memoryUsage();
  let rss = before.rss;
  let buffers = before.arrayBuffers;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    buffers = Math.max(buffers, now.arrayBuffers);
  }, 5);
  const started = performance.now();
  let result: T | Error;
  try {
    result = await work();
  } catch (err) {
    result = err as Error;
  } finally {
    clearInterval(timer);
  }
  const after = process.memoryUsage();
  rss = Math.max(rss, after.rss);
  buffers = Math.max(buffers, after.arrayBuffers);
  const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
  return { result, rssMiB: mib(rss - before.rss), buffersMiB: mib(buffers - before.arrayBuffers), ms: Math.round(performance.now() - started) };
}

/**
 * The feed farm: a node:http server on 127.0.0.1 serving the corpus's feeds at /feeds/<n>.xml with
 * ETag and Last-Modified, answering 304 to a conditional GET for the current version. It runs in a
 * child process of its own (bench/farm-process.ts), so its CPU is not charged to Veille or to the
 * floors, which both fetch from it. GET /_stats returns the counts of 200s and 304s.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { FeedCorpus, type CorpusOptions } from './feed-corpus.js';

export interface FarmStats {
  ok: number;
  notModified: number;
  bytes: number;
}

export function serveFeedFarm(options: CorpusOptions, port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const corpus = new FeedCorpus(options);
  const bodies = new Map<number, { version: number; body: Buffer }>();
  const stats: FarmStats = { ok: 0, notModified: 0, bytes: 0 };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '';
    if (url === '/_stats') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
      return;
    }
    const match = /^\/feeds\/(\d+)\.xml$/.exec(url);
    const feed = match ? Number(match[1]) : -1;
    if (feed < 0 || feed >= options.feeds) {
      res.writeHead(404).end();
      return;
    }
    const version = corpus.versionOf(feed);
    const headers = { etag: version.etag, 'last-modified': version.lastModified };
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    if (inm === version.etag || (inm === undefined && ims === version.lastModified)) {
      stats.notModified += 1;
      res.writeHead(304, headers).end();
      return;
    }
    let cached = bodies.get(feed);
    if (cached?.version !== version.version) {
      cached = { version: version.version, body: Buffer.from(corpus.feedXml(feed, version.version)) };
      bodies.set(feed, cached);
    }
    stats.ok += 1;
    stats.bytes += cached.body.length;
    res.writeHead(200, { ...headers, 'content-type': 'application/rss+xml; charset=utf-8', 'content-length': cached.body.length }).end(cached.body);
  };
  const server = createServer({ keepAliveTimeout: 30_000 }, handle);
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : port,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

export interface FeedFarm {
  url: string;
  pid: number;
  feedUrl(feed: number): string;
  stats(): Promise<FarmStats>;
  stop(): Promise<void>;
}

/** Starts the farm in a child process and waits for its port. */
export function startFeedFarm(options: CorpusOptions): Promise<FeedFarm> {
  const script = path.join(import.meta.dirname, 'farm-process.js');
  const child: ChildProcess = spawn(process.execPath, [script, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onExit = (code: number | null) => reject(new Error(`bench: the feed farm exited (${code}) before listening`));
    child.once('exit', onExit);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = /^(\{.*\})\n/.exec(buffer);
      if (!line) return;
      child.off('exit', onExit);
      const { port } = JSON.parse(line[1] as string) as { port: number };
      const url = `http://127.0.0.1:${port}`;
      resolve({
        url,
        pid: child.pid as number,
        feedUrl: (feed) => `${url}/feeds/${feed}.xml`,
        stats: async () => (await (await fetch(`${url}/_stats`)).json()) as FarmStats,
        stop: () => new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
      });
    });
  });
}

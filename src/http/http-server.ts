/**
 * The daemon's HTTP server (`veille start --http host:port`): the status page, the queue
 * dashboard (bull-board) at /queues, Prometheus metrics, health and readiness probes, and a
 * token-protected trigger. Read-only things are open; anything that changes state needs
 * settings.http.token (src/http/auth.ts). Endpoints: docs/operations.md.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LiveWatchlist } from '../config/live-watchlist.js';
import { readStatus } from '../cli/status.js';
import { triggerPolls } from '../cli/trigger.js';
import type { ArticleReader } from '../storage/article-reader.js';
import type { PollJobData, StoreJobData } from '../queues/queues.js';
import type { Keyspace } from '../queues/keyspace.js';
import type { NotifyJobData } from '../notify/notify-queue.js';
import type { Logger } from '../logging/logger.js';
import { createMetrics } from '../metrics/veille-metrics.js';
import { configuredToken, isAuthorized, SESSION_COOKIE, sameSecret, sessionValue } from './auth.js';
import { HttpOptionError, assertBindAllowed, type ListenAddress } from './listen-address.js';
import { renderStatusPage, type StatusPageData } from './status-page.js';

const LATEST = 20;
const DAYS = 14;
const PROBE_TIMEOUT_MS = 3_000;
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface HttpServerDeps {
  address: ListenAddress;
  /** A commands connection (fails fast): probes, feed state, queueing triggers. */
  redis: Redis;
  redisUrl: string;
  keys: Keyspace;
  live: Pick<LiveWatchlist, 'current'>;
  reader: ArticleReader;
  queues: { poll: Queue<PollJobData>; store: Queue<StoreJobData>; notify: Queue<NotifyJobData> };
  log: Logger;
}

export interface HttpServer {
  /** e.g. http://127.0.0.1:8080 (the real port when 0 was asked). */
  url: string;
  close(): Promise<void>;
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS); });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Where to go after the unlock form: a path on this site only. */
const safeNext = (value: unknown) => (typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/');

export async function startHttpServer(deps: HttpServerDeps): Promise<HttpServer> {
  const log = deps.log.child({ module: 'http' });
  const token = () => configuredToken(deps.live.current.settings);
  assertBindAllowed(deps.address, token(), deps.live.current.file);
  const conn = { url: deps.redisUrl, redis: deps.redis, keys: deps.keys, close: async () => undefined };
  const metrics = createMetrics({ redis: deps.redis, redisUrl: deps.redisUrl, keys: deps.keys, live: deps.live, queues: deps.queues, log });

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  app.use((_req, res, next) => { res.setHeader('X-Content-Type-Options', 'nosniff'); next(); });

  app.get('/healthz', (_req, res) => { res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }); });
  app.get('/readyz', async (_req, res) => {
    const [redis, store] = await Promise.allSettled([
      withTimeout(deps.redis.ping(), 'redis'),
      withTimeout(deps.reader.latest(1), 'store'),
    ]);
    const checks = {
      redis: redis.status === 'fulfilled' ? 'ok' : message(redis.reason),
      store: store.status === 'fulfilled' ? 'ok' : message(store.reason),
    };
    const ready = checks.redis === 'ok' && checks.store === 'ok';
    if (!ready) log.warn({ checks }, 'http: not ready');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks, store: deps.reader.description });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  const renderPage = async (req: Request, res: Response, flash?: StatusPageData['flash'], status = 200) => {
    const query = typeof req.query.q === 'string' && req.query.q.trim() !== '' ? req.query.q.trim().slice(0, 200) : undefined;
    const [feeds, articles, counts] = await Promise.allSettled([
      readStatus(conn, deps.live.current, log),
      query !== undefined ? deps.reader.search(query, { limit: LATEST }) : deps.reader.latest(LATEST),
      deps.reader.countsPerDay(DAYS),
    ]);
    if (feeds.status === 'rejected') throw feeds.reason;
    const storeFailure = articles.status === 'rejected' ? articles.reason : counts.status === 'rejected' ? counts.reason : undefined;
    if (storeFailure !== undefined) log.warn({ err: storeFailure }, 'http: the store could not be read for the status page');
    const triggered = typeof req.query.triggered === 'string' ? req.query.triggered : undefined;
    const page = renderStatusPage({
      now: Date.now(),
      feeds: feeds.value,
      articles: articles.status === 'fulfilled' ? articles.value : [],
      counts: counts.status === 'fulfilled' ? counts.value : [],
      ...(query !== undefined ? { query } : {}),
      ...(storeFailure !== undefined ? { storeError: message(storeFailure) } : {}),
      tokenConfigured: token() !== undefined,
      authorized: isAuthorized(req, token()),
      ...(flash ? { flash } : triggered ? { flash: { kind: 'ok' as const, text: `Poll of ${triggered} queued (job ${String(req.query.job ?? '?')}).` } } : {}),
    });
    res.status(status).setHeader('Content-Security-Policy', PAGE_CSP).type('html').send(page);
  };
  app.get('/', (req, res) => renderPage(req, res));

  app.post('/login', form, async (req, res) => {
    const expected = token();
    const given = (req.body as Record<string, unknown> | undefined)?.token;
    if (!expected || typeof given !== 'string' || !sameSecret(given, expected)) {
      log.warn({ ip: req.ip }, 'http: unlock refused (wrong token)');
      await renderPage(req, res, { kind: 'error', text: expected ? 'Wrong token.' : 'No token is configured: set settings.http.token in the watchlist.' }, 401);
      return;
    }
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${sessionValue(expected)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${30 * 86_400}${req.secure ? '; Secure' : ''}`);
    res.redirect(303, safeNext((req.body as Record<string, unknown>).next));
  });
  app.post('/logout', (_req, res) => {
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    res.redirect(303, '/');
  });

  app.post('/feeds/:id/trigger', form, async (req, res) => {
    const feedId = String(req.params.id);
    const fromPage = req.is('application/x-www-form-urlencoded') !== false && req.headers.authorization === undefined;
    if (!token()) {
      res.status(403).json({ error: 'triggers are off: set settings.http.token in the watchlist (at least 16 characters) to allow them' });
      return;
    }
    if (!isAuthorized(req, token())) {
      log.warn({ feedId, ip: req.ip }, 'http: trigger refused (no valid token)');
      res.status(401).setHeader('WWW-Authenticate', 'Bearer').json({ error: 'trigger needs settings.http.token: send Authorization: Bearer <token>, or unlock the page first' });
      return;
    }
    const feed = deps.live.current.feeds.find((f) => f.id === feedId);
    if (!feed) {
      res.status(404).json({ error: `feed "${feedId}" is not in the watchlist` });
      return;
    }
    const [result] = await triggerPolls(conn, [feedId], { wait: false, timeoutMs: 0, log });
    log.info({ feedId, jobId: result?.jobId, via: fromPage ? 'page' : 'api' }, 'http: poll triggered');
    if (fromPage) res.redirect(303, `/?triggered=${encodeURIComponent(feedId)}&job=${encodeURIComponent(result?.jobId ?? '')}#feeds`);
    else res.status(202).json({ feedId, jobId: result?.jobId });
  });

  // The dashboard can retry, clean and add jobs: with a token it needs the token; without one it is read-only.
  const readOnlyMode = token() === undefined;
  const board = new ExpressAdapter();
  board.setBasePath('/queues');
  createBullBoard({
    queues: [deps.queues.poll, deps.queues.store, deps.queues.notify].map((q) => new BullMQAdapter(q as Queue, { readOnlyMode })),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Veille queues' } },
  });
  app.use('/queues', (req: Request, res: Response, next: NextFunction) => {
    if (readOnlyMode || isAuthorized(req, token())) {
      next();
      return;
    }
    res.status(401).setHeader('Content-Security-Policy', PAGE_CSP).type('html')
      .send('<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1"><title>Veille — locked</title>'
        + '<p>The queue dashboard needs the token (settings.http.token).</p>'
        + '<form method="post" action="/login"><input type="hidden" name="next" value="/queues/"><input type="password" name="token" aria-label="token" required> <button type="submit">Unlock</button></form>');
  }, board.getRouter() as express.Router);

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    log.error({ err, path: req.path }, 'http: request failed');
    if (!res.headersSent) res.status(500).json({ error: message(err) });
  });

  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new HttpOptionError(`--http ${deps.address.host}:${deps.address.port}: cannot listen (${err.code ?? err.message})${err.code === 'EADDRINUSE' ? '; another program uses that port: choose another' : ''}`));
    });
    server.listen(deps.address.port, deps.address.host, () => resolve());
  }).catch(async (err: unknown) => {
    await metrics.close();
    throw err;
  });
  await metrics.ready();
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  log.info({ url, readOnlyDashboard: readOnlyMode, tokenConfigured: !readOnlyMode }, 'http: listening');
  return {
    url,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await metrics.close();
      log.info('http: closed');
    },
  };
}

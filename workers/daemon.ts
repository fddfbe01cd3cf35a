/**
 * The daemon: runs the scheduler, poll and store roles (all, or the ones asked for) in one
 * process, on one Redis, with the live watchlist; stops them in order within a deadline.
 */
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { LiveWatchlist } from '../src/config/live-watchlist.js';
import { createRedis, redactUrl, untilReady } from '../src/redis/connections.js';
import { locateRedis, type PrivateRedis } from '../src/redis/locate-redis.js';
import { createKeyspace, type Keyspace } from '../src/queues/keyspace.js';
import { openQueue, POLL_QUEUE, STORE_QUEUE, type PollJobData, type StoreJobData } from '../src/queues/queues.js';
import { openSink } from '../src/storage/open-sink.js';
import { StoryIndex } from '../src/dedupe/story-index.js';
import type { ArticleSink } from '../src/storage/article-sink.js';
import type { Logger } from '../src/logging/logger.js';
import { startScheduler, type SchedulerRole } from './scheduler.js';
import { startPollWorker } from './poll-worker.js';
import { startStoreWorker } from './store-worker.js';
import { startNotifyWorker, type NotifyRole } from './notify-worker.js';
import { NOTIFY_QUEUE, type NotifyJobData } from '../src/notify/notify-queue.js';
import { notifyArticleKept } from '../src/notify/article-notifier.js';
import { startHttpServer, type HttpServer } from '../src/http/http-server.js';
import { assertBindAllowed, type ListenAddress } from '../src/http/listen-address.js';
import { configuredToken } from '../src/http/auth.js';
import { openArticleReader } from '../src/storage/open-sink.js';
import type { ArticleReader } from '../src/storage/article-reader.js';

export const ROLES = ['scheduler', 'poll', 'store', 'notify'] as const;
export type Role = (typeof ROLES)[number];

export interface DaemonOptions {
  configPath?: string;
  roles: readonly Role[];
  prefix?: string;
  /** Folder for a private Redis's data when Veille has to start one. */
  dataDir: string;
  shutdownTimeoutMs: number;
  watchConfig: boolean;
  /** Use this Redis instead of locating one (demo, tests). */
  redisUrl?: string;
  /** Serve the status page, dashboard, metrics and probes here (`--http`); off when absent. */
  http?: ListenAddress;
  /** Seconds between two looks at feed health for feed.* webhooks (tests shorten it). */
  notifyWatchIntervalMs?: number;
  log: Logger;
}

export interface Daemon {
  live: LiveWatchlist;
  keys: Keyspace;
  redisUrl: string;
  pollQueue: Queue<PollJobData>;
  storeQueue: Queue<StoreJobData>;
  notifyQueue: Queue<NotifyJobData>;
  /** Where the HTTP server listens, when `http` was given. */
  httpUrl?: string;
  stop(reason: string): Promise<void>;
}

async function closeWithin(worker: Worker, deadlineMs: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), deadlineMs); });
  const result = await Promise.race([worker.close().then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    log.warn({ queue: worker.name, deadlineMs }, 'shutdown: active jobs did not finish before the deadline; they will be retried by another worker');
    await worker.close(true);
  }
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { log } = options;
  const live = await LiveWatchlist.open(options.configPath, log);
  // Before Redis or anything else starts: an exposed server without a token is refused outright.
  if (options.http) assertBindAllowed(options.http, configuredToken(live.current.settings), live.current.file);
  const located = options.redisUrl
    ? { url: options.redisUrl, source: 'given' as const, child: undefined }
    : await locateRedis({ dataDir: options.dataDir, startIfMissing: 'persistent' });
  const privateRedis: PrivateRedis | undefined = located.child;
  if (privateRedis) {
    log.warn({ redis: located.url, dataDir: options.dataDir }, `redis: nothing answered on 127.0.0.1:6379 and REDIS_URL is unset; started a private redis-server (append-only file in ${options.dataDir}/redis), stopped on shutdown`);
  } else {
    log.info({ redis: redactUrl(located.url), source: located.source }, 'redis: connected');
  }
  const keys = createKeyspace(options.prefix);
  const commands: Redis = createRedis(located.url, 'producer', log);
  // The queues get a connection of their own: BullMQ defines its ~50 scripts on the connection
  // it is given, and ioredis copies every defined script onto each MULTI and pipeline, which cost
  // Veille's own transactions (feed state, seen items) more than the commands they carry.
  const queueConnection: Redis = createRedis(located.url, 'producer', log);
  const workerConnection: Redis = createRedis(located.url, 'worker', log);
  await untilReady(commands, located.url);
  await untilReady(queueConnection, located.url);
  const pollQueue = openQueue<PollJobData>(POLL_QUEUE, queueConnection, keys, log);
  const storeQueue = openQueue<StoreJobData>(STORE_QUEUE, queueConnection, keys, log);
  const notifyQueue = openQueue<NotifyJobData>(NOTIFY_QUEUE, queueConnection, keys, log);

  const roles = new Set(options.roles);
  let sink: ArticleSink | undefined;
  let scheduler: SchedulerRole | undefined;
  const workers: Worker[] = [];
  let notify: NotifyRole | undefined;
  let reader: ArticleReader | undefined;
  let http: HttpServer | undefined;
  try {
    if (roles.has('store')) {
      sink = await openSink(live.current.settings.sink);
      const stories = new StoryIndex(commands, keys, live.current.settings.dedupeRetention, live.current.settings.dedupe.nearDuplicateDistance);
      workers.push(startStoreWorker({ workerConnection, stories, keys, sink, concurrency: live.current.settings.concurrency.store, lockDurationMs: live.current.settings.jobs.lockDuration, log,
        onArticleStored: notifyArticleKept(notifyQueue, live, log.child({ role: 'store' })) }));
      log.info({ sink: sink.description }, 'store: writing kept articles');
    }
    if (roles.has('poll')) workers.push(startPollWorker({ redis: commands, workerConnection, keys, live, storeQueue, log }));
    if (roles.has('scheduler')) scheduler = await startScheduler(pollQueue, live, commands, keys, log);
    if (roles.has('notify')) {
      notify = startNotifyWorker({ redis: commands, workerConnection, keys, live, queue: notifyQueue, log, ...(options.notifyWatchIntervalMs ? { watchIntervalMs: options.notifyWatchIntervalMs } : {}) });
      log.info({ webhooks: live.current.settings.webhooks.length }, 'notify: delivering webhooks');
    }
    if (options.http) {
      reader = openArticleReader(live.current.settings.sink);
      http = await startHttpServer({ address: options.http, redis: commands, redisUrl: located.url, keys, live, reader, queues: { poll: pollQueue, store: storeQueue, notify: notifyQueue }, log });
    }
  } catch (err) {
    await http?.close();
    await reader?.close();
    await notify?.close(true);
    await Promise.allSettled(workers.map((w) => w.close(true)));
    await sink?.close();
    commands.disconnect();
    queueConnection.disconnect();
    workerConnection.disconnect();
    await privateRedis?.stop();
    throw err;
  }
  if (options.watchConfig) live.watchFile();
  live.on('change', (next, previous) => {
    if (JSON.stringify(next.settings.sink) !== JSON.stringify(previous.settings.sink)) {
      log.warn({ file: next.file }, 'config: settings.sink changed; restart the store role to use the new sink');
    }
  });
  log.info({ roles: [...roles], prefix: keys.prefix, config: live.current.file, version: live.current.version, feeds: live.current.feeds.length, rules: live.current.ruleSet.version }, 'daemon: started');

  let stopping: Promise<void> | undefined;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      const started = performance.now();
      log.info({ reason, deadlineMs: options.shutdownTimeoutMs }, 'shutdown: letting active jobs finish');
      live.close();
      // The web server first: no trigger may queue a poll once pollers are stopping.
      await http?.close();
      await reader?.close();
      await scheduler?.close();
      // Poll jobs enqueue store jobs, so pollers stop before the store worker.
      for (const worker of workers.slice().reverse()) await closeWithin(worker, options.shutdownTimeoutMs, log);
      // Deliveries last: the store worker may still have queued some while finishing.
      if (notify) {
        await notify.watcher.stop();
        await closeWithin(notify.worker, options.shutdownTimeoutMs, log);
      }
      await pollQueue.close();
      await storeQueue.close();
      await notifyQueue.close();
      await sink?.close();
      await commands.quit().catch(() => commands.disconnect());
      await queueConnection.quit().catch(() => queueConnection.disconnect());
      await workerConnection.quit().catch(() => workerConnection.disconnect());
      if (privateRedis) {
        await privateRedis.stop();
        log.info('redis: private redis-server stopped');
      }
      log.info({ durationMs: Math.round(performance.now() - started) }, 'shutdown: done');
    })();
    return stopping;
  };
  return { live, keys, redisUrl: located.url, pollQueue, storeQueue, notifyQueue, ...(http ? { httpUrl: http.url } : {}), stop };
}

/**
 * Prometheus metrics for `GET /metrics`, gathered without touching the poll or store code: the
 * HTTP process listens to BullMQ's queue events (every process's jobs, as Redis streams them)
 * for counters and durations, and reads queue depths and feed health when scraped. Counters
 * start at zero when the process starts, as Prometheus expects. Names: docs/operations.md.
 */
import { QueueEvents, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LiveWatchlist } from '../config/live-watchlist.js';
import { classifyHealth } from '../feeds/feed-health.js';
import { FeedStates } from '../pipeline/feed-state.js';
import type { PollJobData, StoreJobData } from '../queues/queues.js';
import type { PollOutcome } from '../pipeline/poll-feed.js';
import type { Keyspace } from '../queues/keyspace.js';
import type { Logger } from '../logging/logger.js';
import { createRedis } from '../redis/connections.js';
import type { NotifyJobData } from '../notify/notify-queue.js';

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;
const HEALTHS = ['new', 'ok', 'failing', 'silent', 'disabled'] as const;

export interface MetricsDeps {
  redis: Redis;
  /** For the queue-event listeners' own blocking connections. */
  redisUrl: string;
  keys: Keyspace;
  live: Pick<LiveWatchlist, 'current'>;
  queues: { poll: Queue<PollJobData>; store: Queue<StoreJobData>; notify: Queue<NotifyJobData> };
  log: Logger;
}

export interface VeilleMetrics {
  registry: Registry;
  /** Resolves once the queue-event listeners are connected (jobs finished before are not counted). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

type SkippedPoll = { feedId: string; skipped: true };

export function createMetrics(deps: MetricsDeps): VeilleMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'veille_' });

  const polls = new Counter({ name: 'veille_polls_total', help: 'Finished poll jobs by feed and outcome (fetched, not-modified, unchanged, skipped: not due, failed: after its retries)', labelNames: ['feed', 'outcome'], registers });
  const httpResponses = new Counter({ name: 'veille_poll_http_responses_total', help: 'HTTP statuses of successful polls, by feed and status', labelNames: ['feed', 'status'], registers });
  const itemsSeen = new Counter({ name: 'veille_items_seen_total', help: 'Feed items seen by polls', labelNames: ['feed'], registers });
  const itemsNew = new Counter({ name: 'veille_items_new_total', help: 'Feed items not seen before', labelNames: ['feed'], registers });
  const itemsKept = new Counter({ name: 'veille_items_kept_total', help: 'Items kept (relevant and not a duplicate)', labelNames: ['feed'], registers });
  const duplicates = new Counter({ name: 'veille_items_duplicates_total', help: 'Relevant items already kept from another feed or earlier', labelNames: ['feed'], registers });
  const feedFailures = new Counter({ name: 'veille_feed_failures_total', help: 'Poll jobs that failed after their retries, by feed', labelNames: ['feed'], registers });
  const storeWrites = new Counter({ name: 'veille_store_writes_total', help: 'Store jobs by record kind and outcome (written, duplicate, failed)', labelNames: ['kind', 'outcome'], registers });
  const deliveries = new Counter({ name: 'veille_webhook_deliveries_total', help: 'Webhook deliveries by event and outcome (delivered, dropped, failed: gave up)', labelNames: ['event', 'outcome'], registers });
  const durations = new Histogram({
    name: 'veille_job_duration_seconds', help: 'Time from a job\'s start to its end (last attempt), by queue and outcome',
    labelNames: ['queue', 'outcome'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120], registers,
  });

  const log = deps.log.child({ module: 'metrics' });
  const states = new FeedStates(deps.redis, deps.keys);
  new Gauge({
    name: 'veille_queue_jobs', help: 'Jobs in each queue by state, read when scraped', labelNames: ['queue', 'state'], registers,
    async collect() {
      this.reset();
      for (const queue of Object.values(deps.queues)) {
        const counts = await (queue as Queue).getJobCounts(...JOB_STATES);
        for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    },
  });
  // Feed health is read once per scrape and shared by the three gauges below.
  let health: Promise<Map<string, { health: string; failures: number }>> | undefined;
  const readHealth = () => {
    health ??= (async () => {
      const watchlist = deps.live.current;
      const feeds = watchlist.feeds.filter((f) => f.enabled);
      const found = await states.getMany(feeds.map((f) => f.id));
      const rule = { silentFactor: watchlist.settings.schedule.silentFactor, silentMinMs: watchlist.settings.schedule.silentMin };
      const now = Date.now();
      return new Map([...found].map(([id, state]) => [id, { health: classifyHealth(state, rule, now), failures: state.consecutiveFailures }]));
    })().finally(() => { setImmediate(() => { health = undefined; }); });
    return health;
  };
  new Gauge({
    name: 'veille_feeds', help: 'Enabled feeds by health (new, ok, failing, silent, disabled)', labelNames: ['health'], registers,
    async collect() {
      this.reset();
      const byFeed = await readHealth();
      for (const h of HEALTHS) this.set({ health: h }, [...byFeed.values()].filter((f) => f.health === h).length);
    },
  });
  new Gauge({
    name: 'veille_feeds_failing', help: 'Enabled feeds whose health is failing or disabled', registers,
    async collect() {
      const byFeed = await readHealth();
      this.set([...byFeed.values()].filter((f) => f.health === 'failing' || f.health === 'disabled').length);
    },
  });
  new Gauge({
    name: 'veille_feed_consecutive_failures', help: 'Failed attempts in a row, per enabled feed', labelNames: ['feed'], registers,
    async collect() {
      this.reset();
      for (const [feed, f] of await readHealth()) this.set({ feed }, f.failures);
    },
  });

  const observe = async (queue: Queue, jobId: string, outcome: string) => {
    const job = await queue.getJob(jobId);
    if (job?.processedOn && job.finishedOn) durations.observe({ queue: queue.name, outcome }, (job.finishedOn - job.processedOn) / 1000);
    return job;
  };
  const listeners: { events: QueueEvents; connection: Redis }[] = [];
  const listen = (queue: Queue, onCompleted: (jobId: string, value: unknown) => Promise<void>, onFailed: (jobId: string) => Promise<void>) => {
    // QueueEvents blocks on its connection, which must retry forever: it gets its own.
    const connection = createRedis(deps.redisUrl, 'worker', log);
    const events = new QueueEvents(queue.name, { connection, prefix: deps.keys.bullPrefix });
    events.on('error', (err) => log.error({ err, queue: queue.name }, 'metrics: queue events error'));
    const guard = (what: string, work: Promise<void>) => work.catch((err: unknown) => log.warn({ err, queue: queue.name }, `metrics: could not count a ${what} job`));
    events.on('completed', ({ jobId, returnvalue }) => void guard('completed', onCompleted(jobId, returnvalue)));
    events.on('failed', ({ jobId }) => void guard('failed', onFailed(jobId)));
    listeners.push({ events, connection });
  };

  listen(deps.queues.poll, async (jobId, value) => {
    await observe(deps.queues.poll, jobId, 'completed');
    const result = value as PollOutcome | SkippedPoll | null;
    if (!result || typeof result !== 'object') return;
    const feed = result.feedId;
    if ('skipped' in result) {
      polls.inc({ feed, outcome: 'skipped' });
      return;
    }
    polls.inc({ feed, outcome: result.fetch });
    httpResponses.inc({ feed, status: String(result.httpStatus) });
    itemsSeen.inc({ feed }, result.itemsSeen);
    itemsNew.inc({ feed }, result.itemsNew);
    itemsKept.inc({ feed }, result.itemsKept);
    duplicates.inc({ feed }, result.duplicates);
  }, async (jobId) => {
    const job = await observe(deps.queues.poll, jobId, 'failed');
    const feed = (job?.data as PollJobData | undefined)?.feedId ?? 'unknown';
    polls.inc({ feed, outcome: 'failed' });
    feedFailures.inc({ feed });
  });
  listen(deps.queues.store, async (jobId, value) => {
    const job = await observe(deps.queues.store, jobId, 'completed');
    storeWrites.inc({ kind: (job?.data as StoreJobData | undefined)?.record.kind ?? 'unknown', outcome: String(value) });
  }, async (jobId) => {
    const job = await observe(deps.queues.store, jobId, 'failed');
    storeWrites.inc({ kind: (job?.data as StoreJobData | undefined)?.record.kind ?? 'unknown', outcome: 'failed' });
  });
  listen(deps.queues.notify, async (jobId, value) => {
    const job = await observe(deps.queues.notify, jobId, 'completed');
    const delivered = (value as { delivered?: boolean } | null)?.delivered === true;
    deliveries.inc({ event: (job?.data as NotifyJobData | undefined)?.event ?? 'unknown', outcome: delivered ? 'delivered' : 'dropped' });
  }, async (jobId) => {
    const job = await observe(deps.queues.notify, jobId, 'failed');
    deliveries.inc({ event: (job?.data as NotifyJobData | undefined)?.event ?? 'unknown', outcome: 'failed' });
  });

  return {
    registry,
    async ready() {
      await Promise.all(listeners.map((l) => l.events.waitUntilReady()));
    },
    async close() {
      await Promise.all(listeners.map(async (l) => {
        await l.events.close();
        l.connection.disconnect();
      }));
    },
  };
}


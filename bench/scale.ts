/**
 * Scale run: 6,000 feeds on a 1-minute interval (100 polls/s, the rate of 90,000 feeds every
 * 15 minutes) for 5 minutes on this machine. A few percent of the feeds publish each minute, the
 * rest answer 304. After a warm-up first poll of every feed, the scheduler role starts its job
 * schedulers; the bench reads every poll's start from BullMQ's event stream and reports schedule
 * lag (start − due time), CPU, Redis memory and process memory every 5 s.
 *
 * Lag: a job scheduler's job id is `repeat:<scheduler id>:<due millis>`, and the "active" event's
 * stream id is the time (Redis clock) the job started, i.e. its processedOn.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { createKeyspace } from '../src/queues/keyspace.js';
import { POLL_QUEUE } from '../src/queues/queues.js';
import { deleteKeys } from '../src/redis/connections.js';
import { locateRedis } from '../src/redis/locate-redis.js';
import { startFeedFarm } from './feed-farm.js';
import { PollProgress } from './poll-progress.js';
import { readMachineCpu, readProc } from './proc-stats.js';
import { startRole, writeBenchWatchlist, type RoleProcess } from './veille-roles.js';
import { round, writeResult } from './bench-results.js';

export interface ScaleOptions {
  feeds: number;
  items: number;
  minutes: number;
  pollers: number;
  out: string;
  /** Poll interval of every feed (default 1 minute). */
  intervalMs?: number;
  /** Share of feeds publishing per interval (default 3 %). */
  publishShare?: number;
}

interface Sample {
  t: number;
  machineCpuPercent: number | null;
  cpuPercent: Record<string, number>;
  rssMiB: Record<string, number>;
  redisUsedMemoryMiB: number;
  pollsStarted: number;
  lagP99Ms: number | null;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? null;
}

export async function runScaleBench(options: ScaleOptions): Promise<void> {
  const intervalMs = options.intervalMs ?? 60_000;
  const publishShare = options.publishShare ?? 0.03;
  const located = await locateRedis({ dataDir: path.join(os.tmpdir(), `veille-bench-${process.pid}`), startIfMissing: 'ephemeral' });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'veille-bench-scale-'));
  const keys = createKeyspace(`bench-scale-${process.pid}`);
  const farm = await startFeedFarm({
    feeds: options.feeds, items: options.items, seed: 42, relevantShare: 0.02, sharedShare: 0.1,
    publishEveryMs: intervalMs, publishShare, startedAt: Date.now(),
  });
  const config = writeBenchWatchlist(dir, {
    feedUrls: Array.from({ length: options.feeds }, (_, f) => farm.feedUrl(f)),
    interval: `${intervalMs / 1000}s`, pollConcurrency: 8, storeConcurrency: 4, ndjsonPath: path.join(dir, 'articles.ndjson'),
  });
  const redis = new Redis(located.url, { maxRetriesPerRequest: null });
  const blocking = new Redis(located.url, { maxRetriesPerRequest: null });
  const blocking2 = new Redis(located.url, { maxRetriesPerRequest: null });
  const progress = new PollProgress(redis, blocking, keys);
  const roles: RoleProcess[] = [];
  const common = { config, prefix: keys.prefix, redisUrl: located.url, dir };
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1] ?? NaN);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  try {
    await progress.ready();
    roles.push(await startRole({ ...common, name: 'store', role: 'store' }));
    for (let i = 0; i < options.pollers; i += 1) roles.push(await startRole({ ...common, name: `poll-${i + 1}`, role: 'poll' }));

    // Warm-up: the first poll of every feed (all items new), not measured for lag.
    const w0 = performance.now();
    const stamp = Date.now();
    for (let f = 0; f < options.feeds; f += 1000) {
      await progress.pollQueue.addBulk(Array.from({ length: Math.min(1000, options.feeds - f) }, (_, k) => ({
        name: 'poll', data: { feedId: `feed-${f + k}`, manual: true },
        opts: { jobId: `manual-feed-${f + k}-${stamp}`, attempts: 1, removeOnComplete: { age: 3600, count: 1000 } },
      })));
    }
    await progress.untilFinished(options.feeds, 20 * 60_000);
    await progress.untilStoreDrained(10 * 60_000);
    const warmupSeconds = (performance.now() - w0) / 1000;
    log(`warm-up: first poll of ${options.feeds} feeds × ${options.items} items in ${warmupSeconds.toFixed(1)} s`);

    // Every start of a scheduled poll, with its lag.
    const lags: { at: number; lagMs: number }[] = [];
    const events = new QueueEvents(POLL_QUEUE, { connection: blocking2, prefix: keys.bullPrefix });
    events.on('active', ({ jobId }, id) => {
      if (!jobId.startsWith('repeat:')) return;
      const due = Number(jobId.slice(jobId.lastIndexOf(':') + 1));
      const at = Number(id.split('-')[0]);
      if (Number.isFinite(due)) lags.push({ at, lagMs: at - due });
    });
    await events.waitUntilReady();
    progress.finished = [];

    const named = (): [string, number][] => [
      ...roles.map((r): [string, number] => [r.name, r.pid]),
      ['farm', farm.pid], ['bench', process.pid], ...(Number.isFinite(redisPid) ? [['redis', redisPid] as [string, number]] : []),
    ];
    roles.push(await startRole({ ...common, name: 'scheduler', role: 'scheduler' }));
    const t0 = Date.now();
    const samples: Sample[] = [];
    let lastCpu = Object.fromEntries(named().map(([n, pid]) => [n, readProc(pid)?.cpuSeconds ?? NaN]));
    let lastMachine = readMachineCpu();
    let lastT = t0;
    const endAt = t0 + options.minutes * 60_000;
    while (Date.now() < endAt) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, endAt - Date.now())));
      const now = Date.now();
      const cpu = Object.fromEntries(named().map(([n, pid]) => [n, readProc(pid)?.cpuSeconds ?? NaN]));
      const machine = readMachineCpu();
      const window = lags.filter((l) => l.at > lastT).map((l) => l.lagMs).sort((a, b) => a - b);
      const usedMemory = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? NaN);
      const sample: Sample = {
        t: round((now - t0) / 1000, 1),
        machineCpuPercent: machine && lastMachine ? round((100 * (machine.busy - lastMachine.busy)) / (machine.total - lastMachine.total), 1) : null,
        cpuPercent: Object.fromEntries(Object.entries(cpu).map(([n, v]) => [n, round((100 * (v - (lastCpu[n] ?? v))) / ((now - lastT) / 1000), 1)])),
        rssMiB: Object.fromEntries(named().map(([n, pid]) => [n, round((readProc(pid)?.rssBytes ?? NaN) / 2 ** 20, 1)])),
        redisUsedMemoryMiB: round(usedMemory / 2 ** 20, 1),
        pollsStarted: window.length,
        lagP99Ms: percentile(window, 0.99),
      };
      samples.push(sample);
      log(`t=${sample.t}s polls started ${sample.pollsStarted} (lag p99 ${sample.lagP99Ms ?? '—'} ms), machine CPU ${sample.machineCpuPercent}%, ${Object.entries(sample.cpuPercent).map(([n, v]) => `${n} ${v}%`).join(', ')}; Redis ${sample.redisUsedMemoryMiB} MiB`);
      lastCpu = cpu;
      lastMachine = machine;
      lastT = now;
    }
    const seconds = (Date.now() - t0) / 1000;
    const sorted = lags.map((l) => l.lagMs).sort((a, b) => a - b);
    // The first interval carries the start-up: the scheduler's first polls of every feed at once.
    const steadyLags = lags.filter((l) => l.at >= t0 + intervalMs).map((l) => l.lagMs).sort((a, b) => a - b);
    const outcomes = { fetched: 0, notModified: 0, skipped: 0, failed: 0 };
    for (const e of progress.finished) {
      const value = e.returnvalue as { skipped?: boolean; fetch?: string } | undefined;
      if (e.failedReason !== undefined) outcomes.failed += 1;
      else if (value?.skipped) outcomes.skipped += 1;
      else if (value?.fetch === 'not-modified') outcomes.notModified += 1;
      else outcomes.fetched += 1;
    }
    const peakRssMiB = Object.fromEntries(named().map(([n, pid]) => [n, round((readProc(pid)?.peakRssBytes ?? NaN) / 2 ** 20, 1)]));
    const steady = samples.slice(Math.min(2, samples.length - 1));
    const avg = (values: number[]) => round(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length), 1);
    const result = {
      date: new Date().toISOString(), node: process.version, cpus: os.cpus().length,
      options: { ...options, intervalMs, publishShare, pollConcurrency: 8, storeConcurrency: 4 },
      politeness: 'one local host: maxInFlightPerHost 64, minSpacing 0; fullText never',
      warmupSeconds: round(warmupSeconds, 1),
      seconds: round(seconds, 1),
      scheduledPollsStarted: lags.length,
      pollsPerSecond: round(lags.length / seconds, 1),
      expectedPollsPerSecond: round(options.feeds / (intervalMs / 1000), 1),
      lagMs: { p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? null },
      lagAfterFirstIntervalMs: { polls: steadyLags.length, p50: percentile(steadyLags, 0.5), p99: percentile(steadyLags, 0.99), max: steadyLags.at(-1) ?? null },
      outcomes,
      averageCpuPercent: {
        machine: avg(steady.map((s) => s.machineCpuPercent ?? NaN)),
        ...Object.fromEntries(Object.keys(steady[0]?.cpuPercent ?? {}).map((n) => [n, avg(steady.map((s) => s.cpuPercent[n] ?? NaN))])),
      },
      peakRssMiB,
      redisUsedMemoryMiB: { first: samples[0]?.redisUsedMemoryMiB ?? null, last: samples.at(-1)?.redisUsedMemoryMiB ?? null, max: Math.max(...samples.map((s) => s.redisUsedMemoryMiB)) },
      farm: await farm.stats(),
      samples,
    };
    await events.close();
    const file = writeResult(options.out, 'scale', result);
    log([
      '',
      `Scale run: ${options.feeds} feeds × ${options.items} items, every ${intervalMs / 1000} s, ${publishShare * 100} % publishing per interval, ${options.pollers} poll processes × 8, ${result.seconds} s after a ${result.warmupSeconds} s warm-up.`,
      '',
      '| figure | value |',
      '|---|---:|',
      `| scheduled polls started (per s; due rate ${result.expectedPollsPerSecond}) | ${lags.length} (${result.pollsPerSecond}) |`,
      `| schedule lag after the first interval, p50 / p99 / max (ms) | ${result.lagAfterFirstIntervalMs.p50} / ${result.lagAfterFirstIntervalMs.p99} / ${result.lagAfterFirstIntervalMs.max} |`,
      `| outcomes: 304 / fetched / skipped (not due) / failed | ${outcomes.notModified} / ${outcomes.fetched} / ${outcomes.skipped} / ${outcomes.failed} |`,
      `| schedule lag p50 / p90 / p99 / max (ms) | ${result.lagMs.p50} / ${result.lagMs.p90} / ${result.lagMs.p99} / ${result.lagMs.max} |`,
      `| machine CPU, average after the first 10 s (% of ${os.cpus().length} cores × 100) | ${result.averageCpuPercent.machine} % |`,
      ...Object.entries(result.averageCpuPercent).filter(([n]) => n !== 'machine').map(([n, v]) => `| CPU ${n} (% of one core) | ${v} % |`),
      ...Object.entries(peakRssMiB).map(([n, v]) => `| peak RSS ${n} (MiB) | ${v} |`),
      `| Redis used_memory first / last / max sample (MiB) | ${result.redisUsedMemoryMiB.first} / ${result.redisUsedMemoryMiB.last} / ${result.redisUsedMemoryMiB.max} |`,
      '',
      `written ${path.relative(process.cwd(), file)}`,
    ].join('\n'));
  } finally {
    await Promise.all(roles.map((r) => r.stop()));
    await progress.close();
    await deleteKeys(redis, keys.patterns);
    await Promise.all([redis.quit(), blocking.quit(), blocking2.quit()]);
    await farm.stop();
    await located.child?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `npm run bench [-- options]`: every benchmark, each reporting its figures as ratios against a
 * floor measured in the same run, as markdown on stdout and JSON under bench/results/.
 *
 *   (no option)            matcher, dedupe memory, end to end (median of --runs), summary table
 *   --only matcher|dedupe|e2e|scale|html|parts   (html: htmlToText per item body against a bare tag regex + entity decoder;
 *                          parts: a poll's CPU part by part, against the floors' own work)
 *   --smoke                a few feeds, one run, end to end only: keeps the bench working (CI)
 *   --scale                the scale run (6,000 feeds on a 1-minute interval for 5 minutes)
 *   --runs N               end-to-end repetitions (default 3, smoke 1)
 *   --feeds N --items N    farm size (default 1,000 × 50; smoke 20 × 10; scale 6,000 × 20)
 *   --minutes N            scale-run length (default 5)
 *   --pollers N            poll processes (default 2)
 *   --cpu-prof             run the poll processes with --cpu-prof (profiles kept in a temp folder)
 *   --out DIR              where the JSON goes (default bench/results)
 */
import path from 'node:path';
import os from 'node:os';
import { locateRedis } from '../src/redis/locate-redis.js';
import { runMatcherBench, type MatcherResult } from './matcher.js';
import { runHtmlTextBench } from './html-text.js';
import { runPollPartsBench } from './poll-parts.js';
import { runDedupeMemoryBench } from './dedupe-memory.js';
import { openE2eContext, runE2eOnce, type E2eOptions, type E2eRun } from './e2e.js';
import { runScaleBench } from './scale.js';
import { formatSpread, resultsDir, spread, writeResult, type Spread } from './bench-results.js';

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
function option(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}
function numberOption(name: string, fallback: number): number {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`bench: --${name} expects a positive number, not "${raw}"\n`);
    process.exit(2);
  }
  return value;
}

const BENCHES = ['matcher', 'dedupe', 'e2e', 'scale', 'html', 'parts'] as const;
type BenchName = (typeof BENCHES)[number];
const smoke = flag('smoke');
const only = option('only');
if (only !== undefined && !(BENCHES as readonly string[]).includes(only)) {
  process.stderr.write(`bench: unknown benchmark "${only}"; use one of ${BENCHES.join(', ')}\n`);
  process.exit(2);
}
const selected: BenchName[] = only ? [only as BenchName] : flag('scale') ? ['scale'] : smoke ? ['e2e'] : ['matcher', 'dedupe', 'e2e'];
const out = resultsDir(option('out'));

async function runE2e(): Promise<{ runs: E2eRun[]; summary: Record<string, Spread> }> {
  const options: E2eOptions = {
    feeds: numberOption('feeds', smoke ? 20 : 1_000),
    items: numberOption('items', smoke ? 10 : 50),
    seed: 42,
    pollers: numberOption('pollers', 2),
    pollConcurrency: 8,
    storeConcurrency: 4,
    pollerFlags: flag('cpu-prof') ? ['--cpu-prof'] : [],
    timeoutMs: 15 * 60_000,
  };
  const runs = numberOption('runs', smoke ? 1 : 3);
  const located = await locateRedis({ dataDir: path.join(os.tmpdir(), `veille-bench-${process.pid}`), startIfMissing: 'ephemeral' });
  const ctx = await openE2eContext(options, located);
  const results: E2eRun[] = [];
  try {
    for (let run = 1; run <= runs; run += 1) {
      const result = await runE2eOnce(options, ctx, run);
      results.push(result);
      process.stdout.write(`run ${run}/${runs}: first poll ${result.firstPoll.articlesPerSecond} articles/s (floor ${result.floor.articlesPerSecond}, ${result.ratios.endToEnd}×); 304 path ${result.notModified.feedsPerSecond} feeds/s (floor ${result.floor.notModifiedFeedsPerSecond}, ${result.ratios.notModified}×)\n`);
    }
  } finally {
    await ctx.farm.stop();
    await located.child?.stop();
  }
  const of = (pick: (r: E2eRun) => number) => spread(results.map(pick));
  const summary = {
    articlesPerSecond: of((r) => r.firstPoll.articlesPerSecond),
    floorArticlesPerSecond: of((r) => r.floor.articlesPerSecond),
    endToEndRatio: of((r) => r.ratios.endToEnd),
    feedsPerSecond: of((r) => r.notModified.feedsPerSecond),
    floorFeedsPerSecond: of((r) => r.floor.notModifiedFeedsPerSecond),
    notModifiedRatio: of((r) => r.ratios.notModified),
    cpuSecondsPer1000Articles: of((r) => r.firstPoll.cpuSecondsPer1000Articles),
    floorCpuSecondsPer1000Articles: of((r) => r.floor.cpuSecondsPer1000Articles),
    redisCpuSecondsPer1000Articles: of((r) => r.firstPoll.redisCpuSecondsPer1000Articles ?? NaN),
    dedupeBytesPerRememberedArticle: of((r) => r.redis.dedupeBytesPerRememberedArticle),
    ...Object.fromEntries(Object.keys(results[0]?.peakRssMiB ?? {}).map((name) => [`peakRssMiB.${name}`, of((r) => r.peakRssMiB[name] ?? NaN)])),
  };
  const file = writeResult(out, smoke ? 'smoke' : 'e2e', {
    date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, smoke,
    options: { ...options, runs },
    politeness: 'one local host: maxInFlightPerHost 64, minSpacing 0 (real deployments spread feeds over many hosts); fullText never; farm serves identity (no gzip)',
    summary, runs: results,
  });
  process.stdout.write(`written ${path.relative(process.cwd(), file)}\n`);
  return { runs: results, summary };
}

function summaryTable(e2e: Record<string, Spread> | undefined, matcher: MatcherResult | undefined): string {
  const rows = ['| figure | Veille | floor (same run, same data) | ratio | target |', '|---|---:|---:|---:|---:|'];
  if (e2e) {
    const s = (name: string, digits = 0) => (e2e[name] ? formatSpread(e2e[name] as Spread, digits) : '—');
    const ratio = (name: string) => {
      const r = e2e[name];
      return r ? `${r.median.toFixed(2)}×${r.min === r.max ? '' : ` (${r.min.toFixed(2)}–${r.max.toFixed(2)})`}` : '—';
    };
    rows.push(`| end to end, first poll (articles/s) | ${s('articlesPerSecond')} | ${s('floorArticlesPerSecond')} | ${ratio('endToEndRatio')} | ≥ 0.7× |`);
    rows.push(`| 304 path, second poll (feeds/s) | ${s('feedsPerSecond')} | ${s('floorFeedsPerSecond')} | ${ratio('notModifiedRatio')} | ≥ 0.7× |`);
    rows.push(`| CPU-seconds per 1,000 articles (Veille processes; floor: bench process) | ${s('cpuSecondsPer1000Articles', 2)} | ${s('floorCpuSecondsPer1000Articles', 2)} | | |`);
    rows.push(`| Redis CPU-seconds per 1,000 articles | ${s('redisCpuSecondsPer1000Articles', 3)} | | | |`);
    rows.push(`| Redis bytes per remembered article (seen items + story index) | ${s('dedupeBytesPerRememberedArticle', 1)} | | | |`);
    for (const name of Object.keys(e2e).filter((k) => k.startsWith('peakRssMiB.'))) rows.push(`| peak RSS, ${name.slice('peakRssMiB.'.length)} process (MiB) | ${s(name, 1)} | | | |`);
  }
  if (matcher) {
    const row = matcher.rows[0];
    if (row) rows.push(`| matcher, ${row.corpus} (MB/s) | ${row.matcherMBps} | ${row.baselineMBps} | ${row.ratio}× | ≥ 0.8× |`);
  }
  return rows.join('\n');
}

let matcher: MatcherResult | undefined;
let e2e: { summary: Record<string, Spread> } | undefined;
for (const name of selected) {
  process.stdout.write(`\n## ${name}\n\n`);
  if (name === 'matcher') matcher = runMatcherBench();
  if (name === 'dedupe') await runDedupeMemoryBench();
  if (name === 'html') runHtmlTextBench(out);
  if (name === 'parts') await runPollPartsBench(out);
  if (name === 'e2e') e2e = await runE2e();
  if (name === 'scale') {
    await runScaleBench({
      feeds: numberOption('feeds', 6_000), items: numberOption('items', 20), minutes: numberOption('minutes', 5),
      pollers: numberOption('pollers', 2), out,
    });
  }
}
if (e2e || matcher) {
  const summary = summaryTable(e2e?.summary, matcher);
  process.stdout.write(`\n## summary\n\nMedian of the runs (min–max). Ratio = Veille's throughput ÷ the floor's.\n\n${summary}\n`);
  writeResult(out, smoke ? 'summary-smoke' : 'summary', { date: new Date().toISOString(), e2e: e2e?.summary ?? null, matcher: matcher?.rows[0] ?? null, markdown: summary });
}

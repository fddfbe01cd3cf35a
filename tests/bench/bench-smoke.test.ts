/**
 * Keeps `npm run bench` working: runs its smoke mode (20 feeds × 10 items, one run, the real
 * roles as child processes against the feed farm) and checks that it finishes and writes its
 * JSON with every figure present. No speed is asserted: a benchmark is never a timed test.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../support/watchlist.js';

const BENCH = path.join(REPO_ROOT, 'dist', 'bench', 'run.js');

function runBench(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BENCH, ...args], { env: { ...process.env, REDIS_URL: inject('redisUrl') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`bench --smoke did not finish within ${timeoutMs} ms:\n${output}`)); }, timeoutMs);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

it('npm run bench -- --smoke completes and writes its results', async () => {
  expect(existsSync(BENCH), `${BENCH} is missing: npm test builds it first`).toBe(true);
  const out = await mkdtemp(path.join(os.tmpdir(), 'veille-bench-smoke-'));
  try {
    const { code, output } = await runBench(['--smoke', '--out', out], 50_000);
    expect(code, output).toBe(0);
    expect(output).toContain('| end to end, first poll (articles/s) |');
    const result = JSON.parse(await readFile(path.join(out, 'smoke-latest.json'), 'utf8')) as Record<string, any>;
    expect(result.smoke).toBe(true);
    expect(result.options).toMatchObject({ feeds: 20, items: 10, runs: 1 });
    expect(result.runs).toHaveLength(1);
    const run = result.runs[0];
    expect(run.firstPoll.failedPolls).toBe(0);
    expect(run.notModified.failedPolls).toBe(0);
    // Some items are about Russia and North Korea and reach the store.
    expect(run.firstPoll.storeJobs.article).toBeGreaterThan(0);
    for (const figure of ['articlesPerSecond', 'cpuSecondsPer1000Articles']) expect(typeof run.firstPoll[figure]).toBe('number');
    for (const figure of ['articlesPerSecond', 'notModifiedFeedsPerSecond', 'parseSeconds', 'queueSeconds']) expect(typeof run.floor[figure]).toBe('number');
    expect(Object.keys(run.ratios).sort()).toEqual(['endToEnd', 'notModified']);
    expect(Object.keys(run.peakRssMiB).sort()).toEqual(['poll-1', 'poll-2', 'scheduler', 'store']);
    expect(typeof run.redis.dedupeBytesPerRememberedArticle).toBe('number');
    for (const figure of ['articlesPerSecond', 'floorArticlesPerSecond', 'endToEndRatio', 'feedsPerSecond', 'floorFeedsPerSecond', 'notModifiedRatio']) {
      expect(Object.keys(result.summary[figure]).sort()).toEqual(['max', 'median', 'min']);
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}, 60_000);

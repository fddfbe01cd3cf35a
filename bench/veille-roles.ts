/**
 * Veille's roles as real child processes (`node dist/src/cli/main.js … start --only <role>`), as a
 * deployment runs them, on a generated watchlist (the shipped rules, feeds pointing at the farm)
 * and a fresh Redis prefix. Logs go to one file per process at the default level (info), as in
 * production; the bench reads them only to see "daemon: started".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { readProc, type ProcSample } from './proc-stats.js';

/** Repo root whether run from bench/ or dist/bench/: the nearest folder with the watchlist. */
export function findRepoRoot(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'config', 'watchlist.yaml'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

export const REPO_ROOT = findRepoRoot();
const CLI = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

export interface BenchWatchlist {
  feedUrls: string[];
  interval: string;
  pollConcurrency: number;
  storeConcurrency: number;
  ndjsonPath: string;
}

/**
 * The shipped rules with the farm's feeds. Politeness is relaxed for the farm's single host
 * (64 requests in flight, no spacing): a real deployment spreads its feeds over many hosts.
 * Article pages are never fetched (fullText: never): the farm serves feeds only.
 */
export function writeBenchWatchlist(dir: string, options: BenchWatchlist): string {
  const shipped = parseYaml(readFileSync(path.join(REPO_ROOT, 'config', 'watchlist.yaml'), 'utf8')) as Record<string, unknown>;
  const file = path.join(dir, 'watchlist.yaml');
  writeFileSync(file, stringifyYaml({
    settings: {
      defaultInterval: options.interval,
      sink: { type: 'ndjson', path: options.ndjsonPath },
      concurrency: { poll: options.pollConcurrency, store: options.storeConcurrency },
      politeness: { maxInFlightPerHost: 64, minSpacing: 0, maxWait: '60s' },
      fullText: { mode: 'never' },
      jobs: { attempts: 1 },
    },
    feeds: options.feedUrls.map((url, i) => ({ id: `feed-${i}`, url })),
    topics: shipped.topics,
    watches: shipped.watches,
  }));
  return file;
}

export interface RoleProcess {
  name: string;
  pid: number;
  logFile: string;
  sample(): ProcSample | null;
  stop(): Promise<void>;
}

export interface StartRoleOptions {
  name: string;
  role: string;
  config: string;
  prefix: string;
  redisUrl: string;
  dir: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

export async function startRole(options: StartRoleOptions): Promise<RoleProcess> {
  const logFile = path.join(options.dir, `${options.name}.log`);
  const fd = openSync(logFile, 'w');
  const args = [...(options.nodeFlags ?? []), CLI, '--config', options.config, '--prefix', options.prefix, 'start', '--only', options.role, '--no-watch'];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: options.dir,
    env: { ...process.env, REDIS_URL: options.redisUrl, LOG_FORMAT: 'json' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const deadline = Date.now() + 30_000;
  while (!readFileSync(logFile, 'utf8').includes('"msg":"daemon: started"')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`bench: ${options.name} did not start; its log (${logFile}):\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const pid = child.pid as number;
  return {
    name: options.name,
    pid,
    logFile,
    sample: () => readProc(pid),
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}

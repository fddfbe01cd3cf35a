#!/usr/bin/env node
/**
 * The `veille` command line: the daemon (`start`) and the one-shot commands people run beside
 * it. Every command calls the same functions the daemon does.
 */
import { Command, Option } from 'commander';
import { createLogger } from '../logging/logger.js';
import { ConfigError, loadWatchlist } from '../config/watchlist.js';
import { parseDuration, formatDuration } from '../config/duration.js';
import { RedisUnavailableError } from '../redis/locate-redis.js';
import { FeedError } from '../feeds/errors.js';
import { startDaemon, ROLES, type Role } from '../../workers/daemon.js';
import { HttpOptionError, parseListenAddress, type ListenAddress } from '../http/listen-address.js';
import { connectToDaemonRedis } from './connect.js';
import { selectFeeds, triggerPolls } from './trigger.js';
import { readStatus, formatStatusTable } from './status.js';
import { replayFeedFile, formatReplay } from './replay.js';
import { describeOutcome } from './print-outcome.js';
import { runDemo } from './demo.js';
import { CliError } from './cli-error.js';
import { registerRulesCommands } from './rules-commands.js';
import { registerSearchCommand } from './search.js';
import { describeSinkSettings } from '../storage/open-sink.js';

interface GlobalOptions {
  config?: string;
  prefix?: string;
  dataDir: string;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

function durationOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new CliError(`"${value}" is not a duration; write e.g. 30s, 2m`, 2);
  return ms;
}

function parseRoles(value: string, previous: Role[] = []): Role[] {
  const roles = value.split(',').map((r) => r.trim()).filter(Boolean);
  for (const role of roles) {
    if (!(ROLES as readonly string[]).includes(role)) throw new CliError(`--only: unknown role "${role}"; use ${ROLES.join(', ')}`, 2);
  }
  return [...previous, ...(roles as Role[])];
}

export function buildProgram(): Command {
  const program = new Command('veille')
    .description('Veille: polls French news feeds and keeps the articles about Russia and North Korea, once each, with the reason.')
    .option('-c, --config <file>', 'watchlist file (default: $VEILLE_CONFIG or config/watchlist.yaml)')
    .option('--prefix <name>', 'Redis key prefix, to run several deployments on one Redis (default: $VEILLE_PREFIX or "veille")')
    .option('--data-dir <dir>', 'folder for a private Redis when none is running', 'data')
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();

  program
    .command('start')
    .description('run the daemon: scheduler, poll workers and storage workers (what `npm start` runs)')
    .addOption(new Option('--only <roles>', `run only these roles, comma-separated (${ROLES.join(', ')}); repeatable`).argParser(parseRoles))
    .option('--shutdown-timeout <duration>', 'on SIGTERM/SIGINT, how long active jobs may take to finish', durationOption, 30_000)
    .option('--no-watch', 'do not reload the watchlist when the file changes (SIGHUP still does)')
    .option('--http <host:port>', 'serve the status page, queue dashboard, /metrics, /healthz and /readyz here, e.g. 127.0.0.1:8080 (beyond loopback needs settings.http.token or $VEILLE_HTTP_TOKEN; docs/operations.md)', parseListenAddress)
    .action(async (opts: { only?: Role[]; shutdownTimeout: number; watch: boolean; http?: ListenAddress }, cmd: Command) => {
      const g = globals(cmd);
      const log = createLogger();
      const daemon = await startDaemon({
        ...(g.config ? { configPath: g.config } : {}),
        ...(g.prefix ? { prefix: g.prefix } : {}),
        roles: opts.only && opts.only.length > 0 ? [...new Set(opts.only)] : ROLES,
        dataDir: g.dataDir,
        shutdownTimeoutMs: opts.shutdownTimeout,
        watchConfig: opts.watch,
        ...(opts.http ? { http: opts.http } : {}),
        log,
      });
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) {
          log.warn({ signal }, 'shutdown: second signal, exiting now');
          process.exit(1);
        }
        daemon.stop(signal).then(() => process.exit(0), (err: unknown) => {
          log.error({ err }, 'shutdown: failed');
          process.exit(1);
        });
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      process.on('SIGHUP', () => void daemon.live.reload('SIGHUP'));
    });

  program
    .command('trigger')
    .description('queue a poll now, for the daemon\'s poll workers to run')
    .argument('[feedIds...]', 'feed ids from the watchlist')
    .option('--all', 'every enabled feed')
    .option('--wait', 'wait for the polls and print their outcome (items seen, kept, duplicates, errors)')
    .option('--timeout <duration>', 'with --wait, how long to wait', durationOption, 120_000)
    .option('--json', 'print JSON')
    .action(async (feedIds: string[], opts: { all?: boolean; wait?: boolean; timeout: number; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const log = createLogger({ stderr: true, level: 'warn' });
      const watchlist = await loadWatchlist(g.config);
      const ids = selectFeeds(watchlist, feedIds, opts.all === true);
      const conn = await connectToDaemonRedis({ ...(g.prefix ? { prefix: g.prefix } : {}), dataDir: g.dataDir, log });
      try {
        const results = await triggerPolls(conn, ids, { wait: opts.wait === true, timeoutMs: opts.timeout, log });
        if (opts.json) out(JSON.stringify(results, null, 2));
        else {
          for (const r of results) {
            if (!opts.wait) out(`${r.feedId}: queued as job ${r.jobId}`);
            else if (r.outcome) describeOutcome(r.outcome).forEach(out);
            else out(`${r.feedId}: FAILED (job ${r.jobId}): ${r.error}`);
          }
        }
        if (results.some((r) => r.error)) process.exitCode = 1;
      } finally {
        await conn.close();
      }
    });

  program
    .command('status')
    .description('per feed: next run, last run, last HTTP status, items seen/kept, last error')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const log = createLogger({ stderr: true, level: 'warn' });
      const watchlist = await loadWatchlist(g.config);
      const conn = await connectToDaemonRedis({ ...(g.prefix ? { prefix: g.prefix } : {}), dataDir: g.dataDir, log });
      try {
        const rows = await readStatus(conn, watchlist, log);
        out(opts.json ? JSON.stringify(rows, null, 2) : formatStatusTable(rows));
      } finally {
        await conn.close();
      }
    });

  program
    .command('check-config')
    .description('validate a watchlist and print a summary; exit 1 with every problem otherwise')
    .argument('[file]', 'watchlist file (default: --config, $VEILLE_CONFIG or config/watchlist.yaml)')
    .action(async (file: string | undefined, _opts: unknown, cmd: Command) => {
      const watchlist = await loadWatchlist(file ?? globals(cmd).config);
      const enabled = watchlist.feeds.filter((f) => f.enabled);
      out(`${watchlist.file}: valid (version ${watchlist.version})`);
      out(`  feeds: ${watchlist.feeds.length} (${enabled.length} enabled)`);
      for (const feed of watchlist.feeds) {
        out(`    ${feed.id.padEnd(28)} every ${formatDuration(feed.intervalMs).padEnd(6)} ${feed.enabled ? '' : '(disabled) '}${feed.url}`);
      }
      out(`  watches: ${watchlist.ruleSet.watchIds.join(', ') || '(none: nothing will be kept)'} (rules version ${watchlist.ruleSet.version})`);
      out(`  sink: ${describeSinkSettings(watchlist.settings.sink)}`);
      out(`  first poll keeps items newer than ${formatDuration(watchlist.settings.firstPollMaxAge)}; dedupe remembers ${formatDuration(watchlist.settings.dedupeRetention)}`);
    });

  program
    .command('replay')
    .description('dry run: parse and match a local feed file (no Redis, no network) and show what would be kept and why')
    .argument('<feed>', 'an RSS/Atom/RDF file')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
      const watchlist = await loadWatchlist(globals(cmd).config);
      const report = await replayFeedFile(file, watchlist);
      out(opts.json ? JSON.stringify(report, null, 2) : formatReplay(report));
    });

  program
    .command('demo')
    .description('offline demo: serve demo feeds locally, poll each once through the real pipeline, print what was kept and why')
    .action(async (_opts: unknown, cmd: Command) => {
      const g = globals(cmd);
      await runDemo({ ...(g.config ? { configPath: g.config } : {}), log: createLogger({ stderr: true, level: process.env.LOG_LEVEL ?? 'warn' }), out });
    });

  registerRulesCommands(program);
  registerSearchCommand(program);
  return program;
}

/** Prints errors people can act on without a stack trace. */
function reportError(err: unknown): number {
  if (err instanceof CliError) {
    process.stderr.write(`${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof ConfigError || err instanceof RedisUnavailableError || err instanceof FeedError || err instanceof HttpOptionError) {
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
  process.stderr.write(`veille: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.exitCode = reportError(err);
  });

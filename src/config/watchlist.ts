/**
 * Loading the watchlist: YAML text → validated settings, FeedSources and a compiled RuleSet.
 * Every problem is reported at once, each naming the file, the field path and what is expected.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { watchlistSchema, type Settings, type WatchlistData } from './schema.js';
import { parseRules } from '../rules/parse-rules.js';
import { compileRuleSet, type RuleSet } from '../rules/rule-set.js';

/** A feed as the pipeline uses it: config merged with the global settings. */
export interface FeedSource {
  id: string;
  url: string;
  name: string;
  enabled: boolean;
  intervalMs: number;
  firstPollMaxAgeMs: number;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxBodyBytes: number;
  userAgent: string;
  fullText: 'auto' | 'always' | 'never';
  /** Interval follows the feed's publishing rate, between minIntervalMs and maxIntervalMs. */
  adaptiveInterval: boolean;
}

export interface Watchlist {
  /** Absolute path of the file it came from ('<inline>' for configs built in code). */
  file: string;
  /** Short hash of the file's text: changes when the file does. */
  version: string;
  settings: Settings;
  feeds: FeedSource[];
  ruleSet: RuleSet;
}

export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly file: string;
  readonly issues: ConfigIssue[];
  constructor(file: string, issues: ConfigIssue[]) {
    super(`config: ${file} cannot be used:\n${issues.map((i) => `  ${file}: ${i.path || '(top level)'}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.file = file;
    this.issues = issues;
  }
}

export const DEFAULT_WATCHLIST = 'config/watchlist.yaml';

/** The watchlist path: explicit argument, else VEILLE_CONFIG, else config/watchlist.yaml in the working directory. */
export function resolveWatchlistPath(file?: string): string {
  return path.resolve(file ?? process.env.VEILLE_CONFIG ?? DEFAULT_WATCHLIST);
}

function formatPath(segments: readonly PropertyKey[], raw: unknown): string {
  let out = '';
  for (const segment of segments) {
    out += typeof segment === 'number' ? `[${segment}]` : `${out ? '.' : ''}${String(segment)}`;
  }
  // Name the feed too: "feeds[3]" alone sends people counting list items.
  if (segments[0] === 'feeds' && typeof segments[1] === 'number') {
    const feeds = (raw as { feeds?: unknown } | null)?.feeds;
    const id = Array.isArray(feeds) ? (feeds[segments[1]] as { id?: unknown } | undefined)?.id : undefined;
    if (typeof id === 'string') out += ` (feed "${id}")`;
  }
  return out;
}

function zodIssues(error: z.ZodError, raw: unknown): ConfigIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path, raw), message: issue.message }));
}

function toFeedSource(feed: WatchlistData['feeds'][number], settings: Settings): FeedSource {
  return {
    id: feed.id,
    url: feed.url,
    name: feed.name ?? feed.id,
    enabled: feed.enabled,
    intervalMs: feed.interval ?? settings.defaultInterval,
    firstPollMaxAgeMs: feed.firstPollMaxAge ?? settings.firstPollMaxAge,
    timeoutMs: feed.fetch?.timeout ?? settings.fetch.timeout,
    connectTimeoutMs: feed.fetch?.connectTimeout ?? settings.fetch.connectTimeout,
    maxBodyBytes: feed.fetch?.maxBodyBytes ?? settings.fetch.maxBodyBytes,
    userAgent: feed.fetch?.userAgent ?? settings.userAgent,
    fullText: feed.fullText ?? settings.fullText.mode,
    adaptiveInterval: feed.adaptiveInterval ?? settings.schedule.adaptive,
  };
}

const SINK_TYPES = ['ndjson', 'postgres'];

/**
 * `VEILLE_SINK=postgres|ndjson` picks the sink without editing the watchlist (containers share
 * one config file; see docker-compose.yml). It replaces settings.sink only when the type differs.
 */
function applySinkOverride(raw: Record<string, unknown>): ConfigIssue | null {
  const wanted = process.env.VEILLE_SINK;
  if (wanted === undefined || wanted === '') return null;
  if (!SINK_TYPES.includes(wanted)) return { path: '$VEILLE_SINK', message: `"${wanted}" is not a sink; use ${SINK_TYPES.join(' or ')}` };
  const settings = (typeof raw.settings === 'object' && raw.settings !== null ? raw.settings : {}) as Record<string, unknown>;
  const current = settings.sink as { type?: unknown } | undefined;
  if (current?.type !== wanted) raw.settings = { ...settings, sink: { type: wanted } };
  return null;
}

/** Parses and validates watchlist text; throws ConfigError listing every problem. */
export function parseWatchlist(text: string, file: string): Watchlist {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true }) ?? {};
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? `line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '';
    const message = err instanceof Error ? err.message.split('\n')[0] ?? String(err) : String(err);
    throw new ConfigError(file, [{ path: where, message: `not valid YAML: ${message}` }]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) {
    throw new ConfigError(file, [{ path: '', message: 'expected a mapping with keys settings, feeds, topics, watches' }]);
  }
  const issues: ConfigIssue[] = [];
  const sinkOverride = applySinkOverride(raw as Record<string, unknown>);
  if (sinkOverride) issues.push(sinkOverride);
  const checked = watchlistSchema.safeParse(raw);
  if (!checked.success) issues.push(...zodIssues(checked.error, raw));
  const rules = parseRules(raw);
  if (!rules.ok) issues.push(...rules.issues);
  if (!checked.success || !rules.ok || issues.length > 0) throw new ConfigError(file, issues);
  const settings = checked.data.settings;
  return {
    file,
    version: createHash('sha256').update(text).digest('hex').slice(0, 12),
    settings,
    feeds: checked.data.feeds.map((feed) => toFeedSource(feed, settings)),
    ruleSet: compileRuleSet(rules.rules),
  };
}

/** Reads and validates the watchlist file; throws ConfigError (naming the file) when unreadable or invalid. */
export async function loadWatchlist(file?: string): Promise<Watchlist> {
  const resolved = resolveWatchlistPath(file);
  let text: string;
  try {
    text = await readFile(resolved, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' ? 'file not found; pass --config <file> or set VEILLE_CONFIG' : `cannot read it (${code ?? String(err)})`;
    throw new ConfigError(resolved, [{ path: '', message: hint }]);
  }
  return parseWatchlist(text, resolved);
}

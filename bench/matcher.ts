/**
 * Matcher benchmark: throughput of the rules matcher (one pass of the compiled scanner
 * plus resolution of every overlapping term) against one plain precompiled
 * alternation regex over the same folded text, in the same run. Prints a markdown
 * table and writes the figures to bench/results/matcher-latest.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseRules } from '../src/rules/parse-rules.js';
import { compileRuleSet } from '../src/rules/rule-set.js';
import { normalizeText } from '../src/rules/normalize-text.js';
import { TermMatcher } from '../src/rules/term-matcher.js';
import { parseLabelledJsonl, type LabelledItem } from '../src/rules/labelled-set.js';

/** Repo root whether run as bench/run.ts or dist/bench/run.js: the nearest folder with the watchlist. */
function findRepoRoot(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'config', 'watchlist.yaml'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
const REPO_ROOT = findRepoRoot();
const TARGET_CHARS = 4_000_000;
const ROUNDS = 15;

export interface Row {
  corpus: string;
  chars: number;
  matches: number;
  matcherMBps: number;
  baselineMBps: number;
  ratio: number;
  evaluateMBps: number;
  normalizeMBps: number;
}

function loadRules() {
  const parsed = parseRules(parse(readFileSync(path.join(REPO_ROOT, 'config', 'watchlist.yaml'), 'utf8')));
  if (!parsed.ok) throw new Error(`bench: config/watchlist.yaml is invalid: ${JSON.stringify(parsed.issues)}`);
  return parsed.rules;
}

function loadItems(): LabelledItem[] {
  const parsed = parseLabelledJsonl(readFileSync(path.join(REPO_ROOT, 'tests', 'rules', 'dev-set.jsonl'), 'utf8'));
  if (!parsed.ok) throw new Error(`bench: dev-set.jsonl:${parsed.line}: ${parsed.message}`);
  return parsed.items;
}

/** Articles repeated in a fixed shuffled order until the corpus reaches TARGET_CHARS. */
function buildCorpus(items: readonly LabelledItem[]): string {
  const parts: string[] = [];
  let size = 0;
  let seed = 42;
  while (size < TARGET_CHARS) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const item = items[seed % items.length] as LabelledItem;
    const text = `${item.title}\n${item.text}\n\n`;
    parts.push(text);
    size += text.length;
  }
  return parts.join('');
}

/** Seconds taken by one call of `run`. */
function timeOnce(run: () => number): number {
  const t0 = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Median MB/s (10^6 characters per second) of each contender over `chars` characters.
 * Rounds alternate between contenders so a busy machine slows them alike; the ratio is
 * the median of the per-round ratios.
 */
function race(chars: number, contenders: Record<string, () => number>): { mbps: Record<string, number>; ratio: number } {
  const names = Object.keys(contenders);
  for (const name of names) (contenders[name] as () => number)();
  const seconds: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const times = names.map((name) => timeOnce(contenders[name] as () => number));
    names.forEach((name, i) => seconds[name]?.push(times[i] as number));
    if (times.length >= 2) ratios.push((times[1] as number) / (times[0] as number));
  }
  const mbps = Object.fromEntries(names.map((n) => [n, chars / 1e6 / median(seconds[n] ?? [])]));
  return { mbps, ratio: ratios.length > 0 ? median(ratios) : 1 };
}

function benchCorpus(name: string, corpus: string, rules: ReturnType<typeof loadRules>): Row {
  const matcher = new TermMatcher(rules.topics);
  const ruleSet = compileRuleSet(rules);
  // The alternative: one plain precompiled alternation of the same term patterns, same boundaries.
  const baseline = new RegExp(` (?:${matcher.terms.map((t) => t.pattern.source).join('|')})(?= )`, 'g');
  const folded = normalizeText(corpus).text;

  const matches = matcher.scan(folded).length;
  const scan = race(folded.length, {
    // Both sides report each match and count it: the matcher through its sink, the regex by exec.
    matcher: () => {
      let n = 0;
      matcher.scanInto(folded, () => {
        n++;
      });
      return n;
    },
    baseline: () => {
      let n = 0;
      baseline.lastIndex = 0;
      while (baseline.exec(folded) !== null) n++;
      return n;
    },
  });
  const articles = corpus.split('\n\n').filter((a) => a.length > 0).map((a) => {
    const [title = '', ...rest] = a.split('\n');
    return { title, summary: '', content: rest.join('\n') };
  });
  const whole = race(corpus.length, {
    evaluate: () => articles.reduce((n, doc) => n + (ruleSet.evaluate(doc).kept ? 1 : 0), 0),
    normalize: () => normalizeText(corpus).text.length,
  });
  return {
    corpus: name,
    chars: folded.length,
    matches,
    matcherMBps: round(scan.mbps.matcher ?? 0),
    baselineMBps: round(scan.mbps.baseline ?? 0),
    ratio: round(scan.ratio),
    evaluateMBps: round(whole.mbps.evaluate ?? 0),
    normalizeMBps: round(whole.mbps.normalize ?? 0),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export interface MatcherResult {
  rows: Row[];
}

export function runMatcherBench(): MatcherResult {
  const rules = loadRules();
  const items = loadItems();
  const termCount = rules.topics.reduce((n, t) => n + t.terms.length, 0);
  const rows = [
    benchCorpus('dev set, all articles', buildCorpus(items), rules),
    benchCorpus('dev set, irrelevant only', buildCorpus(items.filter((i) => i.label === 'irrelevant')), rules),
  ];
  const lines = [
    `Matcher benchmark: ${termCount} terms in ${rules.topics.length} topics (config/watchlist.yaml), node ${process.version}, ${ROUNDS} alternating rounds (medians; ratio = median of per-round ratios, matcher/plain).`,
    'MB/s = 10^6 characters per second. Scan columns run over the same pre-folded text; evaluate and normalize over the original text.',
    '',
    '| corpus | folded chars | term hits | matcher MB/s | plain alternation MB/s | ratio | evaluate() MB/s | normalizeText MB/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.corpus} | ${r.chars} | ${r.matches} | ${r.matcherMBps} | ${r.baselineMBps} | ${r.ratio}× | ${r.evaluateMBps} | ${r.normalizeMBps} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'matcher-latest.json');
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, terms: termCount, rounds: ROUNDS, rows }, null, 2)}\n`);
  process.stdout.write(`\nwritten ${path.relative(process.cwd(), file)}\n`);
  return { rows };
}


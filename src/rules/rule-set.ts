/**
 * The compiled rules: one matcher for every term of every topic, built once per
 * config version, and evaluate() that scans a document's fields once and decides
 * every watch from the same hits.
 */
import { createHash } from 'node:crypto';
import { normalizeText, normalizeTextOnly } from './normalize-text.js';
import { TermMatcher } from './term-matcher.js';
import { evaluateWatch, type FieldHit } from './watch-evaluation.js';
import type { RulesConfig } from './rules-config.js';

export interface MatchDocument {
  title: string;
  summary: string;
  content: string;
}

export type MatchField = 'title' | 'summary' | 'content';

export const MATCH_FIELDS: readonly MatchField[] = ['title', 'summary', 'content'];

export interface TermHit {
  topic: string;
  /** The term as written in config. */
  term: string;
  field: MatchField;
  /** UTF-16 offsets into the original field: doc[field].slice(start, end) === text. */
  start: number;
  end: number;
  text: string;
  /** Term weight × field weight; 0 for an exclusion hit listed because it neutralised or vetoed. */
  weight: number;
}

export interface WatchResult {
  watchId: string;
  ruleSetVersion: string;
  kept: boolean;
  score: number;
  threshold: number;
  /** Positive topics with at least one counted hit. */
  topicsMatched: string[];
  /** Some but not all required topic groups matched. */
  partial: boolean;
  /** One readable line: why kept / why not. */
  reason: string;
  hits: TermHit[];
}

export interface Evaluation {
  kept: boolean;
  watches: WatchResult[];
}

export interface RuleSet {
  version: string;
  watchIds: string[];
  evaluate(doc: MatchDocument): Evaluation;
}

/** Stable short hash of the rules: same rules, same version, whatever the process. */
export function rulesVersion(rules: RulesConfig): string {
  return createHash('sha256').update(JSON.stringify(rules)).digest('hex').slice(0, 12);
}

/** Compiles validated rules (from parseRules). */
export function compileRuleSet(rules: RulesConfig): RuleSet {
  const version = rulesVersion(rules);
  const matcher = new TermMatcher(rules.topics);
  const watches = rules.watches;
  return {
    version,
    watchIds: watches.map((w) => w.id),
    evaluate(doc: MatchDocument): Evaluation {
      const hits = findHits(matcher, doc);
      const results = watches.map((watch) => evaluateWatch(watch, hits, version));
      return { kept: results.some((r) => r.kept), watches: results };
    },
  };
}

/** Scans each field once and maps hits back to original offsets and word positions. */
export function findHits(matcher: TermMatcher, doc: MatchDocument): FieldHit[] {
  const out: FieldHit[] = [];
  for (const field of MATCH_FIELDS) {
    const original = doc[field];
    if (typeof original !== 'string' || original.length === 0) continue;
    // Most fields contain no term at all: folding without the offset maps tells so for half the
    // cost, and only a field with a term is folded again with them.
    if (!matcher.occursIn(normalizeTextOnly(original))) continue;
    const norm = normalizeText(original);
    const text = norm.text;
    // Hits come in order of their starts: count word separators incrementally.
    let cursor = 0;
    let words = 0;
    matcher.scanInto(text, (term, hitStart, hitEnd) => {
      for (; cursor < hitStart; cursor++) if (text.charCodeAt(cursor) === 32) words++;
      let inner = 0;
      for (let k = hitStart; k < hitEnd; k++) if (text.charCodeAt(k) === 32) inner++;
      const start = norm.starts[hitStart] as number;
      const end = norm.ends[hitEnd - 1] as number;
      out.push({
        field,
        entries: term.entries,
        start,
        end,
        text: original.slice(start, end),
        normStart: hitStart,
        normEnd: hitEnd,
        firstWord: words,
        lastWord: words + inner,
      });
    });
  }
  return out;
}

/**
 * The compiled matcher. One combined regex (the terms as a prefix-factored trie), built
 * once, scans folded text in a single pass and returns the longest term at each place.
 * What that matched text contains (the term itself, a shorter term at the same start,
 * a term inside a look-alike phrase) is resolved once per distinct string with a
 * character trie and cached. Terms the trie cannot hold (`/regex/`, a `*` inside a
 * phrase) are checked at each word start the scanner stops at.
 */
import { compileTermPattern, INFLECTION_SUFFIXES, type TermPattern } from './term-pattern.js';
import { WordTrie } from './word-trie.js';
import { RegexTrie } from './regex-trie.js';
import type { TopicConfig } from './rules-config.js';

/** A topic's use of a term; several topics may share one folded pattern. */
export interface TermEntry {
  topic: string;
  term: string;
  weight: number;
}

export interface MatcherTerm {
  pattern: TermPattern;
  entries: TermEntry[];
}

/** A term found in folded text: [start, end) offsets into NormalizedText.text. */
export interface RawHit {
  term: MatcherTerm;
  start: number;
  end: number;
}

/** `~` multiplies the strings a term stands for; past this, the term is matched by regex. */
const MAX_EXPANSIONS = 512;

interface TrieForm {
  strings: string[];
  isPrefix: boolean;
}

interface RegexTerm {
  term: MatcherTerm;
  sticky: RegExp;
  /** First character of every match, '' when unknown. */
  first: string;
}

/** Terms found inside one matched string: offsets relative to the string (after its leading space). */
interface Resolution {
  atStart: { term: MatcherTerm; end: number }[];
  inner: { term: MatcherTerm; start: number; end: number }[];
  /** A term starting inside the string may run past its end: scan again from the next word. */
  rescan: boolean;
}

/** Distinct matched strings remembered; the cache restarts when full (prefix terms can vary). */
const MAX_CACHED = 20_000;
const BUCKETS = 4096;

/** Receives each hit: [start, end) in the folded text. */
export type HitSink = (term: MatcherTerm, start: number, end: number) => void;

/**
 * Matched string → Resolution. A plain Map would hash every freshly matched string;
 * the bucket comes from the length and three characters instead, and === confirms.
 */
class ResolutionCache {
  private buckets: ({ key: string; value: Resolution }[] | undefined)[] = new Array(BUCKETS);
  private size = 0;

  get(key: string): Resolution | undefined {
    const bucket = this.buckets[bucketOf(key)];
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) {
      const entry = bucket[i] as { key: string; value: Resolution };
      if (entry.key === key) return entry.value;
    }
    return undefined;
  }

  set(key: string, value: Resolution): void {
    if (this.size >= MAX_CACHED) {
      this.buckets = new Array(BUCKETS);
      this.size = 0;
    }
    const b = bucketOf(key);
    const bucket = this.buckets[b];
    if (bucket === undefined) this.buckets[b] = [{ key, value }];
    else bucket.push({ key, value });
    this.size++;
  }
}

function bucketOf(key: string): number {
  const n = key.length;
  return (n * 131 + key.charCodeAt(1) * 31 + key.charCodeAt(n - 1) * 7 + key.charCodeAt(n >> 1)) & (BUCKETS - 1);
}

export class TermMatcher {
  readonly terms: MatcherTerm[];
  /** The one-pass regex: a space, the longest term at that word, then a space (not consumed). */
  readonly scanner: RegExp;
  private readonly trie = new WordTrie<MatcherTerm>();
  private readonly regexTerms: RegexTerm[] = [];
  private readonly resolutions = new ResolutionCache();

  /** Topics must have passed parseRules: an invalid term here is a programming error. */
  constructor(topics: readonly TopicConfig[]) {
    const bySource = new Map<string, MatcherTerm>();
    for (const topic of topics) {
      for (const { term, weight } of topic.terms) {
        const compiled = compileTermPattern(term);
        if (!compiled.ok) throw new Error(`rules: topic ${topic.id}: ${compiled.message}`);
        let entry = bySource.get(compiled.pattern.source);
        if (entry === undefined) {
          entry = { pattern: compiled.pattern, entries: [] };
          bySource.set(compiled.pattern.source, entry);
        }
        entry.entries.push({ topic: topic.id, term, weight });
      }
    }
    this.terms = [...bySource.values()];
    const scannerTrie = new RegexTrie();
    const regexSources: string[] = [];
    for (const t of this.terms) {
      const form = trieForm(t.pattern);
      if (form === null) {
        this.regexTerms.push({ term: t, sticky: new RegExp(`(?:${t.pattern.source})(?= )`, 'y'), first: t.pattern.prefix.slice(0, 1) });
        regexSources.push(t.pattern.source);
        continue;
      }
      for (const s of form.strings) {
        this.trie.add(s, t, form.isPrefix);
        scannerTrie.add(s, form.isPrefix);
      }
    }
    const alternatives = [...(scannerTrie.isEmpty() ? [] : [scannerTrie.source()]), ...regexSources.map((s) => `(?:${s})`)];
    this.scanner = new RegExp(` (?:${alternatives.join('|') || '(?!)'})(?= )`, 'g');
  }

  /** All term hits in folded text (as produced by normalizeText), in text order of their starts. */
  scan(text: string): RawHit[] {
    const hits: RawHit[] = [];
    this.scanInto(text, (term, start, end) => {
      hits.push({ term, start, end });
    });
    return hits;
  }

  /** Whether the scanner matches anywhere in folded text: false means scanInto reports no hit. */
  occursIn(text: string): boolean {
    if (this.terms.length === 0) return false;
    this.scanner.lastIndex = 0;
    return this.scanner.test(text);
  }

  /** The single pass: reports every hit to `sink`, in order of their starts. */
  scanInto(text: string, sink: HitSink): void {
    if (this.terms.length === 0) return;
    const scanner = this.scanner;
    const hasRegexTerms = this.regexTerms.length > 0;
    scanner.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = scanner.exec(text)) !== null) {
      const start = m.index + 1;
      const resolution = this.resolve(m[0]);
      const atStart = resolution.atStart;
      for (let i = 0; i < atStart.length; i++) {
        const h = atStart[i] as { term: MatcherTerm; end: number };
        sink(h.term, start, start + h.end);
      }
      if (hasRegexTerms) this.matchRegexTerms(text, start, sink);
      if (resolution.rescan || hasRegexTerms) {
        // Terms inside the match are found by scanning again from the next word.
        scanner.lastIndex = start;
      } else {
        const inner = resolution.inner;
        for (let i = 0; i < inner.length; i++) {
          const h = inner[i] as { term: MatcherTerm; start: number; end: number };
          sink(h.term, start + h.start, start + h.end);
        }
      }
    }
  }

  private matchRegexTerms(text: string, start: number, sink: HitSink): void {
    for (const r of this.regexTerms) {
      if (r.first !== '' && text[start] !== r.first) continue;
      r.sticky.lastIndex = start;
      if (r.sticky.test(text)) sink(r.term, start, r.sticky.lastIndex);
    }
  }

  /** What a matched string (with its leading space) contains; computed once per distinct string. */
  private resolve(matched: string): Resolution {
    const cached = this.resolutions.get(matched);
    if (cached !== undefined) return cached;
    const padded = `${matched} `;
    const resolution: Resolution = { atStart: [], inner: [], rescan: false };
    for (let k = 1; k < padded.length - 1; k++) {
      if (padded.charCodeAt(k - 1) !== 32) continue;
      const offset = k - 1;
      this.trie.walk(padded, k, (term, end) => {
        if (offset === 0) resolution.atStart.push({ term, end: end - 1 });
        else resolution.inner.push({ term, start: offset, end: end - 1 });
      });
      if (offset > 0 && this.trie.continuesPast(padded, k, padded.length - 1)) resolution.rescan = true;
    }
    resolution.inner.sort((a, b) => a.start - b.start);
    this.resolutions.set(matched, resolution);
    return resolution;
  }
}

/** The strings a term stands for, when it has no regex and no `*` inside a phrase. */
function trieForm(pattern: TermPattern): TrieForm | null {
  if (pattern.kind === 'regex') return null;
  let strings = [''];
  let isPrefix = false;
  pattern.segments.forEach((segment, i) => {
    strings = strings.map((s) => (i > 0 ? `${s} ` : s) + segment.text);
    if (segment.marker === '~') strings = strings.flatMap((s) => INFLECTION_SUFFIXES.map((suffix) => s + suffix));
    if (segment.marker === '*') {
      if (i === pattern.segments.length - 1) isPrefix = true;
      else strings = [];
    }
  });
  if (strings.length === 0 || strings.length > MAX_EXPANSIONS) return null;
  return { strings, isPrefix };
}

/**
 * The compiled matcher: every term of every topic in one alternation regex, scanned
 * once over folded text. The regex only finds word starts where some term matches;
 * all the terms matching there (a phrase and its shorter prefix, a look-alike and the
 * word it contains) are then resolved from a small first-character index.
 */
import { compileTermPattern, type TermPattern } from './term-pattern.js';
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
  /** Matches the term at lastIndex, followed by a word boundary. */
  sticky: RegExp;
}

/** A term found in folded text: [start, end) offsets into NormalizedText.text. */
export interface RawHit {
  term: MatcherTerm;
  start: number;
  end: number;
}

export class TermMatcher {
  readonly terms: MatcherTerm[];
  /** The one-pass regex: a space (word start), any term, then a space (word end). */
  readonly scanner: RegExp;
  private readonly byFirstChar = new Map<string, MatcherTerm[]>();
  private readonly anyFirstChar: MatcherTerm[] = [];

  /** Topics must have passed parseRules: an invalid term here is a programming error. */
  constructor(topics: readonly TopicConfig[]) {
    const bySource = new Map<string, MatcherTerm>();
    for (const topic of topics) {
      for (const { term, weight } of topic.terms) {
        const compiled = compileTermPattern(term);
        if (!compiled.ok) throw new Error(`rules: topic ${topic.id}: ${compiled.message}`);
        const { pattern } = compiled;
        let entry = bySource.get(pattern.source);
        if (entry === undefined) {
          entry = { pattern, entries: [], sticky: new RegExp(`(?:${pattern.source})(?= )`, 'y') };
          bySource.set(pattern.source, entry);
        }
        entry.entries.push({ topic: topic.id, term, weight });
      }
    }
    this.terms = [...bySource.values()];
    for (const t of this.terms) {
      const first = t.pattern.firstChar;
      if (first === null) {
        this.anyFirstChar.push(t);
      } else {
        const list = this.byFirstChar.get(first);
        if (list === undefined) this.byFirstChar.set(first, [t]);
        else list.push(t);
      }
    }
    this.scanner = new RegExp(` (?:${scannerAlternation(this.terms)})(?= )`, 'g');
  }

  /** All term hits in folded text (as produced by normalizeText), in text order. */
  scan(text: string): RawHit[] {
    const hits: RawHit[] = [];
    if (this.terms.length === 0) return hits;
    const scanner = this.scanner;
    scanner.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = scanner.exec(text)) !== null) {
      const start = m.index + 1;
      this.resolveAt(text, start, hits);
      // Resume at the next word, not after the match: terms may overlap.
      scanner.lastIndex = start;
    }
    return hits;
  }

  /** Every term that matches at word start `start`. */
  private resolveAt(text: string, start: number, hits: RawHit[]): void {
    const candidates = this.byFirstChar.get(text[start] as string);
    if (candidates !== undefined) {
      for (const t of candidates) this.tryTerm(t, text, start, hits);
    }
    for (const t of this.anyFirstChar) this.tryTerm(t, text, start, hits);
  }

  private tryTerm(t: MatcherTerm, text: string, start: number, hits: RawHit[]): void {
    const literal = t.pattern.literal;
    if (literal !== null) {
      if (text.startsWith(literal, start) && text.charCodeAt(start + literal.length) === 32) {
        hits.push({ term: t, start, end: start + literal.length });
      }
      return;
    }
    t.sticky.lastIndex = start;
    const m = t.sticky.exec(text);
    if (m !== null) hits.push({ term: t, start, end: start + m[0].length });
  }
}

/** Literal terms factored into a prefix trie (fewer alternatives tried per word), then the patterns. */
function scannerAlternation(terms: readonly MatcherTerm[]): string {
  const literals = terms.flatMap((t) => (t.pattern.literal === null ? [] : [t.pattern.literal]));
  const patterns = terms.flatMap((t) => (t.pattern.literal === null ? [t.pattern.source] : []));
  const parts: string[] = [];
  if (literals.length > 0) parts.push(trieSource(literals));
  for (const p of patterns) parts.push(`(?:${p})`);
  return parts.join('|');
}

interface TrieNode {
  end: boolean;
  children: Map<string, TrieNode>;
}

function trieSource(words: readonly string[]): string {
  const root: TrieNode = { end: false, children: new Map() };
  for (const word of words) {
    let node = root;
    for (const ch of word) {
      let next = node.children.get(ch);
      if (next === undefined) {
        next = { end: false, children: new Map() };
        node.children.set(ch, next);
      }
      node = next;
    }
    node.end = true;
  }
  return nodeSource(root);
}

function nodeSource(node: TrieNode): string {
  const branches = [...node.children.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ch, child]) => escapeChar(ch) + nodeSource(child));
  if (branches.length === 0) return '';
  // When a word ends here the continuation is optional; the trailing (?= ) decides.
  const body = branches.length === 1 ? branches[0] as string : `(?:${branches.join('|')})`;
  if (!node.end) return body;
  return branches.length === 1 && body.length === 1 ? `${body}?` : `(?:${body})?`;
}

function escapeChar(ch: string): string {
  return /[.*+?^${}()|[\]\\]/.test(ch) ? `\\${ch}` : ch;
}

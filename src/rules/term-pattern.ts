/**
 * Turns one term as written in config into a regex fragment over folded text
 * (see normalize-text.ts): phrases, `word*` prefix wildcards, `word~` French
 * inflections, and restricted `/regex/` patterns.
 */
import { foldText } from './normalize-text.js';
import { checkRestrictedRegex } from './restricted-regex.js';

export type TermKind = 'literal' | 'wildcard' | 'regex';

/** A run of folded words and the marker that ends its last word, if any. */
export interface TermSegment {
  text: string;
  marker: '*' | '~' | null;
}

export interface TermPattern {
  kind: TermKind;
  /** Regex source matching the whole term over folded text, without word boundaries. */
  source: string;
  /** Folded text for a literal term (the only text it can match), else null. */
  literal: string | null;
  /** Folded text every match starts with ('' for a regex): terms can only match at the same place when one's prefix extends the other's. */
  prefix: string;
  /** Consecutive segments joined by single spaces; empty for a regex. */
  segments: TermSegment[];
}

export type TermPatternResult = { ok: true; pattern: TermPattern } | { ok: false; message: string };

/** `~` accepts the usual French feminine/plural endings: russe→russes, coréen→coréenne(s). */
export const INFLECTION_SUFFIXES: readonly string[] = ['', 'e', 's', 'x', 'es', 'ne', 'nes'];
const INFLECTION = `(?:${INFLECTION_SUFFIXES.filter((x) => x.length > 0).join('|')})?`;
const PREFIX_WILDCARD = '[^ ]*';
const WORD_CHAR = /[\p{L}\p{N}]/u;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileTermPattern(raw: string): TermPatternResult {
  const term = raw.trim();
  if (term.length === 0) return { ok: false, message: 'empty term' };
  if (term.length > 1 && term.startsWith('/') && term.endsWith('/')) {
    const body = term.slice(1, -1);
    const problem = checkRestrictedRegex(body);
    if (problem !== null) return { ok: false, message: `invalid pattern ${term}: ${problem}` };
    return { ok: true, pattern: { kind: 'regex', source: body, literal: null, prefix: '', segments: [] } };
  }
  if (term.startsWith('/')) return { ok: false, message: `pattern ${term} must end with "/"` };

  const parts = term.split(/([*~])/);
  let source = '';
  let folded = '';
  let hasMarker = false;
  let prefix: string | null = null;
  const segments: TermSegment[] = [];
  for (let k = 0; k < parts.length; k += 2) {
    const text = parts[k] as string;
    const marker = parts[k + 1];
    if (k > 0 && text.length > 0 && WORD_CHAR.test(text[0] as string)) {
      return { ok: false, message: `"${parts[k - 1]}" in "${term}" must end a word` };
    }
    const words = foldText(text);
    if (marker !== undefined) {
      hasMarker = true;
      const last = text[text.length - 1];
      if (last === undefined || !WORD_CHAR.test(last) || words.length === 0) {
        return { ok: false, message: `"${marker}" in "${term}" must follow a letter or digit` };
      }
    }
    if (words.length > 0) {
      source += (source.length > 0 ? ' ' : '') + escapeRegex(words);
      folded += (folded.length > 0 ? ' ' : '') + words;
      segments.push({ text: words, marker: marker === '*' || marker === '~' ? marker : null });
    }
    if (marker !== undefined && prefix === null) prefix = folded;
    if (marker === '*') source += PREFIX_WILDCARD;
    else if (marker === '~') source += INFLECTION;
  }
  if (folded.length === 0) return { ok: false, message: `term "${term}" has no letters or digits` };
  return {
    ok: true,
    pattern: {
      kind: hasMarker ? 'wildcard' : 'literal',
      source,
      literal: hasMarker ? null : folded,
      prefix: prefix ?? folded,
      segments,
    },
  };
}

/**
 * Turns one term as written in config into a regex fragment over folded text
 * (see normalize-text.ts): phrases, `word*` prefix wildcards, `word~` French
 * inflections, and restricted `/regex/` patterns.
 */
import { foldText } from './normalize-text.js';
import { checkRestrictedRegex } from './restricted-regex.js';

export type TermKind = 'literal' | 'wildcard' | 'regex';

export interface TermPattern {
  kind: TermKind;
  /** Regex source matching the whole term over folded text, without word boundaries. */
  source: string;
  /** Folded text for a literal term (the only text it can match), else null. */
  literal: string | null;
  /** First character every match starts with, null when a regex may start with several. */
  firstChar: string | null;
}

export type TermPatternResult = { ok: true; pattern: TermPattern } | { ok: false; message: string };

/** `~` accepts the usual French feminine/plural endings: russe→russes, coréen→coréenne(s). */
const INFLECTION = '(?:e|s|x|es|ne|nes)?';
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
    return { ok: true, pattern: { kind: 'regex', source: body, literal: null, firstChar: null } };
  }
  if (term.startsWith('/')) return { ok: false, message: `pattern ${term} must end with "/"` };

  const parts = term.split(/([*~])/);
  let source = '';
  let folded = '';
  let hasMarker = false;
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
    }
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
      firstChar: folded[0] ?? null,
    },
  };
}

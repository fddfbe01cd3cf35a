/**
 * Names for `veille rules seed`: runs of capitalised words (people, places, agencies)
 * that ordinary French does not explain, with their word and sentence positions, and
 * full names merged into surnames that also stand alone.
 */
import { FRENCH_BACKGROUND } from './french-background.js';
import { foldText } from './normalize-text.js';

const TOKEN = /[\p{L}\p{N}\p{M}]+(?:[-\u2010\u2011'’ʼ][\p{L}\p{N}\p{M}]+)*/gu;
const ELISION = /^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’ʼ]/i;
const DETERMINERS = new Set(['le', 'la', 'les', 'l', 'un', 'une', 'des', 'du', 'de', 'au', 'aux', 'ce', 'cette', 'ces', 'd']);
const UPPER_START = /^\p{Lu}/u;
const SENTENCE_END = /[.!?:;«»"“”()\n\r\u2013\u2014-]\s*$/u;

export interface Occurrence {
  doc: number;
  /** Sentence number: names are only assigned from country words in the same sentence. */
  sentence: number;
  /** Word index of the first word in the document's folded text. */
  word: number;
  lastWord: number;
  surface: string;
}

interface NameOccurrence extends Occurrence {
  key: string;
  /** Folded words of the run; the last one may stand for the whole name ("Poutine"). */
  tokens: string[];
}

/** Runs of capitalised words (or acronyms) not explained by ordinary French or a country form. */
export function nameOccurrences(text: string, doc: number, covered: ReadonlySet<number>, sentences: Int32Array): NameOccurrence[] {
  interface Token { surface: string; folded: string; word: number; words: number; start: number; end: number; initial: boolean; capital: boolean }
  const tokens: Token[] = [];
  let word = 0;
  for (const m of text.matchAll(TOKEN)) {
    const full = m[0];
    const elided = ELISION.exec(full);
    const elisionWords = elided === null ? 0 : 1;
    const surface = elided === null ? full : full.slice(elided[0].length);
    const folded = foldText(surface);
    const start = (m.index ?? 0) + (elided?.[0].length ?? 0);
    const words = folded.length === 0 ? 0 : folded.split(' ').length;
    const initial = elided === null && (m.index === 0 || SENTENCE_END.test(text.slice(Math.max(0, (m.index ?? 0) - 3), m.index)));
    tokens.push({ surface, folded, word: word + elisionWords, words, start, end: start + surface.length, initial, capital: UPPER_START.test(surface) });
    word += elisionWords + words;
  }
  const out: NameOccurrence[] = [];
  let i = 0;
  while (i < tokens.length) {
    const first = tokens[i] as Token;
    if (!first.capital) { i++; continue; }
    let j = i + 1;
    while (j < tokens.length) {
      const t = tokens[j] as Token;
      const gap = text.slice((tokens[j - 1] as Token).end, t.start);
      if (!t.capital || !/^[\s\u00a0\u202f]+$/.test(gap) || t.initial) break;
      j++;
    }
    let run = tokens.slice(i, j);
    i = j;
    while (run.length > 0) {
      const lead = run[0] as Token;
      if (DETERMINERS.has(lead.folded) || (lead.initial && isBackground(lead.folded))) run = run.slice(1);
      else break;
    }
    if (run.length === 0 || run.every((t) => isBackground(t.folded))) continue;
    const firstWord = (run[0] as Token).word;
    const last = run[run.length - 1] as Token;
    const lastWord = last.word + last.words - 1;
    let inCountry = false;
    for (let w = firstWord; w <= lastWord; w++) if (covered.has(w)) inCountry = true;
    if (inCountry) continue;
    const surface = text.slice((run[0] as Token).start, last.end);
    const key = foldText(surface);
    if (/^\d/.test(key) || key.length < 3) continue;
    out.push({ doc, sentence: sentences[firstWord] ?? -1, word: firstWord, lastWord, surface, key, tokens: run.map((t) => t.folded) });
  }
  return out;
}

function isBackground(folded: string): boolean {
  return folded.split(' ').every((w) => FRENCH_BACKGROUND.has(w));
}

/** "Vladimir Poutine" and "Poutine" are one term, "Poutine", when the surname also stands alone. */
export function mergeSurnames(occurrences: NameOccurrence[]): Map<string, Occurrence[]> {
  const singles = new Set(occurrences.filter((o) => o.tokens.length === 1).map((o) => o.key));
  const groups = new Map<string, Occurrence[]>();
  for (const o of occurrences) {
    let key = o.key;
    let occurrence: Occurrence = o;
    const surname = o.tokens[o.tokens.length - 1] as string;
    if (o.tokens.length > 1 && singles.has(surname) && !isBackground(surname)) {
      key = surname;
      const lastSpace = o.surface.search(/\S+$/);
      occurrence = { doc: o.doc, sentence: o.sentence, word: o.word, lastWord: o.lastWord, surface: o.surface.slice(lastSpace) };
    }
    groups.set(key, [...(groups.get(key) ?? []), occurrence]);
  }
  return groups;
}


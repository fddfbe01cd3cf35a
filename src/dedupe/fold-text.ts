/**
 * Text folded for comparison: lower case, no accents or ligatures, punctuation and all spacing
 * (non-breaking, hyphens, apostrophes) reduced to single spaces. Pure.
 *
 * It runs on every paragraph of every new item, so the common case (Latin script and general
 * punctuation, i.e. all French text) folds in one pass through a per-character table built from
 * the reference pipeline (foldTextReference); any other character sends the whole text through
 * that pipeline. The two agree because each step is per character in those ranges: NFKD never
 * composes, marks are dropped whatever their order, and lower-casing there needs no context.
 */
const COMBINING_MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

/** Ligatures, NFKD, marks dropped, lower case, non-word runs to one space; untrimmed. */
function foldUntrimmed(text: string): string {
  // Ligatures after decomposing and lower-casing: compatibility forms (ꟹ, Ǣ, ẞ) become œ, æ, ß
  // only then, and folding twice must give the same text as folding once.
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(/œ/g, 'oe').replace(/æ/g, 'ae').replace(/ß/g, 'ss')
    .replace(NOT_WORD, ' ');
}

/** The definition of folding, character class by character class (slow: ten passes and ICU). */
export function foldTextReference(text: string): string {
  return foldUntrimmed(text).trim();
}

// Latin scripts with their combining marks, and general punctuation with currency signs.
const LATIN_END = 0x370;
const PUNCT_START = 0x2000;
const PUNCT_END = 0x20d0;
const LATIN = Array.from({ length: LATIN_END }, (_, c) => foldUntrimmed(String.fromCharCode(c)));
const PUNCT = Array.from({ length: PUNCT_END - PUNCT_START }, (_, k) => foldUntrimmed(String.fromCharCode(PUNCT_START + k)));
/** 1 where a character folds to itself (a-z, 0-9): runs of them are copied as slices. */
const SAME = Uint8Array.from(LATIN, (folded, c) => (folded === String.fromCharCode(c) ? 1 : 0));

export function foldText(text: string): string {
  let out = '';
  let runStart = 0;
  const length = text.length;
  for (let i = 0; i < length; i += 1) {
    const c = text.charCodeAt(i);
    let folded: string;
    if (c < LATIN_END) {
      if (SAME[c] === 1) continue;
      folded = LATIN[c] as string;
    } else if (c >= PUNCT_START && c < PUNCT_END) {
      folded = PUNCT[c - PUNCT_START] as string;
    } else {
      return foldTextReference(text);
    }
    if (i > runStart) out += text.slice(runStart, i);
    out += folded;
    runStart = i + 1;
  }
  if (runStart === 0) out = text;
  else if (runStart < length) out += text.slice(runStart);
  return out.replace(/ {2,}/g, ' ').trim();
}

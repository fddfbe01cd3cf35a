/**
 * French-aware text folding for matching: case, diacritics, ligatures, apostrophes,
 * hyphens and every kind of space become one canonical form (lowercase letters and
 * digits separated by single spaces), with a map back to the original UTF-16 offsets.
 */

export interface NormalizedText {
  /** Folded text, padded with one space at each end so every word is space-delimited. */
  text: string;
  /** starts[i] / ends[i]: the original [start, end) that produced text[i]. */
  starts: Uint32Array;
  ends: Uint32Array;
}

/** Letters that NFKD does not decompose but French readers treat as two letters or a plain one. */
const EXTRA_FOLDS: Readonly<Record<string, string>> = {
  'œ': 'oe',
  'æ': 'ae',
  'ß': 'ss',
  'ø': 'o',
  'đ': 'd',
  'ł': 'l',
  'ı': 'i',
  'þ': 'th',
};

const SEPARATOR = '';
/** Apostrophes that Unicode classes as letters (ʼ ʻ ʽ): still word separators, as ’ and '. */
const LETTER_APOSTROPHES = new Set([0x02bc, 0x02bb, 0x02bd, 0x02b9]);
const COMBINING = '\u0300';
const WORD_CHAR = /[\p{L}\p{N}]/u;
const MARK = /^\p{M}$/u;
const STRIP_MARKS = /\p{M}/gu;

/** Folded form of one non-ASCII code point, '' for a separator, COMBINING for a lone mark; memoised. */
const foldCache = new Map<number, string>();

function foldCodePoint(cp: number, ch: string): string {
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  let folded: string;
  if (LETTER_APOSTROPHES.has(cp)) {
    folded = SEPARATOR;
  } else if (MARK.test(ch)) {
    folded = COMBINING;
  } else {
    const lower = ch.toLowerCase();
    const decomposed = (EXTRA_FOLDS[lower] ?? lower).normalize('NFKD').replace(STRIP_MARKS, '');
    const lowered = decomposed.toLowerCase();
    let out = '';
    // A letter apostrophe that a decomposition produced (U+0374 → ʹ) separates words too.
    for (const c of lowered) out += EXTRA_FOLDS[c] ?? (WORD_CHAR.test(c) && !LETTER_APOSTROPHES.has(c.codePointAt(0) as number) ? c : ' ');
    // A character that folds to letters plus punctuation (e.g. "½") keeps only its letters.
    const trimmed = out.trim();
    folded = trimmed.length === 0 ? SEPARATOR : trimmed.replace(/ +/g, ' ');
  }
  foldCache.set(cp, folded);
  return folded;
}

const UTF16 = new TextDecoder('utf-16le');

/** Folds `input` for matching; every output character maps back to the original text. */
export function normalizeText(input: string): NormalizedText {
  const n = input.length;
  // Folding rarely grows text (œ → oe); the buffers grow if it does.
  let capacity = n + 16;
  let chars = new Uint16Array(capacity);
  let starts = new Uint32Array(capacity);
  let ends = new Uint32Array(capacity);
  chars[0] = 32;
  let len = 1;
  let pendingSpace = false;
  let spaceAt = 0;

  const grow = (): void => {
    capacity = capacity * 2;
    const c = new Uint16Array(capacity);
    c.set(chars);
    chars = c;
    const s = new Uint32Array(capacity);
    s.set(starts);
    starts = s;
    const e = new Uint32Array(capacity);
    e.set(ends);
    ends = e;
  };

  let i = 0;
  while (i < n) {
    const code = input.charCodeAt(i);
    if (code < 0x80) {
      // ASCII fast path: most of French text.
      const lower = code >= 0x41 && code <= 0x5a ? code + 32 : code;
      if ((lower >= 0x61 && lower <= 0x7a) || (lower >= 0x30 && lower <= 0x39)) {
        if (len + 2 >= capacity) grow();
        if (pendingSpace) {
          chars[len] = 32;
          starts[len] = spaceAt;
          ends[len] = spaceAt;
          len++;
          pendingSpace = false;
        }
        chars[len] = lower;
        starts[len] = i;
        ends[len] = i + 1;
        len++;
      } else if (!pendingSpace) {
        pendingSpace = len > 1;
        spaceAt = i;
      }
      i++;
      continue;
    }
    const cp = input.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    const folded = foldCodePoint(cp, input.slice(i, i + width));
    if (folded === COMBINING) {
      // A decomposed accent belongs to the letter before it.
      if (!pendingSpace && len > 1) ends[len - 1] = i + width;
    } else if (folded === SEPARATOR) {
      if (!pendingSpace) {
        pendingSpace = len > 1;
        spaceAt = i;
      }
    } else {
      while (len + folded.length + 2 >= capacity) grow();
      if (pendingSpace) {
        chars[len] = 32;
        starts[len] = spaceAt;
        ends[len] = spaceAt;
        len++;
        pendingSpace = false;
      }
      for (let k = 0; k < folded.length; k++) {
        chars[len] = folded.charCodeAt(k);
        starts[len] = i;
        ends[len] = i + width;
        len++;
      }
    }
    i += width;
  }
  if (len + 1 >= capacity) grow();
  chars[len] = 32;
  starts[len] = n;
  ends[len] = n;
  len++;
  return { text: UTF16.decode(chars.subarray(0, len)), starts: starts.subarray(0, len), ends: ends.subarray(0, len) };
}

/** The folded form of a short string without the padding: used for terms and tests. */
export function foldText(input: string): string {
  return normalizeText(input).text.slice(1, -1).trimEnd();
}

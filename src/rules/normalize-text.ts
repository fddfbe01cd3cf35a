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
  if (cp < 0x10000) BMP_FOLDS[cp] = folded;
  return folded;
}

/** Folds of BMP code points met so far, by code point: an array read instead of a Map lookup per accent. */
const BMP_FOLDS: (string | undefined)[] = new Array<string | undefined>(0x10000).fill(undefined);

/** ASCII code → its folded code (lower case letters, digits), 0 for a separator. */
const ASCII_FOLD = Uint16Array.from({ length: 0x80 }, (_, c) => {
  const lower = c >= 0x41 && c <= 0x5a ? c + 32 : c;
  return (lower >= 0x61 && lower <= 0x7a) || (lower >= 0x30 && lower <= 0x39) ? lower : 0;
});

/**
 * Buffers reused from call to call: every document of every poll is folded, and fresh typed
 * arrays per field cost more than the fold. Results are copied out before returning.
 */
const INITIAL_CAPACITY = 4096;
/** Buffers grown past this (a huge item) are dropped after use rather than held for the process's life (~2.5 MB). */
const KEPT_CAPACITY = 1 << 18;
let chars = new Uint16Array(INITIAL_CAPACITY);
let starts = new Uint32Array(INITIAL_CAPACITY);
let ends = new Uint32Array(INITIAL_CAPACITY);

function releaseLargeBuffers(): void {
  if (chars.length <= KEPT_CAPACITY) return;
  chars = new Uint16Array(INITIAL_CAPACITY);
  starts = new Uint32Array(INITIAL_CAPACITY);
  ends = new Uint32Array(INITIAL_CAPACITY);
}

function ensureCapacity(needed: number): void {
  if (needed <= chars.length) return;
  const capacity = Math.max(needed, chars.length * 2);
  const grownChars = new Uint16Array(capacity);
  grownChars.set(chars);
  chars = grownChars;
  const grownStarts = new Uint32Array(capacity);
  grownStarts.set(starts);
  starts = grownStarts;
  const grownEnds = new Uint32Array(capacity);
  grownEnds.set(ends);
  ends = grownEnds;
}

/**
 * The fold itself, into the shared buffers; returns the folded length. Offsets are written only
 * when asked: a document without any rule term needs the text alone.
 */
function foldInto(input: string, withOffsets: boolean): number {
  const n = input.length;
  // Each input character adds at most a space and itself unless it folds to several letters
  // (œ → oe), which is checked where it happens.
  ensureCapacity(2 * n + 16);
  // Locals, not the module's bindings: V8 reloads those on every access (2× slower here).
  let out = chars;
  let outStarts = starts;
  let outEnds = ends;
  const asciiFold = ASCII_FOLD;
  const bmpFolds = BMP_FOLDS;
  out[0] = 32;
  let len = 1;
  let pendingSpace = false;
  let spaceAt = 0;

  let i = 0;
  while (i < n) {
    const code = input.charCodeAt(i);
    if (code < 0x80) {
      // ASCII fast path: most of French text.
      const folded = asciiFold[code] as number;
      if (folded !== 0) {
        if (pendingSpace) {
          out[len] = 32;
          if (withOffsets) {
            outStarts[len] = spaceAt;
            outEnds[len] = spaceAt;
          }
          len++;
          pendingSpace = false;
        }
        out[len] = folded;
        if (withOffsets) {
          outStarts[len] = i;
          outEnds[len] = i + 1;
        }
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
    const folded = (cp < 0x10000 ? bmpFolds[cp] : undefined) ?? foldCodePoint(cp, input.slice(i, i + width));
    if (folded === COMBINING) {
      // A decomposed accent belongs to the letter before it.
      if (withOffsets && !pendingSpace && len > 1) outEnds[len - 1] = i + width;
    } else if (folded === SEPARATOR) {
      if (!pendingSpace) {
        pendingSpace = len > 1;
        spaceAt = i;
      }
    } else {
      if (folded.length > width) {
        ensureCapacity(len + folded.length + 2 * (n - i) + 16);
        out = chars;
        outStarts = starts;
        outEnds = ends;
      }
      if (pendingSpace) {
        out[len] = 32;
        if (withOffsets) {
          outStarts[len] = spaceAt;
          outEnds[len] = spaceAt;
        }
        len++;
        pendingSpace = false;
      }
      for (let k = 0; k < folded.length; k++) {
        out[len] = folded.charCodeAt(k);
        if (withOffsets) {
          outStarts[len] = i;
          outEnds[len] = i + width;
        }
        len++;
      }
    }
    i += width;
  }
  out[len] = 32;
  if (withOffsets) {
    outStarts[len] = n;
    outEnds[len] = n;
  }
  return len + 1;
}

/** Folds `input` for matching; every output character maps back to the original text. */
export function normalizeText(input: string): NormalizedText {
  const len = foldInto(input, true);
  const folded = { text: decodeFolded(len), starts: starts.slice(0, len), ends: ends.slice(0, len) };
  releaseLargeBuffers();
  return folded;
}

/** The folded characters as a string (a UCS-2 Buffer decodes several times faster than TextDecoder). */
function decodeFolded(len: number): string {
  return Buffer.from(chars.buffer, chars.byteOffset, len * 2).toString('ucs2');
}

/** The text of normalizeText(input), padded the same way, without the offset maps. */
export function normalizeTextOnly(input: string): string {
  const text = decodeFolded(foldInto(input, false));
  releaseLargeBuffers();
  return text;
}

/** The folded form of a short string without the padding: used for terms and tests. */
export function foldText(input: string): string {
  return normalizeTextOnly(input).slice(1, -1).trimEnd();
}

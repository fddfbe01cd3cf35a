/**
 * Turns a feed body's bytes into text, whatever charset the publisher used or claimed.
 *
 * Order of evidence: byte-order mark, then HTTP charset, then the XML prolog, else UTF-8.
 * Declarations lie often enough that the bytes get the last word: "UTF-8" that is not
 * valid UTF-8 is read as windows-1252, and a legacy charset over bytes that are valid
 * multibyte UTF-8 is read as UTF-8 (see miniflux's incorrect-prolog fixtures).
 */

import { repairMojibake } from './repair-mojibake.js';
import { decodeWindows1252, mapC1ToWindows1252, WINDOWS_1252 } from './windows-1252.js';

export interface DecodedFeed {
  text: string;
  /** WHATWG name of the charset actually used, e.g. "utf-8", "windows-1252". */
  encoding: string;
}

const UTF8 = 'utf-8';
/** The superset of ISO-8859-1 that French feeds mislabelled as Latin-1 really use (’ œ € …). */
const LEGACY_FALLBACK = WINDOWS_1252;

export function decodeFeedBody(body: Buffer, contentType: string | null): DecodedFeed {
  const sniffed = sniffUnicodeLayout(body);
  const decoded = sniffed !== null
    ? decodeUnicode(body, sniffed)
    : decodeDeclared(body, normaliseCharset(readHttpCharset(contentType) ?? readPrologEncoding(body)));
  return { text: cleanProlog(repairC1Controls(repairMojibake(decoded.text))), encoding: decoded.encoding };
}

type UnicodeLayout = { encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be'; skip: number };

/** BOMs, and UTF-16/32 without BOM recognised from how "<" is laid out. */
function sniffUnicodeLayout(b: Buffer): UnicodeLayout | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { encoding: 'utf-32le', skip: 4 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { encoding: 'utf-32be', skip: 4 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  if (b[0] === 0x3c && b[1] === 0 && b[2] === 0 && b[3] === 0) return { encoding: 'utf-32le', skip: 0 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0x3c) return { encoding: 'utf-32be', skip: 0 };
  if (b[0] === 0x3c && b[1] === 0 && b[2] === 0x3f && b[3] === 0) return { encoding: 'utf-16le', skip: 0 };
  if (b[0] === 0 && b[1] === 0x3c && b[2] === 0 && b[3] === 0x3f) return { encoding: 'utf-16be', skip: 0 };
  return null;
}

function decodeUnicode(body: Buffer, layout: UnicodeLayout): DecodedFeed {
  const bytes = body.subarray(layout.skip);
  if (layout.encoding === 'utf-32le' || layout.encoding === 'utf-32be') {
    return { text: decodeUtf32(bytes, layout.encoding === 'utf-32le'), encoding: layout.encoding };
  }
  if (layout.encoding === UTF8) return decodeDeclared(bytes, UTF8);
  return { text: new TextDecoder(layout.encoding, { ignoreBOM: true }).decode(bytes), encoding: layout.encoding };
}

/** TextDecoder has no UTF-32; it is rare enough for a few lines to do. */
function decodeUtf32(bytes: Buffer, littleEndian: boolean): string {
  const parts: string[] = [];
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const cp = littleEndian ? bytes.readUInt32LE(i) : bytes.readUInt32BE(i);
    parts.push(cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\uFFFD');
  }
  return parts.join('');
}

function decodeDeclared(bytes: Buffer, declared: string | null): DecodedFeed {
  const utf8 = tryDecodeUtf8(bytes);
  if (declared === null || declared === UTF8 || declared.startsWith('utf-16')) {
    // "utf-16" declared without a BOM or a UTF-16 layout cannot be true: the prolog was read as ASCII.
    if (utf8 !== null) return { text: utf8, encoding: UTF8 };
    return { text: decodeWindows1252(bytes), encoding: LEGACY_FALLBACK };
  }
  // Valid UTF-8 with multibyte sequences is almost never an accident of a legacy charset.
  if (utf8 !== null && /[^\x00-\x7f]/.test(utf8)) return { text: utf8, encoding: UTF8 };
  if (declared === WINDOWS_1252) return { text: decodeWindows1252(bytes), encoding: WINDOWS_1252 };
  const decoder = new TextDecoder(declared);
  return { text: decoder.decode(bytes), encoding: decoder.encoding };
}

function tryDecodeUtf8(bytes: Buffer): string | null {
  try {
    return new TextDecoder(UTF8, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function readHttpCharset(contentType: string | null): string | null {
  const match = contentType?.match(/;\s*charset\s*=\s*("?)([^";\s]+)\1/i);
  return match?.[2] ?? null;
}

function readPrologEncoding(body: Buffer): string | null {
  // The prolog is ASCII in every ASCII-compatible charset; junk may precede it.
  const head = body.subarray(0, 1024).toString('latin1');
  const match = head.match(/<\?xml[^>]*?\sencoding\s*=\s*["']([^"']+)["']/i);
  return match?.[1] ?? null;
}

/** WHATWG name for a label, null when TextDecoder does not know it (→ UTF-8). */
function normaliseCharset(label: string | null): string | null {
  if (label === null) return null;
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return null;
  }
}

function repairC1Controls(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, mapC1ToWindows1252);
}

const DECLARED_ENCODING = /^(<\?xml[^>]*?\sencoding\s*=\s*)(["'])([^"']*)\2/;

/**
 * Drops junk before the XML declaration and makes the prolog say what the text now is. A prolog
 * that already says UTF-8 is left alone: a replace makes a copy of the whole document, and a copy
 * of a feed-sized string costs about as much as parsing it (large-object allocation).
 */
function cleanProlog(text: string): string {
  let out = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const declAt = out.indexOf('<?xml');
  if (declAt > 0 && declAt < 4096 && !/<[a-zA-Z]/.test(out.slice(0, declAt))) out = out.slice(declAt);
  else out = out.trimStart();
  const declared = DECLARED_ENCODING.exec(out);
  if (declared === null || declared[3] === 'UTF-8') return out;
  return out.replace(DECLARED_ENCODING, '$1$2UTF-8$2');
}

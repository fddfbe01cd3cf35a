/**
 * windows-1252 decoding done by hand.
 *
 * Node 20's TextDecoder('windows-1252') (and the labels WHATWG maps to it: iso-8859-1,
 * latin1, ascii) takes a Latin-1 fast path and turns bytes 0x80–0x9F into C1 controls
 * instead of € ’ œ … (nodejs/node#56542), which is exactly what French feeds use.
 */

/** Characters of bytes 0x80–0x9F; the five bytes windows-1252 leaves undefined keep their C1 code point, as WHATWG says. */
const HIGH_CONTROL_RANGE = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

export const WINDOWS_1252 = 'windows-1252';

export function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').replace(/[\u0080-\u009f]/g, mapC1ToWindows1252);
}

/** The windows-1252 character a C1 control stands for (mis-converted feeds carry ’ as U+0092); '' for the undefined five. */
export function mapC1ToWindows1252(c: string): string {
  const mapped = HIGH_CONTROL_RANGE[c.charCodeAt(0) - 0x80] ?? '';
  return mapped.charCodeAt(0) > 0x9f ? mapped : '';
}

/** The windows-1252 byte of a character, null when windows-1252 has no byte for it. */
export function encodeWindows1252Char(c: string): number | null {
  const code = c.charCodeAt(0);
  if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) return code;
  const at = HIGH_CONTROL_RANGE.indexOf(c);
  if (at >= 0) return 0x80 + at;
  return code <= 0x9f ? code : null;
}

/** Characters that stand for the bytes 0x80–0xBF once UTF-8 was misread as windows-1252 or Latin-1. */
export const CONTINUATION_CHARS = `\u0080-\u00bf${HIGH_CONTROL_RANGE.replace(/[\u0080-\u009f]/g, '')}`;

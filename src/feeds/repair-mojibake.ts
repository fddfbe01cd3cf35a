/**
 * Undoes the commonest French mojibake: UTF-8 text that a CMS read as windows-1252 and
 * encoded again ("Ã©tÃ©" for "été", "lâ€™Ã©tÃ©" for "l’été", "Å“" for "œ").
 *
 * Deliberately narrow: only the lead characters Â Ã Å (two-byte sequences) and â (the
 * E2 punctuation block: ’ “ ” … – — € •) followed by continuation characters, and only
 * when the bytes they stand for are valid UTF-8. Real French text never has those pairs.
 */

import { CONTINUATION_CHARS, encodeWindows1252Char } from './windows-1252.js';

const MOJIBAKE = new RegExp(`[ÂÃÅ][${CONTINUATION_CHARS}]|â[${CONTINUATION_CHARS}]{2}`, 'g');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function repairMojibake(text: string): string {
  return text.replace(MOJIBAKE, (sequence) => {
    const bytes: number[] = [];
    for (const c of sequence) {
      const byte = encodeWindows1252Char(c);
      if (byte === null) return sequence;
      bytes.push(byte);
    }
    try {
      return strictUtf8.decode(Uint8Array.from(bytes));
    } catch {
      return sequence;
    }
  });
}

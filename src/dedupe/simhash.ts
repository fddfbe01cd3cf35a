/**
 * 64-bit SimHash (Charikar) over the words of a text, as two unsigned 32-bit halves. Texts that
 * share most words get fingerprints a few bits apart; Hamming distance ≤ 3 is the near-duplicate
 * test of Manku, Jain & Das Sarma (2007). Single words, not 3-shingles: on news-length texts
 * (150-300 words) a one-word edit moved 3-shingle fingerprints by 4-7 bits, words by 0-3
 * (tests/dedupe/pair-set.test.ts prints the table). Pure: it runs once per new article.
 */

export interface Fingerprint {
  hi: number;
  lo: number;
}


/** MurmurHash3 (x86, 32-bit) of a string's UTF-16 code units; two seeds give two independent halves. */
function murmur3(text: string, seed: number): number {
  let h = seed >>> 0;
  const length = text.length;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    let k = (text.charCodeAt(i) & 0xffff) | ((text.charCodeAt(i + 1) & 0xffff) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < length) {
    let k = text.charCodeAt(i) & 0xffff;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** SimHash of already-folded text (see foldText); each occurrence of a word counts. Empty text → 0. */
export function simhash(folded: string): Fingerprint {
  const counts = new Int32Array(64);
  for (const word of folded.split(' ')) {
    if (word.length === 0) continue;
    const hi = murmur3(word, 0x9747b28c);
    const lo = murmur3(word, 0x5bd1e995);
    for (let bit = 0; bit < 32; bit += 1) {
      counts[bit] = (counts[bit] as number) + ((hi >>> bit) & 1 ? 1 : -1);
      counts[32 + bit] = (counts[32 + bit] as number) + ((lo >>> bit) & 1 ? 1 : -1);
    }
  }
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit += 1) {
    if ((counts[bit] as number) > 0) hi |= 1 << bit;
    if ((counts[32 + bit] as number) > 0) lo |= 1 << bit;
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export function hammingDistance(a: Fingerprint, b: Fingerprint): number {
  return popcount((a.hi ^ b.hi) >>> 0) + popcount((a.lo ^ b.lo) >>> 0);
}

/** The fingerprint as 8 big-endian bytes (the form stored in Redis). */
export function fingerprintBytes(fp: Fingerprint): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt32BE(fp.hi, 0);
  out.writeUInt32BE(fp.lo, 4);
  return out;
}

export function fingerprintHex(fp: Fingerprint): string {
  return fingerprintBytes(fp).toString('hex');
}

export function parseFingerprintHex(hex: string): Fingerprint {
  const bytes = Buffer.from(hex, 'hex');
  return { hi: bytes.readUInt32BE(0), lo: bytes.readUInt32BE(4) };
}

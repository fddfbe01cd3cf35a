/**
 * decodeFeedBody: BOM, HTTP charset, prolog, fallbacks, mojibake; French text must come out right.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFeedBody } from '../../src/feeds/decode-feed.js';
import { repairMojibake } from '../../src/feeds/repair-mojibake.js';

const fixtures = path.resolve(import.meta.dirname, '..', 'fixtures', 'feeds');
const FRENCH = 'é è à ç œ € ’ « »';
const prolog = (encoding: string): string => `<?xml version="1.0" encoding="${encoding}"?>`;
const doc = (encoding: string | null, text = FRENCH): string => `${encoding ? prolog(encoding) : ''}<rss><t>${text}</t></rss>`;
const cp1252 = (s: string): Buffer => Buffer.from(Array.from(s, (c) => {
  const special: Record<string, number> = { '€': 0x80, '’': 0x92, 'œ': 0x9c, '…': 0x85, '“': 0x93, '”': 0x94 };
  return special[c] ?? c.charCodeAt(0);
}));
const utf16 = (s: string, bigEndian: boolean, bom: boolean): Buffer => {
  const le = Buffer.from(`${bom ? '\uFEFF' : ''}${s}`, 'utf16le');
  return bigEndian ? Buffer.from(le).swap16() : le;
};

describe('decodeFeedBody', () => {
  const cases: { name: string; body: Buffer; contentType: string | null; encoding: string; text?: string }[] = [
    { name: 'UTF-8 without any declaration', body: Buffer.from(doc(null)), contentType: null, encoding: 'utf-8' },
    { name: 'UTF-8 BOM wins over a windows-1252 prolog', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc('windows-1252'))]), contentType: null, encoding: 'utf-8' },
    { name: 'UTF-16LE with BOM', body: utf16(doc('utf-16'), false, true), contentType: null, encoding: 'utf-16le' },
    { name: 'UTF-16BE with BOM', body: utf16(doc('utf-16'), true, true), contentType: null, encoding: 'utf-16be' },
    { name: 'UTF-16BE without BOM', body: utf16(doc('utf-16'), true, false), contentType: null, encoding: 'utf-16be' },
    { name: 'windows-1252 bytes with matching prolog', body: cp1252(doc('windows-1252')), contentType: null, encoding: 'windows-1252' },
    { name: 'windows-1252 bytes declared ISO-8859-1 (as WHATWG reads it)', body: cp1252(doc('ISO-8859-1')), contentType: null, encoding: 'windows-1252' },
    { name: 'windows-1252 bytes, charset only in HTTP', body: cp1252(doc(null)), contentType: 'application/rss+xml; charset=windows-1252', encoding: 'windows-1252' },
    { name: 'HTTP charset overrides the prolog', body: cp1252(doc('utf-8')), contentType: 'text/xml; charset="ISO-8859-1"', encoding: 'windows-1252' },
    { name: 'Latin-1 bytes without declaration fall back to windows-1252', body: cp1252(doc(null)), contentType: null, encoding: 'windows-1252' },
    { name: 'declared UTF-8 but invalid UTF-8 falls back to windows-1252', body: cp1252(doc('utf-8')), contentType: 'text/xml; charset=utf-8', encoding: 'windows-1252' },
    { name: 'declared windows-1252 but valid multibyte UTF-8 stays UTF-8', body: Buffer.from(doc('windows-1252')), contentType: null, encoding: 'utf-8' },
    { name: 'declared ISO-8859-1 in HTTP but valid multibyte UTF-8 stays UTF-8', body: Buffer.from(doc(null)), contentType: 'text/xml; charset=iso-8859-1', encoding: 'utf-8' },
    { name: 'unknown label is read as UTF-8', body: Buffer.from(doc('bogus-charset')), contentType: null, encoding: 'utf-8' },
    { name: 'ISO-8859-15 euro sign (0xA4)', body: Buffer.from(`${prolog('iso-8859-15')}<rss><t>5 \xa4</t></rss>`, 'latin1'), contentType: null, encoding: 'iso-8859-15', text: '5 €' },
    { name: 'C1 controls in UTF-8 mean windows-1252 punctuation', body: Buffer.from('<rss><t>l\u0092été\u0085</t></rss>'), contentType: null, encoding: 'utf-8', text: 'l’été…' },
  ];

  it.each(cases)('$name', ({ body, contentType, encoding, text }) => {
    const decoded = decodeFeedBody(body, contentType);
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.text).toContain(text ?? FRENCH);
    expect(decoded.text).not.toMatch(/\uFFFD|Ã©|Ã¨/);
    expect(decoded.text.startsWith('<')).toBe(true);
  });

  it('rewrites the prolog encoding to UTF-8 so the parser does not decode again', () => {
    const { text } = decodeFeedBody(cp1252(doc('windows-1252')), null);
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });

  it('strips whitespace and a comment before the XML declaration', () => {
    const { text } = decodeFeedBody(Buffer.from(`\n\n  <!-- generated -->\n${doc('utf-8')}`), null);
    expect(text.startsWith('<?xml')).toBe(true);
  });

  it('decodes Russian windows-1251 and KOI8-R when declared', () => {
    const w1251 = Buffer.concat([Buffer.from(prolog('windows-1251')), Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2])]);
    const koi8 = Buffer.concat([Buffer.from(prolog('koi8-r')), Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4])]);
    expect(decodeFeedBody(w1251, null).text).toContain('Привет');
    expect(decodeFeedBody(koi8, null).text).toContain('Привет');
  });

  it('reads the windows-1252 fixture file right', () => {
    const { text, encoding } = decodeFeedBody(readFileSync(path.join(fixtures, 'windows-1252.xml')), null);
    expect(encoding).toBe('windows-1252');
    expect(text).toContain('Le cœur de l’été : un marché à 5 € à Besançon');
  });
});

describe('repairMojibake', () => {
  it.each([
    ['Ã©tÃ© Ã\u00a0 la plage', 'été à la plage'],
    ['lâ€™Ã©tÃ© â€“ Â« citation Â»', 'l’été – « citation »'],
    ['cÅ“ur', 'cœur'],
    ['Ã‰lysÃ©e, Ã‡a, Ãªtre, Ã¨re, Ã¹, Ã®le, Ã´, Ã»', 'Élysée, Ça, être, ère, ù, île, ô, û'],
    ['prix : 5 â‚¬', 'prix : 5 €'],
    // Legitimate text stays as it is.
    ['âge, pâte, SÃO PAULO, Å land, Â bientôt, été «', 'âge, pâte, SÃO PAULO, Å land, Â bientôt, été «'],
  ])('%j → %j', (input, expected) => {
    expect(repairMojibake(input)).toBe(expected);
  });

  it('is applied when decoding a double-encoded feed', () => {
    const { text } = decodeFeedBody(Buffer.from('<rss><t>Lâ€™Ã©tÃ© de Koursk</t></rss>'), null);
    expect(text).toContain('L’été de Koursk');
  });
});

/**
 * The single-pass htmlToText must return exactly what the regex version it replaced returns (the
 * definition, kept in html-text-reference.ts): on the bench's generated feeds, on the feed
 * fixtures, and on random strings of the HTML fragments where the definition's passes interact.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { decodeXML } from 'entities';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { htmlToText } from '../../src/feeds/html-text.js';
import { FeedCorpus } from '../../bench/feed-corpus.js';
import { REPO_ROOT } from '../support/watchlist.js';
import { htmlToTextReference } from './html-text-reference.js';

/** CDATA contents, the whole document, and each run of text between tags, raw and XML-decoded (as the feed parser hands it over). */
function documentTexts(xml: string): string[] {
  const cdata = [...xml.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)].map((m) => m[1] ?? '');
  const between = [...xml.matchAll(/>([^<]+)</g)].map((m) => m[1] ?? '');
  return [xml, ...cdata, ...between, ...between.map((text) => decodeXML(text))];
}

function expectSameAsReference(texts: readonly string[]): void {
  for (const text of texts) expect(htmlToText(text), JSON.stringify(text.slice(0, 200))).toBe(htmlToTextReference(text));
}

it('converts the bench feeds\' titles, descriptions and contents as the definition does', () => {
  const corpus = new FeedCorpus({ feeds: 3, items: 20, seed: 7, relevantShare: 0.2, sharedShare: 0.1, startedAt: 0 });
  const texts = [0, 1, 2].flatMap((f) => documentTexts(corpus.feedXml(f, 0)));
  expect(texts.length).toBeGreaterThan(3 * 20 * 3);
  expectSameAsReference(texts);
});

it('converts the feed fixtures and demo feeds as the definition does', () => {
  const folders = [path.join(REPO_ROOT, 'tests', 'fixtures', 'feeds'), path.join(REPO_ROOT, 'src', 'demo', 'feeds')];
  const files = folders.flatMap((folder) => readdirSync(folder).map((name) => path.join(folder, name)));
  expect(files.length).toBeGreaterThan(8);
  // latin1 as well: the raw bytes of the windows-1252 and ISO-8859-1 fixtures as characters.
  expectSameAsReference(files.flatMap((file) => [...documentTexts(readFileSync(file, 'utf8')), ...documentTexts(readFileSync(file, 'latin1'))]));
});

const NAMES = ['p', 'P', 'div', 'br', 'li', 'td', 'TH', 'tr', 'script', 'SCRIPT', 'ScRiPt', 'style', 'svg', 'svg:rect', 'head',
  'header', 'a', 'b', 'i', 'span', 'img', 'h1', 'h7', 'figure', 'noscript', 'x_y'];
const ATTRIBUTES = [' x="1"', " y='<'", ' z=">"', ' t="a > b < c"', ' a=b', ' ', '\n', '/', ' /'];
const fragment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('<', '>', '</', '/>', '<!--', '-->', '<![CDATA[', ']]>', '<?', '?>', '<!DOCTYPE x>', '<!', '?', '/') },
  // Whole tags (some unclosed), so that elements and tags around other markup come up often.
  {
    weight: 8,
    arbitrary: fc.tuple(fc.constantFrom('<', '<', '</'), fc.constantFrom(...NAMES), fc.constantFrom('', '', ...ATTRIBUTES), fc.constantFrom('>', '>', '/>', ''))
      .map((parts) => parts.join('')),
  },
  { weight: 3, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 2, arbitrary: fc.constantFrom(...ATTRIBUTES) },
  {
    weight: 4,
    arbitrary: fc.constantFrom('&amp;', '&eacute;', '&amp;eacute;', '&#233;', '&#x20AC;', '&lt;p&gt;', '&lt;/b&gt;', '&lt;', '&gt;',
      '&amp;lt;br&amp;gt;', '&', '&foo;', '&#32;', '&nbsp;', '&thinsp;', '&#x3000;', '&Tab;', '&#11;', '&#12;', '&#10;', '&#13;',
      '&#x2028;', '&#x1680;', '&#8203;', '&zwnj;', '&NoBreak;', '&#xFEFF;'),
  },
  {
    weight: 5,
    arbitrary: fc.constantFrom(' ', ' ', '  ', '\n', '\r\n', '\t', '\f', '\v', '\u00a0', '\u2009', '\u202f', '\u3000', '\u200b',
      '\ufeff', '\u2060', '\u2028', '\u1680'),
  },
  // "İ" lowercases to two characters, which shifts the indexes the definition uses past an invisible element;
  // "K" (Kelvin sign) lowercases to an ASCII "k".
  { weight: 4, arbitrary: fc.constantFrom('é', '’', '«', '»', 'mot', 'Texte', 'x', '1', '_', '=', '"', 'İ', 'İİİİİİİİİİİİ', '\u212a') },
);

it('converts random HTML as the definition does', () => {
  fc.assert(fc.property(fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join('')), (html) => {
    expect(htmlToText(html)).toBe(htmlToTextReference(html));
  }), { numRuns: 25_000 });
});

it('converts random invisible elements and comments as the definition does', () => {
  // Where an element ends depends on comments (removed first) and on "İ" before it: denser here than above.
  const piece = fc.constantFrom('<script>', '<SCRIPT a=">">', '</script>', '</scriptx', '</SCRIPT ', '<svg>', '</svg', '<!--', '-->', '<', '>',
    '<p>', '</p', '<a ', '<td ', '<![CDATA[', ']]>', 'İ', 'İİİİİİİİİİİİ', 'x', ' ', '\n');
  fc.assert(fc.property(fc.array(piece, { maxLength: 20 }).map((parts) => parts.join('')), (html) => {
    expect(htmlToText(html)).toBe(htmlToTextReference(html));
  }), { numRuns: 15_000 });
});

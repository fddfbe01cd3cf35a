/**
 * wrapInlineMarkup searches tag by tag; its definition is the one regex it replaced (too slow for
 * the hot path: a lookahead at every character of every item). Both must wrap the same elements.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { wrapInlineMarkup } from '../../src/feeds/repair-xml.js';
import { FeedCorpus } from '../../bench/feed-corpus.js';

const TEXT_ELEMENTS = /<(title|summary|content|description|content:encoded|subtitle)(\s[^>]*)?(?<!\/)>((?:(?!<\1[\s>/])[\s\S])*?)<\/\1\s*>/g;

function wrapInlineMarkupReference(xml: string): string {
  return xml.replace(TEXT_ELEMENTS, (whole, name: string, attrs: string | undefined, inner: string) => {
    if (!/<[A-Za-z]/.test(inner) || inner.includes('<![CDATA[')) return whole;
    return `<${name}${attrs ?? ''}><![CDATA[${inner.replace(/]]>/g, ']]]]><![CDATA[>')}]]></${name}>`;
  });
}

it('wraps the generated feeds as the reference does', () => {
  const corpus = new FeedCorpus({ feeds: 2, items: 20, seed: 7, relevantShare: 0.2, sharedShare: 0.1, startedAt: 0 });
  for (const xml of [corpus.feedXml(0, 0), corpus.feedXml(1, 0)]) {
    // The same feed with its CDATA sections opened, so every content element is naked HTML.
    const naked = xml.replace(/<!\[CDATA\[|\]\]>/g, '');
    expect(wrapInlineMarkup(xml)).toBe(wrapInlineMarkupReference(xml));
    expect(wrapInlineMarkup(naked)).toBe(wrapInlineMarkupReference(naked));
    expect(wrapInlineMarkup(naked)).not.toBe(naked);
  }
});

it('wraps random markup as the reference does', () => {
  const piece = fc.constantFrom(
    '<title>', '</title>', '<title x="/">', '<title/>', '<title >', '</title >', '<titles>', '<summary type="html">', '</summary>',
    '<content>', '<content type="xhtml">', '</content>', '<content:encoded>', '</content:encoded>', '<description>', '</description>',
    '<subtitle>', '</subtitle>', '<Title>', '<b>', '</b>', '<p>', '<br/>', '<![CDATA[', ']]>', '<', '>', '/', ' ', '\n', 'texte', 'é', '<!-- c -->', '&amp;',
  );
  fc.assert(fc.property(fc.array(piece, { maxLength: 30 }).map((parts) => parts.join('')), (xml) => {
    expect(wrapInlineMarkup(xml)).toBe(wrapInlineMarkupReference(xml));
  }), { numRuns: 30_000 });
});

// Quadratic work on this input would take minutes, past the test timeout.
it('stays linear on thousands of unclosed text elements', () => {
  const xml = `<rss><channel>${'<title>a <b>b</b> '.repeat(200_000)}</channel></rss>`;
  expect(wrapInlineMarkup(xml)).toBe(xml);
});

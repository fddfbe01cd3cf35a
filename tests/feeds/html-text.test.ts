/**
 * htmlToText: table of item HTML and the plain text rules should see.
 */
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/feeds/html-text.js';

describe('htmlToText', () => {
  it.each([
    ['', ''],
    ['texte brut', 'texte brut'],
    ['<p>Un</p><p>Deux</p>', 'Un\nDeux'],
    ['ligne<br>suivante<br/>fin', 'ligne\nsuivante\nfin'],
    ['<ul><li>a</li><li>b</li></ul>', 'a\nb'],
    ['in<b>line</b> <em>mots</em>', 'inline mots'],
    ['<script>var x = "<p>"</script>visible<style>p{}</style>', 'visible'],
    ['avant<!-- commentaire <p> -->après', 'avant après'],
    ['caf&eacute; &amp; cr&egrave;me &#8217; &#x20AC;', 'café & crème ’ €'],
    ['double &amp;eacute;chappement &amp;rsquo;', 'double échappement ’'],
    ['&lt;p&gt;HTML &lt;b&gt;échappé&lt;/b&gt;&lt;/p&gt;', 'HTML échappé'],
    ['espaces\u00a0insécables&nbsp;et   blancs\n\tmultiples', 'espaces insécables et blancs multiples'],
    ['<table><tr><td>A</td><td>B</td></tr></table>', 'A B'],
    ['a < b et c > d', 'a < b et c > d'],
    ['<a href="https://x.example/?a=1&amp;b=2">lien</a>', 'lien'],
    ['<img src="x.jpg" alt="photo">légende', 'légende'],
    ['<![CDATA[contenu]]>', 'contenu'],
    ['  <div>\n  <p>  indenté  </p>\n</div>  ', 'indenté'],
    ['zéro\u200blargeur', 'zérolargeur'],
  ])('%j → %j', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it('converts a large body', () => {
    const html = '<p>Paragraphe avec <a href="#">un lien</a> et des entit&eacute;s.</p>'.repeat(20_000);
    const lines = htmlToText(html).split('\n');
    expect(lines).toHaveLength(20_000);
    expect(lines.every((line) => line === 'Paragraphe avec un lien et des entités.')).toBe(true);
  });

  // Nothing is timed: on these a scan that searches to the end of the text once per "<" (quadratic)
  // takes minutes and runs into vitest's timeout, while a linear one takes well under a second.
  const MILLION = 1_000_000;
  it.each([
    ['"<" never closed', () => '<'.repeat(MILLION), () => '<'.repeat(MILLION)],
    ['tags never closed', () => '<a '.repeat(MILLION), () => '<a '.repeat(MILLION).trim()],
    ['script open tags never closed', () => '<script'.repeat(MILLION), () => '<script'.repeat(MILLION)],
    ['block tags never closed', () => '<p'.repeat(MILLION), () => '<p'.repeat(MILLION)],
    ['a cell tag around a million block tags, never closed', () => `<td ${'<p> '.repeat(MILLION)}`, () => '<td'],
    ['a script never closed', () => `<script>${'<p>x</p>'.repeat(MILLION)}`, () => ''],
    ['a comment never closed', () => `a<!--${'<p>x</p>'.repeat(MILLION)}`, () => 'a'],
  ])('pathological input: %s', (_name, html, text) => {
    expect(htmlToText(html())).toBe(text());
  });
});

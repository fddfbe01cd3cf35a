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

  it('handles a large body quickly', () => {
    const html = '<p>Paragraphe avec <a href="#">un lien</a> et des entit&eacute;s.</p>'.repeat(20_000);
    const started = performance.now();
    const text = htmlToText(html);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(text.split('\n')).toHaveLength(20_000);
  });
});

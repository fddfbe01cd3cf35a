/**
 * canonicalUrl: table of links and their canonical form.
 */
import { describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../src/dedupe/canonical-url.js';

describe('canonicalUrl', () => {
  it.each<[string, string | undefined, string]>([
    ['https://www.lemonde.fr/international/article/2026/11/23/x.html', undefined, 'https://www.lemonde.fr/international/article/2026/11/23/x.html'],
    ['HTTPS://WWW.LeMonde.FR/Path/Case', undefined, 'https://www.lemonde.fr/Path/Case'],
    ['https://exemple.fr:443/a', undefined, 'https://exemple.fr/a'],
    ['http://exemple.fr:80/a', undefined, 'http://exemple.fr/a'],
    ['http://exemple.fr:8080/a', undefined, 'http://exemple.fr:8080/a'],
    ['https://exemple.fr/a#commentaires', undefined, 'https://exemple.fr/a'],
    ['https://exemple.fr/a?utm_source=rss&utm_medium=flux&utm_campaign=une', undefined, 'https://exemple.fr/a'],
    ['https://exemple.fr/a?xtor=RSS-3208&id=5', undefined, 'https://exemple.fr/a?id=5'],
    ['https://exemple.fr/a?fbclid=abc&gclid=def&mc_cid=1&mc_eid=2&_ga=3&ref=twitter', undefined, 'https://exemple.fr/a'],
    ['https://exemple.fr/a?at_medium=RSS&at_campaign=x&ns_mchannel=rss&ns_source=y', undefined, 'https://exemple.fr/a'],
    ['https://exemple.fr/a?UTM_SOURCE=x&page=2', undefined, 'https://exemple.fr/a?page=2'],
    ['https://exemple.fr/a?z=1&a=2&m=3', undefined, 'https://exemple.fr/a?a=2&m=3&z=1'],
    ['https://exemple.fr/a?q=caf%C3%A9&b=x%20y', undefined, 'https://exemple.fr/a?b=x%20y&q=caf%C3%A9'],
    ['https://exemple.fr/a?', undefined, 'https://exemple.fr/a'],
    ['https://exemple.fr/a?&&id=1&', undefined, 'https://exemple.fr/a?id=1'],
    ['https://exemple.fr/é', undefined, 'https://exemple.fr/%C3%A9'],
    ['/monde/article.html', 'https://exemple.fr/rss/une.xml', 'https://exemple.fr/monde/article.html'],
    ['article.html?utm_source=x', 'https://exemple.fr/rss/une.xml', 'https://exemple.fr/rss/article.html'],
    ['//cdn.exemple.fr/a', 'https://exemple.fr/', 'https://cdn.exemple.fr/a'],
    ['  https://exemple.fr/espaces  ', undefined, 'https://exemple.fr/espaces'],
    ['', 'https://exemple.fr/rss', ''],
    ['pas une url', undefined, ''],
    ['/relatif-sans-base', undefined, ''],
    ['mailto:redaction@exemple.fr', undefined, ''],
    ['javascript:void(0)', undefined, ''],
    ['http://[::1', undefined, ''],
  ])('%j (base %j) → %j', (href, base, expected) => {
    expect(canonicalUrl(href, base)).toBe(expected);
  });

  it('maps the same article shared with different trackers to one URL', () => {
    const a = canonicalUrl('https://www.rfi.fr/fr/asie/20261123-kim-poutine?utm_source=lemonde&utm_medium=rss#top');
    const b = canonicalUrl('https://WWW.RFI.FR/fr/asie/20261123-kim-poutine?xtor=RSS-1&fbclid=zz');
    expect(a).toBe(b);
  });
});

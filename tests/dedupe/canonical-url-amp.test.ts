/** AMP variants fold onto the regular article URL (the tracking-parameter table is in tests/feeds). */
import { describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../src/dedupe/canonical-url.js';

describe('canonicalUrl and AMP', () => {
  it.each([
    ['https://www.lemonde.fr/international/article/2026/11/20/poutine-kim_1.html?amp', 'https://www.lemonde.fr/international/article/2026/11/20/poutine-kim_1.html'],
    ['https://www.example.fr/monde/poutine-kim.amp.html', 'https://www.example.fr/monde/poutine-kim.html'],
    ['https://www.example.fr/monde/poutine-kim/amp/', 'https://www.example.fr/monde/poutine-kim/'],
    ['https://www.example.fr/amp/monde/poutine-kim', 'https://www.example.fr/monde/poutine-kim'],
    ['https://amp.example.fr/monde/poutine-kim?utm_source=x', 'https://example.fr/monde/poutine-kim'],
    ['https://www.example.fr/arc/outboundfeeds/a/?outputType=amp&id=3', 'https://www.example.fr/arc/outboundfeeds/a/?id=3'],
    ['https://www-example-fr.cdn.ampproject.org/c/s/www.example.fr/monde/poutine-kim.amp.html#ref', 'https://www.example.fr/monde/poutine-kim.html'],
    ['https://www-example-fr.cdn.ampproject.org/v/s/www.example.fr/monde/a?amp=1&usqp=mq331AQ', 'https://www.example.fr/monde/a?usqp=mq331AQ'],
  ])('%s → %s', (input, expected) => expect(canonicalUrl(input)).toBe(expected));

  it('leaves words that merely contain "amp" alone', () => {
    expect(canonicalUrl('https://www.example.fr/champ/campagne-amplifiee?ample=1')).toBe('https://www.example.fr/champ/campagne-amplifiee?ample=1');
    expect(canonicalUrl('https://amp.fr/article')).toBe('https://amp.fr/article');
  });

  it('is idempotent', () => {
    const once = canonicalUrl('https://www-example-fr.cdn.ampproject.org/c/s/amp.example.fr/amp/x.amp.html?utm_medium=a&b=2&amp');
    expect(canonicalUrl(once)).toBe(once);
  });
});

/** The pure parts of the HTTP server: `--http` addresses, loopback, the token check, and term highlighting by offsets. */
import { describe, expect, it } from 'vitest';
import { assertBindAllowed, isLoopback, parseListenAddress } from '../../src/http/listen-address.js';
import { configuredToken, sameSecret, sessionValue } from '../../src/http/auth.js';
import { escapeHtml, highlightField } from '../../src/http/highlight.js';
import type { TermHit } from '../../src/rules/rule-set.js';

describe('--http addresses', () => {
  it.each([
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['[::1]:9000', { host: '::1', port: 9000 }],
    [':8080', { host: '127.0.0.1', port: 8080 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
  ])('%s', (value, expected) => {
    expect(parseListenAddress(value)).toEqual(expected);
  });

  it.each(['8080', '127.0.0.1', '127.0.0.1:99999', '[nothost]:80', 'a:b'])('refuses %s, with an example', (value) => {
    expect(() => parseListenAddress(value)).toThrow(/--http: .*(host:port|IPv6)/);
  });

  it.each([
    ['127.0.0.1', true], ['127.1.2.3', true], ['::1', true], ['localhost', true], ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false], ['::', false], ['192.168.1.10', false], ['example.org', false],
  ])('%s is loopback: %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });

  it('needs settings.http.token beyond loopback, and says how to make one', () => {
    expect(() => assertBindAllowed({ host: '127.0.0.1', port: 1 }, undefined, 'w.yaml')).not.toThrow();
    expect(() => assertBindAllowed({ host: '0.0.0.0', port: 1 }, 'a-long-enough-token', 'w.yaml')).not.toThrow();
    expect(() => assertBindAllowed({ host: '0.0.0.0', port: 8080 }, undefined, 'w.yaml'))
      .toThrow('--http 0.0.0.0:8080: binding beyond loopback needs a token; set settings.http.token in w.yaml (or VEILLE_HTTP_TOKEN; at least 16 characters, e.g. the output of `openssl rand -hex 32`), or bind 127.0.0.1');
  });
});

describe('token', () => {
  it('compares whole secrets only', () => {
    expect(sameSecret('abcdef0123456789', 'abcdef0123456789')).toBe(true);
    expect(sameSecret('abcdef012345678', 'abcdef0123456789')).toBe(false);
    expect(sameSecret('', 'abcdef0123456789')).toBe(false);
    expect(sessionValue('abcdef0123456789')).not.toContain('abcdef0123456789');
  });

  it('comes from settings.http.token, else VEILLE_HTTP_TOKEN, which must be long enough too', () => {
    expect(configuredToken({ http: { token: 'from-the-watchlist-1' } }, { VEILLE_HTTP_TOKEN: 'from-the-environment' })).toBe('from-the-watchlist-1');
    expect(configuredToken({ http: {} }, { VEILLE_HTTP_TOKEN: 'from-the-environment' })).toBe('from-the-environment');
    expect(configuredToken({ http: {} }, { VEILLE_HTTP_TOKEN: '' })).toBeUndefined();
    expect(() => configuredToken({ http: {} }, { VEILLE_HTTP_TOKEN: 'short' })).toThrow('VEILLE_HTTP_TOKEN: use at least 16 characters');
  });
});

describe('highlighting', () => {
  const hit = (field: TermHit['field'], start: number, end: number, text: string, weight = 2): TermHit => ({ topic: 'russia', term: text, field, start, end, text, weight });
  const title = 'Poutine & Kim <Jong Un> à Pyongyang';

  it('marks each hit of the field by its offsets and escapes the rest', () => {
    const html = highlightField(title, [hit('title', 0, 7, 'Poutine'), hit('title', 26, 35, 'Pyongyang'), hit('summary', 0, 3, 'Pou')], 'title');
    expect(html).toBe('<mark title="russia: Poutine">Poutine</mark> &amp; Kim &lt;Jong Un&gt; à <mark title="russia: Pyongyang">Pyongyang</mark>');
  });

  it('keeps the first of overlapping hits, ignores offsets outside the text, and shows neutralised terms apart', () => {
    const html = highlightField(title, [hit('title', 10, 13, 'Kim'), hit('title', 0, 7, 'Poutine'), hit('title', 2, 5, 'uti'), hit('title', 30, 99, 'x'), hit('title', 26, 35, 'Pyongyang', 0)], 'title');
    expect(html).toBe('<mark title="russia: Poutine">Poutine</mark> &amp; <mark title="russia: Kim">Kim</mark> &lt;Jong Un&gt; à <mark class="neutral" title="russia: Pyongyang">Pyongyang</mark>');
  });

  it('cuts a long text to a window around its first hit', () => {
    const text = `${'a'.repeat(500)} Lavrov ${'b'.repeat(500)}`;
    const html = highlightField(text, [hit('content', 501, 507, 'Lavrov')], 'content', 100);
    expect(html.startsWith('…')).toBe(true);
    expect(html.endsWith('…')).toBe(true);
    expect(html).toContain('<mark title="russia: Lavrov">Lavrov</mark>');
    expect(html.replace(/<[^>]+>/g, '').length).toBe(102);
  });

  it('escapes quotes for attributes', () => {
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
  });
});

/**
 * The definition of htmlToText: the regex implementation it replaced, kept verbatim (only the
 * export is renamed). The fast single-pass version in src/feeds/html-text.ts must return exactly
 * what this returns for every input; tests/feeds/html-text-equivalence.test.ts checks it.
 *
 * Do not "fix" anything here: an oddity of this version is part of the definition.
 */

import { decodeHTML } from 'entities';

// Tag patterns never cross a "<", so an unclosed tag costs one short scan, not one to the end of the text.
const DROPPED_OPEN = /<(script|style|noscript|template|iframe|object|svg|head)\b[^<>]*>/gi;
const COMMENTS = /<!--[\s\S]*?(?:-->|$)/g;
const CDATA_MARKERS = /<!\[CDATA\[|\]\]>/g;
const BLOCK_TAGS = /<\/?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|section|article|aside|header|footer|nav|figure|figcaption|table|thead|tbody|tfoot|tr|caption|form|fieldset|address|main|details|summary)\b[^<>]*>/gi;
const CELL_TAGS = /<\/?(?:td|th)\b[^<>]*>/gi;
const ANY_TAG = /<\/?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?\/?>|<![a-zA-Z][^<>]*>|<\?[^<>]*\?>/g;
// Runs of whitespace other than a lone " " (which would be replaced by itself): most words are
// followed by one space, and replacing each of them costs a match and a copy.
const WHITESPACE_RUN = /[^\S ]\s*| \s+/g;
const SPACE_RUN = /[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v][\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v ]*| [\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v ]+/g;
/** An entity left after one decoding round: the feed escaped its HTML twice (&amp;eacute;). */
const LEFTOVER_ENTITY = /&(?:#\d{2,7}|#x[0-9a-fA-F]{2,6}|[a-zA-Z]{2,10}\d{0,2});/;
/** Markup left after decoding: the HTML itself was escaped twice (&amp;lt;p&amp;gt;). */
const LEFTOVER_MARKUP = /<\/?(?:p|br|div|a|img|span|strong|em|b|i|ul|li|h[1-6])\b[^<>]*>/i;

export function htmlToTextReference(html: string): string {
  if (html === '') return '';
  let text = stripMarkup(html);
  text = decodeHTML(text);
  if (LEFTOVER_ENTITY.test(text)) text = decodeHTML(text);
  if (LEFTOVER_MARKUP.test(text)) text = stripMarkup(text);
  return collapseWhitespace(text);
}

function stripMarkup(html: string): string {
  if (!html.includes('<')) return html.replace(WHITESPACE_RUN, ' ');
  return html
    .replace(WHITESPACE_RUN, ' ') // source newlines are only whitespace in HTML
    .replace(COMMENTS, ' ')
    .replace(/[\s\S]+/, dropInvisibleElements)
    .replace(CDATA_MARKERS, '')
    .replace(BLOCK_TAGS, '\n')
    .replace(CELL_TAGS, ' ')
    .replace(ANY_TAG, '');
}

/** Removes script/style/… elements with their content; an unclosed one swallows the rest, as in a browser. */
function dropInvisibleElements(html: string): string {
  const lower = html.toLowerCase();
  let out = '';
  let at = 0;
  DROPPED_OPEN.lastIndex = 0;
  for (let open = DROPPED_OPEN.exec(html); open !== null; open = DROPPED_OPEN.exec(html)) {
    out += `${html.slice(at, open.index)} `;
    const close = lower.indexOf(`</${(open[1] ?? '').toLowerCase()}`, DROPPED_OPEN.lastIndex);
    const end = close < 0 ? -1 : html.indexOf('>', close);
    at = end < 0 ? html.length : end + 1;
    DROPPED_OPEN.lastIndex = at;
  }
  return out + html.slice(at);
}

function collapseWhitespace(text: string): string {
  return text
    .replace(SPACE_RUN, ' ')
    .replace(/[\u200b\u200c\u200d\u2060\ufeff]/g, '')
    .replace(/ *[\r\n]+[\s]*/g, '\n')
    .trim();
}

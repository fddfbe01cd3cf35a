/**
 * Lenient repairs applied to feed XML before the strict parser sees it.
 *
 * Only repairs whose meaning is unambiguous: characters XML 1.0 forbids, references to
 * them (&#x1F;), a bare "&" in a URL, HTML-only entities (&eacute; &nbsp;), Atom links
 * written as text, unparseable Atom dates, and namespace prefixes on the feed's own
 * elements. Anything else stays a parse error.
 */

import { decodeHTML } from 'entities';
import type { FeedFormat } from './feed-format.js';

// eslint-disable-next-line no-control-regex
const ILLEGAL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
/** CDATA sections and comments: their "&" and "<" are literal and must not be touched. */
const PROTECTED = /(<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$))/;
const AMPERSANDS = /&(#[xX][0-9a-fA-F]+;|#[0-9]+;|[A-Za-z][A-Za-z0-9]*;)?/g;
const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const FEED_NAMESPACES: Record<FeedFormat, RegExp> = {
  atom: /xmlns:([A-Za-z_][\w.-]*)\s*=\s*["']http:\/\/www\.w3\.org\/2005\/Atom["']/g,
  rdf: /xmlns:([A-Za-z_][\w.-]*)\s*=\s*["']http:\/\/(?:purl\.org\/rss\/1\.0\/|my\.netscape\.com\/rdf\/simple\/0\.9\/)["']/g,
  rss: /(?!)/g,
};

export function repairXml(xml: string, format: FeedFormat): string {
  const prefixes = findFeedPrefixes(xml, format);
  return addMissingChannel(wrapInlineMarkup(xml.replace(ILLEGAL_CHARS, '')), format)
    .split(PROTECTED)
    .map((segment, i) => (i % 2 === 1 ? segment : repairMarkup(segment, format, prefixes)))
    .join('');
}

/** An <rss> or <rdf:RDF> without <channel>: give its items (or nothing) a channel so they can be read. */
function addMissingChannel(xml: string, format: FeedFormat): string {
  if (format === 'atom' || /<channel[\s>/]/.test(xml)) return xml;
  if (format === 'rdf') return xml.replace(/(<(?:[\w.-]+:)?RDF\b[^>]*>)/, '$1<channel/>');
  return xml.replace(/(<rss\b[^>]*?)(\/?)>/, (_whole, open: string, selfClosing: string) => (selfClosing ? `${open}><channel/></rss>` : `${open}><channel>`))
    .replace(/<\/rss\s*>(?![\s\S]*<\/rss\s*>)/, '</channel></rss>');
}

/** Text elements that may carry XHTML children (Atom type="xhtml", "naked" HTML in RSS). */
const TEXT_ELEMENTS = /<(title|summary|content|description|content:encoded|subtitle)(\s[^>]*)?(?<!\/)>((?:(?!<\1[\s>/])[\s\S])*?)<\/\1\s*>/g;

/**
 * xml2js splits mixed content into text and child objects and loses their order
 * ("arrivé <b>mardi</b>." comes back as "arrivé ." + "mardi"), so hand such markup to
 * the parser as CDATA: the HTML converter then sees it in order.
 */
function wrapInlineMarkup(xml: string): string {
  return xml.replace(TEXT_ELEMENTS, (whole, name: string, attrs: string | undefined, inner: string) => {
    if (!/<[A-Za-z]/.test(inner) || inner.includes('<![CDATA[')) return whole;
    return `<${name}${attrs ?? ''}><![CDATA[${inner.replace(/]]>/g, ']]]]><![CDATA[>')}]]></${name}>`;
  });
}

function repairMarkup(segment: string, format: FeedFormat, prefixes: string[]): string {
  let out = segment.replace(AMPERSANDS, repairAmpersand);
  for (const prefix of prefixes) out = out.replace(new RegExp(`<(/?)${prefix}:`, 'g'), '<$1');
  if (format === 'atom') out = repairAtomElements(out);
  return out;
}

function repairAmpersand(match: string, ref: string | undefined): string {
  if (ref === undefined) return '&amp;';
  if (ref.startsWith('#')) {
    const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2, -1), 16) : parseInt(ref.slice(1, -1), 10);
    return isXmlChar(cp) ? match : '';
  }
  const name = ref.slice(0, -1);
  if (XML_ENTITIES.has(name)) return match;
  const decoded = decodeHTML(match);
  if (decoded === match) return `&amp;${ref}`; // unknown entity: keep it as text, never expand a DTD
  return Array.from(decoded, (c) => `&#${c.codePointAt(0)};`).join('');
}

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Prefixes bound to the feed's own namespace when the document uses them on its root (<atom:feed>). */
function findFeedPrefixes(xml: string, format: FeedFormat): string[] {
  const prefixes = new Set<string>();
  for (const match of xml.slice(0, 4096).matchAll(FEED_NAMESPACES[format])) {
    const prefix = match[1];
    if (prefix === undefined) continue;
    const usedOnFeedElements = format === 'atom' ? new RegExp(`<${prefix}:feed\\b`).test(xml) : new RegExp(`<${prefix}:(?:channel|item)\\b`).test(xml);
    if (usedOnFeedElements) prefixes.add(prefix.replace(/[.-]/g, '\\$&'));
  }
  return [...prefixes];
}

/**
 * rss-parser throws on the whole feed for one Atom date it cannot parse, and on a
 * <link> without attributes; fix both locally rather than lose every entry.
 */
function repairAtomElements(segment: string): string {
  return segment
    .replace(/<(published|updated|issued|modified)>([^<]*)<\/\1>/g, (whole, tag: string, value: string) =>
      Number.isNaN(Date.parse(value.trim())) ? `<x-unparsed-${tag}>${value}</x-unparsed-${tag}>` : whole)
    .replace(/<link>([^<]*)<\/link>/g, (_whole, href: string) => `<link href="${href.trim().replace(/"/g, '&quot;')}"/>`)
    .replace(/<link\s*\/>/g, '');
}

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
  const wrapped = addMissingChannel(wrapInlineMarkup(xml.replace(ILLEGAL_CHARS, '')), format);
  // Markup repairs touch only "&", prefixed tags and Atom elements: most RSS documents need none,
  // and re-joining a large document's segments costs as much as a quarter of its parse.
  if (format !== 'atom' && prefixes.length === 0 && !wrapped.includes('&')) return wrapped;
  const segments = wrapped.split(PROTECTED);
  let changed = false;
  for (let i = 0; i < segments.length; i += 2) {
    const segment = segments[i] as string;
    const repaired = repairMarkup(segment, format, prefixes);
    if (repaired !== segment) {
      segments[i] = repaired;
      changed = true;
    }
  }
  return changed ? segments.join('') : wrapped;
}

/** An <rss> or <rdf:RDF> without <channel>: give its items (or nothing) a channel so they can be read. */
function addMissingChannel(xml: string, format: FeedFormat): string {
  if (format === 'atom' || /<channel[\s>/]/.test(xml)) return xml;
  if (format === 'rdf') return xml.replace(/(<(?:[\w.-]+:)?RDF\b[^>]*>)/, '$1<channel/>');
  return xml.replace(/(<rss\b[^>]*?)(\/?)>/, (_whole, open: string, selfClosing: string) => (selfClosing ? `${open}><channel/></rss>` : `${open}><channel>`))
    .replace(/<\/rss\s*>(?![\s\S]*<\/rss\s*>)/, '</channel></rss>');
}

/** Text elements that may carry XHTML children (Atom type="xhtml", "naked" HTML in RSS): their opening tag. */
const TEXT_ELEMENT_OPEN = /<(title|summary|content|description|content:encoded|subtitle)(\s[^>]*)?(?<!\/)>/g;
const TEXT_ELEMENT_NAMES = ['title', 'summary', 'content', 'description', 'content:encoded', 'subtitle'];
/** Per element name: its closing tag, and an opening tag of the same name (nesting: not ours to wrap). */
const CLOSE_TAG = new Map(TEXT_ELEMENT_NAMES.map((name) => [name, new RegExp(`</${name}\\s*>`)]));
const SAME_OPEN_TAG = new Map(TEXT_ELEMENT_NAMES.map((name) => [name, new RegExp(`<${name}[\\s>/]`, 'g')]));

/**
 * xml2js splits mixed content into text and child objects and loses their order
 * ("arrivé <b>mardi</b>." comes back as "arrivé ." + "mardi"), so hand such markup to
 * the parser as CDATA: the HTML converter then sees it in order.
 *
 * An element runs from its opening tag to the first closing tag of the same name, when no opening
 * tag of that name comes between. Searched tag by tag, each search bounded by the next opening
 * tag of the name (so unclosed tags cost linear time), rather than by one regex whose lazy body
 * tests a lookahead at every character: that regex cost half as much as parsing the feed.
 */
export function wrapInlineMarkup(xml: string): string {
  let out = '';
  let copied = 0;
  const open = TEXT_ELEMENT_OPEN;
  open.lastIndex = 0;
  for (let m = open.exec(xml); m !== null; m = open.exec(xml)) {
    const name = m[1] as string;
    const innerStart = open.lastIndex;
    const reopen = SAME_OPEN_TAG.get(name) as RegExp;
    reopen.lastIndex = innerStart;
    const reopened = reopen.exec(xml);
    const span = xml.slice(innerStart, reopened === null ? xml.length : reopened.index);
    const closing = (CLOSE_TAG.get(name) as RegExp).exec(span);
    if (closing === null) {
      open.lastIndex = m.index + 1;
      continue;
    }
    const inner = span.slice(0, closing.index);
    const end = innerStart + closing.index + closing[0].length;
    open.lastIndex = end;
    if (inner.includes('<![CDATA[') || !/<[A-Za-z]/.test(inner)) continue;
    out += `${xml.slice(copied, m.index)}<${name}${m[2] ?? ''}><![CDATA[${inner.replace(/]]>/g, ']]]]><![CDATA[>')}]]></${name}>`;
    copied = end;
  }
  return copied === 0 ? xml : out + xml.slice(copied);
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

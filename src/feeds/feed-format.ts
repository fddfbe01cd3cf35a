/**
 * Recognises what a decoded body is before parsing it: RSS, Atom, RDF — or an HTML page,
 * JSON or text served at the feed URL, which get a NotAFeedError that says what to do.
 */

import { decodeHTML } from 'entities';
import { EmptyBodyError, FeedParseError, NotAFeedError } from './errors.js';

export type FeedFormat = 'rss' | 'atom' | 'rdf';

/** XML declaration, processing instructions, comments and DOCTYPE that may precede the root. */
const PROLOG_ITEM = /^\s*(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>)/i;
const ROOT_NAME = /^\s*<([A-Za-z_][\w.:-]*)/;
const HTML_ROOTS = new Set(['html', 'head', 'body', 'title', 'meta']);

export function detectFeedFormat(xml: string, feedUrl: string): FeedFormat {
  if (xml.trim() === '') throw new EmptyBodyError(feedUrl, 'parse');
  let rest = xml;
  let isHtmlDoctype = false;
  for (let match = PROLOG_ITEM.exec(rest); match !== null; match = PROLOG_ITEM.exec(rest)) {
    if (/^\s*<!DOCTYPE\s+html\b/i.test(match[0]) && !/xhtml-?basic|rss/i.test(match[0])) isHtmlDoctype = true;
    rest = rest.slice(match[0].length);
  }
  const root = ROOT_NAME.exec(rest)?.[1];
  if (root === undefined) throw describeNonXml(rest, feedUrl);
  const localName = (root.split(':').pop() ?? root).toLowerCase();
  if (localName === 'rss') return 'rss';
  if (localName === 'feed') return 'atom';
  if (localName === 'rdf') return 'rdf';
  if (isHtmlDoctype || HTML_ROOTS.has(localName)) {
    throw new NotAFeedError(feedUrl, 'an HTML page was served', findAlternateFeedUrl(xml, feedUrl));
  }
  throw new NotAFeedError(feedUrl, `the root element is <${root}>, not <rss>, <feed> or <rdf:RDF>`);
}

function describeNonXml(rest: string, feedUrl: string): Error {
  const start = rest.trimStart().slice(0, 40).replace(/\s+/g, ' ');
  if (start === '') return new FeedParseError(feedUrl, 'no root element: the document holds only a prolog or comments');
  if (start.startsWith('{') || start.startsWith('[')) return new NotAFeedError(feedUrl, 'the body is JSON; JSON Feed is not supported');
  if (start.startsWith('<')) return new FeedParseError(feedUrl, `no root element found; the body starts with "${start}"`);
  return new NotAFeedError(feedUrl, `the body is not XML; it starts with "${start}"`);
}

/** href of the page's <link rel="alternate" type="application/rss+xml|atom+xml">, absolute. */
export function findAlternateFeedUrl(html: string, pageUrl: string): string | null {
  for (const [tag] of html.slice(0, 200_000).matchAll(/<link\b[^<>]*>/gi)) {
    const attrs = readAttributes(tag);
    const rel = (attrs.get('rel') ?? '').toLowerCase().split(/\s+/);
    const type = (attrs.get('type') ?? '').toLowerCase();
    const href = attrs.get('href');
    if (rel.includes('alternate') && /^application\/(rss|atom)\+xml/.test(type) && href) {
      const url = resolveHttpUrl(decodeHTML(href), pageUrl);
      if (url !== null) return url;
    }
  }
  return null;
}

function readAttributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of tag.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g)) {
    const name = m[1];
    if (name !== undefined) attrs.set(name.toLowerCase(), m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

function resolveHttpUrl(href: string, base: string): string | null {
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Maps one rss-parser item to an Article: plain text, canonical URL, stable guid, ISO date.
 */

import { createHash } from 'node:crypto';
import { canonicalUrl } from '../dedupe/canonical-url.js';
import type { Article } from './article.js';
import { parseFeedDate } from './feed-date.js';
import type { FeedFormat } from './feed-format.js';
import { htmlToText } from './html-text.js';

export interface ItemContext {
  feedId: string;
  feedUrl: string;
  fetchedAt: string;
}

/** An rss-parser item: known keys are strings, but any element with attributes or children comes through as an object. */
export type RawItem = Record<string, unknown>;

const MAX_TITLE_CHARS = 1000;

/** The Article, or a reason why the item cannot become one. */
export function buildArticle(item: RawItem, format: FeedFormat, ctx: ItemContext): Article | string {
  const title = capTitle(htmlToText(readText(item['title']) || readText(item['dc:title'])));
  const summary = htmlToText(format === 'atom'
    ? readText(item['summary'])
    : readText(item['content']) || readText(item['dc:description']) || readText(item['summary']));
  const content = htmlToText(format === 'atom' ? readText(item['content']) : readText(item['content:encoded']));
  const rawGuid = (readText(item['guid']) || readText(item['id']) || readText(item['rdf:about'])).trim();
  const url = canonicalUrl(readLink(item, rawGuid), ctx.feedUrl);
  if (title === '' && url === '' && summary === '' && content === '') return 'no title, link or text';

  const rawDate = readText(item['isoDate']) || readText(item['pubDate']) || readText(item['date'])
    || readText(item['dc:date']) || readText(item['published']) || readText(item['updated'])
    || readText(item['issued']) || readText(item['modified']);
  const publishedAt = parseFeedDate(rawDate);
  const guid = rawGuid !== '' ? rawGuid : url !== '' ? url : hashGuid(title || summary || content, rawDate);
  return { feedId: ctx.feedId, guid, url, title, summary, content, publishedAt, fetchedAt: ctx.fetchedAt };
}

/** The item's link; a permalink guid stands in when the link is missing (common in RSS 2.0). */
function readLink(item: RawItem, rawGuid: string): string {
  const link = readText(item['link']).trim();
  if (link !== '') return link;
  const guid = item['guid'];
  const isPermaLink = typeof guid !== 'object' || guid === null || readAttribute(guid, 'isPermaLink') !== 'false';
  return isPermaLink && /^https?:\/\//i.test(rawGuid) ? rawGuid : '';
}

function hashGuid(text: string, rawDate: string): string {
  return `sha256:${createHash('sha256').update(`${text}\n${rawDate.trim()}`).digest('hex')}`;
}

function capTitle(title: string): string {
  const oneLine = title.replace(/\s+/g, ' ');
  return oneLine.length <= MAX_TITLE_CHARS ? oneLine : `${oneLine.slice(0, MAX_TITLE_CHARS - 1).trimEnd()}…`;
}

/** Text of an xml2js value: a string, {_: text, $: attrs}, an array, or nested elements (depth-bounded). */
export function readText(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (depth > 32) return '';
  if (Array.isArray(value)) return value.map((child) => readText(child, depth + 1)).join(' ');
  if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    if (typeof node['_'] === 'string') return node['_'];
    return Object.entries(node).filter(([key]) => key !== '$').map(([, child]) => readText(child, depth + 1)).join(' ');
  }
  return '';
}

function readAttribute(node: object, name: string): string | undefined {
  const attrs = (node as { $?: Record<string, unknown> }).$;
  const value = attrs?.[name];
  return typeof value === 'string' ? value : undefined;
}

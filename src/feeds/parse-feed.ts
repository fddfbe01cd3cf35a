/**
 * Parses decoded feed text (RSS 0.9x/2.0, RSS 1.0/RDF, Atom) into Articles.
 *
 * One shared rss-parser instance: its xml2js parser runs synchronously and resets itself
 * after each document, so concurrent jobs on one event loop cannot interleave inside it.
 */

import Parser from 'rss-parser';
import type { Article } from './article.js';
import { FeedError, FeedParseError } from './errors.js';
import { detectFeedFormat, type FeedFormat } from './feed-format.js';
import { htmlToText } from './html-text.js';
import { buildArticle, readText, type ItemContext, type RawItem } from './item-article.js';
import { repairXml } from './repair-xml.js';

export interface ParsedFeed {
  title: string;
  format: FeedFormat;
  articles: Article[];
  /** One line per item that could not become an Article. */
  itemErrors: string[];
}

const parser: Parser<Record<string, unknown>, RawItem> = new Parser({
  // Without a version attribute rss-parser refuses an <rss> document; read it as 2.0.
  defaultRSS: 2,
  customFields: {
    item: ['dc:description', 'dc:title', 'published', 'updated', 'id'],
  },
});

/** Throws FeedParseError, NotAFeedError or EmptyBodyError; item-level problems go to itemErrors. */
export async function parseFeed(xml: string, ctx: ItemContext): Promise<ParsedFeed> {
  const format = detectFeedFormat(xml, ctx.feedUrl);
  const output = await parseXml(repairXml(xml, format), ctx.feedUrl);
  const articles: Article[] = [];
  const itemErrors: string[] = [];
  output.items.forEach((item, index) => {
    try {
      const result = buildArticle(item as RawItem, format, ctx);
      if (typeof result === 'string') itemErrors.push(`item ${index + 1}: ${result}; skipped`);
      else articles.push(result);
    } catch (err) {
      itemErrors.push(`item ${index + 1}: ${(err as Error).message}; skipped`);
    }
  });
  return { title: htmlToText(readText(output.title)).slice(0, 1000), format, articles, itemErrors };
}

async function parseXml(xml: string, feedUrl: string): Promise<Parser.Output<RawItem>> {
  try {
    return await parser.parseString(xml);
  } catch (err) {
    if (err instanceof FeedError) throw err;
    throw new FeedParseError(feedUrl, describeParserError(err), err);
  }
}

/** sax messages span lines ("Unexpected close tag\nLine: 5\nColumn: 7\nChar: >"); rss-parser's TypeErrors mean a missing element. */
function describeParserError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof TypeError) return `unexpected structure: ${message}; is <channel> missing?`;
  const [what, ...where] = message.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  // sax counts lines and columns from 0.
  const position = where
    .map((line) => /^(Line|Column):\s*(\d+)/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${(m[1] ?? '').toLowerCase()} ${Number(m[2]) + 1}`)
    .join(', ');
  return position === '' ? `malformed XML: ${what ?? 'unknown error'}` : `malformed XML: ${what ?? 'error'} at ${position}`;
}

/**
 * Parses decoded feed text (RSS 0.9x/2.0, RSS 1.0/RDF, Atom) into Articles.
 *
 * One rss-parser instance per document: a shared one (its xml2js parser) is left in a broken
 * state by some malformed documents, after which a document without a root element never calls
 * back and its poll hangs for good (found by tests/faults/feed-fuzz.test.ts). An instance costs
 * next to nothing next to the parse.
 */

import { createRequire } from 'node:module';
import Parser from 'rss-parser';
import type { Article } from './article.js';
import { FeedError, FeedParseError } from './errors.js';
import { detectFeedFormat, type FeedFormat } from './feed-format.js';
import { htmlToText } from './html-text.js';
import { buildArticle, readText, type ItemContext, type RawItem } from './item-article.js';
import { closeTruncatedXml } from './close-truncated-xml.js';
import { repairXml } from './repair-xml.js';

export interface ParsedFeed {
  title: string;
  format: FeedFormat;
  articles: Article[];
  /** One line per item that could not become an Article, plus any feed-level recovery ("feed: … truncated"). */
  itemErrors: string[];
  /** RSS <ttl> (minutes in the feed) in ms: how long the publisher says the feed may be cached; null when absent. */
  ttlMs: number | null;
}

disableSnippets();

const newParser = (): Parser<Record<string, unknown>, RawItem> => new Parser({
  // Without a version attribute rss-parser refuses an <rss> document; read it as 2.0.
  defaultRSS: 2,
  customFields: {
    // Atom 0.3 dates are issued/modified; rss-parser only reads Atom 1.0 published/updated.
    item: ['dc:description', 'dc:title', 'published', 'updated', 'issued', 'modified', 'id'],
  },
});

/**
 * rss-parser computes a `contentSnippet` for every item with regexes that go quadratic on
 * an unclosed "<" (50,000 of them stall the event loop for 40 s); Veille never reads the
 * snippet and makes its own text, so replace the snippet maker with a no-op.
 */
function disableSnippets(): void {
  const utils = createRequire(import.meta.url)('rss-parser/lib/utils.js') as { getSnippet?: unknown };
  if (typeof utils.getSnippet === 'function') utils.getSnippet = (): string => '';
}

/** Throws FeedParseError, NotAFeedError or EmptyBodyError; item-level problems go to itemErrors. */
export async function parseFeed(xml: string, ctx: ItemContext): Promise<ParsedFeed> {
  const format = detectFeedFormat(xml, ctx.feedUrl);
  const { output, notes } = await parseRepairedXml(repairXml(xml, format), ctx.feedUrl);
  const articles: Article[] = [];
  const itemErrors: string[] = [...notes];
  output.items.forEach((item, index) => {
    try {
      const result = buildArticle(item as RawItem, format, ctx);
      if (typeof result === 'string') itemErrors.push(`item ${index + 1}: ${result}; skipped`);
      else articles.push(result);
    } catch (err) {
      itemErrors.push(`item ${index + 1}: ${(err as Error).message}; skipped`);
    }
  });
  if (articles.length === 0 && output.items.length > 0) {
    throw new FeedParseError(ctx.feedUrl, `none of its ${output.items.length} item(s) could be read; ${itemErrors.at(-1) ?? ''}`);
  }
  return { title: htmlToText(readText(output.title)).slice(0, 1000), format, articles, itemErrors, ttlMs: readTtl(output as unknown as Record<string, unknown>) };
}

/** A sane <ttl>: 1 minute to 7 days; anything else is ignored rather than obeyed. */
function readTtl(output: Record<string, unknown>): number | null {
  const minutes = Number(readText(output['ttl']).trim());
  return Number.isInteger(minutes) && minutes >= 1 && minutes <= 7 * 24 * 60 ? minutes * 60_000 : null;
}

/** Strict parse; when it fails at the end of a truncated document, one retry with the tail closed. */
async function parseRepairedXml(xml: string, feedUrl: string): Promise<{ output: Parser.Output<RawItem>; notes: string[] }> {
  try {
    return { output: await parseXml(xml, feedUrl), notes: [] };
  } catch (err) {
    const closed = err instanceof FeedParseError && /Unclosed root tag|Unexpected end|Unable to parse XML/.test(err.message) ? closeTruncatedXml(xml) : null;
    if (closed === null) throw err;
    const output = await parseXml(closed, feedUrl).catch(() => { throw err; });
    return { output, notes: ['feed: the document is truncated; read the items that arrived whole'] };
  }
}

async function parseXml(xml: string, feedUrl: string): Promise<Parser.Output<RawItem>> {
  try {
    return await newParser().parseString(xml);
  } catch (err) {
    if (err instanceof FeedError) throw err;
    throw new FeedParseError(feedUrl, describeParserError(err), err);
  }
}

/** sax messages span lines ("Unexpected close tag\nLine: 5\nColumn: 7\nChar: >"); rss-parser's TypeErrors mean a missing element. */
function describeParserError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof TypeError) return 'the document does not have the structure of an RSS, RDF or Atom feed';
  if (message === 'Unable to parse XML.') return 'malformed XML: the document ends before its root element is closed';
  const [what, ...where] = message.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  // sax counts lines and columns from 0.
  const position = where
    .map((line) => /^(Line|Column):\s*(\d+)/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${(m[1] ?? '').toLowerCase()} ${Number(m[2]) + 1}`)
    .join(', ');
  return position === '' ? `malformed XML: ${what ?? 'unknown error'}` : `malformed XML: ${what ?? 'error'} at ${position}`;
}

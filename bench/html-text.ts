/**
 * htmlToText benchmark: µs per item of the bench's generated feeds (the end-to-end run's corpus)
 * to convert its three texts as the pipeline does (title, description, content:encoded, as the
 * feed parser hands them over), against a floor measured in the same run on the same texts: the
 * bare entity decoder plus one tag-stripping regex, the least any HTML-to-text conversion does.
 * Prints a markdown table and writes html-text-latest.json.
 */
import path from 'node:path';
import { decodeHTML, decodeXML } from 'entities';
import { htmlToText } from '../src/feeds/html-text.js';
import { FeedCorpus } from './feed-corpus.js';
import { round, spread, writeResult } from './bench-results.js';

const FEEDS = 20;
const ITEMS_PER_FEED = 50;
const ROUNDS = 15;

export interface HtmlTextResult {
  items: number;
  /** Characters of the three texts of an item. */
  charsPerItem: number;
  htmlToTextMicrosPerItem: number;
  floorMicrosPerItem: number;
  /** htmlToText's throughput ÷ the floor's: median of the per-round ratios. */
  ratio: number;
}

interface Item {
  /** Size of the item's XML, in UTF-8 bytes. */
  bytes: number;
  texts: string[];
}

function corpusItems(): Item[] {
  const corpus = new FeedCorpus({ feeds: FEEDS, items: ITEMS_PER_FEED, seed: 42, relevantShare: 0.02, sharedShare: 0.1, startedAt: 0 });
  const items: Item[] = [];
  const text = (xml: string, pattern: RegExp) => pattern.exec(xml)?.[1] ?? '';
  for (let feed = 0; feed < FEEDS; feed++) {
    for (const [xml] of corpus.feedXml(feed, 0).matchAll(/<item>[\s\S]*?<\/item>/g)) {
      items.push({
        bytes: Buffer.byteLength(xml),
        texts: [
          decodeXML(text(xml, /<title>([\s\S]*?)<\/title>/)),
          decodeXML(text(xml, /<description>([\s\S]*?)<\/description>/)),
          text(xml, /<content:encoded><!\[CDATA\[([\s\S]*?)\]\]><\/content:encoded>/),
        ],
      });
    }
  }
  return items;
}

/** Seconds to convert every text of every item once. */
function timeAll(items: readonly Item[], convert: (html: string) => string): number {
  const t0 = process.hrtime.bigint();
  for (const item of items) for (const text of item.texts) convert(text);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** The least any HTML-to-text conversion does: drop what looks like a tag, decode entities. */
const floor = (html: string): string => decodeHTML(html.replace(/<[^>]*>/g, ''));

export function runHtmlTextBench(out: string): HtmlTextResult {
  const items = corpusItems();
  const charsPerItem = items.reduce((n, item) => n + item.texts.reduce((m, text) => m + text.length, 0), 0) / items.length;
  const bytesPerItem = items.reduce((n, item) => n + item.bytes, 0) / items.length;
  for (let warm = 0; warm < 3; warm++) {
    timeAll(items, htmlToText);
    timeAll(items, floor);
  }
  // Rounds alternate between the two so that a busy machine slows them alike.
  const fast: number[] = [];
  const bare: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const f = timeAll(items, htmlToText);
    const b = timeAll(items, floor);
    fast.push(f);
    bare.push(b);
    ratios.push(b / f);
  }
  const micros = (seconds: number[]) => round((spread(seconds).median / items.length) * 1e6);
  const result: HtmlTextResult = {
    items: items.length,
    charsPerItem: Math.round(charsPerItem),
    htmlToTextMicrosPerItem: micros(fast),
    floorMicrosPerItem: micros(bare),
    ratio: round(spread(ratios).median),
  };
  const lines = [
    `htmlToText benchmark: title, description and content:encoded of ${result.items} items of the generated feeds (${(bytesPerItem / 1000).toFixed(1)} kB of XML, ${result.charsPerItem} characters of text each), node ${process.version}, ${ROUNDS} alternating rounds (medians; ratio = median of per-round ratios, htmlToText/floor throughput).`,
    '',
    '| conversion | µs/item | items/s |',
    '|---|---:|---:|',
    `| htmlToText | ${result.htmlToTextMicrosPerItem} | ${Math.round(1e6 / result.htmlToTextMicrosPerItem)} |`,
    `| floor: decodeHTML(html.replace(/<[^>]*>/g, '')) | ${result.floorMicrosPerItem} | ${Math.round(1e6 / result.floorMicrosPerItem)} |`,
    '',
    `ratio: ${result.ratio}×`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const file = writeResult(out, 'html-text', { date: new Date().toISOString(), node: process.version, rounds: ROUNDS, ...result });
  process.stdout.write(`\nwritten ${path.relative(process.cwd(), file)}\n`);
  return result;
}

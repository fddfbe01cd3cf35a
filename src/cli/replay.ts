/**
 * `veille replay <feed.xml>`: decode, parse and match a local feed file exactly as a poll would,
 * without Redis or the network, and report what would be kept and why.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Watchlist } from '../config/watchlist.js';
import { decodeFeedBody } from '../feeds/decode-feed.js';
import { parseFeed } from '../feeds/parse-feed.js';
import { contentHash } from '../dedupe/content-hash.js';
import { explain, type MatchExplanation } from '../storage/stored-article.js';
import { CliError } from './cli-error.js';

export interface ReplayItem {
  title: string;
  url: string;
  publishedAt: string | null;
  kept: boolean;
  contentHash: string;
  /** Explanations of the watches that kept it; when none did, the reason each watch gives. */
  matches: MatchExplanation[];
  reasons: string[];
}

export interface ReplayReport {
  file: string;
  encoding: string;
  format: string;
  feedTitle: string;
  items: ReplayItem[];
  itemErrors: string[];
}

export async function replayFeedFile(file: string, watchlist: Watchlist): Promise<ReplayReport> {
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (err) {
    throw new CliError(`replay: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const { text, encoding } = decodeFeedBody(body, null);
  const feedUrl = `file://${path.resolve(file)}`;
  const parsed = await parseFeed(text, { feedId: 'replay', feedUrl, fetchedAt: new Date().toISOString() });
  const items = parsed.articles.map((article): ReplayItem => {
    const evaluation = watchlist.ruleSet.evaluate({ title: article.title, summary: article.summary, content: article.content });
    return {
      title: article.title,
      url: article.url,
      publishedAt: article.publishedAt,
      kept: evaluation.kept,
      contentHash: contentHash(article),
      matches: evaluation.watches.filter((w) => w.kept).map(explain),
      reasons: evaluation.watches.map((w) => `${w.watchId}: ${w.reason}`),
    };
  });
  return { file, encoding, format: parsed.format, feedTitle: parsed.title, items, itemErrors: parsed.itemErrors };
}

export function formatReplay(report: ReplayReport): string {
  const kept = report.items.filter((i) => i.kept);
  const lines = [`${report.file}: ${report.format} feed "${report.feedTitle}" (${report.encoding}), ${report.items.length} items, ${kept.length} would be kept`];
  for (const item of report.items) {
    lines.push(`${item.kept ? 'KEEP' : 'drop'}  ${item.title}`);
    if (item.kept) {
      for (const m of item.matches) {
        lines.push(`      ${m.watchId} score ${m.score} ≥ ${m.threshold} (rules ${m.ruleSetVersion}): ${m.hits.map((h) => `${h.text} [${h.weight > 0 ? h.topic : `${h.topic}, neutralised`}, ${h.field}@${h.start}]`).join(', ')}`);
      }
    } else {
      for (const reason of item.reasons) lines.push(`      ${reason}`);
    }
  }
  for (const e of report.itemErrors) lines.push(`item error: ${e}`);
  return lines.join('\n');
}

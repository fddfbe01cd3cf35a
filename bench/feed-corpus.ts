/**
 * The feed farm's content: N seeded French RSS 2.0 feeds of M items each. About `relevantShare`
 * of the items are about Russia and North Korea, `sharedShare` are dispatches that several feeds
 * carry (same text, each under its own URL and guid). With `publishEveryMs`, a feed publishes two
 * new items at the start of a period with probability `publishShare` (its ETag changes); the
 * rest of the time it answers 304. Same options, same bytes: runs are comparable.
 */
import { mixSeed, ordinaryStory, relevantStory, seededRandom, type StoryText } from './story-text.js';

export interface CorpusOptions {
  feeds: number;
  items: number;
  seed: number;
  relevantShare: number;
  sharedShare: number;
  /** Period of publication (scale run); none: feeds never change. */
  publishEveryMs?: number;
  /** Share of feeds that publish in each period. */
  publishShare?: number;
  /** Time origin of the periods and of the item dates. */
  startedAt: number;
}

export interface FeedVersion {
  version: number;
  etag: string;
  lastModified: string;
}

const NEW_ITEMS_PER_PUBLICATION = 2;
const ITEM_SPACING_MS = 2 * 60_000;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export class FeedCorpus {
  private readonly poolSize: number;
  private readonly poolHtml = new Map<number, { story: StoryText; html: string }>();
  /** Per feed: the last period looked at and the version reached then. */
  private readonly versions = new Map<number, { period: number; version: number; lastPublishedPeriod: number }>();

  constructor(readonly options: CorpusOptions) {
    // Each shared dispatch shows up on about three feeds.
    this.poolSize = Math.max(10, Math.round((options.feeds * options.items * options.sharedShare) / 3));
  }

  /** The feed's version now: how many times it has published since the farm started. */
  versionOf(feed: number, now = Date.now()): FeedVersion {
    const { publishEveryMs, publishShare = 0, startedAt, seed } = this.options;
    const period = publishEveryMs ? Math.max(0, Math.floor((now - startedAt) / publishEveryMs)) : 0;
    let entry = this.versions.get(feed) ?? { period: 0, version: 0, lastPublishedPeriod: 0 };
    for (let p = entry.period + 1; p <= period; p += 1) {
      if (mixSeed(seed, feed, p, 3) / 2 ** 32 < publishShare) entry = { ...entry, version: entry.version + 1, lastPublishedPeriod: p };
    }
    entry = { ...entry, period };
    this.versions.set(feed, entry);
    const modified = startedAt + entry.lastPublishedPeriod * (publishEveryMs ?? 0);
    return { version: entry.version, etag: `"f${feed}-v${entry.version}"`, lastModified: new Date(Math.floor(modified / 1000) * 1000).toUTCString() };
  }

  /** The RSS document of a feed at a version. */
  feedXml(feed: number, version: number): string {
    const { items } = this.options;
    const top = items + NEW_ITEMS_PER_PUBLICATION * version;
    const parts: string[] = [
      '<?xml version="1.0" encoding="UTF-8"?>\n',
      '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n',
      `<title>Journal ${feed} — International</title>\n<link>https://journal-${feed}.example/</link>\n`,
      `<description>Toute l’actualité du Journal ${feed}</description>\n<language>fr</language>\n`,
    ];
    for (let s = top - 1; s >= top - items; s -= 1) parts.push(this.itemXml(feed, s));
    parts.push('</channel>\n</rss>\n');
    return parts.join('');
  }

  /** Whether item `s` of `feed` is about Russia and North Korea, and which story it carries. */
  describeItem(feed: number, s: number): { shared: boolean; relevant: boolean; storyKey: number } {
    const { seed, sharedShare, relevantShare } = this.options;
    const r = seededRandom(mixSeed(seed, feed, s, 1));
    if (r() < sharedShare) {
      const p = Math.floor(r() * this.poolSize);
      const pr = seededRandom(mixSeed(seed, 999_983, p, 2));
      return { shared: true, relevant: pr() < relevantShare, storyKey: mixSeed(seed, 999_983, p, 5) };
    }
    return { shared: false, relevant: r() < relevantShare, storyKey: mixSeed(seed, feed, s, 7) };
  }

  private itemXml(feed: number, s: number): string {
    const { storyKey, shared, relevant } = this.describeItem(feed, s);
    const cached = shared ? this.poolHtml.get(storyKey) : undefined;
    const story = cached?.story ?? (relevant ? relevantStory(storyKey) : ordinaryStory(storyKey));
    const html = cached?.html ?? contentHtml(story, storyKey);
    if (shared && !cached) this.poolHtml.set(storyKey, { story, html });
    const link = `https://journal-${feed}.example/international/article/${s}-${storyKey.toString(36)}.html`;
    const date = new Date(this.options.startedAt + (s - this.options.items) * ITEM_SPACING_MS).toUTCString();
    return [
      '<item>\n',
      `<title>${escapeXml(story.title)}</title>\n`,
      `<link>${link}?xtor=RSS-${feed}</link>\n`,
      `<guid isPermaLink="false">journal-${feed}-${s}</guid>\n`,
      `<pubDate>${date}</pubDate>\n`,
      `<dc:creator>Rédaction du Journal ${feed}</dc:creator>\n`,
      `<description>${escapeXml(story.summary)}</description>\n`,
      `<content:encoded><![CDATA[${html}]]></content:encoded>\n`,
      '</item>\n',
    ].join('');
  }
}

/** Body HTML as French news sites ship it: paragraphs, a figure with its credit, links, a "Lire aussi". */
function contentHtml(story: StoryText, key: number): string {
  const parts = [`<figure><img src="https://img.example/${key}.jpg" alt="Illustration" width="1200" height="675"/><figcaption>${escapeXml(story.title.slice(0, 60))} (Photo : AFP)</figcaption></figure>`];
  story.paragraphs.forEach((p, i) => {
    const text = escapeXml(p);
    if (i === 1) parts.push(`<p><strong>${text.slice(0, 60)}</strong>${text.slice(60)}</p>`);
    else if (i === 2) parts.push(`<p>${text} <a href="https://dossiers.example/${key}-${i}">Notre dossier</a></p>`);
    else parts.push(`<p>${text}</p>`);
    if (i === 3) parts.push(`<p><em>Lire aussi :</em> <a href="https://journal.example/a/${key + i}">les autres articles de la rubrique</a></p>`);
  });
  return parts.join('\n');
}

/**
 * The feed farm of the fault cases: feeds on the local fixture server that share relevant
 * stories (under their own URLs, guids and site chrome) among irrelevant items, served slowly
 * enough that a poll is still running when the test strikes. Knows what must end up stored.
 */
import type { FixtureFeedServer } from '../../src/demo/fixture-feed-server.js';
import { identify } from '../../src/dedupe/content-hash.js';
import { hammingDistance, type Fingerprint } from '../../src/dedupe/simhash.js';
import { ITEMS, rssFeed, type FixtureItem } from '../support/feed-xml.js';
import { generateStories, seededRandom, type GeneratedStory } from '../dedupe/story-generator.js';
import type { TestFeed } from '../support/watchlist.js';
import type { JobsOptions } from 'bullmq';
import type { Settings } from '../../src/config/schema.js';
import { jobOptions, type PollJobData } from '../../src/queues/queues.js';
import { FEED_BACKOFF } from '../../src/politeness/retry-policy.js';

export interface Farm {
  feeds: TestFeed[];
  /** The relevant stories served, by expected article id (what identify() gives their text). */
  expected: Map<string, GeneratedStory>;
  /** Listings of relevant stories over every feed (one article each, the rest sightings). */
  listings: number;
}

export interface FarmOptions {
  /** Route and feed id prefix, so several farms can share one server and one watchlist. */
  name: string;
  feeds: number;
  stories: number;
  seed: number;
  /** Share of the feeds listing each story. */
  spread?: number;
  /** Pause before each response (a slow host), ms. */
  delayMs?: number;
  /** Body trickled in chunks of 256 bytes with this pause between them, ms. */
  chunkDelayMs?: number;
  /**
   * Fingerprints of stories other farms of the test serve: a generated story within 3 bits of one
   * of them (or of another of this farm) would rightly be a near-duplicate, so it is left out.
   * Grows with this farm's stories.
   */
  taken?: Fingerprint[];
}

const storyIdentity = (story: GeneratedStory) => identify({ title: story.title, summary: story.paragraphs.join('\n'), content: '' });

export function storyArticleId(story: GeneratedStory): string {
  return storyIdentity(story).articleId;
}

/** The generated stories, less those within near-duplicate distance of one already taken. */
function distinctStories(count: number, seed: number, taken: Fingerprint[]): GeneratedStory[] {
  return generateStories(count, seed).filter((story) => {
    const { fingerprint } = storyIdentity(story);
    if (taken.some((other) => hammingDistance(fingerprint, other) <= 3)) return false;
    taken.push(fingerprint);
    return true;
  });
}

export function buildFarm(server: FixtureFeedServer, options: FarmOptions): Farm {
  const stories = distinctStories(options.stories, options.seed, options.taken ?? []);
  const r = seededRandom(options.seed * 31 + 7);
  const spread = options.spread ?? 0.5;
  const expected = new Map<string, GeneratedStory>();
  const feeds: TestFeed[] = [];
  let listings = 0;
  for (let f = 0; f < options.feeds; f += 1) {
    const items: FixtureItem[] = [
      { ...ITEMS.football, link: `https://${options.name}-${f}.example/sport/${f}`, guid: `${options.name}-${f}-sport` },
      { ...ITEMS.southKorea, link: `https://${options.name}-${f}.example/asie/${f}`, guid: `${options.name}-${f}-asie` },
    ];
    stories.forEach((story, s) => {
      // Every story is listed at least once (on feed s % feeds), most several times.
      if (s % options.feeds !== f && r() > spread) return;
      expected.set(storyArticleId(story), story);
      listings += 1;
      const chrome = f % 2 === 0 ? story.paragraphs : ['Menu', ...story.paragraphs, 'Lire aussi : nos autres articles', 'Partager'];
      items.push({ title: story.title, text: chrome.join('</p><p>'), link: `https://${options.name}-${f}.example/monde/${s}?utm_source=rss&xtor=RSS-1`, guid: `${options.name}-${f}-${s}` });
    });
    const route = `/${options.name}/feed-${f}.xml`;
    server.setRoute(route, {
      body: rssFeed(`${options.name} ${f}`, items),
      contentType: 'application/rss+xml; charset=utf-8',
      ...(options.delayMs ? { delayMs: options.delayMs } : {}),
      ...(options.chunkDelayMs ? { chunkDelayMs: options.chunkDelayMs, chunkBytes: 256 } : {}),
    });
    feeds.push({ id: `${options.name}-${f}`, url: server.url(route), interval: '1h' });
  }
  return { feeds, expected, listings };
}

/** Poll jobs for the farm's feeds with the options the scheduler gives its ticks (attempts, feed backoff). */
export function scheduledPolls(farm: Farm, settings: Settings): { name: string; data: PollJobData; opts: JobsOptions }[] {
  const opts = { ...jobOptions(settings), backoff: { type: FEED_BACKOFF, delay: settings.jobs.backoff } };
  return farm.feeds.map((f) => ({ name: 'poll', data: { feedId: f.id }, opts }));
}

/** Settings for fault runs: polite limits off (one local host), short locks, production retries. */
export function faultSettings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    politeness: { maxInFlightPerHost: 16, minSpacing: '0s', maxWait: '60s' },
    // A slot whose release was lost (Redis down, process killed) frees itself 15 s later.
    fetch: { timeout: '5s' },
    jobs: { attempts: 3, backoff: '500ms', maxBackoff: '2s', jitter: 0.2, lockDuration: '2s' },
    concurrency: { poll: 3, store: 2 },
    fullText: { mode: 'never' },
    ...extra,
  };
}

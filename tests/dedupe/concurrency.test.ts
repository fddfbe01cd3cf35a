/**
 * Exactly once under concurrency: four poll processes and one store process on one Redis, over
 * twelve feeds that share most of their stories (under different URLs, guids and site chrome).
 * Every story must be stored once, every other listing recorded once as a sighting.
 */
import { expect, it } from 'vitest';
import { openQueue, POLL_QUEUE, STORE_QUEUE, type PollJobData, type StoreJobData } from '../../src/queues/queues.js';
import { articlesOf, readNdjsonStore } from '../../src/storage/ndjson-sink.js';
import { identify } from '../../src/dedupe/content-hash.js';
import { hammingDistance } from '../../src/dedupe/simhash.js';
import { useTestEnvironment } from '../support/environment.js';
import { memoryLog } from '../support/memory-log.js';
import { writeWatchlist, ndjsonPath } from '../support/watchlist.js';
import { ITEMS, rssFeed, type FixtureItem } from '../support/feed-xml.js';
import { startCli } from '../support/cli.js';
import { generateStories, seededRandom } from './story-generator.js';

const env = useTestEnvironment();

const FEEDS = 12;
const STORIES = 24;

it('stores each story exactly once with four poll processes on overlapping feeds', async () => {
  const { server, t, dir, processes } = env;
  const stories = generateStories(STORIES, 7);
  // The generated stories must be distinct stories for the count to mean anything.
  const ids = stories.map((s) => identify({ title: s.title, summary: s.paragraphs.join('\n'), content: '' }));
  for (const [i, a] of ids.entries()) for (const b of ids.slice(i + 1)) expect(hammingDistance(a.fingerprint, b.fingerprint)).toBeGreaterThan(3);

  const r = seededRandom(11);
  let listings = 0;
  const listed = new Set<number>();
  for (let f = 0; f < FEEDS; f += 1) {
    const items: FixtureItem[] = [ITEMS.football, ITEMS.russiaOnly];
    stories.forEach((story, s) => {
      if (r() > 0.6) return; // each story on about 60 % of the feeds
      listed.add(s);
      listings += 1;
      const chrome = f % 2 === 0 ? story.paragraphs : ['Menu', ...story.paragraphs, 'Lire aussi : nos autres articles', 'Partager'];
      items.push({ title: story.title, text: chrome.join('</p><p>'), link: `https://journal-${f}.example/monde/${s}?utm_source=rss`, guid: `j${f}-${s}` });
    });
    server.setRoute(`/feed-${f}.xml`, { body: rssFeed(`Journal ${f}`, items), contentType: 'application/rss+xml' });
  }
  const { file, watchlist } = await writeWatchlist(dir, Array.from({ length: FEEDS }, (_, f) => ({ id: `journal-${f}`, url: server.url(`/feed-${f}.xml`), interval: '1h' })), { concurrency: { poll: 4, store: 2 } });

  const redisEnv = { REDIS_URL: t.url };
  const common = ['--config', file, '--prefix', t.keys.prefix, 'start', '--no-watch'];
  for (let i = 0; i < 4; i += 1) processes.push(startCli([...common, '--only', 'poll'], redisEnv));
  processes.push(startCli([...common, '--only', 'store'], redisEnv));
  await Promise.all(processes.map((p) => p.waitForLine((l) => l.msg === 'daemon: started')));

  const { log } = memoryLog('warn');
  const pollQueue = openQueue<PollJobData>(POLL_QUEUE, t.redis, t.keys, log);
  const storeQueue = openQueue<StoreJobData>(STORE_QUEUE, t.redis, t.keys, log);
  try {
    await pollQueue.addBulk(Array.from({ length: FEEDS }, (_, f) => ({ name: 'poll', data: { feedId: `journal-${f}` } })));
    const deadline = Date.now() + 40_000;
    for (;;) {
      const polls = await pollQueue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
      const stores = await storeQueue.getJobCounts('waiting', 'active', 'delayed', 'failed');
      if (polls.completed === FEEDS && stores.waiting === 0 && stores.active === 0 && stores.delayed === 0) {
        expect(polls.failed).toBe(0);
        expect(stores.failed).toBe(0);
        break;
      }
      if (Date.now() > deadline) throw new Error(`not finished: polls ${JSON.stringify(polls)} stores ${JSON.stringify(stores)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Work really was spread over the four pollers.
    const pollers = processes.slice(0, 4).filter((p) => p.lines.some((l) => l.msg === 'poll: done'));
    expect(pollers.length).toBeGreaterThanOrEqual(2);

    const records = await readNdjsonStore(ndjsonPath(watchlist));
    const articles = articlesOf(records);
    expect(articles).toHaveLength(listed.size);
    expect(new Set(articles.map((a) => a.id)).size).toBe(listed.size);
    const sightings = records.filter((r) => r.kind === 'sighting');
    expect(sightings).toHaveLength(listings - listed.size);
    expect(new Set(sightings.map((s) => `${s.kind === 'sighting' ? s.url : ''}`)).size).toBe(sightings.length);
  } finally {
    await pollQueue.close();
    await storeQueue.close();
  }
}, 60_000);

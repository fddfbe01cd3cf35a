/** The NDJSON read side: latest, a case- and accent-insensitive search, counts per day, from the file the sink wrote. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { NdjsonSink } from '../../src/storage/ndjson-sink.js';
import { openArticleReader } from '../../src/storage/open-sink.js';
import { tempDir } from '../support/watchlist.js';
import { articleRecord, sightingOf, updateOf } from './records.js';

let dir: string;
beforeEach(async () => { dir = await tempDir(); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

it('lists, searches and counts what the NDJSON sink wrote', async () => {
  const file = path.join(dir, 'articles.ndjson');
  const sink = await NdjsonSink.open(file);
  const old = articleRecord(1, new Date(Date.now() - 3 * 86_400_000).toISOString());
  const [a, c] = [articleRecord(0, new Date(Date.now() - 60_000).toISOString()), articleRecord(2)];
  for (const r of [a, old, c, sightingOf(a, 'lefigaro'), sightingOf(a, 'liberation'), updateOf(a, 1), updateOf(a, 2)]) await sink.write(r);
  await sink.close();

  const reader = openArticleReader({ type: 'ndjson', path: file });
  expect(reader.description).toBe(`ndjson:${file}`);
  expect((await reader.latest(2)).map((v) => v.article.id)).toEqual([c.id, a.id]);
  // Case and accents do not matter; the phrase or all the words.
  expect((await reader.search('NORD COREEN')).map((v) => v.article.id).sort()).toEqual([a.id, old.id].sort());
  expect((await reader.search('kremlin poutine')).map((v) => v.article.id)).toEqual([a.id]);
  expect(await reader.search('Poutine football')).toEqual([]);
  // A title hit ranks above a text hit.
  expect((await reader.search('nord-coréen'))[0]?.article.id).toBe(old.id);
  expect(await reader.search('coréen', { since: new Date(Date.now() - 86_400_000) })).toHaveLength(1);
  expect(await reader.search('Russie', { limit: 1 })).toHaveLength(1);
  const [view] = await reader.search('Kremlin');
  expect(view?.updates).toBe(2);
  expect(view?.sightings.map((s) => s.feedId)).toEqual(['lefigaro', 'liberation']);

  const days = await reader.countsPerDay(7);
  expect(days.map((d) => d.count)).toEqual([0, 0, 0, 1, 0, 0, 2]);
  expect(days.at(-1)?.day).toBe(new Date().toISOString().slice(0, 10));
  await reader.close();
});

it('reads a missing file as an empty store', async () => {
  const reader = openArticleReader({ type: 'ndjson', path: path.join(dir, 'none.ndjson') });
  expect(await reader.latest(5)).toEqual([]);
  expect(await reader.search('Poutine')).toEqual([]);
  expect((await reader.countsPerDay(2)).map((d) => d.count)).toEqual([0, 0]);
});

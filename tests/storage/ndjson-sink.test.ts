import { afterEach, beforeEach, expect, it } from 'vitest';
import { appendFile, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { NdjsonSink, articlesOf, readNdjsonStore } from '../../src/storage/ndjson-sink.js';
import type { Sighting, StoredArticle } from '../../src/storage/stored-article.js';
import { tempDir } from '../support/watchlist.js';

let dir: string;
beforeEach(async () => { dir = await tempDir(); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const record = (n: number): StoredArticle => ({
  kind: 'article',
  id: n.toString(16).padStart(24, '0'),
  fingerprint: '0000000000000000',
  contentHash: n.toString(16).padStart(64, '0'),
  article: { feedId: 'f', guid: `g${n}`, url: `https://x.example/${n}`, title: `Titre ${n}`, summary: 'Résumé', content: '', publishedAt: null, fetchedAt: new Date(0).toISOString() },
  matches: [],
  keptAt: new Date(0).toISOString(),
});

it('writes each content hash once, across concurrent writes and reopening', async () => {
  const file = path.join(dir, 'nested', 'articles.ndjson');
  const sink = await NdjsonSink.open(file);
  const outcomes = await Promise.all([record(1), record(2), record(1), record(2), record(3)].map((r) => sink.write(r)));
  expect(outcomes.filter((o) => o === 'written')).toHaveLength(3);
  await sink.close();

  const reopened = await NdjsonSink.open(file);
  expect(reopened.size).toBe(3);
  expect(await reopened.write(record(2))).toBe('duplicate');
  expect(await reopened.write(record(4))).toBe('written');
  await reopened.close();
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  expect(lines).toHaveLength(4);
  expect(articlesOf(await readNdjsonStore(file)).map((r) => r.article.guid)).toEqual(['g1', 'g2', 'g3', 'g4']);
});

it('skips a torn last line left by a crash and accepts the article again', async () => {
  const file = path.join(dir, 'articles.ndjson');
  const sink = await NdjsonSink.open(file);
  await sink.write(record(1));
  await sink.close();
  await appendFile(file, JSON.stringify(record(2)).slice(0, 40));
  const reopened = await NdjsonSink.open(file);
  expect(reopened.size).toBe(1);
  await reopened.close();
  expect(articlesOf(await readNdjsonStore(file)).map((r) => r.article.guid)).toEqual(['g1']);
});

it('keeps updates and sightings once each, beside the article', async () => {
  const file = path.join(dir, 'articles.ndjson');
  const sink = await NdjsonSink.open(file);
  const sighting: Sighting = { kind: 'sighting', articleId: record(1).id, feedId: 'b', url: 'https://b.example/1', title: 'T', distance: 2, contentHash: 'f'.repeat(64), seenAt: new Date(0).toISOString() };
  const update = { kind: 'update' as const, articleId: record(1).id, textHash: 'abcd0123', article: record(1).article, updatedAt: new Date(0).toISOString() };
  expect(await sink.write(record(1))).toBe('written');
  expect(await sink.write(sighting)).toBe('written');
  expect(await sink.write({ ...sighting, seenAt: new Date(1).toISOString() })).toBe('duplicate');
  expect(await sink.write(update)).toBe('written');
  expect(await sink.write(update)).toBe('duplicate');
  expect(await sink.write({ ...update, textHash: 'abcd0124' })).toBe('written');
  await sink.close();
  const kinds = (await readNdjsonStore(file)).map((r) => r.kind);
  expect(kinds).toEqual(['article', 'sighting', 'update', 'update']);
});

/**
 * The one-pass foldText (the bench's profile found folding was the largest cost of a first poll)
 * must fold exactly as the reference pipeline: on the labelled set, on the bench's generated
 * feeds, and on random strings over the characters its table covers and beyond.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { foldText, foldTextReference } from '../../src/dedupe/fold-text.js';
import { FeedCorpus } from '../../bench/feed-corpus.js';
import { REPO_ROOT } from '../support/watchlist.js';

it('folds the labelled set and generated feeds as the reference does', () => {
  const dev = readFileSync(path.join(REPO_ROOT, 'tests', 'rules', 'dev-set.jsonl'), 'utf8').split('\n').filter(Boolean)
    .flatMap((line) => { const item = JSON.parse(line) as { title: string; text: string }; return [item.title, ...item.text.split(/\n+/)]; });
  const corpus = new FeedCorpus({ feeds: 3, items: 20, seed: 7, relevantShare: 0.2, sharedShare: 0.1, startedAt: 0 });
  const generated = [0, 1, 2].flatMap((f) => corpus.feedXml(f, 0).split(/<[^>]+>/));
  for (const text of [...dev, ...generated, 'Œuvre ŒIL ß æ ﬁ ½ İstanbul Ǆ ª ² ‘’ « » — … €', '', '  ', 'Москва 北朝鮮 😀 Σίσυφος']) {
    expect(foldText(text)).toBe(foldTextReference(text));
  }
});

it('folds random text as the reference does', () => {
  const char = fc.oneof(
    fc.integer({ min: 0, max: 0x36f }),
    fc.integer({ min: 0x2000, max: 0x20cf }),
    fc.constantFrom(0x20, 0x61, 0x45, 0xe9, 0x301, 0x2019),
    fc.integer({ min: 0x370, max: 0xffff }),
  ).map((c) => String.fromCharCode(c));
  fc.assert(fc.property(fc.array(char, { maxLength: 40 }).map((cs) => cs.join('')), (text) => {
    expect(foldText(text)).toBe(foldTextReference(text));
  }), { numRuns: 20_000 });
});

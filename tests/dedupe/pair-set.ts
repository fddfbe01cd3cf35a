/**
 * The labelled dedupe set: base stories written for the tests (tests/fixtures/dedupe/stories.json)
 * and pairs derived from them — the same text under other chrome (must hash equal), small edits
 * and rewrites by another outlet (the same story), other stories and other stories about the same
 * event (must never merge).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../support/watchlist.js';

export interface Story {
  title: string;
  text: string;
}

export type PairLabel = 'same-text' | 'same-story' | 'distinct';

export interface LabelledPair {
  id: string;
  label: PairLabel;
  a: Story;
  b: Story;
}

interface StoryFile {
  bases: { id: string; title: string; paragraphs: string[] }[];
  rewrites: { of: string; title: string; paragraphs: string[] }[];
  sameEvent: { of: string; title: string; paragraphs: string[] }[];
}

const file = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'dedupe', 'stories.json'), 'utf8')) as StoryFile;
const story = (title: string, paragraphs: string[]): Story => ({ title, text: paragraphs.join('\n') });

function replaceWord(paragraphs: string[], index: number, from: RegExp, to: string): string[] {
  return paragraphs.map((p, i) => (i === index ? p.replace(from, to) : p));
}

export function labelledPairs(): LabelledPair[] {
  const pairs: LabelledPair[] = [];
  for (const base of file.bases) {
    const original = story(base.title, base.paragraphs);
    const p = base.paragraphs;
    // Same text, other chrome: must hash equal.
    pairs.push({ id: `${base.id}/site-chrome`, label: 'same-text', a: original, b: story(base.title, [
      'Rechercher', 'Menu', 'Dernières infos - International', ...p.slice(0, 2), 'PHOTO KIM WON JIN/AFP',
      'Lire aussi : Les dernières informations sur la guerre en Ukraine', ...p.slice(2), 'Partager', 'Cet article est réservé aux abonnés',
      `${(p[0] ?? '').slice(0, 80)}...`,
    ]) });
    pairs.push({ id: `${base.id}/typography`, label: 'same-text', a: original, b: story(base.title.toUpperCase(), [
      `PARIS (AFP) - ${(p[0] ?? '').replace(/’/g, "'").replace(/ /g, '\u00a0')}`, ...p.slice(1).map((x) => x.replace(/« | »/g, '"')),
      'Note : Cet article a été édité avec l’aide de l’Intelligence Artificielle.',
    ]) });
    pairs.push({ id: `${base.id}/edited-title`, label: 'same-text', a: original, b: story(`${base.title} (mise à jour)`, p) });
    // The same story, edited: one word, one sentence added, the last paragraph dropped, two words.
    pairs.push({ id: `${base.id}/one-word`, label: 'same-story', a: original, b: story(base.title, replaceWord(p, 1, /\b(a|ont|est|sont)\b/, 'avait')) });
    pairs.push({ id: `${base.id}/sentence-added`, label: 'same-story', a: original, b: story(base.title, [...p, 'Aucune réaction officielle n’avait été publiée en fin de journée.']) });
    pairs.push({ id: `${base.id}/last-paragraph-cut`, label: 'same-story', a: original, b: story(base.title, p.slice(0, -1)) });
    pairs.push({ id: `${base.id}/two-words`, label: 'same-story', a: original, b: story(base.title, replaceWord(replaceWord(p, 0, /\bdeux\b|\bmardi\b|\bsamedi\b|\bmercredi\b|\blundi\b|\bdimanche\b/, 'plusieurs'), 2, /\bselon\b|\bet\b/, 'ainsi que')) });
  }
  for (const rewrite of file.rewrites) {
    const base = file.bases.find((b) => b.id === rewrite.of)!;
    pairs.push({ id: `${rewrite.of}/rewritten`, label: 'same-story', a: story(base.title, base.paragraphs), b: story(rewrite.title, rewrite.paragraphs) });
  }
  for (const other of file.sameEvent) {
    const base = file.bases.find((b) => b.id === other.of)!;
    pairs.push({ id: `${other.of}/same-event-other-story`, label: 'distinct', a: story(base.title, base.paragraphs), b: story(other.title, other.paragraphs) });
  }
  for (const [i, a] of file.bases.entries()) {
    for (const b of file.bases.slice(i + 1)) {
      pairs.push({ id: `${a.id}~${b.id}`, label: 'distinct', a: story(a.title, a.paragraphs), b: story(b.title, b.paragraphs) });
    }
  }
  return pairs;
}

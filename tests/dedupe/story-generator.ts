/**
 * Seeded generator of distinct French stories about Russia and North Korea, for tests
 * that need many different relevant articles (far apart in SimHash) rather than a few real ones.
 */
import { ACTORS, pick, RU_NK_PLACES, RU_NK_SENTENCES, RU_NK_SUBJECTS, seededRandom } from '../../bench/story-text.js';

export { seededRandom };

export interface GeneratedStory {
  title: string;
  paragraphs: string[];
}

/** `count` stories, each of six sentences drawn without repetition, with a title naming both countries. */
export function generateStories(count: number, seed = 42): GeneratedStory[] {
  const r = seededRandom(seed);
  return Array.from({ length: count }, (_, n) => {
    const order = RU_NK_SENTENCES.map((s) => ({ s, k: r() })).sort((a, b) => a.k - b.k).slice(0, 6);
    const paragraphs = order.map(({ s }) => s(r));
    paragraphs.push(`Dépêche ${n + 1} : ${pick(r, ACTORS)} et ${pick(r, ACTORS)} se sont entretenus pendant ${1 + Math.floor(r() * 5)} heures.`);
    return { title: `Russie – Corée du Nord : ${pick(r, RU_NK_SUBJECTS)} au cœur des discussions à ${pick(r, RU_NK_PLACES)} (${n + 1})`, paragraphs };
  });
}

/** Stored records for the storage tests: French articles about the subjects Veille keeps, built by number. */
import { createHash } from 'node:crypto';
import type { ArticleUpdate, Sighting, StoredArticle } from '../../src/storage/stored-article.js';

export const TEXTS = [
  { title: 'Vladimir Poutine reçoit Kim Jong Un au Kremlin', text: 'Le président russe a accueilli le dirigeant nord-coréen à Moscou pour renforcer le pacte de défense signé à Pyongyang.', terms: ['Poutine', 'Kim Jong Un'] },
  { title: 'Des soldats nord-coréens déployés dans la région de Koursk', text: 'Selon Kiev, plusieurs milliers de militaires venus de Corée du Nord combattent aux côtés des forces russes.', terms: ['nord-coréens', 'Koursk'] },
  { title: 'Sergueï Lavrov en visite à Wonsan', text: 'Le ministre russe des Affaires étrangères a rencontré son homologue Choe Son Hui, qui a salué le soutien de la Russie.', terms: ['Lavrov', 'Choe Son Hui'] },
] as const;

const hex = (seed: string, length: number) => createHash('sha256').update(seed).digest('hex').slice(0, length);

/** Article n (0-2 use TEXTS, then variations), kept `keptAt`. */
export function articleRecord(n: number, keptAt = new Date().toISOString()): StoredArticle {
  const base = TEXTS[n % TEXTS.length]!;
  const contentHash = hex(`article ${n}`, 64);
  return {
    kind: 'article',
    id: contentHash.slice(0, 24),
    contentHash,
    fingerprint: hex(`fp ${n}`, 16),
    article: {
      feedId: `feed-${n % 2}`,
      guid: `guid-${n}`,
      url: `https://exemple.fr/monde/${n}`,
      title: n < TEXTS.length ? base.title : `${base.title} (${n})`,
      summary: base.text,
      content: '',
      publishedAt: keptAt,
      fetchedAt: keptAt,
    },
    matches: [{
      watchId: 'ru-nk', ruleSetVersion: 'v1', score: 6, threshold: 4, topics: ['russia', 'north-korea'], reason: 'both topics',
      hits: base.terms.map((term) => ({ topic: 'russia', term, field: 'title' as const, start: 0, end: term.length, text: term, weight: 2 })),
    }],
    keptAt,
  };
}

export function sightingOf(article: StoredArticle, feedId: string, seenAt = new Date().toISOString()): Sighting {
  return { kind: 'sighting', articleId: article.id, feedId, url: `https://${feedId}.example/${article.id}`, title: article.article.title, distance: 2, contentHash: hex(`${feedId} ${article.id}`, 64), seenAt };
}

export function updateOf(article: StoredArticle, version: number): ArticleUpdate {
  return { kind: 'update', articleId: article.id, textHash: hex(`v${version}`, 16), article: { ...article.article, summary: `${article.article.summary} Version ${version}.` }, updatedAt: new Date().toISOString() };
}

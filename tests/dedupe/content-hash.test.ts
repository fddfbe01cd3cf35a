import { describe, expect, it } from 'vitest';
import { contentHash, foldForHash, identify } from '../../src/dedupe/content-hash.js';

const article = (title: string, summary: string, content = '') => ({ title, summary, content });

describe('foldForHash', () => {
  it.each([
    ['Pyongyang  et   Moscou', 'pyongyang et moscou'],
    ['L’armée NORD-CORÉENNE', 'l armee nord coreenne'],
    ['Œuvre « spéciale »… !', 'oeuvre speciale'],
    ['Kim\u00a0Jong\u2011un', 'kim jong un'],
  ])('%s → %s', (input, folded) => expect(foldForHash(input)).toBe(folded));
});

const LEAD = 'Le président russe a reçu lundi à Moscou la ministre nord-coréenne des Affaires étrangères, venue préparer une visite du dirigeant de Pyongyang.';
const SECOND = 'Les deux pays ont signé l’an dernier un accord de défense mutuelle, et des milliers de soldats nord-coréens ont combattu dans la région de Koursk.';

describe('contentHash', () => {
  it('is equal for the same text under different typography, case and site chrome', () => {
    const plain = article('Moscou reçoit la ministre nord-coréenne', `${LEAD}\n${SECOND}`);
    const chrome = article('MOSCOU REÇOIT LA MINISTRE NORD-CORÉENNE', [
      'Rechercher', 'Menu', `MOSCOU (AFP) - ${LEAD.toUpperCase()}`, 'PHOTO MIKHAIL KLIMENTYEV/AFP', 'Lire aussi : La Corée du Nord menace Séoul',
      SECOND.replace('’', "'"), 'Cet article est réservé aux abonnés', 'Partager', `${LEAD.slice(0, 60)}...`,
      'Note : Cet article a été édité avec l’aide de l’Intelligence Artificielle.',
    ].join('\n'));
    expect(contentHash(chrome)).toBe(contentHash(plain));
    expect(contentHash(plain)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when the words differ, and uses the content rather than the summary when there is one', () => {
    const base = contentHash(article('Titre', `${LEAD}\n${SECOND}`));
    expect(contentHash(article('Titre', `${LEAD}\n${SECOND.replace('milliers', 'centaines')}`))).not.toBe(base);
    expect(contentHash(article('Titre', 'Un résumé tout autre', `${LEAD}\n${SECOND}`))).toBe(base);
  });

  it('includes the title when the body is too short to identify the story alone', () => {
    expect(contentHash(article('Un titre', 'Dépêche brève.'))).not.toBe(contentHash(article('Un autre titre', 'Dépêche brève.')));
  });
});

describe('identify', () => {
  it('gives an article id of 96 bits and a text hash that sees title edits', () => {
    const a = identify(article('Titre', `${LEAD}\n${SECOND}`));
    const b = identify(article('Titre corrigé', `${LEAD}\n${SECOND}`));
    expect(a.articleId).toBe(a.contentHash.slice(0, 24));
    expect(b.contentHash).toBe(a.contentHash);
    expect(b.textHash).not.toBe(a.textHash);
    expect(b.fingerprint).toEqual(a.fingerprint);
  });
});

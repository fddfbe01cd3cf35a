import { describe, expect, it } from 'vitest';
import { contentHash, foldForHash } from '../../src/dedupe/content-hash.js';

const article = (title: string, summary: string, content = '') => ({ title, summary, content });

describe('foldForHash', () => {
  it.each([
    ['Pyongyang  et   Moscou', 'pyongyang et moscou'],
    ['L’armée NORD-CORÉENNE', 'l armee nord coreenne'],
    ['Œuvre « spéciale »… !', 'oeuvre speciale'],
    ['Kim\u00a0Jong\u2011un', 'kim jong un'],
  ])('%s → %s', (input, folded) => expect(foldForHash(input)).toBe(folded));
});

describe('contentHash', () => {
  it('is equal for the same text under different typography and case', () => {
    const a = contentHash(article('Poutine reçoit Kim Jong Un', 'Le dirigeant nord-coréen est arrivé à Moscou.'));
    const b = contentHash(article('POUTINE REÇOIT KIM JONG UN ', 'Le dirigeant nord‑coréen est arrivé à Moscou !'));
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when the words differ, and uses content over summary when present', () => {
    const base = contentHash(article('Titre', 'Résumé'));
    expect(contentHash(article('Titre', 'Résumé modifié'))).not.toBe(base);
    expect(contentHash(article('Titre', 'Autre résumé', 'Résumé'))).toBe(base);
    expect(contentHash(article('Titre long', 'Résumé'))).not.toBe(base);
  });
});

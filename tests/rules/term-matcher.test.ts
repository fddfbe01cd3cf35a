import { describe, expect, it } from 'vitest';
import { TermMatcher, type RawHit } from '../../src/rules/term-matcher.js';
import { compileTermPattern } from '../../src/rules/term-pattern.js';
import { normalizeText } from '../../src/rules/normalize-text.js';
import type { TopicConfig } from '../../src/rules/rules-config.js';

const TOPICS: TopicConfig[] = [
  { id: 'a', terms: ['russe~', 'Russie', 'Poutine', 'Kim Jong Un', 'nord-coréen~', 'coréen~', 'russo*', 'Moscou', 'Hwasong*'].map((term) => ({ term, weight: 1 })) },
  { id: 'b', terms: ['salade~ russe~', 'russe blanc', 'Moscou Idaho', 'sud-coréen~', 'poutine~ québécoise~', 'Kremlin-Bicêtre', 'Kremlin'].map((term) => ({ term, weight: 1 })) },
  { id: 'c', terms: ['/kim jong ?(?:un|eun)/', '/s ?\\d{3}/', 'russo* ukrainien~', 'путин', 'Pyongyang'].map((term) => ({ term, weight: 1 })) },
];

/** Reference: every term's own regex tried at every word start. */
function bruteForce(topics: TopicConfig[], text: string): string[] {
  const out: string[] = [];
  const patterns = [...new Set(topics.flatMap((t) => t.terms.map((x) => {
    const c = compileTermPattern(x.term);
    if (!c.ok) throw new Error(c.message);
    return c.pattern.source;
  })))];
  for (let i = 1; i < text.length; i++) {
    if (text[i - 1] !== ' ' || text[i] === ' ') continue;
    for (const p of patterns) {
      const re = new RegExp(`(?:${p})(?= )`, 'y');
      re.lastIndex = i;
      if (re.test(text)) out.push(`${i}-${re.lastIndex}:${p}`);
    }
  }
  return out.sort();
}

function describeHits(hits: RawHit[]): string[] {
  return hits.map((h) => `${h.start}-${h.end}:${h.term.pattern.source}`).sort();
}

describe('TermMatcher', () => {
  it.each([
    ['a look-alike phrase and the word inside it', 'La salade russe blanc et les salades russes'],
    ['a phrase continuing past a shorter match', 'moscou idaho et moscou et moscou idaho idaho'],
    ['inflections and prefixes', 'russes russe russie russo ukrainiens russophone nord coreennes coreens sud coreen'],
    ['regex terms beside trie terms', 'kim jong un et kim jongeun avec des s 400 et s400 hwasong 17 hwasong17'],
    ['non-latin letters', 'путин и пхеньян путин'],
    ['a term at the very start and end', 'russe'],
    ['nothing', 'la meteo de demain'],
    ['poutine the dish and the man', 'une poutine quebecoise pour poutine'],
  ])('finds exactly what trying every term at every word would: %s', (_name, input) => {
    const text = normalizeText(input).text;
    const matcher = new TermMatcher(TOPICS);
    expect(describeHits(matcher.scan(text))).toEqual(bruteForce(TOPICS, text));
    // A second scan uses the cached resolutions.
    expect(describeHits(matcher.scan(text))).toEqual(bruteForce(TOPICS, text));
  });

  it('returns hits in text order', () => {
    const hits = new TermMatcher(TOPICS).scan(normalizeText('kim jong un puis la salade russe puis s 400').text);
    expect(hits.map((h) => h.start)).toEqual([...hits.map((h) => h.start)].sort((a, b) => a - b));
  });

  it('matches the same text whether trie-only or with regex terms', () => {
    const trieOnly = TOPICS.slice(0, 2);
    const text = normalizeText('La salade russe blanc, Moscou Idaho, nord-coréennes et Kim Jong Un').text;
    expect(describeHits(new TermMatcher(trieOnly).scan(text))).toEqual(bruteForce(trieOnly, text));
  });

  it('agrees with the reference on random word soup', () => {
    const vocabulary = ['russe', 'russes', 'salade', 'blanc', 'moscou', 'idaho', 'kim', 'jong', 'un', 'nord', 'coreen', 'coreennes', 'sud', 'poutine', 'quebecoise', 'kremlin', 'bicetre', 'russo', 'ukrainien', 'la', 'de', 's', '400', 'hwasong', 'путин'];
    let seed = 7;
    const next = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed;
    };
    const matcher = new TermMatcher(TOPICS);
    const trieOnly = new TermMatcher(TOPICS.slice(0, 2));
    for (let round = 0; round < 200; round++) {
      const words = Array.from({ length: 1 + (next() % 12) }, () => vocabulary[next() % vocabulary.length]);
      const text = ` ${words.join(' ')} `;
      expect(describeHits(matcher.scan(text)), text).toEqual(bruteForce(TOPICS, text));
      expect(describeHits(trieOnly.scan(text)), text).toEqual(bruteForce(TOPICS.slice(0, 2), text));
    }
  });
});

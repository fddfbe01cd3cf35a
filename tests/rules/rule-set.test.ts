import { describe, expect, it } from 'vitest';
import { doc, firstWatch, ruleSetFrom } from './rules-from-yaml.js';
import type { MatchField } from '../../src/rules/rule-set.js';

const RU_NK = `
topics:
  russia:
    - { term: Russie, weight: 2 }
    - russe~
    - { term: Poutine, weight: 2 }
    - { term: Moscou, weight: 2 }
    - { term: Kremlin, weight: 2 }
    - { term: Koursk, weight: 2 }
  north-korea:
    - { term: Corée du Nord, weight: 2 }
    - { term: nord-coréen~, weight: 2 }
    - { term: Pyongyang, weight: 2 }
    - { term: Kim Jong Un, weight: 2 }
    - { term: Choe Son Hui, weight: 2 }
    - { term: coréen~, weight: 0.5 }
  look-alikes: [salade~ russe~, roulette~ russe~, montagne~ russe~, Hôtel Kremlin, Kremlin-Bicêtre, Moscou Idaho]
  south-korea: [Corée du Sud, sud-coréen~, Séoul]
  us-places: [Idaho]
watches:
  - id: ru-nk
    allOf: [russia, north-korea]
    not:
      - look-alikes
      - { topic: south-korea, neutralises: [north-korea] }
      - { topic: us-places, within: 8, neutralises: [russia] }
    minScore: 2
`;

describe('compileRuleSet', () => {
  const ruleSet = ruleSetFrom(RU_NK);

  it('keeps a document about both topics and explains why', () => {
    const r = firstWatch(ruleSet, { title: 'Poutine reçoit Kim Jong Un au Kremlin' });
    expect(r.kept).toBe(true);
    expect(r.watchId).toBe('ru-nk');
    expect(r.ruleSetVersion).toBe(ruleSet.version);
    expect(r.topicsMatched.sort()).toEqual(['north-korea', 'russia']);
    expect(r.partial).toBe(false);
    expect(r.threshold).toBe(2);
    expect(r.reason).toMatch(/^kept/);
    expect(r.reason).toContain('Poutine');
  });

  it('drops a document about one topic and marks it partial', () => {
    const r = firstWatch(ruleSet, { title: 'Poutine en visite à Koursk' });
    expect(r.kept).toBe(false);
    expect(r.partial).toBe(true);
    expect(r.reason).toContain('no north-korea term');
    expect(ruleSet.evaluate(doc({ title: 'Poutine en visite à Koursk' })).kept).toBe(false);
  });

  it('is not partial when nothing matches', () => {
    const r = firstWatch(ruleSet, { title: 'Météo : de la pluie sur la Bretagne' });
    expect(r).toMatchObject({ kept: false, partial: false, score: 0, hits: [] });
  });

  it('matches inflections, elisions and transliterations', () => {
    const r = firstWatch(ruleSet, {
      content: "L'armée RUSSE et les soldats nord\u2011coréennes; Kim Jong-un et Choe Son-hui à l’ambassade de Pyongyang.",
    });
    expect(r.hits.map((h) => h.text)).toEqual(['RUSSE', 'nord\u2011coréennes', 'Kim Jong-un', 'Choe Son-hui', 'Pyongyang']);
  });

  describe('offsets', () => {
    const text = 'Le “Kremlin” a reçu la ministre nord‑coréenne, Choe\u00a0Son\u00a0Hui, à Moscou. Les Russes l’ont saluée.';
    const r = firstWatch(ruleSet, { title: 'Diplomatie', summary: text, content: `Intro. ${text}` });
    it.each(r.hits.map((h) => [h.field, h.text, h] as const))('%s: "%s" points at the original text', (field, _text, hit) => {
      const source = doc({ title: 'Diplomatie', summary: text, content: `Intro. ${text}` })[field as MatchField];
      expect(source.slice(hit.start, hit.end)).toBe(hit.text);
    });
    it('reports both fields', () => {
      expect(new Set(r.hits.map((h) => h.field))).toEqual(new Set(['summary', 'content']));
    });
  });

  describe('exclusions neutralise look-alikes without vetoing the document', () => {
    it.each([
      ['salade russe', 'Kim Jong Un adore la salade russe'],
      ['roulettes russes', 'Pyongyang joue à la roulette russe avec ses missiles'],
      ['montagnes russes', 'Montagnes russes à Pyongyang : le parc rouvre'],
      ['Hôtel Kremlin', 'Un banquet nord-coréen à l’Hôtel Kremlin de Paris'],
      ['Kremlin-Bicêtre', 'Le Kremlin-Bicêtre accueille un film nord-coréen'],
      ['Moscou, Idaho', 'Un étudiant nord-coréen à Moscou, une petite ville de l’Idaho'],
    ])('%s', (_name, title) => {
      const r = firstWatch(ruleSet, { title });
      expect(r.kept).toBe(false);
      expect(r.reason).toContain('no russia term');
      expect(r.hits.some((h) => h.weight === 0)).toBe(true);
    });

    it('South Korea does not count as North Korea', () => {
      const r = firstWatch(ruleSet, { title: 'Le sud-coréen Samsung quitte la Russie', content: 'Séoul et Moscou, Corée du Sud.' });
      expect(r.kept).toBe(false);
      expect(r.topicsMatched).toEqual(['russia']);
    });

    it('Corée du Sud next to North Korea keeps the document', () => {
      const r = firstWatch(ruleSet, {
        title: 'La Corée du Nord envoie des troupes en Russie',
        content: 'La Corée du Sud et Séoul dénoncent le pacte entre Moscou et Pyongyang.',
      });
      expect(r.kept).toBe(true);
    });

    it('a look-alike does not hide a real mention elsewhere', () => {
      const r = firstWatch(ruleSet, { title: 'Salade russe au menu, Poutine à Pyongyang' });
      expect(r.kept).toBe(true);
      expect(r.hits.filter((h) => h.weight > 0).map((h) => h.text)).toEqual(['Poutine', 'Pyongyang']);
    });

    it('a look-alike only neutralises for the watch that excludes it', () => {
      const rs = ruleSetFrom(`${RU_NK}
  - id: no-exclusions
    allOf: [russia, north-korea]
`);
      const results = rs.evaluate(doc({ title: 'La salade russe de Pyongyang' })).watches;
      expect(results.map((w) => [w.watchId, w.kept])).toEqual([['ru-nk', false], ['no-exclusions', true]]);
      expect(rs.watchIds).toEqual(['ru-nk', 'no-exclusions']);
    });

    it('a veto drops the whole document', () => {
      const rs = ruleSetFrom(`
topics:
  russia: [Russie, Poutine]
  north-korea: [Pyongyang]
  satire: [Gorafi]
watches:
  - id: w
    allOf: [russia, north-korea]
    not: [{ topic: satire, veto: true }]
`);
      const r = firstWatch(rs, { title: 'Poutine à Pyongyang', content: 'Source : le Gorafi.' });
      expect(r.kept).toBe(false);
      expect(r.reason).toContain('vetoed by satire');
      expect(r.hits.find((h) => h.topic === 'satire')).toMatchObject({ text: 'Gorafi', weight: 0, field: 'content' });
    });
  });

  describe('proximity', () => {
    const rs = ruleSetFrom(`
topics:
  russia: [Russie]
  north-korea: [Pyongyang]
watches:
  - id: near
    allOf: [russia, north-korea]
    within: 5
`);
    const filler = (n: number): string => Array.from({ length: n }, () => 'mot').join(' ');

    it('keeps hits within N words', () => {
      expect(firstWatch(rs, { content: `La Russie ${filler(3)} Pyongyang` }).kept).toBe(true);
    });
    it('drops hits further apart and says how far', () => {
      const r = firstWatch(rs, { content: `La Russie ${filler(10)} Pyongyang` });
      expect(r.kept).toBe(false);
      expect(r.reason).toContain('never within 5 words (closest 11)');
    });
    it('does not pair hits across summary and content', () => {
      expect(firstWatch(rs, { summary: 'La Russie', content: 'Pyongyang' }).kept).toBe(false);
    });
    it('treats the title as near everything', () => {
      expect(firstWatch(rs, { title: 'La Russie', content: `${filler(30)} Pyongyang` }).kept).toBe(true);
    });
  });

  describe('field weights and threshold', () => {
    const rs = ruleSetFrom(`
topics:
  russia: [Russie]
  north-korea: [Pyongyang]
watches:
  - id: w
    allOf: [russia, north-korea]
    minScore: 3
    fieldWeights: { title: 3, summary: 2, content: 1 }
`);
    it('a title hit counts more than a body hit', () => {
      const title = firstWatch(rs, { title: 'Russie et Pyongyang' });
      const body = firstWatch(rs, { content: 'Russie et Pyongyang' });
      expect(title.score).toBe(3);
      expect(body.score).toBe(1);
      expect(title.kept).toBe(true);
      expect(body.kept).toBe(false);
      expect(body.reason).toContain('scored 1 < 3');
      expect(title.hits.map((h) => h.weight)).toEqual([3, 3]);
    });
    it('repeated body mentions add up to the threshold', () => {
      expect(firstWatch(rs, { content: 'Russie, Russie, Russie ; Pyongyang, Pyongyang et Pyongyang' }).kept).toBe(true);
    });
    it('the weakest group is the score', () => {
      expect(firstWatch(rs, { title: 'Russie', content: 'Pyongyang Pyongyang' }).score).toBe(2);
    });
  });

  describe('groups', () => {
    const rs = ruleSetFrom(`
topics:
  russia: [Russie]
  north-korea: [Pyongyang]
  china: [Pékin]
  iran: [Téhéran]
watches:
  - id: w
    allOf: [russia, [north-korea, china]]
    anyOf: [iran]
`);
    it('a list inside allOf is satisfied by any of its topics; anyOf is one more group', () => {
      expect(firstWatch(rs, { title: 'Russie, Pékin et Téhéran' }).kept).toBe(true);
      expect(firstWatch(rs, { title: 'Russie, Pyongyang et Téhéran' }).kept).toBe(true);
      const r = firstWatch(rs, { title: 'Russie et Pyongyang' });
      expect(r).toMatchObject({ kept: false, partial: true });
      expect(r.reason).toContain('no iran term');
    });
  });

  it('counts the same words once: the longer term wins', () => {
    const rs = ruleSetFrom(`
topics:
  russia: [Russie]
  north-korea: [Corée, Corée du Nord, nord-coréen*]
watches: [{ id: w, allOf: [russia, north-korea] }]
`);
    const r = firstWatch(rs, { content: 'Russie et Corée du Nord' });
    expect(r.hits.map((h) => [h.term, h.text])).toEqual([['Russie', 'Russie'], ['Corée du Nord', 'Corée du Nord']]);
    expect(r.score).toBe(1);
  });

  it('restricted regex terms match folded text', () => {
    const rs = ruleSetFrom(String.raw`
topics:
  russia: [Russie]
  north-korea: ['/hwasong ?\d+/', '/kim jong ?(?:un|eun)/']
watches: [{ id: w, allOf: [russia, north-korea] }]
`);
    const r = firstWatch(rs, { content: 'La Russie et le Hwasong-19 ; KIM JONGUN.' });
    expect(r.hits.map((h) => h.text)).toEqual(['Russie', 'Hwasong-19', 'KIM JONGUN']);
  });

  it('version is stable for the same rules and changes with them', () => {
    expect(ruleSetFrom(RU_NK).version).toBe(ruleSet.version);
    expect(ruleSet.version).toMatch(/^[0-9a-f]{12}$/);
    expect(ruleSetFrom(RU_NK.replace('minScore: 2', 'minScore: 3')).version).not.toBe(ruleSet.version);
  });
});

describe('an exclusion topic used by two NOT items', () => {
  const rs = ruleSetFrom(`
topics:
  russia: [Russie]
  north-korea: [Pyongyang, { term: coréen~, weight: 0.5 }]
  kim: [Kim]
  south-korea: [sud-coréen~, Séoul]
watches:
  - id: w
    allOf: [russia, [north-korea, kim]]
    not:
      - { topic: south-korea, neutralises: [north-korea] }
      - { topic: south-korea, within: 4, neutralises: [kim] }
`);

  it('applies each item and lists the exclusion hit once', () => {
    const r = firstWatch(rs, { title: 'Le ministre sud-coréen Kim Yong-hyun accuse la Russie' });
    expect(r.kept).toBe(false);
    expect(r.reason).toContain('no north-korea|kim term');
    expect(r.hits.filter((h) => h.weight === 0).map((h) => h.text)).toEqual(['sud-coréen']);
  });

  it('keeps a bare Kim away from South Korea', () => {
    expect(firstWatch(rs, { title: 'La Russie reçue par Kim', content: 'Séoul proteste.' }).kept).toBe(true);
  });
});

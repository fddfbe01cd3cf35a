import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { seedRules } from '../../src/rules/corpus-seeding.js';
import { formatSeededYaml } from '../../src/rules/seeded-yaml.js';
import { parseRules } from '../../src/rules/parse-rules.js';

// A small China × Iran corpus written for this test.
const DOCS = [
  { name: 'a.txt', text: "Le président chinois Xi Jinping a reçu à Pékin son homologue iranien Massoud Pezechkian. La Chine et l'Iran ont signé des accords sur le pétrole. Le ministre iranien Abbas Araghchi était présent." },
  { name: 'b.txt', text: "Téhéran et Pékin renforcent leur coopération. Selon le chef de la diplomatie iranienne Abbas Araghchi, la Chine achète l'essentiel du pétrole iranien. Xi Jinping doit se rendre en Iran." },
  { name: 'c.txt', text: "Des navires chinois et iraniens ont mené des exercices dans le golfe d'Oman. Pékin soutient Téhéran face aux sanctions américaines, a déclaré Araghchi. Les Chinois restent prudents." },
];

describe('seedRules', () => {
  const result = seedRules(DOCS);

  it('finds the countries present in every document and proposes a watch over them', () => {
    expect(result.watch).toEqual({ id: 'china-x-iran', allOf: ['china', 'iran'] });
    expect(result.topics.filter((t) => t.role === 'core').map((t) => t.id).sort()).toEqual(['china', 'iran']);
  });

  it('keeps provenance: documents, counts and surface forms', () => {
    const china = result.topics.find((t) => t.id === 'china');
    const demonym = china?.terms.find((t) => t.term === 'chinois~');
    expect(demonym).toMatchObject({ kind: 'demonym', docs: [0, 2], count: 3, weight: 1 });
    expect(demonym?.forms).toEqual(expect.arrayContaining(['chinois', 'Chinois']));
    expect(china?.terms.find((t) => t.term === 'Pékin')).toMatchObject({ kind: 'capital', docs: [0, 1, 2] });
  });

  it('assigns names to the country they are written next to and merges surnames', () => {
    const termsOf = (id: string) => result.topics.find((t) => t.id === id)?.terms.map((t) => t.term) ?? [];
    expect(termsOf('china')).toContain('Xi Jinping');
    expect(termsOf('iran')).toContain('Araghchi');
    expect(result.topics.flatMap((t) => t.terms).find((t) => t.term === 'Araghchi')).toMatchObject({ count: 3, docs: [0, 1, 2] });
  });

  it('does not propose ordinary French or one-off names', () => {
    const all = result.topics.flatMap((t) => t.terms.map((x) => x.term.toLowerCase()));
    for (const word of ['le', 'selon', 'les', 'des', 'oman', 'massoud pezechkian']) expect(all).not.toContain(word);
  });

  it('drops terms as frequent in the negatives', () => {
    const negatives = [
      { name: 'n1.txt', text: 'Xi Jinping a visité une usine automobile.' },
      { name: 'n2.txt', text: 'Xi Jinping appelle à la relance de la consommation.' },
    ];
    const seeded = seedRules(DOCS, { negatives });
    expect(seeded.topics.flatMap((t) => t.terms).map((t) => t.term)).not.toContain('Xi Jinping');
    expect(seeded.dropped).toContainEqual({ term: 'Xi Jinping', reason: 'in 2/2 negatives' });
  });

  it('writes YAML that parseRules accepts, with provenance comments', () => {
    const yamlText = formatSeededYaml(result, '2026-01-01');
    expect(yamlText).toContain('#   d1 = a.txt');
    expect(yamlText).toMatch(/- \{ term: Araghchi, weight: 2 \} +# name: 3\/3 docs \(d1,d2,d3\), 3×; seen as Araghchi/);
    const parsed = parseRules(parse(yamlText));
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
  });
});

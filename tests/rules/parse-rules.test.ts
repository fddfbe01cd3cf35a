import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseRules, type RuleConfigIssue } from '../../src/rules/parse-rules.js';

function issuesOf(yamlText: string): RuleConfigIssue[] {
  const result = parseRules(parse(yamlText));
  if (result.ok) throw new Error('expected invalid rules');
  return result.issues;
}

const TOPICS = `
topics:
  russia: [Russie, { term: Poutine, weight: 2 }]
  north-korea: { weight: 2, terms: [Pyongyang, nord-coréen~] }
  look-alikes: [salade russe]
`;

describe('parseRules', () => {
  it('accepts valid rules, applies defaults and ignores other keys', () => {
    const result = parseRules(parse(`${TOPICS}
settings: { anything: 1 }
feeds: []
watches:
  - id: ru-nk
    allOf: [russia, north-korea]
    not: [look-alikes]
`));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.rules.topics.map((t) => t.id)).toEqual(['russia', 'north-korea', 'look-alikes']);
    expect(result.rules.topics[1]?.terms).toEqual([{ term: 'Pyongyang', weight: 2 }, { term: 'nord-coréen~', weight: 2 }]);
    expect(result.rules.watches[0]).toEqual({
      id: 'ru-nk',
      allOf: [['russia'], ['north-korea']],
      anyOf: [],
      not: [{ topic: 'look-alikes', veto: false, within: 0, neutralises: null }],
      minScore: 1,
      within: null,
      fieldWeights: { title: 3, summary: 2, content: 1 },
    });
  });

  it.each([
    ['not a mapping', 'just text', '', 'mapping'],
    ['missing watches', 'topics: { russia: [Russie] }', 'watches', 'required'],
    ['missing topics', 'watches: [{ id: w, anyOf: [russia] }]', 'topics', 'required'],
    ['empty watch list', `${TOPICS}\nwatches: []`, 'watches', 'at least one watch'],
    ['term of the wrong type', 'topics: { russia: [Russie, 42] }\nwatches: [{ id: w, anyOf: [russia] }]', 'topics.russia.terms[1]', 'a term is a string'],
    ['empty topic', 'topics: { russia: [] }\nwatches: [{ id: w, anyOf: [russia] }]', 'topics.russia.terms', 'at least one term'],
    ['negative weight', 'topics: { russia: [{ term: Russie, weight: -1 }] }\nwatches: [{ id: w, anyOf: [russia] }]', 'topics.russia.terms[0].weight', 'positive'],
    ['bad topic id', 'topics: { Russia: [Russie] }\nwatches: [{ id: w, anyOf: [Russia] }]', 'topics.Russia', 'lowercase'],
    ['unknown topic in allOf', `${TOPICS}\nwatches: [{ id: w, allOf: [russia, china] }]`, 'watches[0].allOf[1]', 'unknown topic "china"'],
    ['unknown topic in a nested group', `${TOPICS}\nwatches: [{ id: w, allOf: [russia, [north-korea, iran]] }]`, 'watches[0].allOf[1][1]', 'unknown topic "iran"'],
    ['unknown topic in not', `${TOPICS}\nwatches: [{ id: w, allOf: [russia], not: [homonyms] }]`, 'watches[0].not[0]', 'unknown topic "homonyms"'],
    ['typo in a watch key', `${TOPICS}\nwatches: [{ id: w, allof: [russia] }]`, 'watches[0]', 'allof'],
    ['watch without topics', `${TOPICS}\nwatches: [{ id: w }]`, 'watches[0]', 'needs allOf or anyOf'],
    ['topic both required and excluded', `${TOPICS}\nwatches: [{ id: w, allOf: [russia], not: [russia] }]`, 'watches[0].not[0]', 'both required and excluded'],
    ['topic in two groups', `${TOPICS}\nwatches: [{ id: w, allOf: [russia, russia] }]`, 'watches[0].allOf[1]', 'already used'],
    ['neutralises a topic outside the watch', `${TOPICS}\nwatches: [{ id: w, allOf: [russia], not: [{ topic: look-alikes, neutralises: [north-korea] }] }]`, 'watches[0].not[0].neutralises[0]', 'not an allOf/anyOf topic'],
    ['veto with within', `${TOPICS}\nwatches: [{ id: w, allOf: [russia], not: [{ topic: look-alikes, veto: true, within: 3 }] }]`, 'watches[0].not[0]', 'veto'],
    ['duplicate watch id', `${TOPICS}\nwatches: [{ id: w, anyOf: [russia] }, { id: w, anyOf: [russia] }]`, 'watches[1].id', 'duplicate watch id'],
    ['within of zero', `${TOPICS}\nwatches: [{ id: w, anyOf: [russia], within: 0 }]`, 'watches[0].within', 'at least 1'],
    ['negative field weight', `${TOPICS}\nwatches: [{ id: w, anyOf: [russia], fieldWeights: { title: -1 } }]`, 'watches[0].fieldWeights.title', ''],
    ['unknown field', `${TOPICS}\nwatches: [{ id: w, anyOf: [russia], fieldWeights: { body: 2 } }]`, 'watches[0].fieldWeights', 'body'],
  ])('rejects %s', (_name, yamlText, path, message) => {
    const issues = issuesOf(yamlText);
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.message).toContain(message);
  });

  it.each([
    ['an unclosed pattern', '/kim jong', 'must end with "/"'],
    ['a pattern that does not compile', '/kim (?:jong/', 'does not compile'],
    ['a capturing group', '/kim (jong|il)/', 'capturing groups'],
    ['a lookahead', '/kim(?= jong)/', 'lookarounds'],
    ['an anchor', '/^kim/', 'anchors'],
    ['a word boundary', '/\\bkim/', 'anchors'],
    ['a backreference', '/(?:a)\\1/', 'backreferences'],
    ['a nested quantifier', '/(?:a+)+/', 'nested quantifiers'],
    ['uppercase in a pattern', '/Kim/', 'folded form'],
    ['accents in a pattern', '/corée/', 'folded form'],
    ['a pattern matching the empty string', '/(?:kim)?/', 'empty string'],
    ['a wildcard not at a word end', 'nord*coréen', 'must end a word'],
    ['a lone wildcard', '*', 'must follow a letter'],
    ['punctuation only', '« — »', 'no letters or digits'],
    ['a duplicate once folded', 'POUTINE', 'duplicates terms[1]'],
  ])('rejects %s with the term path', (_name, term, message) => {
    const issues = issuesOf(`
topics:
  russia: [Russie, Poutine, ${JSON.stringify(term)}]
watches: [{ id: w, anyOf: [russia] }]
`);
    expect(issues).toEqual([{ path: 'topics.russia.terms[2]', message: expect.stringContaining(message) }]);
  });

  it('reports every problem at once', () => {
    const issues = issuesOf(`
topics:
  russia: [Russie, '/(x)/']
watches:
  - { id: a, allOf: [russia, china] }
  - { id: b, anyOf: [iran] }
`);
    expect(issues.map((i) => i.path)).toEqual(['topics.russia.terms[1]', 'watches[0].allOf[1]', 'watches[1].anyOf[0]']);
  });

  it('never throws', () => {
    for (const raw of [null, undefined, 42, [], 'x', { topics: null, watches: null }, { topics: { a: { terms: 'x' } }, watches: [{}] }]) {
      expect(() => parseRules(raw)).not.toThrow();
      expect(parseRules(raw).ok).toBe(false);
    }
  });
});

describe('parseRules reports both sections', () => {
  it('checks topics even when watches are structurally broken', () => {
    const issues = issuesOf(`
topics:
  russia: [Russie, '/(x)/']
watches:
  - { id: w, allOf: [russia], minScore: -1 }
`);
    expect(issues.map((i) => i.path)).toEqual(['watches[0].minScore', 'topics.russia.terms[1]']);
  });
});

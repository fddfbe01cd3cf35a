import { describe, expect, it } from 'vitest';
import { evaluateLabelled, formatLabelledReport, parseLabelledJsonl } from '../../src/rules/labelled-set.js';
import { ruleSetFrom } from './rules-from-yaml.js';

const line = (o: Record<string, unknown>): string => JSON.stringify(o);

describe('parseLabelledJsonl', () => {
  it('reads items and skips blank lines', () => {
    const result = parseLabelledJsonl(`${line({ id: 'a', title: 'T', text: 'x', label: 'relevant' })}\n\n${line({ id: 'b', title: 'U', text: '', label: 'irrelevant' })}\n`);
    expect(result).toEqual({ ok: true, items: [
      { id: 'a', title: 'T', text: 'x', label: 'relevant' },
      { id: 'b', title: 'U', text: '', label: 'irrelevant' },
    ] });
  });

  it.each([
    ['{"id": "a"', 'not JSON'],
    ['[1]', 'expected an object'],
    [line({ id: '', title: '', text: '', label: 'relevant' }), '"id"'],
    [line({ id: 'a', title: 1, text: '', label: 'relevant' }), '"title"'],
    [line({ id: 'a', title: '', label: 'relevant' }), '"text"'],
    [line({ id: 'a', title: '', text: '', label: 'maybe' }), '"label"'],
  ])('names the bad line: %s', (bad, message) => {
    const result = parseLabelledJsonl(`${line({ id: 'ok', title: '', text: '', label: 'relevant' })}\n${bad}`);
    expect(result).toMatchObject({ ok: false, line: 2, message: expect.stringContaining(message) });
  });

  it('rejects duplicate ids', () => {
    const item = line({ id: 'a', title: '', text: '', label: 'relevant' });
    expect(parseLabelledJsonl(`${item}\n${item}`)).toMatchObject({ ok: false, line: 2, message: 'duplicate id "a"' });
  });
});

describe('evaluateLabelled', () => {
  const ruleSet = ruleSetFrom(`
topics:
  russia: [Russie]
  north-korea: [Pyongyang]
watches: [{ id: w, allOf: [russia, north-korea] }]
`);
  const items = [
    { id: 'tp', title: 'Russie et Pyongyang', text: '', label: 'relevant' as const },
    { id: 'fn', title: 'Moscou et la Corée du Nord', text: '', label: 'relevant' as const },
    { id: 'fp', title: 'Russie', text: 'Pyongyang', label: 'irrelevant' as const },
    { id: 'tn', title: 'Météo', text: '', label: 'irrelevant' as const },
    { id: 'tn2', title: 'Russie', text: '', label: 'irrelevant' as const },
  ];

  it('counts the confusion matrix and explains each error', () => {
    const report = evaluateLabelled(ruleSet, items);
    expect(report).toMatchObject({ tp: 1, fp: 1, fn: 1, tn: 2, precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(report.errors.map((e) => [e.id, e.predicted])).toEqual([['fn', 'irrelevant'], ['fp', 'relevant']]);
    expect(report.errors[0]?.reasons[0]).toMatch(/^w: not kept: no russia term/);
    const text = formatLabelledReport(report, 'set.jsonl').join('\n');
    expect(text).toContain('precision 50.0%  recall 50.0%  F1 0.500');
    expect(text).toContain('MISSED fn: Moscou et la Corée du Nord');
    expect(text).toContain('FALSE POSITIVE fp: Russie');
  });

  it('reports 0, not NaN, when nothing is kept', () => {
    expect(evaluateLabelled(ruleSet, [items[3]!])).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseRules } from '../../src/rules/parse-rules.js';
import { compileRuleSet } from '../../src/rules/rule-set.js';
import { evaluateLabelled, parseLabelledJsonl } from '../../src/rules/labelled-set.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('the shipped rules on the labelled development set', () => {
  const parsed = parseRules(parse(readFileSync(path.join(REPO_ROOT, 'config', 'watchlist.yaml'), 'utf8')));
  const labelled = parseLabelledJsonl(readFileSync(path.join(import.meta.dirname, 'dev-set.jsonl'), 'utf8'));

  it('parse', () => {
    expect(parsed.ok).toBe(true);
    expect(labelled.ok).toBe(true);
  });

  it('reach F1 ≥ 0.97', () => {
    if (!parsed.ok || !labelled.ok) throw new Error('setup failed');
    expect(labelled.items.length).toBeGreaterThanOrEqual(80);
    const report = evaluateLabelled(compileRuleSet(parsed.rules), labelled.items);
    const errors = report.errors.map((e) => `${e.label === 'relevant' ? 'missed' : 'false positive'} ${e.id} "${e.title}": ${e.reasons.join(' | ')}`);
    expect(report.f1, errors.join('\n')).toBeGreaterThanOrEqual(0.97);
  });
});

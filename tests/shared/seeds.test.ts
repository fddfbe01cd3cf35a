/**
 * The five real French seed articles (outside the repo, ../shared/corpus/seeds) must all
 * be kept by the shipped watchlist's rules. Runs under `npm run test:shared` only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseRules } from '../../src/rules/parse-rules.js';
import { compileRuleSet } from '../../src/rules/rule-set.js';
import { documentFromText } from '../../src/cli/rules-commands.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const SEEDS = path.resolve(REPO_ROOT, '..', 'shared', 'corpus', 'seeds');

const parsed = parseRules(parse(readFileSync(path.join(REPO_ROOT, 'config', 'watchlist.yaml'), 'utf8')));
if (!parsed.ok) throw new Error(parsed.issues.map((i) => `config/watchlist.yaml: ${i.path}: ${i.message}`).join('\n'));
const ruleSet = compileRuleSet(parsed.rules);
const files = readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort();

describe('seed articles', () => {
  it('are all there', () => {
    expect(files).toHaveLength(5);
  });

  it.each(files)('%s is kept by ru-nk, with an explanation', (file) => {
    const doc = documentFromText(readFileSync(path.join(SEEDS, file), 'utf8'));
    const evaluation = ruleSet.evaluate(doc);
    const watch = evaluation.watches.find((w) => w.watchId === 'ru-nk');
    expect(watch?.kept, watch?.reason).toBe(true);
    expect(evaluation.kept).toBe(true);
    expect(watch?.reason).toMatch(/^kept: /);
    expect(watch?.topicsMatched).toEqual(expect.arrayContaining(['russia', 'north-korea']));
    for (const hit of watch?.hits ?? []) expect(doc[hit.field].slice(hit.start, hit.end)).toBe(hit.text);
  });
});

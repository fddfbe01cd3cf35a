/** Test fixture: YAML rules text → compiled RuleSet, failing loudly on invalid rules. */
import { parse } from 'yaml';
import { parseRules } from '../../src/rules/parse-rules.js';
import { compileRuleSet, type MatchDocument, type RuleSet, type WatchResult } from '../../src/rules/rule-set.js';

export function ruleSetFrom(yamlText: string): RuleSet {
  const parsed = parseRules(parse(yamlText));
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return compileRuleSet(parsed.rules);
}

export function doc(partial: Partial<MatchDocument>): MatchDocument {
  return { title: '', summary: '', content: '', ...partial };
}

export function firstWatch(ruleSet: RuleSet, partial: Partial<MatchDocument>): WatchResult {
  const result = ruleSet.evaluate(doc(partial)).watches[0];
  if (result === undefined) throw new Error('no watch');
  return result;
}

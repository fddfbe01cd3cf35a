/**
 * Reading rules from a YAML file for the `veille rules` commands: the only I/O of
 * src/rules. Problems come back as `<file>: <path>: <message>` lines.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseRules } from './parse-rules.js';
import { compileRuleSet, type RuleSet } from './rule-set.js';

export const DEFAULT_RULES_FILE = 'config/watchlist.yaml';

export type RulesFileResult = { ok: true; file: string; ruleSet: RuleSet } | { ok: false; file: string; problems: string[] };

/** Loads `file` (default config/watchlist.yaml from the working directory) and compiles its rules. */
export async function loadRulesFile(file: string = DEFAULT_RULES_FILE): Promise<RulesFileResult> {
  const resolved = path.resolve(file);
  let text: string;
  try {
    text = await readFile(resolved, 'utf8');
  } catch (error) {
    return { ok: false, file: resolved, problems: [`${resolved}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`] };
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return { ok: false, file: resolved, problems: [`${resolved}: invalid YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  const parsed = parseRules(raw);
  if (!parsed.ok) {
    return { ok: false, file: resolved, problems: parsed.issues.map((i) => `${resolved}: ${i.path || '(top level)'}: ${i.message}`) };
  }
  return { ok: true, file: resolved, ruleSet: compileRuleSet(parsed.rules) };
}

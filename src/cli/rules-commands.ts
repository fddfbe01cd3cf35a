/**
 * `veille rules seed|test|eval`: derive candidate rules from a corpus, explain the
 * evaluation of one text, and measure the rules against a labelled set. The same
 * parseRules/compileRuleSet the daemon uses; the watchlist is read directly, so a
 * rules problem is reported even when other sections are still being edited.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { loadRulesFile, DEFAULT_RULES_FILE } from '../rules/rules-file.js';
import { seedRules, type SeedDocument } from '../rules/corpus-seeding.js';
import { formatSeededYaml } from '../rules/seeded-yaml.js';
import { evaluateLabelled, formatLabelledReport, parseLabelledJsonl } from '../rules/labelled-set.js';
import type { Evaluation, MatchDocument, RuleSet } from '../rules/rule-set.js';
import { CliError } from './cli-error.js';

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** `veille rules eval … | head` closes stdout early: stop quietly rather than crash on EPIPE. */
function stopQuietlyWhenStdoutCloses(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

async function readInput(file: string, what: string): Promise<string> {
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`rules ${what}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

async function loadRuleSet(cmd: Command): Promise<RuleSet> {
  const { config } = cmd.optsWithGlobals<{ config?: string }>();
  // The same default as every other command: --config, else $VEILLE_CONFIG, else config/watchlist.yaml.
  const loaded = await loadRulesFile(config ?? process.env.VEILLE_CONFIG ?? DEFAULT_RULES_FILE);
  if (!loaded.ok) throw new CliError(loaded.problems.join('\n'));
  return loaded.ruleSet;
}

/** First non-empty line is the title, the rest the content. */
export function documentFromText(text: string): MatchDocument {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const titleIndex = lines.findIndex((l) => l.trim().length > 0);
  if (titleIndex < 0) return { title: '', summary: '', content: '' };
  return { title: (lines[titleIndex] as string).trim(), summary: '', content: lines.slice(titleIndex + 1).join('\n').trim() };
}

export function formatEvaluation(evaluation: Evaluation, doc: MatchDocument): string[] {
  const lines = [`${evaluation.kept ? 'KEPT' : 'DROPPED'}: ${doc.title || '(no title)'}`];
  for (const w of evaluation.watches) {
    lines.push(`  ${w.watchId} (rules ${w.ruleSetVersion}): ${w.kept ? 'kept' : 'not kept'}, score ${w.score}/${w.threshold}${w.partial ? ', partial' : ''}`);
    lines.push(`    ${w.reason}`);
    for (const h of w.hits) {
      const at = `${h.field}[${h.start}..${h.end}]`;
      lines.push(`    ${h.weight === 0 ? '-' : '+'} ${h.topic.padEnd(14)} ${JSON.stringify(h.text).padEnd(28)} ${at.padEnd(22)} ${h.weight === 0 ? 'exclusion' : `weight ${h.weight}`}  (${h.term})`);
    }
  }
  return lines;
}

async function seedCommand(files: string[], opts: { out?: string; negatives?: string[] }): Promise<void> {
  const read = async (file: string): Promise<SeedDocument> => ({ name: path.basename(file), text: await readInput(file, 'seed') });
  const documents = await Promise.all(files.map(read));
  const negatives = await Promise.all((opts.negatives ?? []).map(read));
  const result = seedRules(documents, { negatives });
  const yamlText = formatSeededYaml(result, new Date().toISOString().slice(0, 10));
  if (opts.out === undefined) {
    process.stdout.write(yamlText);
    return;
  }
  await writeFile(opts.out, yamlText);
  const summary = result.topics.map((t) => `${t.id} (${t.role}, ${t.terms.length} terms)`).join(', ');
  out(`${opts.out}: ${summary}; watch ${result.watch.id}: allOf [${result.watch.allOf.join(', ')}]`);
}

export function registerRulesCommands(program: Command): void {
  const rules = program
    .command('rules')
    .description('relevance rules: seed them from a corpus, explain one text, evaluate a labelled set (docs/rules.md)')
    .hook('preAction', stopQuietlyWhenStdoutCloses);

  rules
    .command('seed')
    .description('derive candidate topics and a watch from relevant articles; terms carry their provenance as comments')
    .argument('<files...>', 'plain-text articles, all relevant')
    .option('-o, --out <file>', 'write the YAML here instead of stdout')
    .option('--negatives <files...>', 'irrelevant articles: terms as common there are dropped')
    .action(seedCommand);

  rules
    .command('test')
    .description('evaluate one text (first line = title, rest = content) and explain every watch')
    .argument('<file>', 'a text file, or - for stdin')
    .option('-c, --config <file>', `rules file (default: $VEILLE_CONFIG or ${DEFAULT_RULES_FILE})`)
    .option('--json', 'print the Evaluation as JSON')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
      const ruleSet = await loadRuleSet(cmd);
      const doc = documentFromText(await readInput(file, 'test'));
      const evaluation = ruleSet.evaluate(doc);
      if (opts.json) out(JSON.stringify({ document: doc, ...evaluation }, null, 2));
      else formatEvaluation(evaluation, doc).forEach(out);
    });

  rules
    .command('eval')
    .description('precision, recall and F1 over labelled JSONL ({"id","title","text","label"}), with every error explained')
    .argument('<labelled>', 'a .jsonl file, or - for stdin')
    .option('-c, --config <file>', `rules file (default: $VEILLE_CONFIG or ${DEFAULT_RULES_FILE})`)
    .option('--json', 'print {"precision","recall","f1","tp","fp","fn","tn","errors"}')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
      const ruleSet = await loadRuleSet(cmd);
      const parsed = parseLabelledJsonl(await readInput(file, 'eval'));
      if (!parsed.ok) throw new CliError(`rules eval: ${file}:${parsed.line}: ${parsed.message}`);
      const report = evaluateLabelled(ruleSet, parsed.items);
      if (opts.json) {
        out(JSON.stringify({
          ...report,
          errors: report.errors.map(({ watches: _watches, ...rest }) => rest),
        }, null, 2));
      } else {
        formatLabelledReport(report, file).forEach(out);
      }
    });
}

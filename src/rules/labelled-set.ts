/**
 * Labelled articles (one JSON object per line) and the precision/recall report of a
 * RuleSet over them. Pure: the CLI and the dev-set test read the file and call these.
 */
import type { RuleSet, WatchResult } from './rule-set.js';

export type Label = 'relevant' | 'irrelevant';

export interface LabelledItem {
  id: string;
  title: string;
  /** Body text; matched as the `content` field (summary left empty). */
  text: string;
  label: Label;
}

export type LabelledParseResult = { ok: true; items: LabelledItem[] } | { ok: false; line: number; message: string };

/** Parses JSONL; the first bad line stops with its 1-based number and the problem. */
export function parseLabelledJsonl(jsonl: string): LabelledParseResult {
  const items: LabelledItem[] = [];
  const ids = new Set<string>();
  const lines = jsonl.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line.length === 0) continue;
    const fail = (message: string): LabelledParseResult => ({ ok: false, line: i + 1, message });
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return fail(`not JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected an object {"id","title","text","label"}');
    const { id, title, text, label } = value as Record<string, unknown>;
    if (typeof id !== 'string' || id.length === 0) return fail('"id" must be a non-empty string');
    if (ids.has(id)) return fail(`duplicate id "${id}"`);
    if (typeof title !== 'string') return fail('"title" must be a string');
    if (typeof text !== 'string') return fail('"text" must be a string');
    if (label !== 'relevant' && label !== 'irrelevant') return fail('"label" must be "relevant" or "irrelevant"');
    ids.add(id);
    items.push({ id, title, text, label });
  }
  return { ok: true, items };
}

export interface LabelledError {
  id: string;
  title: string;
  label: Label;
  predicted: Label;
  /** The reason of every watch, so a miss shows what each one saw. */
  reasons: string[];
  watches: WatchResult[];
}

export interface LabelledReport {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  errors: LabelledError[];
}

export function evaluateLabelled(ruleSet: RuleSet, items: readonly LabelledItem[]): LabelledReport {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const errors: LabelledError[] = [];
  for (const item of items) {
    const evaluation = ruleSet.evaluate({ title: item.title, summary: '', content: item.text });
    const predicted: Label = evaluation.kept ? 'relevant' : 'irrelevant';
    if (predicted === 'relevant' && item.label === 'relevant') tp++;
    else if (predicted === 'relevant') fp++;
    else if (item.label === 'relevant') fn++;
    else tn++;
    if (predicted !== item.label) {
      errors.push({
        id: item.id,
        title: item.title,
        label: item.label,
        predicted,
        reasons: evaluation.watches.map((w) => `${w.watchId}: ${w.reason}`),
        watches: evaluation.watches,
      });
    }
  }
  // With nothing predicted (or nothing relevant) the ratio is undefined: report 0, not NaN.
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, tp, fp, fn, tn, errors };
}

export function formatLabelledReport(report: LabelledReport, source: string): string[] {
  const pct = (n: number): string => `${(n * 100).toFixed(1)}%`;
  const lines = [
    `${source}: ${report.tp + report.fp + report.fn + report.tn} articles`,
    `precision ${pct(report.precision)}  recall ${pct(report.recall)}  F1 ${report.f1.toFixed(3)}`,
    '',
    '                 labelled relevant  labelled irrelevant',
    `  kept           ${String(report.tp).padStart(17)}  ${String(report.fp).padStart(19)}`,
    `  dropped        ${String(report.fn).padStart(17)}  ${String(report.tn).padStart(19)}`,
  ];
  if (report.errors.length > 0) {
    lines.push('', `${report.errors.length} error${report.errors.length > 1 ? 's' : ''}:`);
    for (const e of report.errors) {
      lines.push(`  ${e.label === 'relevant' ? 'MISSED' : 'FALSE POSITIVE'} ${e.id}: ${e.title}`);
      for (const r of e.reasons) lines.push(`    ${r}`);
    }
  }
  return lines;
}

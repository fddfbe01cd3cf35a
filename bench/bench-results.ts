/** Summaries of repeated runs and where their JSON goes. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './veille-roles.js';

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** "1234 (1200–1250)" or "1234" for a single run. */
export function formatSpread(s: Spread, digits = 0): string {
  const f = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

export function resultsDir(out?: string): string {
  const dir = out ?? path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeResult(dir: string, name: string, result: unknown): string {
  const file = path.join(dir, `${name}-latest.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

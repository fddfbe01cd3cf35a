import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerRulesCommands } from '../../src/cli/rules-commands.js';

const RULES = `
settings: { ignored: true }
topics:
  russia: [Russie, Poutine]
  north-korea: [Pyongyang, Kim Jong Un]
watches: [{ id: ru-nk, allOf: [russia, north-korea] }]
`;

let dir: string;
let config: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'veille-rules-'));
  config = path.join(dir, 'rules.yaml');
  await writeFile(config, RULES);
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function run(...args: string[]): Promise<string> {
  let output = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output += String(chunk);
    return true;
  });
  const program = new Command('veille').exitOverride().option('-c, --config <file>');
  registerRulesCommands(program);
  await program.parseAsync(['node', 'veille', ...args]);
  return output;
}

describe('veille rules test', () => {
  it('explains the evaluation of a text file (first line = title)', async () => {
    const file = path.join(dir, 'article.txt');
    await writeFile(file, 'Poutine reçoit Kim Jong-un\n\nÀ Pyongyang, la Russie…\n');
    const output = await run('rules', 'test', file, '--config', config);
    expect(output).toContain('KEPT: Poutine reçoit Kim Jong-un');
    expect(output).toContain('ru-nk');
    expect(output).toMatch(/\+ north-korea +"Kim Jong-un" +title\[15\.\.26\]/);
  });

  it('prints JSON with --json', async () => {
    const file = path.join(dir, 'other.txt');
    await writeFile(file, 'Météo\nIl pleut.');
    const json = JSON.parse(await run('rules', 'test', file, '--config', config, '--json')) as { kept: boolean; document: { title: string } };
    expect(json).toMatchObject({ kept: false, document: { title: 'Météo', content: 'Il pleut.' } });
  });

  it('reports invalid rules as <file>: <path>: <message>', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'topics: { russia: ["/(x)/"] }\nwatches: [{ id: w, allOf: [russia, china] }]\n');
    await expect(run('rules', 'test', bad, '--config', bad)).rejects.toThrow(
      `${bad}: topics.russia.terms[0]: invalid pattern /(x)/: use (?: ) instead of capturing groups\n${bad}: watches[0].allOf[1]: unknown topic "china"`,
    );
  });
});

describe('veille rules eval', () => {
  it('prints precision, recall, F1 and the errors as JSON', async () => {
    const file = path.join(dir, 'set.jsonl');
    await writeFile(file, [
      { id: '1', title: 'Poutine à Pyongyang', text: '', label: 'relevant' },
      { id: '2', title: 'Kim Jong Un en Chine', text: 'Rien sur Moscou.', label: 'relevant' },
      { id: '3', title: 'Météo', text: '', label: 'irrelevant' },
    ].map((o) => JSON.stringify(o)).join('\n'));
    const report = JSON.parse(await run('rules', 'eval', file, '--config', config, '--json')) as Record<string, unknown>;
    expect(report).toMatchObject({ precision: 1, recall: 0.5, tp: 1, fp: 0, fn: 1, tn: 1 });
    expect(report.f1).toBeCloseTo(2 / 3);
    expect(report.errors).toEqual([expect.objectContaining({ id: '2', label: 'relevant', predicted: 'irrelevant' })]);
    const text = await run('rules', 'eval', file, '--config', config);
    expect(text).toContain('MISSED 2: Kim Jong Un en Chine');
  });

  it('fails with the file and line of unreadable input', async () => {
    const file = path.join(dir, 'broken.jsonl');
    await writeFile(file, '{"id":"1","title":"","text":"","label":"relevant"}\n{oops\n');
    await expect(run('rules', 'eval', file, '--config', config)).rejects.toThrow(`rules eval: ${file}:2: not JSON`);
    await expect(run('rules', 'eval', path.join(dir, 'missing.jsonl'), '--config', config)).rejects.toThrow('cannot read');
  });
});

describe('veille rules seed', () => {
  it('writes candidate rules with provenance', async () => {
    const a = path.join(dir, 'seed-a.txt');
    const b = path.join(dir, 'seed-b.txt');
    await writeFile(a, 'La Russie et la Corée du Nord : le ministre russe Sergueï Lavrov à Pyongyang. Le Russe Lavrov a salué la Corée du Nord.');
    await writeFile(b, 'À Moscou, Lavrov reçoit la ministre nord-coréenne. La Russie remercie Pyongyang.');
    const out = path.join(dir, 'seeded.yaml');
    const summary = await run('rules', 'seed', a, b, '--out', out);
    expect(summary).toContain('russia (core');
    const printed = await run('rules', 'seed', a, b);
    expect(printed).toContain('allOf: [russia, north-korea]');
    expect(printed).toMatch(/Lavrov, weight: 2 \} +# name: 2\/2 docs/);
  });
});

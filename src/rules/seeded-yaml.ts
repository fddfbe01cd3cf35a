/**
 * Writes a SeedResult as a rules file (topics + one watch) whose comments carry each
 * term's provenance, ready to review and copy below the marker of the watchlist.
 */
import type { SeedResult, SeededTerm, SeededTopic } from './corpus-seeding.js';

/** Plain YAML scalar when safe, else a JSON (double-quoted) string, which YAML accepts. */
function scalar(s: string): string {
  return /^[\p{L}\p{N}][\p{L}\p{N} \u2019'.-]*[\p{L}\p{N}*~]?$/u.test(s) && !/^(?:true|false|null|yes|no|on|off|~)$/i.test(s)
    ? s
    : JSON.stringify(s);
}

function provenance(t: SeededTerm, docCount: number, negativeCount: number): string {
  const docs = t.docs.map((d) => `d${d + 1}`).join(',');
  const forms = t.forms.slice(0, 4).join(' / ');
  const negatives = negativeCount > 0 ? `, ${t.negativeDocs}/${negativeCount} negatives` : '';
  return `${t.kind}: ${t.docs.length}/${docCount} docs (${docs}), ${t.count}×${negatives}; seen as ${forms}`;
}

function topicLines(topic: SeededTopic, result: SeedResult): string[] {
  const role = topic.role === 'core'
    ? 'core: in (nearly) every document, required by the watch'
    : topic.role === 'context'
      ? 'context: seen in the corpus but not required; keep as a topic or delete'
      : 'unassigned: names not clearly written next to one country; move them or delete';
  const lines = [`  # ${role}`, `  ${topic.id}:`, '    terms:'];
  const width = Math.max(...topic.terms.map((t) => `      - { term: ${scalar(t.term)}, weight: ${t.weight} }`.length));
  for (const t of topic.terms) {
    const item = `      - { term: ${scalar(t.term)}, weight: ${t.weight} }`;
    lines.push(`${item.padEnd(width)}  # ${provenance(t, result.documents.length, result.negatives.length)}`);
  }
  if (topic.unseen.length > 0) lines.push(`      # not seen in the corpus: ${topic.unseen.join(', ')}`);
  return lines;
}

export function formatSeededYaml(result: SeedResult, generatedAt: string): string {
  const lines = [
    `# Candidate rules seeded by \`veille rules seed\` on ${generatedAt}`,
    `# from ${result.documents.length} document${result.documents.length === 1 ? '' : 's'}`
      + (result.negatives.length > 0 ? ` and ${result.negatives.length} negatives:` : ':'),
    ...result.documents.map((d, i) => `#   d${i + 1} = ${d}`),
    '# Each term says where it was seen (documents, occurrences, surface forms).',
    '# Review, then copy what you keep below the marker of config/watchlist.yaml:',
    '# add look-alike exclusions (docs/rules.md) and test with `veille rules eval`.',
  ];
  if (result.dropped.length > 0) {
    lines.push(`# Dropped: ${result.dropped.map((d) => `${d.term} (${d.reason})`).join(', ')}`);
  }
  lines.push('topics:');
  for (const topic of result.topics) {
    if (topic.terms.length === 0) continue;
    lines.push(...topicLines(topic, result));
  }
  lines.push('watches:');
  if (result.watch.allOf.length === 0) {
    lines.push('  []  # no country is in (nearly) every document: write the watch by hand');
  } else {
    lines.push(
      `  - id: ${result.watch.id}`,
      `    allOf: [${result.watch.allOf.join(', ')}]`,
      '    minScore: 2',
      '    within: 60',
    );
  }
  return `${lines.join('\n')}\n`;
}

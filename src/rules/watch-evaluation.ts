/**
 * Deciding one watch from a document's term hits: exclusions neutralise look-alike
 * hits (or veto), overlapping hits count once, each required group is scored, and
 * the weakest group, the threshold and proximity decide. Produces the explanation.
 */
import type { TermEntry } from './term-matcher.js';
import type { ExclusionConfig, WatchConfig } from './rules-config.js';
import type { MatchField, TermHit, WatchResult } from './rule-set.js';

/** A matched span in one field with every topic entry of its term. */
export interface FieldHit {
  field: MatchField;
  entries: readonly TermEntry[];
  start: number;
  end: number;
  text: string;
  normStart: number;
  normEnd: number;
  firstWord: number;
  lastWord: number;
}

interface CountedHit {
  hit: FieldHit;
  topic: string;
  term: string;
  group: number;
  weight: number;
}

interface ExclusionHit {
  hit: FieldHit;
  exclusion: ExclusionConfig;
  term: string;
  used: boolean;
}

function wordDistance(a: FieldHit, b: FieldHit): number {
  if (a.normStart < b.normEnd && b.normStart < a.normEnd) return 0;
  return Math.max(a.firstWord - b.lastWord, b.firstWord - a.lastWord);
}

function contains(outer: FieldHit, inner: FieldHit): boolean {
  return outer.normStart <= inner.normStart && outer.normEnd >= inner.normEnd
    && (outer.normStart !== inner.normStart || outer.normEnd !== inner.normEnd);
}

export function evaluateWatch(watch: WatchConfig, hits: readonly FieldHit[], version: string): WatchResult {
  const groups: string[][] = watch.anyOf.length > 0 ? [...watch.allOf, watch.anyOf] : watch.allOf;
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((topic) => groupOf.set(topic, i)));
  const exclusionsOf = new Map<string, ExclusionConfig[]>();
  for (const ex of watch.not) exclusionsOf.set(ex.topic, [...(exclusionsOf.get(ex.topic) ?? []), ex]);

  const positives: CountedHit[] = [];
  const exclusionHits: ExclusionHit[] = [];
  for (const hit of hits) {
    const fieldWeight = watch.fieldWeights[hit.field];
    for (const entry of hit.entries) {
      const group = groupOf.get(entry.topic);
      if (group !== undefined) {
        positives.push({ hit, topic: entry.topic, term: entry.term, group, weight: entry.weight * fieldWeight });
      }
      for (const exclusion of exclusionsOf.get(entry.topic) ?? []) {
        exclusionHits.push({ hit, exclusion, term: entry.term, used: false });
      }
    }
  }

  const veto = exclusionHits.find((e) => e.exclusion.veto);
  const neutralised = new Set<CountedHit>();
  for (const ex of exclusionHits) {
    if (ex.exclusion.veto) continue;
    for (const p of positives) {
      if (p.hit.field !== ex.hit.field) continue;
      if (ex.exclusion.neutralises !== null && !ex.exclusion.neutralises.includes(p.topic)) continue;
      if (wordDistance(p.hit, ex.hit) <= ex.exclusion.within) {
        neutralised.add(p);
        ex.used = true;
      }
    }
  }

  const counted = dropOverlaps(positives.filter((p) => !neutralised.has(p)));
  const groupScores = groups.map(() => 0);
  for (const c of counted) groupScores[c.group] = (groupScores[c.group] as number) + c.weight;
  const matchedGroups = groupScores.filter((s) => s > 0).length;
  const score = groups.length === 0 ? 0 : Math.min(...groupScores);
  const proximity = watch.within === null || matchedGroups < groups.length
    ? { ok: true, words: null, inTitle: false }
    : checkProximity(counted, groups.length, watch.within);

  const kept = veto === undefined && groups.length > 0 && matchedGroups === groups.length
    && score >= watch.minScore && proximity.ok;

  const hitsOut: TermHit[] = counted.map((c) => toTermHit(c.hit, c.topic, c.term, c.weight));
  // One line per exclusion hit, even when several NOT items use its topic.
  const listed = new Set<string>();
  for (const ex of exclusionHits) {
    const key = `${ex.hit.field}:${ex.hit.normStart}:${ex.hit.normEnd}:${ex.exclusion.topic}:${ex.term}`;
    if ((ex.used || ex === veto) && !listed.has(key)) {
      listed.add(key);
      hitsOut.push(toTermHit(ex.hit, ex.exclusion.topic, ex.term, 0));
    }
  }

  return {
    watchId: watch.id,
    ruleSetVersion: version,
    kept,
    score: round(score),
    threshold: watch.minScore,
    topicsMatched: [...new Set(counted.map((c) => c.topic))],
    partial: matchedGroups > 0 && matchedGroups < groups.length,
    reason: explain({ watch, groups, groupScores, counted, kept, veto, score, proximity, exclusionHits }),
    hits: hitsOut,
  };
}

/** The same words count once: drop hits inside a longer hit, and duplicate spans of one topic. */
function dropOverlaps(hits: CountedHit[]): CountedHit[] {
  const best = new Map<string, CountedHit>();
  for (const h of hits) {
    const key = `${h.hit.field}:${h.hit.normStart}:${h.hit.normEnd}:${h.topic}`;
    const previous = best.get(key);
    if (previous === undefined || h.weight > previous.weight) best.set(key, h);
  }
  const unique = [...best.values()];
  return unique
    .filter((h) => !unique.some((o) => o.hit.field === h.hit.field && contains(o.hit, h.hit)))
    .sort((a, b) => fieldOrder(a.hit.field) - fieldOrder(b.hit.field) || a.hit.start - b.hit.start);
}

function fieldOrder(field: MatchField): number {
  return field === 'title' ? 0 : field === 'summary' ? 1 : 2;
}

/**
 * One hit of every group within `within` words, in one field. The title frames the
 * whole article, so groups found in the title count as near every other field's hits.
 */
interface Proximity {
  ok: boolean;
  /** Smallest span found (words), null when no field has every group. */
  words: number | null;
  /** The title alone had every group. */
  inTitle: boolean;
}

function checkProximity(counted: CountedHit[], groupCount: number, within: number): Proximity {
  const inTitle = new Set(counted.filter((c) => c.hit.field === 'title').map((c) => c.group));
  let bestSpan: number | null = null;
  for (const field of ['title', 'summary', 'content'] as const) {
    const preset = field === 'title' ? new Set<number>() : inTitle;
    const list = counted.filter((c) => c.hit.field === field && !preset.has(c.group))
      .sort((a, b) => a.hit.firstWord - b.hit.firstWord);
    const needed = groupCount - preset.size;
    if (needed <= 0) return { ok: true, words: 0, inTitle: true };
    const counts = new Map<number, number>();
    let present = 0;
    let left = 0;
    for (let right = 0; right < list.length; right++) {
      const r = list[right] as CountedHit;
      const n = counts.get(r.group) ?? 0;
      counts.set(r.group, n + 1);
      if (n === 0) present++;
      while (present === needed) {
        const l = list[left] as CountedHit;
        const span = r.hit.firstWord - l.hit.firstWord;
        if (bestSpan === null || span < bestSpan) bestSpan = span;
        const m = (counts.get(l.group) ?? 0) - 1;
        counts.set(l.group, m);
        if (m === 0) present--;
        left++;
      }
    }
  }
  return { ok: bestSpan !== null && bestSpan <= within, words: bestSpan, inTitle: false };
}

function toTermHit(hit: FieldHit, topic: string, term: string, weight: number): TermHit {
  return { topic, term, field: hit.field, start: hit.start, end: hit.end, text: hit.text, weight: round(weight) };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

interface Explanation {
  watch: WatchConfig;
  groups: string[][];
  groupScores: number[];
  counted: CountedHit[];
  kept: boolean;
  veto: ExclusionHit | undefined;
  score: number;
  proximity: Proximity;
  exclusionHits: ExclusionHit[];
}

function explain(e: Explanation): string {
  const summary = e.groups.map((g, i) => describeGroup(g, e.groupScores[i] ?? 0, e.counted.filter((c) => c.group === i)));
  const neutral = e.exclusionHits.filter((x) => x.used);
  const neutralNote = neutral.length > 0
    ? `; neutralised by exclusions: ${[...new Set(neutral.map((x) => `"${x.hit.text}"`))].slice(0, 4).join(', ')}`
    : '';
  let verdict: string;
  if (e.groups.length === 0) {
    verdict = 'not kept: the watch has no topics';
  } else if (e.veto !== undefined) {
    verdict = `not kept: vetoed by ${e.veto.exclusion.topic} ("${e.veto.hit.text}" in ${e.veto.hit.field})`;
  } else {
    const missing = e.groups.filter((_, i) => (e.groupScores[i] ?? 0) === 0).map((g) => g.join('|'));
    if (missing.length > 0) {
      verdict = `not kept: ${missing.map((g) => `no ${g} term`).join(', ')}`;
    } else if (e.score < e.watch.minScore) {
      const weakest = e.groups[e.groupScores.indexOf(e.score)]?.join('|') ?? '';
      verdict = `not kept: ${weakest} scored ${round(e.score)} < ${e.watch.minScore}`;
    } else if (!e.proximity.ok) {
      verdict = `not kept: ${e.groups.map((g) => g.join('|')).join(' and ')} never within ${e.watch.within} words`
        + (e.proximity.words !== null ? ` (closest ${e.proximity.words})` : '');
    } else {
      verdict = `kept: weakest group ${round(e.score)} ≥ ${e.watch.minScore}`
        + (e.proximity.inTitle ? ', all in the title' : e.proximity.words !== null ? `, within ${e.proximity.words} words` : '');
    }
  }
  return `${verdict} — ${summary.join('; ')}${neutralNote}`;
}

function describeGroup(topics: string[], score: number, hits: CountedHit[]): string {
  const counts = new Map<string, number>();
  for (const h of hits) counts.set(h.term, (counts.get(h.term) ?? 0) + 1);
  const terms = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([t, n]) => (n > 1 ? `${t}×${n}` : t));
  return `${topics.join('|')} ${round(score)}${terms.length > 0 ? ` (${terms.join(', ')})` : ''}`;
}

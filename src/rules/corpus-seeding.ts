/**
 * `veille rules seed`: derives candidate topics and a watch from a handful of relevant
 * articles. Country names, demonyms and capitals come from the gazetteer; other names
 * (people, places, agencies) are capitalised word runs that ordinary French
 * (french-background.ts) and the negatives do not explain, assigned to the country
 * they are written next to. Every term keeps its provenance for the YAML comments.
 */
import { COUNTRY_GAZETTEER, type CountryEntry } from './country-gazetteer.js';
import { foldText, normalizeText } from './normalize-text.js';
import { TermMatcher } from './term-matcher.js';
import { mergeSurnames, nameOccurrences, type Occurrence } from './name-runs.js';

export interface SeedDocument {
  name: string;
  text: string;
}

export type SeedTermKind = 'country' | 'demonym' | 'capital' | 'place' | 'name';

export interface SeededTerm {
  term: string;
  weight: number;
  kind: SeedTermKind;
  /** Indices (into SeedResult.documents) of the documents it occurs in. */
  docs: number[];
  count: number;
  /** Surface forms seen, most frequent first. */
  forms: string[];
  /** Negatives it occurs in (when negatives were given). */
  negativeDocs: number;
}

export interface SeededTopic {
  id: string;
  /** core: in (nearly) every document and prominent, required by the watch; context: seen but not required. */
  role: 'core' | 'context' | 'unassigned';
  terms: SeededTerm[];
  /** Gazetteer forms of the country not seen in the corpus, offered for review. */
  unseen: string[];
}

export interface SeedResult {
  documents: string[];
  negatives: string[];
  topics: SeededTopic[];
  watch: { id: string; allOf: string[] };
  dropped: { term: string; reason: string }[];
}

export interface SeedOptions {
  negatives?: readonly SeedDocument[];
  /** Minimum occurrences for a name to be proposed (default 2). */
  minCount?: number;
}

/** Names written within this many words of a country word are assigned to that country. */
const AFFINITY_WINDOW = 6;
const CORE_DOC_SHARE = 0.8;
const CORE_COUNT_SHARE = 0.4;
const NEGATIVE_SHARE = 0.5;

interface Candidate {
  key: string;
  kind: SeedTermKind;
  topic: string | null;
  term: string;
  weight: number;
  occurrences: Occurrence[];
}

export function seedRules(documents: readonly SeedDocument[], options: SeedOptions = {}): SeedResult {
  const negatives = options.negatives ?? [];
  const minCount = options.minCount ?? 2;
  const gazetteer = gazetteerMatcher();
  const dropped: { term: string; reason: string }[] = [];

  const sentences = documents.map((d) => sentenceOfWords(d.text));
  const countryHits = documents.map((d, i) => countryOccurrences(gazetteer, d.text, i, sentences[i] as Int32Array));
  const covered = countryHits.map((hits) => {
    const words = new Set<number>();
    for (const h of hits) for (let w = h.occurrence.word; w <= h.occurrence.lastWord; w++) words.add(w);
    return words;
  });

  const countryCandidates = new Map<string, Candidate>();
  for (const hits of countryHits) {
    for (const h of hits) {
      const key = `${h.topic}:${h.term}`;
      let c = countryCandidates.get(key);
      if (c === undefined) {
        c = { key, kind: h.kind, topic: h.topic, term: h.term, weight: h.kind === 'demonym' ? 1 : 2, occurrences: [] };
        countryCandidates.set(key, c);
      }
      c.occurrences.push(h.occurrence);
    }
  }

  const names = mergeSurnames(documents.flatMap((d, i) => nameOccurrences(d.text, i, covered[i] as Set<number>, sentences[i] as Int32Array)));
  const nameCandidates: Candidate[] = [];
  for (const [key, occurrences] of names) {
    if (occurrences.length < minCount) continue;
    const term = mostFrequent(occurrences.map((o) => o.surface));
    nameCandidates.push({ key, kind: 'name', topic: null, term, weight: 2, occurrences });
  }

  // Negatives: a term as common there as in the corpus is ordinary, not distinctive.
  const negativeDocs = new Map<string, number>();
  if (negatives.length > 0) {
    const all = [...countryCandidates.values(), ...nameCandidates];
    const matcher = new TermMatcher(all.map((c) => ({ id: c.key, terms: [{ term: c.term, weight: 1 }] })));
    for (const n of negatives) {
      const seen = new Set(matcher.scan(normalizeText(n.text).text).flatMap((h) => h.term.entries.map((e) => e.topic)));
      for (const key of seen) negativeDocs.set(key, (negativeDocs.get(key) ?? 0) + 1);
    }
  }
  const distinctive = (c: Candidate): boolean => {
    const neg = negativeDocs.get(c.key) ?? 0;
    if (negatives.length === 0 || neg === 0) return true;
    const posShare = docsOf(c).length / Math.max(1, documents.length);
    const negShare = neg / negatives.length;
    if (negShare >= NEGATIVE_SHARE || negShare >= posShare) {
      dropped.push({ term: c.term, reason: `in ${neg}/${negatives.length} negatives` });
      return false;
    }
    return true;
  };

  // Country topics: the ones seen at least twice.
  const byTopic = new Map<string, Candidate[]>();
  for (const c of countryCandidates.values()) {
    if (!distinctive(c)) continue;
    byTopic.set(c.topic as string, [...(byTopic.get(c.topic as string) ?? []), c]);
  }
  const topicCount = (id: string): number => (byTopic.get(id) ?? []).reduce((n, c) => n + c.occurrences.length, 0);
  const topicDocs = (id: string): number => new Set((byTopic.get(id) ?? []).flatMap(docsOf)).size;
  for (const id of [...byTopic.keys()]) {
    if (topicCount(id) < 2) {
      dropped.push({ term: id, reason: 'country seen once' });
      byTopic.delete(id);
    }
  }
  const maxCount = Math.max(0, ...[...byTopic.keys()].map(topicCount));
  const coreIds = [...byTopic.keys()].filter((id) => topicDocs(id) >= Math.ceil(CORE_DOC_SHARE * documents.length)
    && topicCount(id) >= CORE_COUNT_SHARE * maxCount);

  // Names go to the country they are written next to.
  const unassigned: Candidate[] = [];
  for (const c of nameCandidates) {
    if (!distinctive(c)) continue;
    const topic = nearestCountry(c, countryHits, byTopic);
    if (topic === null) unassigned.push(c);
    else byTopic.get(topic)?.push(c);
  }

  const toSeeded = (c: Candidate): SeededTerm => ({
    term: c.term,
    weight: c.weight,
    kind: c.kind,
    docs: docsOf(c),
    count: c.occurrences.length,
    forms: distinctByFrequency(c.occurrences.map((o) => o.surface)),
    negativeDocs: negativeDocs.get(c.key) ?? 0,
  });
  const order = (a: SeededTerm, b: SeededTerm): number => b.docs.length - a.docs.length || b.count - a.count;
  const topics: SeededTopic[] = [...byTopic.entries()]
    .map(([id, cands]): SeededTopic => {
      const seen = new Set(cands.map((c) => foldText(c.term)));
      const entry = COUNTRY_GAZETTEER.find((e) => e.id === id) as CountryEntry;
      return {
        id,
        role: coreIds.includes(id) ? 'core' : 'context',
        terms: cands.map(toSeeded).sort(order),
        unseen: formsOf(entry).map((f) => f.term).filter((t) => !seen.has(foldText(t))),
      };
    })
    .sort((a, b) => (a.role === b.role ? topicCount(b.id) - topicCount(a.id) : a.role === 'core' ? -1 : 1));
  if (unassigned.length > 0) topics.push({ id: 'unassigned', role: 'unassigned', terms: unassigned.map(toSeeded).sort(order), unseen: [] });

  return {
    documents: documents.map((d) => d.name),
    negatives: negatives.map((d) => d.name),
    topics,
    watch: { id: coreIds.join('-x-') || 'seeded', allOf: coreIds },
    dropped,
  };
}

function docsOf(c: Candidate): number[] {
  return [...new Set(c.occurrences.map((o) => o.doc))].sort((a, b) => a - b);
}

function formsOf(entry: CountryEntry): { term: string; kind: SeedTermKind }[] {
  return [
    ...entry.names.map((term) => ({ term, kind: 'country' as const })),
    ...entry.demonyms.map((term) => ({ term, kind: 'demonym' as const })),
    ...entry.capitals.map((term) => ({ term, kind: 'capital' as const })),
    ...entry.places.map((term) => ({ term, kind: 'place' as const })),
  ];
}

function gazetteerMatcher(): TermMatcher {
  return new TermMatcher(COUNTRY_GAZETTEER.map((entry) => ({
    id: entry.id,
    terms: formsOf(entry).map((f) => ({ term: f.term, weight: 1 })),
  })));
}

interface CountryHit {
  topic: string;
  term: string;
  kind: SeedTermKind;
  occurrence: Occurrence;
}

/** Sentence number of every folded word of `text`. */
function sentenceOfWords(text: string): Int32Array {
  const norm = normalizeText(text);
  const ids: number[] = [];
  let sentence = 0;
  let lastOriginal = 0;
  for (let i = 1; i < norm.text.length; i++) {
    if (norm.text.charCodeAt(i) !== 32 && norm.text.charCodeAt(i - 1) === 32) {
      const at = norm.starts[i] as number;
      if (/[.!?]\s|\n/.test(text.slice(lastOriginal, at))) sentence++;
      lastOriginal = at;
      ids.push(sentence);
    }
  }
  return Int32Array.from(ids);
}

function countryOccurrences(matcher: TermMatcher, text: string, doc: number, sentences: Int32Array): CountryHit[] {
  const norm = normalizeText(text);
  const raw = matcher.scan(norm.text);
  // Longest hit wins where forms overlap ("Corée du Nord" over a shorter form).
  const kept = raw.filter((h) => !raw.some((o) => o !== h && o.start <= h.start && o.end >= h.end && o.end - o.start > h.end - h.start));
  const out: CountryHit[] = [];
  for (const h of kept) {
    const before = norm.text.slice(0, h.start);
    const word = countSpaces(before) - 1;
    const lastWord = word + countSpaces(norm.text.slice(h.start, h.end));
    const surface = text.slice(norm.starts[h.start] as number, norm.ends[h.end - 1] as number);
    for (const entry of h.term.entries) {
      const gaz = COUNTRY_GAZETTEER.find((e) => e.id === entry.topic) as CountryEntry;
      const kind = formsOf(gaz).find((f) => f.term === entry.term)?.kind ?? 'country';
      out.push({ topic: entry.topic, term: entry.term, kind, occurrence: { doc, sentence: sentences[word] ?? -1, word, lastWord, surface } });
    }
  }
  return out;
}

function countSpaces(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 32) n++;
  return n;
}

/** The country whose words are written closest to the name's occurrences, or null when unclear. */
function nearestCountry(c: Candidate, countryHits: readonly CountryHit[][], topics: ReadonlyMap<string, Candidate[]>): string | null {
  const affinity = new Map<string, number>();
  for (const o of c.occurrences) {
    for (const h of countryHits[o.doc] ?? []) {
      if (!topics.has(h.topic) || h.occurrence.sentence !== o.sentence) continue;
      const after = h.occurrence.word > o.lastWord;
      const distance = after ? h.occurrence.word - o.lastWord : o.word - h.occurrence.lastWord;
      if (distance <= 0 || distance > AFFINITY_WINDOW) continue;
      // Apposition ("le président chinois Xi Jinping") is the strongest evidence.
      const apposition = !after && distance === 1 ? 2 : 1;
      affinity.set(h.topic, (affinity.get(h.topic) ?? 0) + apposition / distance);
    }
  }
  const ranked = [...affinity.entries()].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (best === undefined || best[1] < 0.5) return null;
  if (second !== undefined && best[1] < 1.5 * second[1]) return null;
  return best[0];
}

function mostFrequent(values: readonly string[]): string {
  return distinctByFrequency(values)[0] ?? '';
}

function distinctByFrequency(values: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([v]) => v);
}

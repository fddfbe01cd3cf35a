/**
 * The validated shape of the relevance rules (`topics` and `watches` of the watchlist),
 * as returned by parseRules and consumed by compileRuleSet.
 */

/** One term of a topic, as written in config, with its weight. */
export interface TermConfig {
  /** The term exactly as written: a word, a phrase, `word*` / `word~` forms, or `/regex/`. */
  term: string;
  weight: number;
}

/** A named list of terms; places that imply a country belong to the country's topic. */
export interface TopicConfig {
  id: string;
  terms: TermConfig[];
}

/** A NOT item of a watch: hits of `topic` neutralise nearby hits, or veto the document. */
export interface ExclusionConfig {
  topic: string;
  /** When true any hit of the topic drops the document for this watch. */
  veto: boolean;
  /** Neutralise positive hits that overlap the exclusion hit or lie within this many words of it (same field). */
  within: number;
  /** Topics whose hits are neutralised; null means every positive topic of the watch. */
  neutralises: string[] | null;
}

export interface FieldWeights {
  title: number;
  summary: number;
  content: number;
}

/** A watch combines topics into a keep/drop decision. */
export interface WatchConfig {
  id: string;
  /** Every group must be matched; a group is one topic or several alternatives (any of them). */
  allOf: string[][];
  /** When non-empty, at least one of these topics must be matched (one more required group). */
  anyOf: string[];
  not: ExclusionConfig[];
  /** The weakest required group must score at least this. */
  minScore: number;
  /** When set, one hit of every required group must fall within this many words (same field). */
  within: number | null;
  fieldWeights: FieldWeights;
}

export interface RulesConfig {
  topics: TopicConfig[];
  watches: WatchConfig[];
}

export const DEFAULT_FIELD_WEIGHTS: FieldWeights = { title: 3, summary: 2, content: 1 };

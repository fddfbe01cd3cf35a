/**
 * Validation of the `topics` and `watches` sections of the watchlist: structure
 * (zod), then everything compileRuleSet relies on (patterns compile, topic
 * references exist, groups do not overlap). Every problem is reported with its path.
 */
import { z } from 'zod';
import { compileTermPattern } from './term-pattern.js';
import {
  DEFAULT_FIELD_WEIGHTS,
  type ExclusionConfig,
  type RulesConfig,
  type TopicConfig,
  type WatchConfig,
} from './rules-config.js';

export interface RuleConfigIssue {
  path: string;
  message: string;
}

export type ParseRulesResult = { ok: true; rules: RulesConfig } | { ok: false; issues: RuleConfigIssue[] };

const ID = /^[a-z0-9][a-z0-9_-]*$/;
const idSchema = z.string().regex(ID, 'must be lowercase letters, digits, "-" or "_"');
const weightSchema = z.number().positive('must be a positive number').max(100, 'must be at most 100');
const wordCount = z.number().int('must be a whole number of words').min(0, 'must be 0 or more').max(1000, 'must be at most 1000');

/** Shorthands (a bare string term, a bare list of terms) are expanded first so paths stay uniform. */
const termSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { term: v } : v),
  z.strictObject({ term: z.string().min(1, 'empty term'), weight: weightSchema.optional() }, {
    error: 'a term is a string or { term, weight }',
  }),
);

const topicSchema = z.preprocess(
  (v) => (Array.isArray(v) ? { terms: v } : v),
  z.strictObject({
    terms: z.array(termSchema, { error: 'terms must be a list' }).min(1, 'a topic needs at least one term'),
    weight: weightSchema.optional(),
  }, { error: 'a topic is a list of terms or { terms, weight }' }),
);

const groupSchema = z.union([idSchema, z.array(idSchema).min(1, 'empty group')], {
  error: 'a group is a topic id or a list of topic ids (any of them)',
});

const exclusionSchema = z.union([
  idSchema,
  z.strictObject({
    topic: idSchema,
    veto: z.boolean().optional(),
    within: wordCount.optional(),
    neutralises: z.array(idSchema).min(1).optional(),
  }),
], { error: 'an exclusion is a topic id or { topic, veto, within, neutralises }' });

const watchSchema = z.strictObject({
  id: idSchema,
  allOf: z.array(groupSchema).optional(),
  anyOf: z.array(idSchema).optional(),
  not: z.array(exclusionSchema).optional(),
  minScore: z.number().min(0, 'must be 0 or more').optional(),
  within: wordCount.min(1, 'must be at least 1').optional(),
  fieldWeights: z.strictObject({
    title: z.number().min(0).optional(),
    summary: z.number().min(0).optional(),
    content: z.number().min(0).optional(),
  }).optional(),
});

const topicsSchema = z.record(idSchema, topicSchema, { error: 'topics must be a mapping of topic id to terms' });
const watchesSchema = z.array(watchSchema, { error: 'watches must be a list' }).min(1, 'at least one watch is needed');

type RawTopics = z.infer<typeof topicsSchema>;
type RawWatches = z.infer<typeof watchesSchema>;

function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    out += typeof segment === 'number' ? `[${segment}]` : `${out ? '.' : ''}${String(segment)}`;
  }
  return out;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  // A bad record key: the key's own problem says more than "Invalid key in record".
  if (issue.code === 'invalid_key') return `invalid id: ${issue.issues[0]?.message ?? issue.message}`;
  return issue.message;
}

export function parseRules(raw: unknown): ParseRulesResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, issues: [{ path: '', message: 'rules must be a mapping with `topics` and `watches`' }] };
  }
  const { topics, watches } = raw as Record<string, unknown>;
  // Each section is checked even when the other is broken, so one run reports everything it can.
  const issues: RuleConfigIssue[] = [];
  const parsedTopics = topicsSchema.safeParse(topics);
  const parsedWatches = watchesSchema.safeParse(watches);
  if (!parsedTopics.success) issues.push(...zodIssues('topics', topics, parsedTopics.error));
  if (!parsedWatches.success) issues.push(...zodIssues('watches', watches, parsedWatches.error));
  const builtTopics = parsedTopics.success ? buildTopics(parsedTopics.data, issues) : null;
  if (builtTopics === null || !parsedWatches.success) return { ok: false, issues };
  const built = { topics: builtTopics, watches: buildWatches(parsedWatches.data, builtTopics, issues) };
  return issues.length > 0 ? { ok: false, issues } : { ok: true, rules: built };
}

function zodIssues(section: string, input: unknown, error: z.ZodError): RuleConfigIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath([section, ...issue.path]),
    message: input === undefined ? 'required' : issueMessage(issue),
  }));
}

function buildTopics(data: RawTopics, issues: RuleConfigIssue[]): TopicConfig[] {
  const topics: TopicConfig[] = [];
  for (const [id, rawTopic] of Object.entries(data)) {
    const topicWeight = rawTopic.weight ?? 1;
    const seen = new Map<string, number>();
    const terms = rawTopic.terms.map(({ term, weight: termWeight }, index) => {
      const weight = termWeight ?? topicWeight;
      const path = `topics.${id}.terms[${index}]`;
      const compiled = compileTermPattern(term);
      if (!compiled.ok) {
        issues.push({ path, message: compiled.message });
      } else {
        const previous = seen.get(compiled.pattern.source);
        if (previous !== undefined) {
          issues.push({ path, message: `"${term}" duplicates terms[${previous}] once folded` });
        }
        seen.set(compiled.pattern.source, index);
      }
      return { term, weight };
    });
    topics.push({ id, terms });
  }
  return topics;
}

function buildWatches(data: RawWatches, topics: readonly TopicConfig[], issues: RuleConfigIssue[]): WatchConfig[] {
  const topicIds = new Set(topics.map((t) => t.id));
  const watchIds = new Set<string>();
  return data.map((raw, w) => {
    const at = `watches[${w}]`;
    if (watchIds.has(raw.id)) issues.push({ path: `${at}.id`, message: `duplicate watch id "${raw.id}"` });
    watchIds.add(raw.id);
    return buildWatch(raw, at, topicIds, issues);
  });
}

function buildWatch(
  raw: RawWatches[number],
  at: string,
  topicIds: ReadonlySet<string>,
  issues: RuleConfigIssue[],
): WatchConfig {
  const used = new Map<string, string>();
  const refer = (topic: string, path: string, role: 'positive' | 'exclusion'): void => {
    if (!topicIds.has(topic)) {
      issues.push({ path, message: `unknown topic "${topic}"` });
      return;
    }
    const previous = used.get(topic);
    if (role === 'positive') {
      if (previous !== undefined) issues.push({ path, message: `topic "${topic}" is already used at ${previous}` });
      used.set(topic, path);
    }
  };
  const allOf = (raw.allOf ?? []).map((group, g) => {
    const ids = typeof group === 'string' ? [group] : group;
    ids.forEach((id, k) => refer(id, typeof group === 'string' ? `${at}.allOf[${g}]` : `${at}.allOf[${g}][${k}]`, 'positive'));
    return ids;
  });
  const anyOf = raw.anyOf ?? [];
  anyOf.forEach((id, k) => refer(id, `${at}.anyOf[${k}]`, 'positive'));
  if (allOf.length === 0 && anyOf.length === 0) {
    issues.push({ path: at, message: 'a watch needs allOf or anyOf topics' });
  }
  const positives = new Set([...allOf.flat(), ...anyOf]);
  const not: ExclusionConfig[] = (raw.not ?? []).map((item, n) => {
    const path = `${at}.not[${n}]`;
    const ex = typeof item === 'string' ? { topic: item } : item;
    refer(ex.topic, typeof item === 'string' ? path : `${path}.topic`, 'exclusion');
    if (positives.has(ex.topic)) {
      issues.push({ path, message: `topic "${ex.topic}" cannot be both required and excluded` });
    }
    const neutralises = ex.neutralises ?? null;
    neutralises?.forEach((id, k) => {
      if (!positives.has(id)) {
        issues.push({ path: `${path}.neutralises[${k}]`, message: `"${id}" is not an allOf/anyOf topic of this watch` });
      }
    });
    if (ex.veto === true && (ex.within !== undefined || neutralises !== null)) {
      issues.push({ path, message: 'a veto drops the whole document: within/neutralises do not apply' });
    }
    return { topic: ex.topic, veto: ex.veto ?? false, within: ex.within ?? 0, neutralises };
  });
  return {
    id: raw.id,
    allOf,
    anyOf,
    not,
    minScore: raw.minScore ?? 1,
    within: raw.within ?? null,
    fieldWeights: { ...DEFAULT_FIELD_WEIGHTS, ...raw.fieldWeights },
  };
}

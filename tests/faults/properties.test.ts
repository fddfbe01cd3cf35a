/**
 * Properties of the pure text and URL functions the dedupe and the rules stand on, over random
 * French-ish input (fast-check, fixed seeds; a failure prints the seed and path to replay it):
 * - text folding (dedupe's foldText, the rules' foldText over normalizeText) is idempotent;
 * - canonicalUrl is idempotent, and no tracking parameter survives it;
 * - every hit the matcher explains points at the text it matched: doc[field].slice(start, end) === text.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import path from 'node:path';
import { foldText as foldForHash } from '../../src/dedupe/fold-text.js';
import { foldText as foldForRules, normalizeText } from '../../src/rules/normalize-text.js';
import { canonicalUrl } from '../../src/dedupe/canonical-url.js';
import { loadWatchlist } from '../../src/config/watchlist.js';
import { MATCH_FIELDS } from '../../src/rules/rule-set.js';
import { REPO_ROOT } from '../support/watchlist.js';

const SEED = Number(process.env.FAULT_SEED ?? 2026);
const RUNS = 3_000;

/** Characters French news text is made of, and the ones that trip folding up. */
const FRENCH_CHARS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...'éèêëàâäîïôöùûüçÉÈÊÀÂÎÔÙÛÇœŒæÆÿŸßøđłıþ', ' ', ' ', '\u00a0', '\u202f', '\t', '\n', '-', '‐', '–', '—', "'", '’', 'ʼ', '«', '»', '.', ',', ';', ':', '!', '?',
  '\u0301', '\u0300', '\u0327', 'ﬁ', 'ﬂ', '½', '²', 'Ⅻ', 'İ', 'ǅ', '😀', '🇫🇷', 'К', 'р', 'е', 'м', 'л', 'ь', '조', '선', '\u200b', '\ufeff',
];
const frenchText = fc.string({ unit: fc.constantFrom(...FRENCH_CHARS), maxLength: 80 });
const anyText = fc.oneof(frenchText, fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 40 }));

describe('text folding', () => {
  it(`dedupe foldText is idempotent (seed ${SEED})`, () => {
    fc.assert(fc.property(anyText, (text) => {
      const once = foldForHash(text);
      expect(foldForHash(once)).toBe(once);
    }), { seed: SEED, numRuns: RUNS });
  });

  it(`the rules' foldText (normalizeText) is idempotent, and every folded character maps back into the text (seed ${SEED})`, () => {
    fc.assert(fc.property(anyText, (text) => {
      const once = foldForRules(text);
      expect(foldForRules(once)).toBe(once);
      const norm = normalizeText(text);
      for (let i = 0; i < norm.text.length; i += 1) {
        const start = norm.starts[i]!;
        const end = norm.ends[i]!;
        expect(start).toBeLessThanOrEqual(end);
        expect(end).toBeLessThanOrEqual(text.length);
      }
    }), { seed: SEED + 1, numRuns: RUNS });
  });
});

const TRACKERS = ['utm_source', 'utm_medium', 'utm_campaign', 'UTM_Content', 'xtor', 'xtref', 'fbclid', 'gclid', 'at_medium', 'at_campaign', 'mc_cid', 'mc_eid', 'ns_source', 'ns_mchannel', 'pk_campaign', 'mtm_source', '_ga', 'msclkid', 'ref', 'Utm%5Fsource'];
const TRACKER_NAMES = new Set(TRACKERS.map((t) => decodeURIComponent(t).toLowerCase()));
const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.~%éÀ'), minLength: 1, maxLength: 10 });
const segment = fc.oneof({ weight: 5, arbitrary: word }, { weight: 1, arbitrary: fc.constantFrom('amp', 'AMP', 'index.amp.html', 'a.amp.htm', '', '..', '.') });
const param = fc.oneof(
  fc.tuple(fc.constantFrom(...TRACKERS), word).map(([k, v]) => `${k}=${v}`),
  fc.tuple(word, fc.option(word)).map(([k, v]) => (v === null ? k : `${k}=${v}`)),
  fc.constantFrom('amp', 'amp=1', 'outputType=amp', '', '=', '&'),
);
const articleUrl = fc.record({
  scheme: fc.constantFrom('http', 'https', 'HTTPS', 'ftp'),
  host: fc.oneof(fc.constantFrom('www.lemonde.fr', 'amp.lefigaro.fr', 'WWW.RFI.FR', 'www-lemonde-fr.cdn.ampproject.org', 'xn--lquipe-bva.fr', '127.0.0.1', 'exemple.fr:443', 'exemple.fr:8080'), fc.domain()),
  path: fc.array(segment, { maxLength: 5 }),
  params: fc.array(param, { maxLength: 6 }),
  fragment: fc.option(word),
}).map((u) => `${u.scheme}://${u.host}/${u.path.join('/')}${u.params.length > 0 ? `?${u.params.join('&')}` : ''}${u.fragment === null ? '' : `#${u.fragment}`}`);

function paramNames(url: string): string[] {
  const search = new URL(url).search.slice(1);
  if (search === '') return [];
  return search.split('&').map((pair) => {
    const raw = pair.split('=', 1)[0] ?? '';
    try {
      return decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase();
    } catch {
      return raw.toLowerCase();
    }
  });
}

describe('canonical URLs', () => {
  it(`canonicalUrl is idempotent and leaves no tracking parameter (seed ${SEED})`, () => {
    fc.assert(fc.property(fc.oneof({ weight: 4, arbitrary: articleUrl }, { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) }), (url) => {
      const once = canonicalUrl(url);
      expect(canonicalUrl(once)).toBe(once);
      if (once === '') return;
      expect(once).not.toContain('#');
      for (const name of paramNames(once)) expect(TRACKER_NAMES.has(name) || name.startsWith('utm_')).toBe(false);
    }), { seed: SEED + 2, numRuns: RUNS });
  });
});

describe('matcher explanations', () => {
  it(`every hit's offsets point at the matched text in its field (seed ${SEED})`, async () => {
    const { ruleSet } = await loadWatchlist(path.join(REPO_ROOT, 'config', 'watchlist.yaml'));
    const TERMS = ['Poutine', 'POUTINE', 'Vladimir Poutine', 'Kim Jong Un', 'Kim Jong-un', 'KIM JONG-UN', 'Kim', 'Pyongyang', 'Pyong Yang', 'Corée du Nord', 'corée du nord', 'Coree du Nord',
      'nord-coréens', 'nord‑coréenne', 'Nord-Coréen', 'sud-coréen', 'Séoul', 'Moscou', 'Kremlin', 'Russie', 'russes', 'salade russe', 'russo-nord-coréen', 'Choe Son-hui', 'Choïgou',
      'Saint-Pétersbourg', 'Saint Petersbourg', 'Extrême-Orient russe', 'Hwasong-19', 'KCNA', 'RPDC', 'Koursk', 'Lavrov', 'Sergueï Lavrov', 'Wonsan', 'Tass', 'Ria Novosti', 'roubles'];
    const FILLER = ['le', 'la', 'les', 'des', 'a', 'rencontré', 'à', 'l’', 'd’', 'président', 'dirigeant', 'accord', 'défense', 'soldats', 'selon', 'l’agence', 'hier', 'œuvre', 'États-Unis', 'Washington', 'Paris'];
    const SEPARATORS = [' ', ' ', '\u00a0', '\u202f', ', ', ' « ', ' » ', '\n', ' — ', '’', '-', ' (', ') ', '. ', '😀 ', ' \u0301'];
    const piece = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...TERMS) }, { weight: 3, arbitrary: fc.constantFrom(...FILLER) }, { weight: 1, arbitrary: frenchText });
    const field = fc.array(fc.tuple(piece, fc.constantFrom(...SEPARATORS)), { maxLength: 25 }).map((parts) => parts.map(([p, s]) => p + s).join(''));
    let hits = 0;
    let kept = 0;
    fc.assert(fc.property(fc.record({ title: field, summary: field, content: field }), (doc) => {
      const evaluation = ruleSet.evaluate(doc);
      if (evaluation.kept) kept += 1;
      for (const watch of evaluation.watches) {
        for (const hit of watch.hits) {
          hits += 1;
          expect(MATCH_FIELDS).toContain(hit.field);
          expect(hit.start).toBeLessThan(hit.end);
          expect(doc[hit.field].slice(hit.start, hit.end)).toBe(hit.text);
        }
      }
    }), { seed: SEED + 3, numRuns: RUNS });
    console.log(`matcher: ${RUNS} documents, ${hits} hits checked, ${kept} documents kept`);
    expect(hits).toBeGreaterThan(RUNS);
  });
});

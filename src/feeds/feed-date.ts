/**
 * Parses the dates feeds actually publish (RFC 822, RFC 3339, W3C-DTF, and French
 * day/month names from sites that localise their RFC 822) into ISO-8601.
 */

const FRENCH_NAMES: [RegExp, string][] = [
  [/\bjanv(?:ier)?\.?/i, 'Jan'], [/\bf[ée]vr?(?:ier)?\.?/i, 'Feb'], [/\bmars\b/i, 'Mar'], [/\bavr(?:il)?\.?/i, 'Apr'],
  [/\bmai\b/i, 'May'], [/\bjuin\b/i, 'Jun'], [/\bjuil(?:let)?\.?/i, 'Jul'], [/\bao[ûu]t?\b\.?/i, 'Aug'],
  [/\bsept?(?:embre)?\.?/i, 'Sep'], [/\boct(?:obre)?\.?/i, 'Oct'], [/\bnov(?:embre)?\.?/i, 'Nov'], [/\bd[ée]c(?:embre)?\.?/i, 'Dec'],
];
const FRENCH_WEEKDAY = /^\s*(?:lun|mar|mer|jeu|ven|sam|dim)[a-z]*\.?,?\s*/i;
const MIN_TIME = Date.UTC(1990, 0, 1);

/** ISO-8601 string, or null when absent or unparseable. */
export function parseFeedDate(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  let time = Date.parse(trimmed);
  if (Number.isNaN(time)) time = Date.parse(translateFrenchDate(trimmed));
  if (Number.isNaN(time) || time < MIN_TIME) return null;
  return new Date(time).toISOString();
}

function translateFrenchDate(value: string): string {
  let out = value.replace(FRENCH_WEEKDAY, '');
  for (const [pattern, english] of FRENCH_NAMES) out = out.replace(pattern, english);
  // "12 mars 2018 10:00:00 Z": RFC 822 allows UT/GMT, V8 also wants "UTC" rather than a bare Z after a space.
  return out.replace(/\s+Z$/, ' UTC');
}

/**
 * The restricted regex dialect allowed in `/pattern/` terms: plain character
 * matching over folded text, no captures, lookarounds, anchors or backreferences
 * (the matcher owns groups and word boundaries), and no nested quantifiers that
 * could backtrack catastrophically.
 */

const MAX_LENGTH = 200;

/** Returns null when the pattern is acceptable, else the problem in a few words. */
export function checkRestrictedRegex(body: string): string | null {
  if (body.length === 0) return 'empty pattern';
  if (body.length > MAX_LENGTH) return `longer than ${MAX_LENGTH} characters`;
  if (/^ | $/.test(body)) return 'must not start or end with a space (word boundaries are implicit)';
  if (/\p{Lu}/u.test(body.replace(/\\./g, '')) || body.normalize('NFKD') !== body || /[œæß]/.test(body)) {
    return 'must be written in folded form: lowercase, no accents, no ligatures';
  }
  if (/\\[1-9k]/.test(body)) return 'backreferences are not allowed';
  if (/\\[bB]/.test(body) || /(^|[^\\])[\^$]/.test(body.replace(/\[\^/g, '['))) {
    return 'anchors are not allowed (word boundaries are implicit)';
  }
  const groupProblem = checkGroups(body);
  if (groupProblem !== null) return groupProblem;
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${body})$`);
  } catch (error) {
    return `does not compile: ${(error as Error).message}`;
  }
  if (regex.test('')) return 'matches the empty string';
  return null;
}

/** Walks the groups: only `(?:`, and no quantified group that itself contains a quantifier. */
function checkGroups(body: string): string | null {
  const stack: { quantified: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; continue; }
    if (c === '(') {
      if (body.slice(i, i + 3) !== '(?:') {
        return body[i + 1] === '?' ? 'lookarounds and named groups are not allowed' : 'use (?: ) instead of capturing groups';
      }
      stack.push({ quantified: false });
      i += 2;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === ')') {
      const group = stack.pop();
      if (group === undefined) return 'unbalanced ")"';
      const next = body[i + 1];
      if (group.quantified && (next === '*' || next === '+' || next === '{')) {
        return 'nested quantifiers are not allowed';
      }
      const parent = stack[stack.length - 1];
      if (parent !== undefined && (group.quantified || next === '*' || next === '+' || next === '?' || next === '{')) {
        parent.quantified = true;
      }
      continue;
    }
    if (top !== undefined && (c === '*' || c === '+' || c === '{')) top.quantified = true;
  }
  return null;
}

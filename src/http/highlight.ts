/**
 * Escaped HTML of an article field with its matched terms in <mark>, from each hit's offsets into
 * the original field text; long fields are cut to a window around the first hit.
 */
import type { MatchField, TermHit } from '../rules/rule-set.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** The hits of one field, valid for `text`, sorted, overlaps dropped (the first, longest wins). */
function fieldHits(text: string, hits: readonly TermHit[], field: MatchField): TermHit[] {
  const sorted = hits
    .filter((h) => h.field === field && h.start >= 0 && h.end <= text.length && h.start < h.end)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: TermHit[] = [];
  for (const hit of sorted) {
    const last = kept[kept.length - 1];
    if (!last || hit.start >= last.end) kept.push(hit);
  }
  return kept;
}

/**
 * `text` as HTML with each hit of `field` marked. With `maxChars`, a longer text is cut to that
 * many characters starting a little before its first hit, with an ellipsis where cut.
 */
export function highlightField(text: string, hits: readonly TermHit[], field: MatchField, maxChars = Infinity): string {
  const marked = fieldHits(text, hits, field);
  let from = 0;
  let to = text.length;
  if (text.length > maxChars) {
    from = Math.max(0, Math.min((marked[0]?.start ?? 0) - Math.floor(maxChars / 4), text.length - maxChars));
    to = from + maxChars;
  }
  let html = from > 0 ? '…' : '';
  let at = from;
  for (const hit of marked) {
    if (hit.start < from || hit.end > to) continue;
    html += escapeHtml(text.slice(at, hit.start));
    const cls = hit.weight === 0 ? ' class="neutral"' : '';
    html += `<mark${cls} title="${escapeHtml(`${hit.topic}: ${hit.term}`)}">${escapeHtml(text.slice(hit.start, hit.end))}</mark>`;
    at = hit.end;
  }
  html += escapeHtml(text.slice(at, to));
  return to < text.length ? `${html}…` : html;
}

/** Human-readable lines for poll outcomes and evaluations, shared by trigger, replay and demo. */
import type { PollOutcome } from '../pipeline/poll-feed.js';

export function describeOutcome(outcome: PollOutcome): string[] {
  const lines: string[] = [];
  const fetchNote = outcome.fetch === 'not-modified' ? ' (304 Not Modified: nothing to do)' : outcome.fetch === 'unchanged' ? ' (same bytes as last poll: nothing to do)' : '';
  lines.push(`${outcome.feedId}: HTTP ${outcome.httpStatus}${fetchNote}, ${outcome.itemsSeen} items seen, ${outcome.itemsNew} new, ${outcome.itemsKept} kept, ${outcome.duplicates} duplicates, ${outcome.itemsIrrelevant} irrelevant` +
    `${outcome.itemsUpdated > 0 ? `, ${outcome.itemsUpdated} updated` : ''}` +
    `${outcome.itemsTooOld > 0 ? `, ${outcome.itemsTooOld} older than the first-poll window` : ''} (${Math.round(outcome.durationMs)} ms)`);
  for (const kept of outcome.kept) {
    lines.push(`  kept       "${kept.title}" — ${kept.watches.join(', ')}: ${kept.terms.join(', ')}`);
    if (kept.url) lines.push(`             ${kept.url}`);
  }
  for (const dup of outcome.duplicateOf) {
    const how = dup.distance === 0 ? 'same text as' : `near-duplicate (${dup.distance} bits) of`;
    lines.push(`  duplicate  "${dup.title}" — ${how} article ${dup.articleId}, recorded as a sighting`);
  }
  for (const update of outcome.updated) {
    lines.push(`  updated    "${update.title}" — new version of article ${update.articleId}`);
  }
  for (const itemError of outcome.itemErrors) lines.push(`  item error ${itemError}`);
  return lines;
}

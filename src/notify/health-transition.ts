/**
 * Which feed event a change of health is worth: a feed that starts failing (or is disabled by a
 * 410), goes silent, or comes back. "new" says nothing yet, so it neither notifies nor resets.
 */
import type { FeedHealth } from '../feeds/feed-health.js';

/** What webhooks are told about: disabled counts as failing (a 410 is the worst failure). */
export type NotifiedHealth = 'ok' | 'failing' | 'silent';

export function notifiedHealth(health: FeedHealth): NotifiedHealth | null {
  switch (health) {
    case 'new': return null;
    case 'ok': return 'ok';
    case 'silent': return 'silent';
    case 'failing':
    case 'disabled': return 'failing';
  }
}

/**
 * The event for a change from `previous` (what was last notified; null when nothing was, taken as
 * ok so that a feed already failing when watching starts is reported) to `current`.
 */
export function healthEvent(previous: NotifiedHealth | null, current: NotifiedHealth): 'feed.failing' | 'feed.silent' | 'feed.recovered' | null {
  const before = previous ?? 'ok';
  if (before === current) return null;
  if (current === 'failing') return 'feed.failing';
  if (current === 'silent') return 'feed.silent';
  return 'feed.recovered';
}

/** Redis keys of the notify role, under the deployment's `{prefix}` hash tag like every other key. */
import type { Keyspace } from '../queues/keyspace.js';

export interface NotifyKeys {
  /** Hash: feed id → the health last notified (ok, failing, silent). */
  notifiedHealth: string;
  /** String with expiry: only one process watches feed health at a time. */
  watchLock: string;
}

export function notifyKeys(keys: Keyspace): NotifyKeys {
  return {
    notifiedHealth: `${keys.root}:notify:health`,
    watchLock: `${keys.root}:lock:notify-watch`,
  };
}

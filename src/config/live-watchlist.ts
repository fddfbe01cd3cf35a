/**
 * The running daemon's watchlist: reloaded when the file changes or on SIGHUP. A valid edit
 * replaces the current version and notifies listeners; an invalid one is logged with every
 * problem and ignored, so the daemon keeps running on the last good version.
 */
import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadWatchlist, type Watchlist } from './watchlist.js';
import type { Logger } from '../logging/logger.js';

export interface LiveWatchlistEvents {
  change: [next: Watchlist, previous: Watchlist];
}

export class LiveWatchlist extends EventEmitter<LiveWatchlistEvents> {
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private reloading: Promise<boolean> = Promise.resolve(false);

  constructor(
    public current: Watchlist,
    private readonly log: Logger,
  ) {
    super();
  }

  static async open(file: string | undefined, log: Logger): Promise<LiveWatchlist> {
    return new LiveWatchlist(await loadWatchlist(file), log);
  }

  /** Watches the file's folder (editors save by renaming a temporary file over the original). */
  watchFile(debounceMs = 300): void {
    const dir = path.dirname(this.current.file);
    const base = path.basename(this.current.file);
    this.watcher = watch(dir, (_event, filename) => {
      if (filename !== null && filename !== base) return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.reload('file changed'), debounceMs);
    });
    this.watcher.on('error', (err) => this.log.error({ err, file: this.current.file }, 'config: cannot watch the watchlist file; use SIGHUP to reload'));
  }

  /** Reloads now; resolves true when a new valid version was applied. Reloads never overlap. */
  reload(reason: string): Promise<boolean> {
    this.reloading = this.reloading.then(() => this.reloadOnce(reason));
    return this.reloading;
  }

  private async reloadOnce(reason: string): Promise<boolean> {
    const file = this.current.file;
    try {
      const next = await loadWatchlist(file);
      if (next.version === this.current.version) return false;
      const previous = this.current;
      this.current = next;
      this.log.info({ file, version: next.version, previousVersion: previous.version, feeds: next.feeds.length, reason }, 'config: reloaded the watchlist');
      this.emit('change', next, previous);
      return true;
    } catch (err) {
      if (err instanceof ConfigError) {
        this.log.error({ file, issues: err.issues, reason }, `config: rejected the edit, still running version ${this.current.version}\n${err.message}`);
      } else {
        this.log.error({ err, file, reason }, `config: reload failed, still running version ${this.current.version}`);
      }
      return false;
    }
  }

  close(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
  }
}

/**
 * A user database file that is reloaded when it changes on disk. The new file is opened and
 * checked completely before the reference is swapped, so a lookup always sees either the old
 * or the new reader, never a half-loaded one; a file that fails to open on reload is logged and
 * the old database stays.
 */
import { watchFile, unwatchFile, type Stats } from 'node:fs';
import { openMmdb, type OpenedMmdb } from './mmdb.js';
import type { LogFn } from './log.js';

export interface WatchOptions {
  /** stat polling interval in ms (default 2000): polling also sees files replaced by rename. */
  intervalMs?: number;
  /** Quiet time after the last change before reloading, in ms (default 500): lets a copy finish. */
  debounceMs?: number;
}

export class WatchedMmdb {
  current: OpenedMmdb;
  reloads = 0;
  failedReloads = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly listener: (cur: Stats, prev: Stats) => void;
  private closed = false;

  /** Opens the file now (throws GEO_DB_MISSING / GEO_DB_CORRUPT) and starts watching it. */
  constructor(
    readonly path: string,
    readonly kind: 'city' | 'asn',
    private readonly log: LogFn,
    private readonly onSwap: () => void,
    opts: WatchOptions = {},
  ) {
    this.current = openMmdb(path, kind);
    const debounce = opts.debounceMs ?? 500;
    this.listener = (cur, prev) => {
      if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size && cur.ino === prev.ino) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.reload(), debounce);
      this.timer.unref();
    };
    watchFile(path, { interval: opts.intervalMs ?? 2000, persistent: false }, this.listener);
  }

  /** Re-reads the file now; returns true when the database was replaced. */
  reload(): boolean {
    this.timer = null;
    if (this.closed) return false;
    try {
      const next = openMmdb(this.path, this.kind);
      if (next.stamp === this.current.stamp) return false;
      this.current = next;
      this.reloads++;
      this.onSwap();
      this.log('info', `reloaded the ${this.kind} database`, { file: this.path, builtAt: next.info.builtAt });
      return true;
    } catch (err) {
      this.failedReloads++;
      this.log('error', `could not reload the ${this.kind} database; keeping the previous one`, {
        file: this.path, code: (err as { code?: string }).code, error: (err as Error).message,
      });
      return false;
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    unwatchFile(this.path, this.listener);
  }
}

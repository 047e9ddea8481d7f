/**
 * The replay's prefetch buffer: pages of /api/events are fetched ahead of the replay clock and
 * handed out in time order as the clock passes them. Bounded: at most `capacity` events are held
 * (default 5,000); a page is asked for only when fewer than `lowWater` remain (default 2,500), one
 * page in flight at a time, and never more than the free room.
 */

export interface Page<T> { events: T[]; nextCursor: string | null }
/** Fetches one page after `cursor` (null: the first), at most `limit` items. */
export type PageFetch<T> = (cursor: string | null, limit: number) => Promise<Page<T>>;

export interface BufferOptions {
  /** Most events held (default 5000). */
  capacity?: number;
  /** Fetch the next page when fewer than this many are held (default 2500). */
  lowWater?: number;
  /** Largest page asked for (default 1000, the server's cap). */
  pageSize?: number;
}

export class PageBuffer<T> {
  private items: T[] = [];
  private head = 0;
  private cursor: string | null = null;
  private inflight = false;
  private closed = false;
  /** True when the server said there are no more pages. */
  done = false;
  /** The last fetch error (empty when the last fetch worked). */
  error = '';
  /** Pages fetched so far. */
  pages = 0;
  readonly capacity: number;
  readonly lowWater: number;
  readonly pageSize: number;

  /** `timeOf`: an item's time (epoch ms) for ordering. */
  constructor(private fetchPage: PageFetch<T>, private timeOf: (item: T) => number, o: BufferOptions = {}) {
    this.capacity = Math.max(1, o.capacity ?? 5000);
    this.pageSize = Math.max(1, Math.min(o.pageSize ?? 1000, this.capacity));
    this.lowWater = Math.max(1, Math.min(o.lowWater ?? 2500, this.capacity));
  }

  /** Events held and not yet handed out. */
  get size(): number { return this.items.length - this.head; }
  get loading(): boolean { return this.inflight; }
  /** True when everything was fetched and handed out. */
  get exhausted(): boolean { return this.done && this.size === 0; }

  /**
   * Asks for the next page when the buffer runs low. Resolves when that page (if any) is in.
   * A failed fetch is kept in `error`; the next pump tries again.
   */
  async pump(): Promise<void> {
    if (this.inflight || this.done || this.closed || this.size >= this.lowWater) return;
    const limit = Math.min(this.pageSize, this.capacity - this.size);
    if (limit <= 0) return;
    this.inflight = true;
    try {
      const page = await this.fetchPage(this.cursor, limit);
      if (this.closed) return;
      this.error = '';
      this.pages++;
      this.add(page.events.slice(0, limit));
      this.cursor = page.nextCursor;
      if (!page.nextCursor) this.done = true;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.inflight = false;
    }
  }

  private add(page: T[]): void {
    // Pages come in storage order; a late sensor line may carry an earlier time, so the held
    // events are kept sorted (a stable sort of at most `capacity` items per page).
    const rest = this.items.slice(this.head).concat(page);
    const keyed = rest.map((item, i) => ({ item, t: this.timeOf(item), i }));
    keyed.sort((a, b) => a.t - b.t || a.i - b.i);
    this.items = keyed.map((k) => k.item);
    this.head = 0;
  }

  /** Hands out, oldest first, every held event with time ≤ `untilMs`, at most `max` (default all). */
  take(untilMs: number, max = Infinity): T[] {
    const out: T[] = [];
    while (this.head < this.items.length && out.length < max && this.timeOf(this.items[this.head]) <= untilMs) {
      out.push(this.items[this.head++]);
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) { this.items = this.items.slice(this.head); this.head = 0; }
    return out;
  }

  /** Time of the oldest held event, or undefined. */
  peekTime(): number | undefined {
    return this.head < this.items.length ? this.timeOf(this.items[this.head]) : undefined;
  }

  /** Stops: a page still in flight is dropped when it arrives. */
  close(): void { this.closed = true; this.items = []; this.head = 0; }
}

/**
 * A fixed-capacity ring buffer: the live feed keeps the newest `capacity` items and a month-long
 * run never grows it.
 */
export class Ring<T> {
  private items: (T | undefined)[];
  private head = 0; // index of the next write
  private n = 0;
  /** Items ever pushed (the newest item's sequence number is total - 1). */
  total = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('ring capacity must be >= 1');
    this.items = new Array(capacity);
  }

  get size(): number { return this.n; }

  push(item: T): void {
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    if (this.n < this.capacity) this.n++;
    this.total++;
  }

  /** The i-th newest item (0 = newest), or undefined past the end. */
  newest(i: number): T | undefined {
    if (i < 0 || i >= this.n) return undefined;
    return this.items[(this.head - 1 - i + this.capacity * 2) % this.capacity];
  }

  /** Newest first, up to `max` items (a copy; used to freeze the feed when paused). */
  toArray(max = this.n): T[] {
    const out: T[] = [];
    for (let i = 0; i < Math.min(max, this.n); i++) out.push(this.newest(i) as T);
    return out;
  }

  clear(): void {
    this.items = new Array(this.capacity);
    this.head = 0;
    this.n = 0;
  }
}

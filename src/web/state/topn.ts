/**
 * A counter of keys with a hard cap on distinct keys, for top-N tables over a month of events.
 * When full it evicts the smallest counts (keeping the bigger half), and remembers the largest
 * count it ever evicted as `errorBound`: any count shown may be low by at most that much
 * (the Space-Saving idea, simplified to batch eviction so each add is O(1) amortised).
 */
export class CappedCounter {
  private m = new Map<string, number>();
  /** Largest count dropped by eviction; 0 while nothing was evicted. */
  errorBound = 0;

  constructor(readonly cap = 2000) {
    if (!(cap >= 2)) throw new RangeError('cap must be >= 2');
  }

  get size(): number { return this.m.size; }

  add(key: string, n = 1): void {
    const v = this.m.get(key);
    if (v !== undefined) { this.m.set(key, v + n); return; }
    if (this.m.size >= this.cap) this.evict();
    this.m.set(key, n);
  }

  get(key: string): number { return this.m.get(key) ?? 0; }

  /** The n largest, biggest first; ties by key for a stable display. */
  top(n: number): { key: string; count: number }[] {
    return [...this.m.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, n)
      .map(([key, count]) => ({ key, count }));
  }

  entries(): IterableIterator<[string, number]> { return this.m.entries(); }

  clear(): void { this.m.clear(); this.errorBound = 0; }

  private evict(): void {
    const sorted = [...this.m.entries()].sort((a, b) => b[1] - a[1]);
    const keep = Math.floor(this.cap / 2);
    for (let i = keep; i < sorted.length; i++) {
      this.errorBound = Math.max(this.errorBound, sorted[i][1]);
      this.m.delete(sorted[i][0]);
    }
  }
}

/**
 * A bounded, approximately least-recently-used cache in two generations: new and recently hit
 * entries live in `young`; when `young` holds max/2 entries it becomes `old` and the previous
 * `old` is dropped whole. A hit in `old` copies the entry to `young`. At most `max` entries are
 * held, and anything used within the last max/2 insertions survives.
 *
 * Why not a Map with delete-and-reinsert on every hit: V8 keeps deleted slots until it
 * rehashes, so a busy cache of tens of thousands of entries spent ~20 µs per hit rehashing;
 * here a hit is one or two Map reads and nothing is ever deleted. max 0 stores nothing.
 */
export class Lru<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;
  hits = 0;
  misses = 0;

  constructor(readonly max: number) {
    this.half = Math.max(1, Math.floor(max / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: K): V | undefined {
    let v = this.young.get(key);
    if (v !== undefined) {
      this.hits++;
      return v;
    }
    v = this.old.get(key);
    if (v !== undefined) {
      this.hits++;
      this.put(key, v);
      return v;
    }
    this.misses++;
    return undefined;
  }

  set(key: K, value: V): void {
    if (this.max <= 0) return;
    this.put(key, value);
  }

  private put(key: K, value: V): void {
    if (this.young.size >= this.half) {
      // With max 1 there is room for one generation only.
      this.old = this.max >= 2 ? this.young : new Map();
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }
}

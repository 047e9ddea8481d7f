/**
 * A bounded, approximately least-recently-used cache built from generations of Maps.
 *
 * - New entries (misses) go to a probation area: two generations of max/8 entries each. Most
 *   attack traffic is one-off scanners, and they age out here without pushing repeat
 *   attackers out.
 * - An entry hit again moves to the protected area: two generations of the remaining space.
 *   When the young generation is full it becomes the old one and the previous old one is
 *   dropped whole; a hit in the old generation moves the entry back to the young one.
 *
 * At most `max` entries are held (an entry may sit in both areas for a while; it still counts
 * against its generation's bound). Why not a Map with delete-and-reinsert on every hit: V8 keeps
 * deleted slots until it rehashes, and a busy cache of tens of thousands of entries spent ~20 us
 * per hit doing so; here a hit is one to four Map reads and nothing is ever deleted. Caches
 * below 16 entries skip the probation area. max 0 stores nothing (every get is a miss).
 */
export class Lru<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private probation = new Map<K, V>();
  private probationOld = new Map<K, V>();
  private readonly probationMax: number;
  private readonly protectedMax: number;
  hits = 0;
  misses = 0;

  constructor(readonly max: number) {
    this.probationMax = max >= 16 ? Math.floor(max / 8) : 0;
    this.protectedMax = Math.max(1, Math.floor((max - 2 * this.probationMax) / 2));
  }

  /** Entries held (an entry in both areas counts twice). */
  get size(): number {
    return this.young.size + this.old.size + this.probation.size + this.probationOld.size;
  }

  /** The value, or undefined (counted as a miss). */
  get(key: K): V | undefined {
    const v = this.peek(key);
    if (v === undefined) this.misses++;
    return v;
  }

  /** Like get, but a miss is not counted (for a probe that is followed by a real get). */
  peek(key: K): V | undefined {
    let v = this.young.get(key);
    if (v !== undefined) {
      this.hits++;
      return v;
    }
    v = this.old.get(key) ?? this.probation.get(key) ?? this.probationOld.get(key);
    if (v !== undefined) {
      this.hits++;
      this.protect(key, v);
      return v;
    }
    return undefined;
  }

  set(key: K, value: V): void {
    if (this.max <= 0) return;
    if (this.probationMax === 0) {
      this.protect(key, value);
      return;
    }
    if (this.probation.size >= this.probationMax) {
      this.probationOld = this.probation;
      this.probation = new Map();
    }
    this.probation.set(key, value);
  }

  private protect(key: K, value: V): void {
    if (this.young.size >= this.protectedMax) {
      // With max 1 there is room for one generation only.
      this.old = this.max >= 2 ? this.young : new Map();
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
    this.probation = new Map();
    this.probationOld = new Map();
  }
}

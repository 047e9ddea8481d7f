/**
 * A bounded least-recently-used cache on Map insertion order: a hit moves the key to the end,
 * an insert beyond `max` evicts the oldest. max 0 stores nothing (every get is a miss).
 */
export class Lru<K, V> {
  private map = new Map<K, V>();
  hits = 0;
  misses = 0;

  constructor(readonly max: number) {}

  get size(): number { return this.map.size; }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: K, value: V): void {
    if (this.max <= 0) return;
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as K);
    this.map.set(key, value);
  }

  clear(): void { this.map.clear(); }
}

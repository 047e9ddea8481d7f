import { describe, expect, it } from 'vitest';
import { Lru } from './lru.js';

describe('Lru', () => {
  it.each([0, 1, 2, 3, 15, 16, 17, 100, 1000])('never holds more than max=%i entries', (max) => {
    const c = new Lru<number, number>(max);
    for (let i = 0; i < 20_000; i++) {
      const k = i % 3 === 0 ? i % 37 : i; // some repeats, many one-offs
      if (c.get(k) === undefined) c.set(k, k);
      expect(c.size).toBeLessThanOrEqual(max);
    }
  });

  it('counts hits and misses and returns what was stored', () => {
    const c = new Lru<string, number>(100);
    expect(c.get('a')).toBeUndefined();
    c.set('a', 1);
    expect(c.get('a')).toBe(1);
    expect(c.get('a')).toBe(1);
    expect([c.hits, c.misses]).toEqual([2, 1]);
  });

  it('keeps repeat keys while a flood of one-off keys passes through', () => {
    const c = new Lru<string, number>(1000);
    const hot = Array.from({ length: 200 }, (_, i) => `hot${i}`);
    for (const k of hot) { c.set(k, 1); c.get(k); }
    let hotMisses = 0;
    for (let i = 0; i < 50_000; i++) {
      const k = i % 5 === 0 ? hot[(i / 5) % hot.length] : `scan${i}`;
      if (c.get(k) === undefined) {
        if (k.startsWith('hot')) hotMisses++;
        c.set(k, 1);
      }
    }
    expect(hotMisses).toBe(0);
  });

  it('max 0 stores nothing; clear empties', () => {
    const z = new Lru<string, number>(0);
    z.set('a', 1);
    expect(z.get('a')).toBeUndefined();
    const c = new Lru<string, number>(50);
    c.set('a', 1);
    c.clear();
    expect(c.size).toBe(0);
    expect(c.get('a')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { Ring } from './ring.js';
import { CappedCounter } from './topn.js';
import { RateMeter } from './rate.js';
import { LiveStore, RecentIds } from './store.js';
import type { AttackEvent } from '../types.js';

describe('Ring', () => {
  it('keeps the newest items, newest first, within capacity', () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.size).toBe(3);
    expect(r.toArray()).toEqual([5, 4, 3]);
    expect(r.newest(3)).toBeUndefined();
    expect(r.total).toBe(5);
  });
});

describe('CappedCounter', () => {
  it('never holds more than its cap and keeps the heavy hitters', () => {
    const c = new CappedCounter(100);
    for (let i = 0; i < 10_000; i++) c.add(`k${i}`);
    for (let i = 0; i < 50; i++) c.add('heavy', 10);
    expect(c.size).toBeLessThanOrEqual(100);
    expect(c.top(1)[0]).toEqual({ key: 'heavy', count: 500 });
    expect(c.errorBound).toBe(1);
  });
});

describe('RateMeter', () => {
  it('sums whole seconds and forgets old ones', () => {
    const m = new RateMeter(61);
    m.add(1000, 5); m.add(1500, 5); m.add(2000, 3);
    expect(m.sum(3000, 60)).toBe(13);
    expect(m.sum(70_000, 60)).toBe(0);
  });

  it('ignores a time older than its ring instead of overwriting a recent second', () => {
    const m = new RateMeter(61);
    m.add(100_500, 4);
    m.add(100_500 - 61_000 * 2, 9); // same ring slot, two minutes earlier
    expect(m.sum(101_000, 60)).toBe(4);
    m.add(90_000, 2); // inside the minute: counted
    expect(m.sum(101_000, 60)).toBe(6);
  });
});

describe('LiveStore', () => {
  const e = (id: string, over: Partial<AttackEvent> = {}): AttackEvent => ({
    id, time: new Date(0).toISOString(), received: '', category: 'scan', severity: 'low', rule: { name: 'r' },
    observer: { name: 's', product: 'p' }, count: 1, source: { ip: '1.2.3.4', geo: { lat: 1, lon: 1, country: 'CN' } },
    destination: { ip: '10.0.0.1', port: 22, geo: null }, service: 'ssh', ...over,
  } as AttackEvent);

  it('counts backfilled events for the rate when the server received them', () => {
    const s = new LiveStore();
    const now = 1_000_000_000;
    s.add(e('a', { received: new Date(now - 10 * 60_000).toISOString() }), now, now - 10 * 60_000);
    s.add(e('b', { received: new Date(now - 20_000).toISOString() }), now, now - 20_000);
    s.add(e('c'), now);
    expect(s.total).toBe(3);
    expect(s.perMinute(now + 1000)).toBe(2);
  });

  it('counts every event once (by count), top-N, unlocated, and ignores duplicate ids', () => {
    const s = new LiveStore({ feedCapacity: 10 });
    expect(s.add(e('1', { count: 5 }), 1000)).toBe(true);
    expect(s.add(e('1'), 1000)).toBe(false);
    s.add(e('2', { source: { ip: '10.1.1.1', geo: null, geoReason: 'private' } }), 1000);
    expect(s.total).toBe(6);
    expect(s.byCategory.scan).toBe(6);
    expect(s.top.srcCountry.top(1)).toEqual([{ key: 'CN', count: 5 }]);
    expect(s.top.port.top(1)).toEqual([{ key: '22/ssh', count: 6 }]);
    expect(s.unlocatedSource).toBe(1);
    expect(s.unlocatedTarget).toBe(6);
    expect(s.duplicates).toBe(1);
  });

  it('stays bounded over a long run', () => {
    const s = new LiveStore({ feedCapacity: 50, topCap: 100 });
    for (let i = 0; i < 20_000; i++) s.add(e(String(i), { source: { ip: `9.9.${i >> 8 & 255}.${i & 255}`, geo: null } }), i);
    expect(s.feed.size).toBe(50);
    expect(s.top.srcIp.size).toBeLessThanOrEqual(100);
    expect(s.total).toBe(20_000);
  });

  it('RecentIds forgets the oldest beyond its cap', () => {
    const r = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'd']) r.add(id);
    expect(r.add('a')).toBe(true);
    expect(r.add('d')).toBe(false);
  });
});

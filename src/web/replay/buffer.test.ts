import { describe, expect, it } from 'vitest';
import { PageBuffer, type Page } from './buffer.js';

interface Ev { id: number; t: number }

/** A paged source over `all` (storage order) that records every request. */
function source(all: Ev[]) {
  const calls: { cursor: string | null; limit: number }[] = [];
  const fetch = async (cursor: string | null, limit: number): Promise<Page<Ev>> => {
    calls.push({ cursor, limit });
    const start = cursor ? Number(cursor) : 0;
    const events = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : null;
    return { events, nextCursor: next };
  };
  return { fetch, calls };
}

const evs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i, t: 1000 + i * 10 }));

describe('replay page buffer', () => {
  it('hands events out in time order as the clock passes them', async () => {
    const shuffled = [{ id: 1, t: 30 }, { id: 2, t: 10 }, { id: 3, t: 20 }, { id: 4, t: 20 }];
    const s = source(shuffled);
    const b = new PageBuffer(s.fetch, (e) => e.t, { capacity: 100, lowWater: 10, pageSize: 100 });
    await b.pump();
    expect(b.take(5)).toEqual([]);
    expect(b.take(20).map((e) => e.id)).toEqual([2, 3, 4]);
    expect(b.take(1e9).map((e) => e.id)).toEqual([1]);
    expect(b.exhausted).toBe(true);
  });

  it('never holds more than its capacity and asks only for the free room', async () => {
    const s = source(evs(20_000));
    const b = new PageBuffer(s.fetch, (e) => e.t, { capacity: 5000, lowWater: 5000, pageSize: 1000 });
    for (let i = 0; i < 20; i++) await b.pump();
    expect(b.size).toBe(5000);
    expect(s.calls.length).toBe(5);
    expect(s.calls.every((c) => c.limit <= 1000)).toBe(true);
    await b.pump();
    expect(s.calls.length).toBe(5);
    // Drain to below the low-water mark: the next pump asks for one more page, sized to the room.
    const got = b.take(1000 + 4200 * 10);
    expect(got.length).toBe(4201);
    expect(b.size).toBe(799);
    await b.pump();
    expect(s.calls.length).toBe(6);
    expect(s.calls[5]).toEqual({ cursor: '5000', limit: 1000 });
    expect(b.size).toBe(1799);
  });

  it('reads every page to the end, in order, across pages', async () => {
    const s = source(evs(2500));
    const b = new PageBuffer(s.fetch, (e) => e.t, { capacity: 1000, lowWater: 500, pageSize: 400 });
    const seen: number[] = [];
    while (!b.exhausted) {
      await b.pump();
      for (const e of b.take((b.peekTime() ?? 0) + 3000)) seen.push(e.id);
    }
    expect(seen).toEqual(evs(2500).map((e) => e.id));
  });

  it('keeps a failed fetch as an error and retries', async () => {
    let fail = true;
    const b = new PageBuffer<Ev>(async () => {
      if (fail) throw new Error('HTTP 503');
      return { events: [{ id: 1, t: 1 }], nextCursor: null };
    }, (e) => e.t);
    await b.pump();
    expect(b.error).toBe('HTTP 503');
    expect(b.done).toBe(false);
    fail = false;
    await b.pump();
    expect(b.error).toBe('');
    expect(b.take(1).length).toBe(1);
  });

  it('drops a page that arrives after close', async () => {
    let release: (p: Page<Ev>) => void = () => {};
    const b = new PageBuffer<Ev>(() => new Promise((r) => { release = r; }), (e) => e.t);
    const p = b.pump();
    b.close();
    release({ events: [{ id: 1, t: 1 }], nextCursor: null });
    await p;
    expect(b.size).toBe(0);
  });
});

describe('replay page buffer low-water mark', () => {
  it('does not fetch while at least lowWater events are held', async () => {
    const s = source(evs(10_000));
    const b = new PageBuffer(s.fetch, (e) => e.t, { capacity: 5000, lowWater: 1500, pageSize: 1000 });
    for (let i = 0; i < 5; i++) await b.pump();
    expect(b.size).toBe(2000);
    expect(s.calls.length).toBe(2);
  });
});

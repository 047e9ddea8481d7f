import { describe, expect, it } from 'vitest';
import { decodeAttack, decodeGap, decodeHello, decodeHistory, decodeStats } from './decode.js';

const good = {
  id: '7', time: '2026-11-25T10:00:00Z', received: '2026-11-25T10:00:00Z', category: 'exploit', severity: 'high',
  rule: { name: '<img src=x onerror=alert(1)>' }, observer: { name: 'ids', product: 'suricata' }, count: 2,
  source: { ip: '81.2.69.142', geo: { lat: 51.4, lon: -0.76, country: 'GB' } }, destination: { ip: '10.0.0.1', geo: null },
};

describe('decode at the boundary', () => {
  it('keeps good events and counts bad ones in the same batch', () => {
    const r = decodeAttack(JSON.stringify({ events: [good, { ...good, category: 'nope' }, { ...good, source: { ip: 1 } }, null, { ...good, source: { ip: 'x', geo: { lat: 'a', lon: 0 } } }] }));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.events).toHaveLength(1);
      expect(r.value.bad).toBe(4);
      expect(r.value.events[0].rule.name).toBe('<img src=x onerror=alert(1)>');
    }
  });

  it('never throws on garbage', () => {
    for (const t of ['', 'null', '{', '[]', '{"events":{}}', '"x"', '{"counters":3}']) {
      expect(() => { decodeAttack(t); decodeStats(t); decodeHello(t); decodeGap(t); }).not.toThrow();
      expect(decodeAttack(t).ok).toBe(false);
    }
  });

  it('reads stats counters tolerantly (old and new field names)', () => {
    const r = decodeStats(JSON.stringify({ counters: { total: 5, lastMinute: 3, perMinute: 'x', topSrcCountry: [{ key: 'CN', count: 2 }, { bad: 1 }], byCategory: { scan: 2, x: 'y' } } }));
    expect(r.ok && r.value.total).toBe(5);
    expect(r.ok && r.value.perMinute).toBeUndefined();
    expect(r.ok && r.value.topSrcCountries).toEqual([{ key: 'CN', count: 2 }]);
    expect(r.ok && r.value.byCategory).toEqual({ scan: 2 });
  });

  it('reads hello with and without snapshot', () => {
    const a = decodeHello(JSON.stringify({ schema: 1, view: 'public', lastId: '9', snapshot: { events: [good, 1], counters: { total: 1 } } }));
    expect(a.ok && a.value.snapshot?.events.length).toBe(1);
    expect(a.ok && a.value.bad).toBe(1);
    const b = decodeHello(JSON.stringify({ schema: 1, view: 'analyst', lastId: '9', resumed: true }));
    expect(b.ok && b.value.resumed).toBe(true);
    expect(b.ok && b.value.snapshot).toBeUndefined();
  });

  it('reads history stats and labels AS numbers with their organisation', () => {
    const h = decodeHistory({ total: 9, byCategory: { scan: 9 }, top: { asn: [{ key: '4134', label: 'Chinanet', count: 5 }, { key: {}, count: 1 }], srcIp: 'x' } });
    expect(h?.top?.asn).toEqual([{ key: '4134 Chinanet', count: 5 }]);
    expect(h?.top?.srcIp).toBeUndefined();
    expect(decodeHistory('nope')).toBeNull();
  });
});

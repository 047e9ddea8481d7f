import { describe, expect, it } from 'vitest';
import { change, decodeTrends } from './trends.js';

describe('trends widget helpers', () => {
  it('change(): arrow and percentage, "new" from nothing, n/a without data', () => {
    expect(change(150, { total: 100 })).toEqual({ text: '↑ 50%', dir: 'up' });
    expect(change(75, { total: 100 })).toEqual({ text: '↓ 25%', dir: 'down' });
    expect(change(100, { total: 100 })).toEqual({ text: '→ 0%', dir: 'flat' });
    expect(change(5, { total: 0 })).toEqual({ text: '↑ new', dir: 'up' });
    expect(change(5, null)).toEqual({ text: 'n/a', dir: 'none' });
  });

  it('decodeTrends() keeps well-formed entries only and refuses a body without a window', () => {
    expect(decodeTrends({ error: { code: 'QUERY_INVALID' } })).toBeNull();
    expect(decodeTrends('<html>')).toBeNull();
    const d = decodeTrends({
      window: { total: 9 }, previous: null, dayAgo: { total: 3 }, weekAgo: 'x',
      newAsns: [{ asn: 64501, org: '<b>Evil</b>', count: 4, firstSeen: '2026-11-20T11:20:00.000Z' }, { asn: 'x', count: 1 }, null],
      newNetworks: [{ prefix: '198.51.100.0/24', count: 4 }, { prefix: 7, count: 1 }],
      newAsnTotal: 1, newNetworkTotal: 1,
    });
    expect(d?.window.total).toBe(9);
    expect(d?.weekAgo).toBeNull();
    expect(d?.asns.map((a) => a.key)).toEqual(['AS64501 <b>Evil</b>']); // shown as text, never parsed
    expect(d?.asnNumbers).toEqual([64501]);
    expect(d?.nets.map((n) => n.key)).toEqual(['198.51.100.0/24']);
  });
});

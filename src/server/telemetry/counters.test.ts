import { describe, expect, it } from 'vitest';
import { createCounters } from './counters.js';
import { makeEvent } from '../stream/testing/events.js';
import type { AttackEvent } from '../../event/schema.js';

const ev = (over: Parameters<typeof makeEvent>[0] = {}) => ({ ...makeEvent(over), id: '1', received: '2026-11-25T09:00:00Z' }) as AttackEvent;

describe('live counters', () => {
  it('counts totals, categories, severities and unlocated sources since it started', () => {
    let t = 1_000_000;
    const c = createCounters({ now: () => t });
    c.update([ev(), ev({ category: 'scan', severity: 'low', count: 5 }), ev({ source: { ip: '10.0.0.5', geo: null, geoReason: 'private' } })]);
    const s = c.snapshot();
    expect(s.total).toBe(3);
    expect(s.attacks).toBe(1 + 5 + 1);
    expect(s.byCategory.exploit).toBe(2);
    expect(s.byCategory.scan).toBe(1);
    expect(s.byCategory.dos).toBe(0);
    expect(s.bySeverity.low).toBe(1);
    expect(s.unlocated).toBe(1);
    expect(s.topSrcCountries).toEqual([{ key: 'NL', count: 2 }]);
  });

  it('rolls the last minute and the country window forward', () => {
    let t = 5_000_000;
    const c = createCounters({ now: () => t, topWindowMs: 600_000, topBuckets: 10 });
    c.update([ev(), ev()]);
    t += 30_000;
    c.update([ev({ source: { ip: '203.0.113.9', geo: { lat: 1, lon: 1, country: 'BR' } } })]);
    expect(c.snapshot().lastMinute).toBe(3);
    t += 31_000; // the first two are now older than 60 s
    expect(c.snapshot().lastMinute).toBe(1);
    t += 60_000;
    expect(c.snapshot().lastMinute).toBe(0);
    expect(c.snapshot().topSrcCountries.map((x) => x.key)).toEqual(['NL', 'BR']);
    t += 700_000;
    expect(c.snapshot().topSrcCountries).toEqual([]);
    expect(c.snapshot().total).toBe(3);
  });

  it('keeps the country map bounded', () => {
    const c = createCounters({ maxKeys: 5, now: () => 1000 });
    const many: AttackEvent[] = [];
    for (let i = 0; i < 26 * 26; i++) {
      const cc = String.fromCharCode(65 + Math.floor(i / 26)) + String.fromCharCode(65 + (i % 26));
      many.push(ev({ source: { ip: '198.51.100.1', geo: { lat: 0, lon: 0, country: cc } } }));
    }
    c.update(many);
    const s = c.snapshot();
    expect(s.topSrcCountries[0]).toEqual({ key: 'other', count: 26 * 26 - 5 });
    expect(s.topSrcCountries).toHaveLength(6);
  });
});

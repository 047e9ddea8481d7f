import { describe, expect, it } from 'vitest';
import { targetText, timeCell } from './feed.js';
import type { AttackEvent } from '../types.js';

const e = (over: Partial<AttackEvent>): AttackEvent => ({
  id: '1', time: new Date(0).toISOString(), received: '', category: 'bruteforce', severity: 'medium', rule: { name: 'r' },
  observer: { name: 'canary-berlin', product: 'opencanary' }, count: 1, source: { ip: '203.0.113.9', geo: null },
  destination: { ip: '0.0.0.0', port: 22, geo: null, range: 'unspecified' }, ...over,
} as AttackEvent);

describe('feed target column', () => {
  it('names an intel indicator as having no target', () => {
    expect(targetText(e({ category: 'intel', destination: { ip: '0.0.0.0', geo: null, range: 'unspecified' } as AttackEvent['destination'] }))).toBe('no target (intel)');
  });

  it('names a sensor that logged an attack on itself, without a site, by its own name', () => {
    expect(targetText(e({}))).toBe('canary-berlin:22');
  });

  it('prefers the site, then the target country and address', () => {
    expect(targetText(e({ observer: { name: 'fw', product: 'iptables', site: 'Home' } }))).toBe('Home:22');
    expect(targetText(e({ destination: { ip: '198.51.100.7', port: 443, geo: { lat: 1, lon: 2, country: 'NL' } } as AttackEvent['destination'] }))).toBe('NL 198.51.100.7:443');
  });
});

describe('feed time column', () => {
  const at = (time: string, received: string) => timeCell({ time, received });

  it('shows the time of an event received on time, unmarked', () => {
    const c = at('2026-12-06T10:00:03Z', '2026-12-06T10:00:04Z');
    expect(c.lag).toBe('');
    expect(c.text).toMatch(/^\d\d:\d\d:03$/);
    expect(c.title).toBe('2026-12-06T10:00:03Z');
  });

  it('marks an event received minutes late and says by how much', () => {
    const c = at('2026-12-06T10:00:03Z', '2026-12-06T10:20:03Z');
    expect(c.lag).toBe('late');
    expect(c.text).toMatch(/^\d\d:\d\d:03$/);
    expect(c.title).toBe('2026-12-06T10:00:03Z, received 20 min later');
  });

  it('shows the day instead of the time for an event from another day', () => {
    const c = at('2026-12-03T10:00:03Z', '2026-12-06T10:00:03Z');
    expect(c.lag).toBe('late');
    expect(c.text).toMatch(/^Dec \d{1,2}$/);
    expect(c.title).toBe('2026-12-03T10:00:03Z, received 3 d later');
  });

  it('marks a time ahead of the server clock, but not a few seconds of drift', () => {
    expect(at('2026-12-06T11:00:00Z', '2026-12-06T10:00:00Z')).toMatchObject({ lag: 'ahead', title: "2026-12-06T11:00:00Z, 60 min ahead of the server's clock" });
    expect(at('2026-12-06T10:00:30Z', '2026-12-06T10:00:00Z').lag).toBe('');
  });

  it('leaves a time that does not parse unmarked', () => {
    expect(at('not a time', '2026-12-06T10:00:00Z')).toEqual({ text: 'not a time', lag: '', note: '', title: 'not a time' });
  });
});

import { describe, expect, it } from 'vitest';
import { targetText } from './feed.js';
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

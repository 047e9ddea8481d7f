import { describe, expect, it } from 'vitest';
import { redactPublic, truncateIp } from './redact.js';
import { makeEvent } from './testing/events.js';
import type { AttackEvent } from '../../event/schema.js';

const opts = { prefixV4: 24, prefixV6: 48 };

describe('public redaction', () => {
  it('cuts addresses to their network prefix', () => {
    expect(truncateIp('203.0.113.77', opts)).toBe('203.0.113.0/24');
    expect(truncateIp('203.0.113.77', { prefixV4: 16, prefixV6: 48 })).toBe('203.0.0.0/16');
    expect(truncateIp('203.0.113.77', { prefixV4: 0, prefixV6: 48 })).toBe('0.0.0.0/0');
    expect(truncateIp('2001:db8:1:2::5', opts)).toBe('2001:db8:1::/48');
    expect(truncateIp('2001:db8:abcd:ffff:1:2:3:4', { prefixV4: 24, prefixV6: 52 })).toBe('2001:db8:abcd:f000::/52');
    expect(truncateIp('::ffff:198.51.100.9', { prefixV4: 24, prefixV6: 128 })).toBe('::ffff:c633:6409/128');
    expect(truncateIp('not-an-ip', opts)).toBe('redacted');
  });

  it('drops details and the source port and leaves the original untouched', () => {
    const e = { ...makeEvent({ details: { password: 'hunter2', cmd: 'wget http://x/y' } }), id: '9', received: '2026-11-25T09:00:00Z' } as AttackEvent;
    const before = JSON.stringify(e);
    const p = redactPublic(e, opts);
    expect(JSON.stringify(e)).toBe(before);
    expect(p.details).toBeUndefined();
    expect(p.source.ip).toBe('198.51.100.0/24');
    expect(p.source.port).toBeUndefined();
    expect(p.destination.ip).toBe('192.0.2.0/24');
    expect(p.destination.port).toBe(80);
    expect(p.source.geo).toEqual(e.source.geo);
    const text = JSON.stringify(p);
    expect(text).not.toContain('198.51.100.77');
    expect(text).not.toContain('hunter2');
  });
});

import { describe, expect, it } from 'vitest';
import { validateIngest } from './validate.js';
import { canonicalIp } from './ip.js';
import { MAX_TEXT } from './schema.js';

const base = () => ({
  time: '2026-03-01T10:00:00.5-05:00',
  category: 'scan',
  severity: 'low',
  rule: { name: 'ET SCAN test' },
  source: { ip: '81.2.69.142', port: 4444 },
  destination: { ip: 'fe80:0000:0000:0000:fada:0cff:fedc:87f1', port: 22 },
});

describe('validateIngest', () => {
  it('normalises time to UTC, addresses to canonical form, and fills defaults', () => {
    const v = validateIngest(base(), { sensor: 'http' });
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.event.time).toBe('2026-03-01T15:00:00.500Z');
    expect(v.event.destination.ip).toBe('fe80::fada:cff:fedc:87f1');
    expect(v.event.observer).toEqual({ name: 'http', product: 'unknown' });
    expect(v.event.count).toBe(1);
  });

  it('ignores server-owned fields sent by a client', () => {
    const e = { ...base(), id: '999', received: 'x', source: { ip: '81.2.69.142', geo: { lat: 0, lon: 0 }, as: { number: 1 } } };
    const v = validateIngest(e, { sensor: 'http' });
    expect(v.ok && v.event.source).toEqual({ ip: '81.2.69.142' });
    expect(v.ok && 'id' in v.event).toBe(false);
  });

  it('rejects with stable codes', () => {
    expect(validateIngest([], { sensor: 's' })).toMatchObject({ ok: false, code: 'EVENT_NOT_OBJECT' });
    expect(validateIngest({ ...base(), category: 'nope' }, { sensor: 's' })).toMatchObject({
      ok: false, code: 'EVENT_SCHEMA', message: '/category: must be one of scan, bruteforce, exploit, malware, dos, recon, policy, intel, other (got "nope")',
    });
    expect(validateIngest({ ...base(), time: '2026-03-01T10:00:00' }, { sensor: 's' })).toMatchObject({ ok: false, code: 'EVENT_BAD_TIME' });
    expect(validateIngest({ ...base(), time: '2026-13-01T10:00:00Z' }, { sensor: 's' })).toMatchObject({ ok: false, code: 'EVENT_BAD_TIME' });
    expect(validateIngest({ ...base(), source: { ip: 'evil.example' } }, { sensor: 's' })).toMatchObject({ ok: false, code: 'EVENT_BAD_IP' });
    expect(validateIngest({ ...base(), destination: { ip: '1.2.3.4', port: 70000 } }, { sensor: 's' })).toMatchObject({ ok: false, code: 'EVENT_SCHEMA' });
  });

  it('cuts long attacker text instead of rejecting the event', () => {
    const v = validateIngest({ ...base(), rule: { name: 'A'.repeat(100_000) }, details: { cmd: 'x'.repeat(70_000) } }, { sensor: 's' });
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.event.rule.name.length).toBe(MAX_TEXT);
    expect(String(v.event.details!.cmd).length).toBe(MAX_TEXT);
  });
});

describe('canonicalIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['::ffff:81.2.69.142', '81.2.69.142'],
    ['FE80::1%eth0', 'fe80::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['010.1.1.1', null],
    ['1.2.3', null],
    ['x'.repeat(10_000), null],
    ['', null],
  ])('%s → %s', (input, expected) => {
    expect(canonicalIp(input)).toBe(expected);
  });
});

describe('time bounds', () => {
  it('refuses instants whose ISO text would need a six-digit year', async () => {
    const { toIso } = await import('./time.js');
    expect(toIso(Date.UTC(9999, 11, 31, 23, 59, 59, 999))).toBe('9999-12-31T23:59:59.999Z');
    expect(toIso(Date.UTC(10000, 0, 1))).toBeNull();
    expect(toIso(Number.NaN)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { epochToIso, isoTime, monthNumber, offsetMs, wallTimeToEpoch } from './index.js';
import { utcIsoTime } from './time.js';
import { iptablesParser } from '../iptables/parser.js';
import { parseIsoLike, toIso } from '../../../event/time.js';
import { mulberry32 } from '../../random.js';

const now = new Date('2026-03-01T12:00:00Z');

describe('time helpers', () => {
  it('wallTimeToEpoch infers the year, applies zone or fixed offset, and rejects impossible days', () => {
    expect(wallTimeToEpoch({ month: 12, day: 31, hour: 23, minute: 0, second: 0 }, now, 'UTC')).toBe(Date.UTC(2025, 11, 31, 23));
    expect(wallTimeToEpoch({ year: 2026, month: 6, day: 1, hour: 12, minute: 0, second: 0 }, now, 'Europe/Berlin')).toBe(Date.UTC(2026, 5, 1, 10));
    expect(wallTimeToEpoch({ year: 2026, month: 6, day: 1, hour: 12, minute: 0, second: 0, offset: -4 * 3600_000 }, now, 'Europe/Berlin')).toBe(Date.UTC(2026, 5, 1, 16));
    expect(wallTimeToEpoch({ year: 2026, month: 2, day: 29, hour: 0, minute: 0, second: 0 }, now, 'UTC')).toBeNull();
    expect(wallTimeToEpoch({ year: 2028, month: 2, day: 29, hour: 0, minute: 0, second: 0 }, now, 'UTC')).toBe(Date.UTC(2028, 1, 29));
    expect(wallTimeToEpoch({ month: 1, day: 1, hour: 0, minute: 0, second: 0 }, now, 'No/Such_Zone')).toBeNull();
  });
  it('offsetMs, monthNumber, isoTime, epochToIso', () => {
    expect(offsetMs('+0200')).toBe(7_200_000);
    expect(offsetMs('-04:30')).toBe(-16_200_000);
    expect(offsetMs('+0260')).toBeNull();
    expect(offsetMs('CET')).toBeNull();
    expect(monthNumber('Feb')).toBe(2);
    expect(monthNumber('DEC')).toBe(12);
    expect(monthNumber('con')).toBeUndefined();
    expect(isoTime('2026-02-28T10:00:00.5-0400', 'UTC')).toBe('2026-02-28T14:00:00.500Z');
    expect(isoTime('2026-02-28 10:00:00', 'Europe/Berlin')).toBe('2026-02-28T09:00:00.000Z');
    expect(epochToIso(-1)).toBeNull();
    expect(epochToIso(1e17)).toBeNull();
  });
  it('a pve-firewall line with a day its month lacks is dead-lettered, not moved to March', () => {
    const line = '100 6 PVEFW-HOST-IN 30/Feb/2026:10:00:00 +0100 policy DROP: IN=vmbr0 SRC=192.0.2.1 DST=198.51.100.2 LEN=60 PROTO=TCP SPT=1 DPT=22 SYN';
    expect(iptablesParser.parse(line, { now, timezone: 'UTC', sensor: 's' })).toMatchObject({ kind: 'error', code: 'PARSE_BAD_TIME' });
    const ok = iptablesParser.parse(line.replace('30/Feb', '28/Feb'), { now, timezone: 'UTC', sensor: 's' });
    expect(ok.kind === 'events' && ok.events[0].time).toBe('2026-02-28T09:00:00.000Z');
  });
});

describe('utcIsoTime (the fast path of isoTime)', () => {
  it('gives what the full parse gives whenever it answers', () => {
    const r = mulberry32(2026);
    const pick = (n: number) => Math.floor(r() * n);
    const pad = (v: number, w: number) => String(v).padStart(w, '0');
    const zones = ['Z', '+0000', '+00:00', 'z', '+0100', '-0000', '', ' Z'];
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      const frac = pick(8) === 0 ? '' : `.${pad(pick(1e9), 9).slice(0, 1 + pick(9))}`;
      const t = `${pad(1990 + pick(50), 4)}-${pad(pick(14), 2)}-${pad(pick(33), 2)}T${pad(pick(25), 2)}:${pad(pick(61), 2)}:${pad(pick(61), 2)}${frac}${zones[pick(zones.length)]}`;
      const fast = utcIsoTime(t);
      if (fast === null) continue;
      answered++;
      const epoch = parseIsoLike(t, 'UTC');
      expect(fast, t).toBe(epoch === null ? null : toIso(epoch));
    }
    expect(answered).toBeGreaterThan(1000);
    expect(utcIsoTime('2026-02-28T10:00:00.123456+0000')).toBe('2026-02-28T10:00:00.123Z');
    expect(isoTime('2026-02-28T10:00:00.123456+0100', 'UTC')).toBe('2026-02-28T09:00:00.123Z');
    expect(utcIsoTime('2026-02-30T10:00:00.123Z')).toBeNull();
  });
});

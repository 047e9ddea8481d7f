import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttackEvent, EnrichedEvent } from '../../../event/schema.js';
import { openSqliteLog, type SqliteEventLog } from './index.js';
import { MIGRATIONS } from './schema.js';
import { makeEvent, rng, tempDir } from './testkit.js';
import { netKey, runTrends, SEEN_SLACK_MS, storedNetKey } from './trends.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T = Date.parse('2026-11-20T12:00:00Z');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

function open(opts: { now?: () => number; rawRetentionDays?: number } = {}): { log: SqliteEventLog; dir: string } {
  const t = tempDir('attackmap-trends-');
  const log = openSqliteLog({ dataDir: t.dir, retentionIntervalMs: 0, ...opts });
  cleanups.push(t.remove, () => log.close());
  return { log, dir: t.dir };
}

/** An event from `ip` in AS `asn` at `time`. */
function ev(time: number, ip: string, asn: number | null, count = 1, over: Partial<EnrichedEvent> = {}): EnrichedEvent {
  const base = makeEvent(rng(time % 1000), time, over);
  return { ...base, count, source: { ip, geo: null, geoReason: 'unknown', ...(asn === null ? {} : { as: { number: asn, org: `Org ${asn}` } }) } };
}

describe('netKey', () => {
  it('cuts IPv4 to /24 and IPv6 to /48, and refuses text that is not an address', () => {
    expect(netKey('203.0.113.77')).toBe('203.0.113.0/24');
    expect(netKey('2001:db8:1:2::5')).toBe('2001:db8:1::/48');
    expect(netKey('::1')).toBe('::/48');
    expect(netKey('not an ip')).toBeNull();
    expect(netKey('1.2.3')).toBeNull();
    for (const ip of ['203.0.113.77', '10.0.0.1', '2001:db8:1:2::5', '::ffff:1.2.3.4']) expect(storedNetKey(ip)).toBe(netKey(ip));
  });
});

describe('trends: new sources', () => {
  it('lists an AS and networks first seen in the window, with their attacks in it, and not older ones', async () => {
    const { log } = open({ now: () => T });
    await log.append([ev(T - 5 * HOUR, '192.0.2.10', 64500, 2), ev(T - 5 * HOUR, '2001:db8:aa::1', 64500)]);
    await log.append([
      ev(T - 40 * 60_000, '192.0.2.11', 64500, 3), // known AS, known network
      ev(T - 30 * 60_000, '198.51.100.7', 64501, 4),
      ev(T - 20 * 60_000, '198.51.100.200', 64501, 1),
      ev(T - 10 * 60_000, '2001:db8:bb:1::9', 64502, 2),
      ev(T + 10 * 60_000, '198.51.100.8', 64501, 50), // after the window: not counted
    ]);
    const tr = await log.trends({ from: T - HOUR, to: T, top: 10 });
    expect(tr.newAsns.map((a) => [a.asn, a.count, a.org])).toEqual([[64501, 5, 'Org 64501'], [64502, 2, 'Org 64502']]);
    expect(tr.newAsns[0].firstSeen).toBe(new Date(T - 30 * 60_000).toISOString());
    expect(tr.newNetworks.map((n) => [n.prefix, n.count])).toEqual([['198.51.100.0/24', 5], ['2001:db8:bb::/48', 2]]);
    expect(tr.newAsnTotal).toBe(2);
    expect(tr.newNetworkTotal).toBe(2);
    expect(tr.countsPartial).toBe(false);
    // A source first seen earlier is not new in a later window.
    const later = await log.trends({ from: T, to: T + HOUR, top: 10 });
    expect(later.newAsns).toEqual([]);
    expect(later.newNetworks).toEqual([]);
    // An event older than the first sighting moves it earlier (out-of-order delivery).
    await log.append([ev(T - 3 * HOUR, '198.51.100.1', 64501)]);
    const again = await log.trends({ from: T - HOUR, to: T, top: 10 });
    expect(again.newAsns.map((a) => a.asn)).toEqual([64502]);
  });

  it('keeps `top` of the busiest, and a filter counts only matching events', async () => {
    const { log } = open({ now: () => T });
    await log.append([
      ev(T - 50 * 60_000, '203.0.113.1', 64600, 1, { category: 'scan' }),
      ev(T - 40 * 60_000, '203.0.114.1', 64601, 5, { category: 'bruteforce' }),
      ev(T - 30 * 60_000, '203.0.115.1', 64602, 3, { category: 'scan' }),
    ]);
    const tr = await log.trends({ from: T - HOUR, to: T, top: 2 });
    expect(tr.newAsns.map((a) => a.asn)).toEqual([64601, 64602]);
    expect(tr.newAsnTotal).toBe(3);
    const scans = await log.trends({ from: T - HOUR, to: T, top: 10, filter: { categories: ['scan'] } });
    expect(scans.newAsns.map((a) => [a.asn, a.count])).toEqual([[64602, 3], [64600, 1]]);
    expect(scans.newNetworks.map((n) => n.prefix)).toEqual(['203.0.115.0/24', '203.0.113.0/24']);
    expect(scans.window.total).toBe(4);
  });

  it('counts a source as new again once retention removed every sighting of it', async () => {
    let now = T;
    const { log } = open({ now: () => now, rawRetentionDays: 1 });
    await log.append([ev(T, '192.0.2.50', 64700), ev(T, '192.0.2.60', 64701)]);
    // 64701 keeps being seen, 64700 is not.
    now = T + DAY + 2 * HOUR + SEEN_SLACK_MS;
    await log.append([ev(now - HOUR, '192.0.2.61', 64701)]);
    await log.sweep();
    const from = now - 10 * 60_000;
    await log.append([ev(now - 5 * 60_000, '192.0.2.51', 64700), ev(now - 5 * 60_000, '192.0.2.62', 64701)]);
    const tr = await log.trends({ from, to: now, top: 10 });
    expect(tr.newAsns.map((a) => a.asn)).toEqual([64700]);
    expect(tr.newNetworks).toEqual([]); // 192.0.2.0/24 was seen within retention (by 64701)
  });
});

describe('trends: comparisons', () => {
  it('agree with sums over the raw events, and are null before the oldest data', async () => {
    const { log } = open({ now: () => T });
    const r = rng(5);
    const stored: AttackEvent[] = [];
    for (let b = 0; b < 6; b++) {
      stored.push(...(await log.append(Array.from({ length: 1000 }, () => makeEvent(r, T - 9 * DAY + Math.floor(r() * 9 * DAY))))));
    }
    const sum = (from: number, to: number, cat?: string) => stored
      .filter((e) => { const t = Date.parse(e.time); return t >= from && t < to && (!cat || e.category === cat); })
      .reduce((a, e) => a + e.count, 0);
    // Not hour-aligned, so both the rollups and the raw edges are used.
    const from = T - 5 * HOUR - 17 * 60_000;
    const to = T - 23 * 60_000;
    const tr = await log.trends({ from, to, top: 5 });
    const span = to - from;
    expect(tr.window.total).toBe(sum(from, to));
    expect(tr.window.byCategory.scan).toBe(sum(from, to, 'scan'));
    expect(tr.previous?.total).toBe(sum(from - span, from));
    expect(tr.dayAgo?.total).toBe(sum(from - DAY, to - DAY));
    expect(tr.weekAgo?.total).toBe(sum(from - 7 * DAY, to - 7 * DAY));
    expect(tr.weekAgo?.from).toBe(new Date(from - 7 * DAY).toISOString());
    expect(tr.window.total).toBeGreaterThan(0);
    // A window two days long: its week-ago span still has data; a week-long one's previous does not.
    const long = await log.trends({ from: T - 7 * DAY, to: T, top: 5 });
    expect(long.previous).toBeNull();
    expect(long.weekAgo).toBeNull();
    expect(long.dayAgo?.total).toBe(sum(T - 8 * DAY, T - DAY));
  });

  it('an empty log has nothing to compare with', async () => {
    const { log } = open({ now: () => T });
    const tr = await log.trends({ from: T - HOUR, to: T, top: 5 });
    expect(tr.window.total).toBe(0);
    expect(tr.previous).toBeNull();
    expect(tr.dayAgo).toBeNull();
    expect(tr.newAsns).toEqual([]);
  });
});

describe('trends: upgrade', () => {
  it('folds the events of a version-2 file into the seen tables', async () => {
    const t = tempDir('attackmap-trends-old-');
    cleanups.push(t.remove);
    const old = new Database(join(t.dir, 'events.db'));
    old.exec(MIGRATIONS[0]);
    old.exec(MIGRATIONS[1]);
    const ins = old.prepare(`INSERT INTO events (t, category, sev, sensor, src_ip, src_asn, rule, cnt, located) VALUES (?, 0, 0, 's', ?, ?, 'r', 1, 0)`);
    ins.run(T - 2 * HOUR, '192.0.2.1', 64800);
    ins.run(T - 30 * 60_000, '2001:db8:cc::1', 64800);
    old.pragma('user_version = 2');
    old.close();
    const log = openSqliteLog({ dataDir: t.dir, retentionIntervalMs: 0, now: () => T });
    cleanups.push(() => log.close());
    await log.append([ev(T - 10 * 60_000, '192.0.2.9', 64800), ev(T - 10 * 60_000, '198.51.100.9', 64801)]);
    const tr = await log.trends({ from: T - HOUR, to: T, top: 10 });
    expect(tr.newAsns.map((a) => a.asn)).toEqual([64801]);
    expect(tr.newNetworks.map((n) => n.prefix).sort()).toEqual(['198.51.100.0/24', '2001:db8:cc::/48']);
  });
});

describe('trends: seen tables', () => {
  it('keep first and last sighting within the slack as a source keeps coming back', async () => {
    const { log, dir } = open({ now: () => T });
    for (const dt of [0, 10, 20, 50, 130, 200, 290]) await log.append([ev(T + dt * 60_000, '192.0.2.77', 64900)]);
    await log.append([ev(T - 15 * 60_000, '192.0.2.78', 64900)]); // earlier than the first: moves first_ms
    const db = new Database(join(dir, 'events.db'), { readonly: true });
    try {
      const a = db.prepare('SELECT first_ms AS f, last_ms AS l FROM asn_seen WHERE asn = 64900').get() as { f: number; l: number };
      const n = db.prepare("SELECT first_ms AS f, last_ms AS l FROM net_seen WHERE prefix = '192.0.2.0/24'").get() as { f: number; l: number };
      for (const r of [a, n]) {
        expect(r.f).toBe(T - 15 * 60_000);
        expect(r.l).toBeLessThanOrEqual(T + 290 * 60_000);
        expect(r.l).toBeGreaterThanOrEqual(T + 290 * 60_000 - SEEN_SLACK_MS);
      }
    } finally { db.close(); }
  });
});

describe('trends: scan budget', () => {
  it('says when counts are lower bounds because the scan budget ran out, keeping the newest rows', async () => {
    const { log, dir } = open({ now: () => T });
    await log.append([ev(T - 50 * 60_000, '198.51.100.1', 65000, 1)]);
    await log.append(Array.from({ length: 3000 }, (_, i) => ev(T - 40 * 60_000 + i * 100, '198.51.100.2', 65000, 1)));
    const db = new Database(join(dir, 'events.db'), { readonly: true });
    try {
      const full = await runTrends(db, { from: T - HOUR, to: T, top: 5 }, 500);
      expect(full.countsPartial).toBe(false);
      expect(full.newAsns[0].count).toBe(3001);
      const cut = await runTrends(db, { from: T - HOUR, to: T, top: 5 }, 500, 1000);
      expect(cut.countsPartial).toBe(true);
      expect(cut.newAsns[0].count).toBe(1000);
      expect(cut.newNetworks[0].count).toBe(1000);
      expect(cut.window.total).toBe(3001); // totals never depend on the budget
    } finally { db.close(); }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openSqliteLog, type SqliteEventLog } from './index.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { readPlan } from './filter-sql.js';
import { runStatsAsync } from './stats.js';
import { makeEvent, rng, tempDir } from './testkit.js';
import { matches, type EventFilter } from '../../stream/filter.js';
import { CATEGORIES, SEVERITIES, type AttackEvent, type EnrichedEvent } from '../../../event/schema.js';
import type { StatsResult, TopEntry } from '../types.js';

const T0 = Date.parse('2026-11-20T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 86_400_000;
let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.reverse()) await c(); cleanups = []; });

function open(extra: Partial<Parameters<typeof openSqliteLog>[0]> = {}): { log: SqliteEventLog; dir: string } {
  const t = tempDir();
  const log = openSqliteLog({ dataDir: t.dir, retentionIntervalMs: 0, ...extra });
  cleanups.push(t.remove, () => log.close());
  return { log, dir: t.dir };
}

async function fill(log: SqliteEventLog, n: number, from: number, span: number, seed: number): Promise<AttackEvent[]> {
  const r = rng(seed);
  const out: AttackEvent[] = [];
  for (let i = 0; i < n; i += 500) {
    // Times are not in id order: sensors report late and out of order.
    const batch: EnrichedEvent[] = Array.from({ length: Math.min(500, n - i) }, () => makeEvent(r, from + Math.floor(r() * span)));
    out.push(...(await log.append(batch)));
  }
  return out;
}

function pageAll(log: SqliteEventLog, from: number, to: number, filter: EventFilter, limit: number): AttackEvent[] {
  const got: AttackEvent[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = log.query({ from, to, filter, limit, cursor });
    got.push(...page.events);
    cursor = page.nextCursor;
    if (!cursor) return got;
  }
  throw new Error('pagination did not end');
}

const FILTERS: EventFilter[] = [
  {},
  { categories: ['scan', 'exploit'] },
  { minSeverity: 'high' },
  { sensors: ['edge-1'] },
  { sites: ['nyc'] },
  { srcCountries: ['CN'] },
  { srcCountries: ['CN', 'US', 'ZZ'] },
  { asns: [64501] },
  { asns: [64501, 64502] },
  { ports: [22] },
  { services: ['ssh'] },
  { categories: ['bruteforce'], minSeverity: 'medium', ports: [22, 445], srcCountries: ['RU', 'CN'] },
];

describe('history queries', () => {
  it('pages through a window, oldest id first, matching the in-memory filter exactly', async () => {
    const { log } = open();
    const all = await fill(log, 3000, T0, 6 * HOUR, 11);
    const from = T0 + HOUR + 123;
    const to = T0 + 4 * HOUR + 7;
    for (const filter of FILTERS) {
      const want = all.filter((e) => { const t = Date.parse(e.time); return t >= from && t < to && matches(filter, e); });
      const got = pageAll(log, from, to, filter, 97);
      expect(got.map((e) => e.id), JSON.stringify(filter)).toEqual(want.map((e) => e.id));
      expect(got).toEqual(want);
    }
  });

  it('reads rare multi-value filters through an index and common ones along the id range, with the same answers', async () => {
    const { log, dir } = open();
    const r = rng(16);
    const events = Array.from({ length: 2000 }, (_, i) => makeEvent(r, T0 + i * 1000, i % 50 === 0
      ? { destination: { ip: '203.0.113.9', port: 8443 + (i % 100 === 0 ? 0 : 1) } } : {}));
    const all = (await Promise.all([log.append(events.slice(0, 1000)), log.append(events.slice(1000))])).flat();
    const db = new Database(join(dir, 'events.db'), { readonly: true });
    const rare: EventFilter = { ports: [8443, 8444] };
    const common: EventFilter = { ports: [22, 80, 443] };
    expect(readPlan(db, rare, T0, T0 + DAY, true)).toEqual({ hint: 'INDEXED BY events_port', inOrder: false });
    expect(readPlan(db, { ports: [8443] }, T0, T0 + DAY, true)).toEqual({ hint: 'INDEXED BY events_port', inOrder: true });
    expect(readPlan(db, common, T0, T0 + DAY, true)).toEqual({ hint: 'NOT INDEXED', inOrder: false });
    expect(readPlan(db, { ports: [22] }, T0, T0 + DAY, true)).toEqual({ hint: 'INDEXED BY events_port', inOrder: true });
    expect(readPlan(db, { ports: [22] }, T0, T0 + DAY, false)).toEqual({ hint: 'NOT INDEXED', inOrder: false });
    expect(readPlan(db, { categories: ['dos'] }, T0, T0 + DAY, true)).toEqual({ hint: 'NOT INDEXED', inOrder: false });
    db.close();
    for (const filter of [rare, common]) {
      const want = all.filter((e) => matches(filter, e));
      expect(pageAll(log, T0, T0 + DAY, filter, 7).map((e) => e.id)).toEqual(want.map((e) => e.id));
      expect(log.stats({ from: T0, to: T0 + DAY, filter, bucketMs: HOUR, top: 3 }).total).toBe(want.reduce((n, e) => n + e.count, 0));
    }
  });

  it('with a small scan budget, returns short pages with a cursor and still every match exactly once', async () => {
    const { log } = open({ scanBudget: 37 });
    const all = await fill(log, 1500, T0, 3 * HOUR, 17);
    let short = 0;
    for (const filter of [{ categories: ['dos'] }, { minSeverity: 'critical', ports: [22, 445] }, { srcCountries: ['CN'] }, {}] as EventFilter[]) {
      const want = all.filter((e) => matches(filter, e));
      const got: AttackEvent[] = [];
      let cursor: string | null = null;
      do {
        const page = log.query({ from: T0, to: T0 + 3 * HOUR, filter, limit: 20, cursor });
        if (page.nextCursor && page.events.length < 20) short++;
        got.push(...page.events);
        cursor = page.nextCursor;
      } while (cursor);
      expect(got.map((e) => e.id), JSON.stringify(filter)).toEqual(want.map((e) => e.id));
    }
    expect(short).toBeGreaterThan(10);
    const gap = log.query({ from: -8.64e15, to: 8.64e15, filter: {}, limit: 1000, cursor: null, afterId: '100' });
    expect(gap.events).toHaveLength(37);
    expect(gap.events[0].id).toBe('101');
  });

  it('caps the page size and rejects a cursor it did not make', async () => {
    const { log } = open();
    await fill(log, 1500, T0, HOUR, 12);
    const page = log.query({ from: T0, to: T0 + HOUR, filter: {}, limit: 5000, cursor: null });
    expect(page.events).toHaveLength(1000);
    expect(page.nextCursor).not.toBeNull();
    expect(() => log.query({ from: T0, to: T0 + HOUR, filter: {}, limit: 10, cursor: 'bm9wZQ' })).toThrow(expect.objectContaining({ code: 'QUERY_INVALID' }));
    expect(log.query({ from: T0 + 2 * HOUR, to: T0 + 3 * HOUR, filter: {}, limit: 10, cursor: null })).toEqual({ events: [], nextCursor: null });
  });

  it('afterId returns only later ids', async () => {
    const { log } = open();
    const all = await fill(log, 300, T0, HOUR, 13);
    const page = log.query({ from: -8.64e15, to: 8.64e15, filter: {}, limit: 1000, cursor: null, afterId: '250' });
    expect(page.events.map((e) => e.id)).toEqual(all.slice(250).map((e) => e.id));
  });

  it('returns every event exactly once while events are written between pages', async () => {
    const { log } = open();
    const r = rng(14);
    const written = await fill(log, 400, T0, HOUR, 15);
    const got: AttackEvent[] = [];
    let cursor: string | null = null;
    let appends = 0;
    for (;;) {
      const page = log.query({ from: T0, to: T0 + HOUR, filter: {}, limit: 50, cursor });
      got.push(...page.events);
      cursor = page.nextCursor;
      if (!cursor) break;
      // New events inside the window, and one outside it, land while the reader pages.
      const more = Array.from({ length: 20 }, () => makeEvent(r, T0 + Math.floor(r() * HOUR)));
      written.push(...(await Promise.all([log.append(more.slice(0, 10)), log.append(more.slice(10))])).flat());
      await log.append([makeEvent(r, T0 + 2 * HOUR)]);
      appends++;
    }
    expect(appends).toBeGreaterThan(5);
    const ids = got.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(written.map((e) => e.id));
  });
});

function expectedStats(all: AttackEvent[], from: number, to: number, filter: EventFilter, bucketMs: number, top: number) {
  const inWin = all.filter((e) => { const t = Date.parse(e.time); return t >= from && t < to && matches(filter, e); });
  const sum = (key: (e: AttackEvent) => string | undefined) => {
    const m = new Map<string, number>();
    for (const e of inWin) { const k = key(e); if (k !== undefined) m.set(k, (m.get(k) ?? 0) + e.count); }
    return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top).map(([key, count]) => ({ key, count }));
  };
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, inWin.filter((e) => e.category === c).reduce((s, e) => s + e.count, 0)]));
  const bySeverity = Object.fromEntries(SEVERITIES.map((c) => [c, inWin.filter((e) => e.severity === c).reduce((s, e) => s + e.count, 0)]));
  const series = new Map<number, number>();
  for (const e of inWin) { const b = Math.floor(Date.parse(e.time) / bucketMs) * bucketMs; series.set(b, (series.get(b) ?? 0) + e.count); }
  return {
    total: inWin.reduce((s, e) => s + e.count, 0),
    unlocated: inWin.filter((e) => !e.source.geo).reduce((s, e) => s + e.count, 0),
    byCategory, bySeverity, series,
    top: {
      srcCountry: sum((e) => e.source.geo?.country),
      asn: sum((e) => (e.source.as ? String(e.source.as.number) : undefined)),
      srcIp: sum((e) => e.source.ip),
      rule: sum((e) => e.rule.name),
      port: sum((e) => (e.destination.port === undefined ? undefined : String(e.destination.port))),
      sensor: sum((e) => e.observer.name),
    },
  };
}

function compare(got: StatsResult, want: ReturnType<typeof expectedStats>): void {
  expect(got.total).toBe(want.total);
  expect(got.unlocated).toBe(want.unlocated);
  expect(got.byCategory).toEqual(want.byCategory);
  expect(got.bySeverity).toEqual(want.bySeverity);
  const strip = (xs: TopEntry[]) => xs.map(({ key, count }) => ({ key, count }));
  for (const k of Object.keys(want.top) as (keyof typeof want.top)[]) expect(strip(got.top[k]), k).toEqual(want.top[k]);
  expect(got.series.reduce((s, p) => s + p.total, 0)).toBe(want.total);
  for (const p of got.series) expect(p.total, p.t).toBe(want.series.get(Date.parse(p.t)) ?? 0);
}

describe('stats', () => {
  it('agree with a count over the raw events, for unaligned windows spanning days, hours and partial hours', async () => {
    const { log } = open();
    const all = await fill(log, 6000, T0 - 3 * DAY, 4 * DAY, 21);
    const windows: [number, number, number][] = [
      [T0 - 3 * DAY + 17 * 60_000 + 5, T0 + 12 * 60_000 + 3, HOUR], // days + hours + raw edges
      [T0 - 2 * DAY, T0, 6 * HOUR],                                    // aligned: rollups only
      [T0 + 5 * 60_000, T0 + 50 * 60_000, 60_000],                    // inside one hour: raw only
      [T0 - 5 * HOUR - 1, T0 + 3 * HOUR + 1, 5 * 60_000],              // hours + edges, minute series
    ];
    for (const [from, to, bucketMs] of windows) {
      const got = log.stats({ from, to, filter: {}, bucketMs, top: 7 });
      compare(got, expectedStats(all, from, to, {}, got.bucketMs ?? bucketMs, 7));
      expect(got.bucketMs).toBe(bucketMs);
      expect(await log.statsAsync({ from, to, filter: {}, bucketMs, top: 7 })).toEqual(got);
    }
  });

  it('fall back to the raw events when a filter is set, and label AS numbers', async () => {
    const { log, dir } = open();
    const all = await fill(log, 3000, T0 - DAY, 2 * DAY, 22);
    const rd = new Database(join(dir, 'events.db'), { readonly: true });
    for (const filter of FILTERS.slice(1)) {
      const q = { from: T0 - DAY + 999, to: T0 + 7 * HOUR, filter, bucketMs: HOUR, top: 5 };
      const got = log.stats(q);
      compare(got, expectedStats(all, T0 - DAY + 999, T0 + 7 * HOUR, filter, HOUR, 5));
      // In steps of 100 ids, yielding between them: the same answer.
      expect(await runStatsAsync(rd, q, 100)).toEqual(got);
    }
    rd.close();
    const s = log.stats({ from: T0 - DAY, to: T0 + DAY, filter: {}, bucketMs: HOUR, top: 3 });
    expect(s.top.asn[0].label).toMatch(/^Net /);
  });

  it('widens a bucket that would give too many points', () => {
    const { log } = open();
    const s = log.stats({ from: T0 - 30 * DAY, to: T0, filter: {}, bucketMs: 60_000, top: 5 });
    expect(s.series.length).toBeLessThanOrEqual(2000);
    expect(s.bucketMs! % 60_000).toBe(0);
    expect(s.total).toBe(0);
  });
});

describe('retention and failures', () => {
  it('deletes old raw events and rollups in steps, keeps the rest, and never reuses an id', async () => {
    let now = T0;
    const { log, dir } = open({ now: () => now, rawRetentionDays: 30, rollupRetentionDays: 60 });
    const keep = await fill(log, 1000, T0 - 10 * DAY, DAY, 31);
    const old = await fill(log, 12_000, T0 - 40 * DAY, DAY, 32); // newest ids, oldest times
    const ancient = await fill(log, 500, T0 - 70 * DAY, DAY, 33);
    const lastBefore = Number(log.lastId());
    const swept = await log.sweep();
    expect(swept.events).toBe(12_500);
    expect(log.health().events).toBe(1000);
    const left = log.readAfter('0', 10_000);
    expect(left.map((e) => e.id)).toEqual(keep.map((e) => e.id));
    // Rollups of 40 days ago outlive the raw events; those of 70 days ago are gone.
    const s40 = log.stats({ from: T0 - 41 * DAY, to: T0 - 38 * DAY, filter: {}, bucketMs: DAY, top: 3 });
    expect(s40.total).toBe(old.reduce((s, e) => s + e.count, 0));
    const s70 = log.stats({ from: T0 - 71 * DAY, to: T0 - 68 * DAY, filter: {}, bucketMs: DAY, top: 3 });
    expect(s70.total).toBe(0);
    expect(ancient.length).toBe(500);
    const db = new Database(join(dir, 'events.db'), { readonly: true });
    const minMinute = (db.prepare('SELECT min(minute) AS m FROM r_ids').get() as { m: number }).m;
    expect(minMinute * 60_000).toBeGreaterThanOrEqual(T0 - 30 * DAY - 60_000);
    db.close();
    const [next] = await log.append([makeEvent(rng(34), T0)]);
    expect(Number(next.id)).toBe(lastBefore + 1);
    now += DAY;
    expect((await log.sweep()).events).toBe(0);
  });

  it('prunes past hours of the srcIp rollup to their busiest addresses, leaving totals exact', async () => {
    const { log, dir } = open({ now: () => T0 });
    const r = rng(35);
    const base = T0 - 5 * HOUR;
    const many = Array.from({ length: 800 }, (_, i) => makeEvent(r, base + i, { source: { ip: `198.18.${i >> 8}.${i & 255}` } }));
    const heavy = Array.from({ length: 50 }, (_, i) => makeEvent(r, base + 1000 + i, { source: { ip: '192.0.2.66' } }));
    await log.append([...many, ...heavy]);
    const before = log.stats({ from: T0 - DAY, to: T0, filter: {}, bucketMs: HOUR, top: 3 });
    await log.sweep();
    const db = new Database(join(dir, 'events.db'), { readonly: true });
    const rows = (db.prepare('SELECT count(*) AS n FROM r_dim WHERE level = 1 AND dim = 2').get() as { n: number }).n;
    db.close();
    expect(rows).toBe(500);
    const after = log.stats({ from: T0 - DAY, to: T0, filter: {}, bucketMs: HOUR, top: 3 });
    expect(after.total).toBe(before.total);
    expect(after.top.srcIp[0]).toEqual({ key: '192.0.2.66', count: heavy.reduce((n, e) => n + e.count, 0) });
    expect(after.top.srcCountry).toEqual(before.top.srcCountry);
  });

  it('upgrades a version-1 file, keeping its events', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const old = new Database(join(t.dir, 'events.db'));
    old.exec(MIGRATIONS[0]);
    old.pragma('user_version = 1');
    old.prepare(`INSERT INTO events (t, category, sev, sensor, src_ip, rule, cnt, located, json)
      VALUES (?, 0, 0, 's', '192.0.2.1', 'r', 1, 0, ?)`).run(T0, JSON.stringify({ time: new Date(T0).toISOString(), rule: { name: 'r' } }));
    old.close();
    const log = openSqliteLog({ dataDir: t.dir, retentionIntervalMs: 0 });
    expect(log.readAfter('0', 5).map((e) => [e.id, e.rule.name])).toEqual([['1', 'r']]);
    const [next] = await log.append([makeEvent(rng(36), T0)]);
    expect(next.id).toBe('2');
    await log.close();
    const db = new Database(join(t.dir, 'events.db'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('counts a failing retention step, keeps the rows, and retries on the next sweep', async () => {
    const { log, dir } = open({ now: () => T0, rawRetentionDays: 1 });
    await fill(log, 100, T0 - 3 * DAY, HOUR, 37);
    const admin = new Database(join(dir, 'events.db'));
    admin.exec(`CREATE TRIGGER keep BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'locked down'); END`);
    expect((await log.sweep()).events).toBe(0);
    expect(log.health()).toMatchObject({ retentionErrors: 1, events: 100 });
    expect(log.health().lastRetentionError).toMatch(/locked down/);
    expect(log.readAfter('0', 1000)).toHaveLength(100);
    admin.exec('DROP TRIGGER keep');
    admin.close();
    expect((await log.sweep()).events).toBe(100);
    expect(log.health().events).toBe(0);
  });

  it('rejects every caller of a failed commit, stores none of it, and recovers', async () => {
    const { log, dir } = open();
    const r = rng(41);
    await log.append([makeEvent(r, T0)]);
    const admin = new Database(join(dir, 'events.db'));
    admin.exec(`CREATE TRIGGER boom BEFORE INSERT ON events WHEN NEW.rule = 'boom' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    const good = log.append([makeEvent(r, T0)]);
    const bad = log.append([makeEvent(r, T0, { rule: { name: 'boom' } })]);
    await expect(good).rejects.toMatchObject({ code: 'INGEST_STORE_FAILED' });
    await expect(bad).rejects.toMatchObject({ code: 'INGEST_STORE_FAILED' });
    expect(log.health().writable).toBe(false);
    expect(log.readAfter('0', 10)).toHaveLength(1);
    expect(log.stats({ from: T0 - HOUR, to: T0 + HOUR, filter: {}, bucketMs: HOUR, top: 3 }).total).toBe(log.readAfter('0', 1)[0].count);
    admin.exec('DROP TRIGGER boom');
    admin.close();
    const [ok] = await log.append([makeEvent(r, T0)]);
    expect(log.health().writable).toBe(true);
    expect(log.readAfter('0', 10).map((e) => e.id)).toEqual(['1', ok.id]);
  });
});

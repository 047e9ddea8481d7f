/**
 * Stats over a window. Every number counts attacks: an event's `count` (repeats collapsed into
 * one event) is summed, so totals, per-key counts and series all add up to the same total.
 *
 * Without a filter the window is split into
 *   [from, hA)   raw events (partial hour at the start),
 *   [hA, hB)     whole hours and days from the rollup tables,
 *   [hB, to)     raw events (partial hour at the end),
 * which keeps a 30-day answer to a few thousand rollup rows plus at most two hours of events.
 * An edge older than the oldest raw event still kept (raw retention is shorter than rollup
 * retention) is answered from its whole hour instead, so such a window is hour-aligned.
 * With a filter, the rollups cannot answer (they are not joint over all dimensions), so the
 * window's events are scanned: exact, and as fast as the id range and a one-value index allow.
 */
import type Database from 'better-sqlite3';
import { CATEGORIES, SEVERITIES } from '../../../event/schema.js';
import { isEmptyFilter } from '../../stream/filter.js';
import type { StatsQuery, StatsResult, TopEntry } from '../types.js';
import { filterSql, readPlan } from './filter-sql.js';
import { idRange } from './query.js';
import { DAY, DIMS, HOUR, LEVELS, MINUTE } from './schema.js';

/** Most points of `series`; a finer bucket is widened to fit. */
export const MAX_SERIES_POINTS = 2_000;
/** Longest top-N list. */
export const MAX_TOP = 100;

const H = LEVELS[HOUR];
const D = LEVELS[DAY];

class Acc {
  total = 0;
  unloc = 0;
  byCat = new Array<number>(CATEGORIES.length).fill(0);
  bySev = new Array<number>(SEVERITIES.length).fill(0);
  dims = DIMS.map(() => new Map<string, number>());
  series = new Map<number, number[]>();
  constructor(readonly bucketMs: number, readonly chunk = SCAN_CHUNK) {}

  addTot(b: number, cat: number, sev: number, cnt: number, unloc: number): void {
    this.addTotals(cat, sev, cnt, unloc);
    this.addSeries(b, cat, cnt);
  }

  addTotals(cat: number, sev: number, cnt: number, unloc: number): void {
    this.total += cnt;
    this.unloc += unloc;
    this.byCat[cat] += cnt;
    this.bySev[sev] += cnt;
  }

  addSeries(b: number, cat: number, cnt: number): void {
    let s = this.series.get(b);
    if (!s) { s = new Array<number>(CATEGORIES.length).fill(0); this.series.set(b, s); }
    s[cat] += cnt;
  }

  addDim(d: number, key: string, cnt: number): void {
    const m = this.dims[d];
    m.set(key, (m.get(key) ?? 0) + cnt);
  }
}

/** Ids per step of a raw scan; the async form yields to the event loop between steps. */
export const SCAN_CHUNK = 50_000;

/** Raw rows in [from, to) (optionally filtered) into the accumulator, one id chunk per step. */
function* scanRaw(db: Database.Database, acc: Acc, from: number, to: number, q: StatsQuery): Generator<void> {
  if (!(to > from)) return;
  const range = idRange(db, from, to);
  if (!range) return;
  const f = filterSql(q.filter);
  const sql = `SELECT t, category, sev, cnt, located, src_country, src_asn, src_ip, rule, dst_port, sensor
    FROM events ${readPlan(db, q.filter, from, to, false).hint}
    WHERE id >= ? AND id <= ? AND t >= ? AND t < ?${f.sql}`;
  const bms = acc.bucketMs;
  const stmt = db.prepare(sql).raw(true);
  for (let lo = range.lo; lo <= range.hi; lo += acc.chunk) {
    yield;
    for (const row of stmt.iterate(lo, Math.min(range.hi, lo + acc.chunk - 1), from, to, ...f.params) as Iterable<unknown[]>) {
    const [t, cat, sev, cnt, located, country, asn, ip, rule, port, sensor] = row as
      [number, number, number, number, number, string | null, number | null, string, string, number | null, string];
    acc.addTot(Math.floor(t / bms) * bms, cat, sev, cnt, located ? 0 : cnt);
    // Same order as DIMS.
    if (country !== null) acc.addDim(0, country, cnt);
    if (asn !== null) acc.addDim(1, String(asn), cnt);
    acc.addDim(2, ip, cnt);
    acc.addDim(3, rule, cnt);
    if (port !== null) acc.addDim(4, String(port), cnt);
    acc.addDim(5, sensor, cnt);
    }
  }
}

/** Rollup rows of whole buckets in [from, to): totals and series at `seriesLevel`, keys by day and hour. */
function scanRollups(db: Database.Database, acc: Acc, from: number, to: number, seriesLevel: number): void {
  if (!(to > from)) return;
  const bms = acc.bucketMs;
  // Series: one row per bucket and category. Totals: from the coarsest rows that cover the span.
  const series = db.prepare(`SELECT bucket - bucket % ? AS b, category, sum(cnt) FROM r_tot
    WHERE level = ? AND bucket >= ? AND bucket < ? GROUP BY b, category`).raw(true);
  for (const [b, cat, cnt] of series.iterate(bms, seriesLevel, from, to) as Iterable<number[]>) acc.addSeries(b, cat, cnt);
  // Whole days from the day level, the hours around them from the hour level.
  const dA = Math.ceil(from / D) * D;
  const dB = Math.floor(to / D) * D;
  const parts: [number, number, number][] = dA < dB
    ? [[DAY, dA, dB], [HOUR, from, dA], [HOUR, dB, to]]
    : [[HOUR, from, to]];
  const live = parts.filter(([, a, b]) => b > a);
  const where = live.map(() => '(level = ? AND bucket >= ? AND bucket < ?)').join(' OR ');
  const params = live.flat();
  const totals = db.prepare(`SELECT category, sev, sum(cnt), sum(unloc) FROM r_tot WHERE ${where} GROUP BY category, sev`).raw(true);
  for (const [cat, sev, cnt, unloc] of totals.iterate(...params) as Iterable<number[]>) acc.addTotals(cat, sev, cnt, unloc);
  for (let d = 0; d < DIMS.length; d++) {
    const stmt = db.prepare(`SELECT key, sum(cnt) FROM r_dim WHERE dim = ? AND (${where}) GROUP BY key`).raw(true);
    for (const [key, cnt] of stmt.iterate(d, ...params) as Iterable<[string, number]>) acc.addDim(d, key, cnt);
  }
}

function topOf(m: Map<string, number>, n: number): TopEntry[] {
  const all = [...m.entries()];
  all.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return all.slice(0, n).map(([key, count]) => ({ key, count }));
}

/** Bucket width actually used: a whole number of minutes, widened to fit MAX_SERIES_POINTS. */
export function effectiveBucket(from: number, to: number, bucketMs: number): number {
  let b = Math.max(60_000, Math.round((Number.isFinite(bucketMs) ? bucketMs : 60_000) / 60_000) * 60_000);
  const span = Math.max(0, to - from);
  if (span / b > MAX_SERIES_POINTS) b = Math.ceil(span / MAX_SERIES_POINTS / 60_000) * 60_000;
  return b;
}

/** The work of one stats answer as steps: rollup reads in one step, raw scans in id chunks. */
function* statsSteps(db: Database.Database, q: StatsQuery, acc: Acc): Generator<void> {
  if (!isEmptyFilter(q.filter)) {
    yield* scanRaw(db, acc, q.from, q.to, q);
    return;
  }
  let hA = Math.ceil(q.from / H) * H;
  let hB = Math.floor(q.to / H) * H;
  if (hA >= hB) { yield* scanRaw(db, acc, q.from, q.to, q); return; }
  const oldest = (db.prepare('SELECT min(minute) AS m FROM r_ids').get() as { m: number | null }).m;
  const rawFrom = oldest === null ? Infinity : oldest * 60_000;
  if (q.from < rawFrom) hA = Math.floor(q.from / H) * H;
  if (hB < rawFrom && q.to > hB) hB = Math.ceil(q.to / H) * H;
  yield* scanRaw(db, acc, q.from, hA, q);
  yield* scanRaw(db, acc, hB, q.to, q);
  // Hourly totals serve series whose bucket is whole hours; finer buckets need minute rows.
  scanRollups(db, acc, hA, hB, acc.bucketMs % H === 0 ? HOUR : MINUTE);
}

/** Stats in one read transaction (every part sees the same commit); blocks for the whole scan. */
export function runStats(db: Database.Database, q: StatsQuery): StatsResult & { bucketMs: number } {
  const acc = new Acc(effectiveBucket(q.from, q.to, q.bucketMs));
  db.transaction(() => { for (const _ of statsSteps(db, q, acc)) { /* run every step */ } }).deferred();
  return finish(db, q, acc);
}

/**
 * Stats with a turn of the event loop between steps, so a filtered scan of a long window never
 * holds up group commits or the stream for more than one SCAN_CHUNK. Steps read different
 * commits; events stored meanwhile may or may not be counted (ids beyond the window's id range
 * when the scan started never are).
 */
export async function runStatsAsync(db: Database.Database, q: StatsQuery, chunk = SCAN_CHUNK): Promise<StatsResult & { bucketMs: number }> {
  const acc = new Acc(effectiveBucket(q.from, q.to, q.bucketMs), Math.max(1, chunk));
  for (const _ of statsSteps(db, q, acc)) await new Promise<void>((r) => setImmediate(r));
  return finish(db, q, acc);
}

function finish(db: Database.Database, q: StatsQuery, acc: Acc): StatsResult & { bucketMs: number } {
  const bucketMs = acc.bucketMs;
  const top = Math.max(1, Math.min(MAX_TOP, Math.floor(q.top) || 10));
  const asnTop = topOf(acc.dims[1], top);
  if (asnTop.length > 0) {
    const names = db.prepare(`SELECT asn, org FROM asn_names WHERE asn IN (${asnTop.map(() => '?').join(',')})`)
      .all(...asnTop.map((e) => Number(e.key))) as { asn: number; org: string }[];
    const byAsn = new Map(names.map((r) => [String(r.asn), r.org]));
    for (const e of asnTop) { const l = byAsn.get(e.key); if (l) e.label = l; }
  }
  const series: StatsResult['series'] = [];
  const first = Math.floor(q.from / bucketMs) * bucketMs;
  for (let b = first; b < q.to; b += bucketMs) {
    const s = acc.series.get(b);
    const byCategory: Record<string, number> = {};
    let total = 0;
    if (s) CATEGORIES.forEach((c, i) => { if (s[i] > 0) { byCategory[c] = s[i]; total += s[i]; } });
    series.push({ t: new Date(b).toISOString(), total, byCategory });
  }
  const byCategory: Record<string, number> = {};
  CATEGORIES.forEach((c, i) => { byCategory[c] = acc.byCat[i]; });
  const bySeverity: Record<string, number> = {};
  SEVERITIES.forEach((s, i) => { bySeverity[s] = acc.bySev[i]; });
  return {
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    bucketMs,
    total: acc.total,
    unlocated: acc.unloc,
    byCategory,
    bySeverity,
    top: {
      srcCountry: topOf(acc.dims[0], top),
      asn: asnTop,
      srcIp: topOf(acc.dims[2], top),
      rule: topOf(acc.dims[3], top),
      port: topOf(acc.dims[4], top),
      sensor: topOf(acc.dims[5], top),
    },
    series,
  };
}

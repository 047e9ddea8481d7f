/**
 * Trends: a window against the span just before it and the same span a day and a week earlier,
 * and the source AS and source networks first seen in the window.
 *
 * "First seen" lives in two small tables, asn_seen and net_seen (one row per AS, per /24 or /48),
 * upserted in the write transaction from one in-memory map per batch (one statement per distinct
 * key, not per event). Their last_ms may lag the newest sighting by up to SEEN_SLACK_MS: the
 * upsert only rewrites a row when the batch moves first_ms earlier or last_ms later by more than
 * the slack, so a steady source costs one B-tree probe per batch and about one page write an hour
 * instead of one per batch (and keeps the last_ms index still). Retention deletes rows whose
 * last_ms is older than raw retention plus the slack, so a source unseen for the whole retention
 * period counts as new again, and one with events still kept never does.
 *
 * Totals come from the stats code (rollups for whole hours, raw rows for the edges), so a month
 * window stays a few thousand rollup rows.
 */
import type Database from 'better-sqlite3';
import { isEmptyFilter, type EventFilter } from '../../stream/filter.js';
import { truncateIp } from '../../stream/redact.js';
import type { TrendsQuery, TrendsResult, TrendsWindow } from '../types.js';
import { filterSql } from './filter-sql.js';
import { idRange } from './query.js';
import { HOUR, MINUTE } from './schema.js';
import { runStatsAsync, SCAN_CHUNK } from './stats.js';

/** Most that a seen row's last_ms may lag its newest event, ms (1 hour). */
export const SEEN_SLACK_MS = 3_600_000;
/** Newest first-seen keys of each kind examined per answer (their counts are then read). */
export const MAX_NEW_CANDIDATES = 500;
/** Most event ids one answer scans to count events of new networks (there is no index on the address). */
export const NET_SCAN_BUDGET = 2_000_000;
/** Longest new-AS / new-network list. */
export const MAX_TRENDS_TOP = 100;

const DAY_MS = 86_400_000;
const V4_PREFIX = { prefixV4: 24, prefixV6: 48 };

/**
 * The source network of a stored (canonical) address: IPv4 /24 ("203.0.113.0/24"), IPv6 /48
 * ("2001:db8:1::/48"); null for text that is not an address.
 */
export function netKey(ip: string): string | null {
  if (ip.indexOf(':') < 0) {
    // Stored addresses are canonical, so the fast path only needs the last dot.
    const i = ip.lastIndexOf('.');
    return i > 0 && /^\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip.slice(0, i)) ? `${ip.slice(0, i)}.0/24` : null;
  }
  const k = truncateIp(ip, V4_PREFIX);
  return k === 'redacted' ? null : k;
}

/**
 * netKey for an address as the log stores it (canonical, checked at ingest): IPv4 skips the
 * digit check, which is per event on the write path and per row in the network scan.
 */
export function storedNetKey(ip: string): string | null {
  if (ip.indexOf(':') >= 0) return netKey(ip);
  const i = ip.lastIndexOf('.');
  return i > 0 ? `${ip.slice(0, i)}.0/24` : null;
}

/** SQL functions the migrations use (net_key for folding existing events into net_seen). */
export function registerSeenFunctions(db: Database.Database): void {
  db.function('net_key', { deterministic: true }, (ip: unknown) => (typeof ip === 'string' ? netKey(ip) : null));
}

export interface SeenStatements { asn: Database.Statement; net: Database.Statement }

export function seenStatements(db: Database.Database): SeenStatements {
  const upsert = (table: string, key: string) => db.prepare(`INSERT INTO ${table} (${key}, first_ms, last_ms) VALUES (?, ?, ?)
    ON CONFLICT(${key}) DO UPDATE SET first_ms = min(first_ms, excluded.first_ms), last_ms = max(last_ms, excluded.last_ms)
    WHERE excluded.first_ms < ${table}.first_ms OR excluded.last_ms > ${table}.last_ms + ${SEEN_SLACK_MS}
    RETURNING first_ms, last_ms`).raw(true);
  return { asn: upsert('asn_seen', 'asn'), net: upsert('net_seen', 'prefix') };
}

/** Most keys of each kind SeenCache remembers (about 100 bytes each); a full map is emptied. */
export const SEEN_CACHE_KEYS = 200_000;

/**
 * What the seen tables hold as far as committed writes tell: per key a first_ms no earlier and a
 * last_ms no later than the stored ones. A batch whose times fall inside [first, last + slack]
 * would change nothing, so its statement is skipped (no B-tree probe for a steady source).
 * Retention cannot have removed such a row while the batch's events are still within raw
 * retention: it deletes only rows whose last_ms is older than the cut minus the slack.
 */
export class SeenCache {
  readonly asns = new Map<number, [number, number]>();
  readonly nets = new Map<string, [number, number]>();
}

/** Earliest and latest event time per AS and per network of one write batch. */
export class SeenBatch {
  private asns = new Map<number, [number, number]>();
  private nets = new Map<string, [number, number]>();
  private learnedAsns: [number, [number, number]][] = [];
  private learnedNets: [string, [number, number]][] = [];

  constructor(private readonly cache: SeenCache = new SeenCache()) {}

  add(t: number, asn: number | null, ip: string): void {
    if (asn !== null) widen(this.asns, asn, t);
    const k = storedNetKey(ip);
    if (k !== null) widen(this.nets, k, t);
  }

  /** Upserts one row per key the cache cannot vouch for; call inside the write transaction. */
  flush(s: SeenStatements): void {
    upsertAll(this.asns, this.cache.asns, s.asn, this.learnedAsns);
    upsertAll(this.nets, this.cache.nets, s.net, this.learnedNets);
  }

  /** Tells the cache what the committed transaction stored; call only after the commit. */
  commit(): void {
    learn(this.cache.asns, this.learnedAsns);
    learn(this.cache.nets, this.learnedNets);
  }
}

function upsertAll<K>(batch: Map<K, [number, number]>, cache: Map<K, [number, number]>, stmt: Database.Statement, learned: [K, [number, number]][]): void {
  for (const [k, [a, b]] of batch) {
    const c = cache.get(k);
    if (c && a >= c[0] && b <= c[1] + SEEN_SLACK_MS) continue;
    const row = stmt.get(k, a, b) as [number, number] | undefined;
    // No row back: the stored one already covers the batch (first <= a, last >= b - slack).
    const known: [number, number] = row ?? [c ? Math.min(c[0], a) : a, c ? Math.max(c[1], b - SEEN_SLACK_MS) : b - SEEN_SLACK_MS];
    learned.push([k, known]);
  }
}

function learn<K>(cache: Map<K, [number, number]>, learned: [K, [number, number]][]): void {
  if (cache.size + learned.length > SEEN_CACHE_KEYS) cache.clear();
  for (const [k, v] of learned) cache.set(k, v);
}

function widen<K>(m: Map<K, [number, number]>, k: K, t: number): void {
  const r = m.get(k);
  if (!r) m.set(k, [t, t]);
  else { if (t < r[0]) r[0] = t; if (t > r[1]) r[1] = t; }
}

/**
 * Retention steps for the seen tables: rows whose last_ms is older than `rawCut()` minus the
 * slack, `stepRows` per step.
 */
export function seenRetentionSteps(db: Database.Database, rawCut: () => number, stepRows: number): { name: string; run: () => number }[] {
  const del = (table: string, key: string) => db.prepare(`DELETE FROM ${table} WHERE ${key} IN
    (SELECT ${key} FROM ${table} WHERE last_ms < ? LIMIT ${stepRows})`);
  const asn = del('asn_seen', 'asn');
  const net = del('net_seen', 'prefix');
  return [
    { name: 'asn_seen', run: () => asn.run(rawCut() - SEEN_SLACK_MS).changes },
    { name: 'net_seen', run: () => net.run(rawCut() - SEEN_SLACK_MS).changes },
  ];
}

/** Epoch ms of the oldest stored data (minute precision while raw data reaches back that far), or null. */
function oldestData(db: Database.Database): number | null {
  const min = (level: number) => db.prepare('SELECT min(bucket) FROM r_tot WHERE level = ?').pluck().get(level) as number | null;
  const h = min(HOUR);
  const m = min(MINUTE);
  if (h === null) return m;
  return m !== null && m - h < 3_600_000 ? Math.max(h, m) : h;
}

async function windowTotals(db: Database.Database, from: number, to: number, filter: EventFilter, chunk: number): Promise<TrendsWindow> {
  const s = await runStatsAsync(db, { from, to, filter, bucketMs: Math.max(60_000, to - from), top: 1 }, chunk);
  return { from: s.from, to: s.to, total: s.total, byCategory: s.byCategory };
}

const yieldTurn = () => new Promise<void>((r) => setImmediate(r));

/**
 * The trends of [q.from, q.to) (epoch ms). Comparison windows that start before the oldest
 * stored data are null. New AS / networks: first seen in the window; the MAX_NEW_CANDIDATES
 * newest are counted (events in the window matching q.filter, sums of `count`) and the `top`
 * busiest returned. With a filter, sources without a matching event are left out and the totals
 * count only those examined. Counts come from one scan of the raw rows since the earliest
 * candidate's first sighting, at most NET_SCAN_BUDGET ids (newest first, yielding to the event
 * loop every `chunk` ids); `countsPartial` says the budget ran out and counts are lower bounds.
 */
export async function runTrends(db: Database.Database, q: TrendsQuery, chunk = SCAN_CHUNK, scanBudget = NET_SCAN_BUDGET): Promise<TrendsResult> {
  const filter = q.filter ?? {};
  const top = Math.max(1, Math.min(MAX_TRENDS_TOP, Math.floor(q.top) || 10));
  const { from, to } = q;
  const span = to - from;
  const oldest = oldestData(db);
  const compare = (shift: number) =>
    oldest === null || from - shift < oldest ? Promise.resolve(null) : windowTotals(db, from - shift, to - shift, filter, chunk);
  const window = await windowTotals(db, from, to, filter, chunk);
  const previous = await compare(span);
  const dayAgo = await compare(DAY_MS);
  const weekAgo = await compare(7 * DAY_MS);

  const f = filterSql(filter);
  const filtered = !isEmptyFilter(filter);

  const asnCands = db.prepare(`SELECT asn, first_ms AS first FROM asn_seen INDEXED BY asn_seen_first
    WHERE first_ms >= ? AND first_ms < ? ORDER BY first_ms DESC LIMIT ${MAX_NEW_CANDIDATES}`).all(from, to) as { asn: number; first: number }[];
  const netCands = db.prepare(`SELECT prefix, first_ms AS first FROM net_seen INDEXED BY net_seen_first
    WHERE first_ms >= ? AND first_ms < ? ORDER BY first_ms DESC LIMIT ${MAX_NEW_CANDIDATES}`).all(from, to) as { prefix: string; first: number }[];
  // Both are counted in one sequential scan of the raw rows since the earliest first sighting
  // (no index on the address; reading a busy new AS through events_asn was a random lookup per row).
  const counts = new Map<string, number>(netCands.map((c) => [c.prefix, 0]));
  const asnCounts = new Map<number, number>(asnCands.map((c) => [c.asn, 0]));
  let countsPartial = false;
  if (netCands.length + asnCands.length > 0) {
    const scanFrom = Math.max(from, Math.min(...netCands.map((c) => c.first), ...asnCands.map((c) => c.first)));
    const range = idRange(db, scanFrom, to);
    if (range) {
      const step = Math.max(1, chunk);
      const stmt = db.prepare(`SELECT src_ip, src_asn, cnt FROM events NOT INDEXED WHERE id >= ? AND id <= ? AND t >= ? AND t < ?${f.sql}`).raw(true);
      let budget = scanBudget;
      // Newest ids first: new networks are usually recent, and a cut budget then loses the oldest.
      for (let hi = range.hi; hi >= range.lo; hi -= step) {
        if (budget <= 0) { countsPartial = true; break; }
        const lo = Math.max(range.lo, hi - step + 1);
        budget -= hi - lo + 1;
        for (const [ip, asn, cnt] of stmt.iterate(lo, hi, scanFrom, to, ...f.params) as Iterable<[string, number | null, number]>) {
          if (asn !== null) { const n = asnCounts.get(asn); if (n !== undefined) asnCounts.set(asn, n + cnt); }
          if (counts.size === 0) continue;
          const k = storedNetKey(ip);
          if (k !== null) { const n = counts.get(k); if (n !== undefined) counts.set(k, n + cnt); }
        }
        await yieldTurn();
      }
    }
  }
  const orgOf = db.prepare('SELECT org FROM asn_names WHERE asn = ?').pluck();
  let newAsns = asnCands.map((c) => ({
    asn: c.asn, org: (orgOf.get(c.asn) as string | undefined) ?? null,
    firstSeen: new Date(c.first).toISOString(), count: asnCounts.get(c.asn) ?? 0,
  }));
  if (filtered) newAsns = newAsns.filter((a) => a.count > 0);
  const newAsnTotal = filtered ? newAsns.length
    : db.prepare('SELECT count(*) FROM asn_seen WHERE first_ms >= ? AND first_ms < ?').pluck().get(from, to) as number;
  let newNetworks = netCands.map((c) => ({ prefix: c.prefix, firstSeen: new Date(c.first).toISOString(), count: counts.get(c.prefix) ?? 0 }));
  if (filtered) newNetworks = newNetworks.filter((n) => n.count > 0);
  const newNetworkTotal = filtered ? newNetworks.length
    : db.prepare('SELECT count(*) FROM net_seen WHERE first_ms >= ? AND first_ms < ?').pluck().get(from, to) as number;

  const byCount = <T extends { count: number; firstSeen: string }>(a: T, b: T) => b.count - a.count || (a.firstSeen < b.firstSeen ? 1 : a.firstSeen > b.firstSeen ? -1 : 0);
  return {
    window, previous, dayAgo, weekAgo,
    newAsns: newAsns.sort(byCount).slice(0, top),
    newNetworks: newNetworks.sort(byCount).slice(0, top),
    newAsnTotal, newNetworkTotal, countsPartial,
  };
}

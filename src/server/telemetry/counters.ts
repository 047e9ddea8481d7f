/**
 * Live counters for the stream's `hello` snapshot and its `stats` messages: what the gauges and
 * top-N tables of the page show before any history query. Updated by the stream hub with every
 * stored batch, so each node counts what it streams.
 *
 * Bounds: 60 one-second buckets for the last minute; the country window is `topWindowMs` split
 * into `topBuckets` buckets, each a map capped at `maxKeys` keys (extra keys are counted under
 * "other"), so memory is fixed whatever the input.
 */
import { CATEGORIES, SEVERITIES, type AttackEvent } from '../../event/schema.js';

export interface CounterSnapshot {
  /** ISO time the counting started. */
  since: string;
  /**
   * Events since start. Each stored event counts once, whatever its `count`. Not seeded from the
   * log: the total, its breakdowns and `since` describe the same span.
   */
  total: number;
  /** Sum of `count` since start: repeats collapsed into one event count as many attacks. */
  attacks: number;
  byCategory: Record<string, number>;
  bySeverity: Record<string, number>;
  /** Events in the last 60 s (rolling, one-second resolution). */
  lastMinute: number;
  /** Events per second averaged over the last 60 s. */
  perSecond: number;
  /** Events whose source could not be located (private, reserved, unknown). */
  unlocated: number;
  /** Top source countries over the rolling window, most first. */
  topSrcCountries: { key: string; count: number }[];
  /** Length of that window, ms. */
  topWindowMs: number;
}

export interface LiveCounters {
  /** Counts a batch of stored events (arrival time = now). */
  update(events: readonly AttackEvent[]): void;
  /** A fresh object each call (safe to serialise or keep). */
  snapshot(): CounterSnapshot;
}

export interface CountersOptions {
  /** Clock, epoch ms. Default Date.now. */
  now?: () => number;
  /** Rolling window of the country top list, ms. Default 10 min. */
  topWindowMs?: number;
  /** Buckets the window is split into. Default 10. */
  topBuckets?: number;
  /** Keys kept per bucket. Default 300 (there are fewer countries). */
  maxKeys?: number;
  /** Length of the top list. Default 10. */
  topN?: number;
}

/** Creates live counters. Units: ms for times and windows. */
export function createCounters(opts: CountersOptions = {}): LiveCounters {
  const now = opts.now ?? Date.now;
  const topWindowMs = opts.topWindowMs ?? 600_000;
  const topBuckets = Math.max(1, opts.topBuckets ?? 10);
  const bucketMs = Math.max(1, Math.floor(topWindowMs / topBuckets));
  const maxKeys = opts.maxKeys ?? 300;
  const topN = opts.topN ?? 10;
  const since = new Date(now()).toISOString();

  let total = 0;
  let attacks = 0;
  let unlocated = 0;
  const byCategory: Record<string, number> = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
  const bySeverity: Record<string, number> = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));

  // Last minute: 60 slots indexed by second, each tagged with the second it holds so stale
  // slots read as zero without a sweep.
  const secCounts = new Float64Array(60);
  const secTags = new Float64Array(60).fill(-1);

  const countryBuckets: { tag: number; map: Map<string, number> }[] = Array.from({ length: topBuckets }, () => ({ tag: -1, map: new Map() }));

  function update(events: readonly AttackEvent[]): void {
    if (events.length === 0) return;
    const t = now();
    const sec = Math.floor(t / 1000);
    const si = sec % 60;
    if (secTags[si] !== sec) { secTags[si] = sec; secCounts[si] = 0; }
    secCounts[si] += events.length;
    const slot = Math.floor(t / bucketMs);
    const b = countryBuckets[slot % topBuckets];
    if (b.tag !== slot) { b.tag = slot; b.map.clear(); }
    for (const e of events) {
      total++;
      attacks += e.count > 0 ? e.count : 1;
      if (e.category in byCategory) byCategory[e.category]++;
      if (e.severity in bySeverity) bySeverity[e.severity]++;
      const c = e.source.geo ? e.source.geo.country : undefined;
      if (!e.source.geo) unlocated++;
      if (c) {
        const key = b.map.has(c) || b.map.size < maxKeys ? c : 'other';
        b.map.set(key, (b.map.get(key) ?? 0) + 1);
      }
    }
  }

  function snapshot(): CounterSnapshot {
    const t = now();
    const sec = Math.floor(t / 1000);
    let lastMinute = 0;
    for (let i = 0; i < 60; i++) if (secTags[i] > sec - 60 && secTags[i] <= sec) lastMinute += secCounts[i];
    const slot = Math.floor(t / bucketMs);
    const sum = new Map<string, number>();
    for (const b of countryBuckets) {
      if (b.tag <= slot - topBuckets || b.tag > slot) continue;
      for (const [k, v] of b.map) sum.set(k, (sum.get(k) ?? 0) + v);
    }
    const topSrcCountries = [...sum].map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1)).slice(0, topN);
    return {
      since, total, attacks,
      byCategory: { ...byCategory }, bySeverity: { ...bySeverity },
      lastMinute, perSecond: Math.round((lastMinute / 60) * 100) / 100,
      unlocated, topSrcCountries, topWindowMs,
    };
  }

  return { update, snapshot };
}

/**
 * The page's live numbers: every received event is counted here (drawn or not), into bounded
 * structures only: a feed ring, capped top-N counters, per-second rate buckets and a bounded set of
 * recent ids that stops a resumed stream from counting an event twice.
 */
import { CATEGORY_LIST, SEVERITY_LIST, type AttackEvent, type Category, type Severity } from '../types.js';
import { CappedCounter } from './topn.js';
import { RateMeter } from './rate.js';
import { Ring } from './ring.js';

export const TOP_KEYS = ['srcCountry', 'asn', 'srcIp', 'rule', 'port', 'sensor'] as const;
export type TopKey = (typeof TOP_KEYS)[number];

/** Remembers the last `cap` ids (a ring plus a set), for de-duplication after a resume. */
export class RecentIds {
  private ring: (string | undefined)[];
  private set = new Set<string>();
  private i = 0;
  constructor(readonly cap = 8192) { this.ring = new Array(cap); }
  /** Adds id; false when it was already present. */
  add(id: string): boolean {
    if (this.set.has(id)) return false;
    const old = this.ring[this.i];
    if (old !== undefined) this.set.delete(old);
    this.ring[this.i] = id;
    this.i = (this.i + 1) % this.cap;
    this.set.add(id);
    return true;
  }
  clear(): void { this.ring = new Array(this.cap); this.set.clear(); this.i = 0; }
}

export interface StoreOptions {
  /** Feed rows kept (default 500). */
  feedCapacity?: number;
  /** Distinct keys per top-N counter (default 2000). */
  topCap?: number;
}

export class LiveStore {
  readonly feed: Ring<AttackEvent>;
  readonly seen = new RecentIds();
  readonly perSecond = new RateMeter(61);
  readonly top: Record<TopKey, CappedCounter>;
  /** Attacks by source country (alpha-2), for the choropleth; ≤ 300 keys by nature, capped anyway. */
  readonly countries = new CappedCounter(400);
  total = 0;
  byCategory = Object.fromEntries(CATEGORY_LIST.map((c) => [c, 0])) as Record<Category, number>;
  bySeverity = Object.fromEntries(SEVERITY_LIST.map((s) => [s, 0])) as Record<Severity, number>;
  unlocatedSource = 0;
  unlocatedTarget = 0;
  duplicates = 0;
  /** Date.now() - event time of the newest event, ms (for lag display and benchmarks). */
  lagMs = 0;
  since = Date.now();
  /** Bumped on every change, so widgets repaint only when something changed. */
  version = 0;

  constructor(o: StoreOptions = {}) {
    this.feed = new Ring(o.feedCapacity ?? 500);
    const cap = o.topCap ?? 2000;
    this.top = Object.fromEntries(TOP_KEYS.map((k) => [k, new CappedCounter(cap)])) as Record<TopKey, CappedCounter>;
  }

  /**
   * Counts one event at `now` (ms). Returns false for a duplicate id (already counted).
   * `count` on the event is honoured: a collapsed sensor line of 50 attempts counts 50.
   * `rateAt` is when it counts for the per-minute rate: `now` for live events; for events from
   * before the page connected (snapshot, backfill) the time the server received them.
   */
  add(e: AttackEvent, now: number, rateAt = now): boolean {
    if (!this.seen.add(e.id)) { this.duplicates++; return false; }
    const n = Math.max(1, Math.floor(e.count ?? 1));
    this.feed.push(e);
    this.total += n;
    this.byCategory[e.category] += n;
    this.bySeverity[e.severity] += n;
    this.perSecond.add(rateAt, n);
    const sg = e.source.geo, dg = e.destination.geo;
    if (!sg) this.unlocatedSource += n;
    if (!dg && e.category !== 'intel') this.unlocatedTarget += n;
    const cc = sg?.country;
    if (cc) { this.top.srcCountry.add(cc, n); this.countries.add(cc, n); }
    if (e.source.as) this.top.asn.add(`AS${e.source.as.number}${e.source.as.org ? ` ${e.source.as.org}` : ''}`, n);
    this.top.srcIp.add(e.source.ip, n);
    this.top.rule.add(e.rule.name.slice(0, 200), n);
    const port = e.destination.port !== undefined ? String(e.destination.port) : '';
    const svc = e.service ?? '';
    if (port || svc) this.top.port.add(svc && port ? `${port}/${svc}` : port || svc, n);
    this.top.sensor.add(e.observer.name, n);
    const t = Date.parse(e.time);
    if (Number.isFinite(t)) this.lagMs = now - t;
    this.version++;
    return true;
  }

  /** Events per minute: the last 60 whole seconds. */
  perMinute(now: number): number { return this.perSecond.sum(now, 60); }

  reset(now = Date.now()): void {
    this.feed.clear();
    this.seen.clear();
    for (const k of TOP_KEYS) this.top[k].clear();
    this.countries.clear();
    this.total = 0;
    for (const c of CATEGORY_LIST) this.byCategory[c] = 0;
    for (const s of SEVERITY_LIST) this.bySeverity[s] = 0;
    this.unlocatedSource = 0;
    this.unlocatedTarget = 0;
    this.since = now;
    this.version++;
  }
}

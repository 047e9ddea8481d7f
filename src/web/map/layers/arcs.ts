/**
 * The arcs layer: a bounded pool of live arcs and markers, fed with events, and a pure `build`
 * that turns the pool and a time into a draw list. Repeats from one source to one target while
 * an arc is alive collapse into it (×N badge); when the pool is full, new arcs are sampled
 * (randomly within a batch) and counted, so the page can say "received N/s · drawn M/s".
 */
import type { AttackEvent, Category } from '../../types.js';
import { arcGeometry, type ArcGeometry, type LonLat, type Project } from '../geo.js';
import { RateMeter } from '../../state/rate.js';

export type ArcKind = 'arc' | 'source' | 'target';

/** What an event means for the map, before projection. */
export interface ArcInput {
  key: string;
  kind: ArcKind;
  cat: Category;
  src: LonLat | null;
  dst: LonLat | null;
  /** Events this input stands for (the event's `count`). */
  n: number;
}

const located = (g: AttackEvent['source']['geo']): g is { lat: number; lon: number } =>
  !!g && Number.isFinite(g.lat) && Number.isFinite(g.lon);

/**
 * How an event is drawn: an arc when both ends are located; a marker at the source for `intel`
 * or when the target is unlocated; a pulse at the target when only the source is unlocated;
 * null (nothing drawn, counted as unlocated elsewhere) when neither end has a place. Never (0,0).
 */
export function toArcInput(e: AttackEvent): ArcInput | null {
  const s = located(e.source.geo) ? ([e.source.geo.lon, e.source.geo.lat] as LonLat) : null;
  const d = located(e.destination.geo) ? ([e.destination.geo.lon, e.destination.geo.lat] as LonLat) : null;
  const n = Math.max(1, Math.floor(e.count ?? 1));
  if (s && (e.category === 'intel' || !d)) return { key: `s|${e.source.ip}`, kind: 'source', cat: e.category, src: s, dst: null, n };
  if (s && d) {
    if (Math.abs(s[0] - d[0]) < 0.05 && Math.abs(s[1] - d[1]) < 0.05) return { key: `t|${e.source.ip}|${e.destination.ip}`, kind: 'target', cat: e.category, src: null, dst: d, n };
    return { key: `a|${e.source.ip}|${e.destination.ip}`, kind: 'arc', cat: e.category, src: s, dst: d, n };
  }
  if (d) return { key: `t|${e.source.ip}|${e.destination.ip}`, kind: 'target', cat: e.category, src: null, dst: d, n };
  return null;
}

export interface ArcTiming {
  /** Time for the head to travel source → target, ms. */
  travelMs: number;
  /** Pulse at the target after arrival, ms. */
  pulseMs: number;
  /** Life of a source/target marker, ms. */
  markerMs: number;
  /** A collapsed arc (×N) stays this long after its last hit, ms. */
  collapseMs: number;
}

export const DEFAULT_TIMING: ArcTiming = { travelMs: 1200, pulseMs: 900, markerMs: 2500, collapseMs: 5000 };

export interface ArcItem {
  key: string;
  kind: ArcKind;
  cat: Category;
  geo: ArcGeometry | null;
  src: [number, number] | null;
  dst: [number, number] | null;
  born: number;
  lastHit: number;
  count: number;
}

/** End of an item's life, ms. */
function endOf(it: ArcItem, t: ArcTiming): number {
  const life = it.kind === 'arc' ? t.travelMs + t.pulseMs : t.markerMs;
  return it.lastHit + (it.count > 1 ? Math.max(life, t.collapseMs) : life);
}

/** The live arcs: at most `budget` items; every offered event is counted, drawn or not. */
export class ArcPool {
  items: ArcItem[] = [];
  private byKey = new Map<string, ArcItem>();
  /** Events offered (counting `n`). */
  readonly received = new RateMeter(11);
  /** New arcs/markers placed. */
  readonly drawn = new RateMeter(11);
  /** Offered inputs that found no room. */
  sampledOut = 0;
  /** Inputs folded into a live arc. */
  collapsed = 0;

  constructor(public budget = 300, public timing: ArcTiming = DEFAULT_TIMING) {}

  /**
   * Offers one batch at time `now` (ms). `project` places lon/lat in base map coordinates;
   * `random` picks which new arcs get the free slots when there are fewer slots than arcs.
   */
  offer(inputs: ArcInput[], now: number, project: Project, random: () => number = Math.random): void {
    const fresh: ArcInput[] = [];
    const freshByKey = new Map<string, ArcInput>();
    for (const inp of inputs) {
      this.received.add(now, inp.n);
      const live = this.byKey.get(inp.key);
      if (live && endOf(live, this.timing) > now) {
        live.count += inp.n;
        live.lastHit = now;
        live.cat = inp.cat;
        this.collapsed++;
        if (live.kind === 'arc' && now - live.born > this.timing.travelMs) live.born = now;
        continue;
      }
      // Repeats inside one batch fold into the first of them before sampling.
      const prev = freshByKey.get(inp.key);
      if (prev) { prev.n += inp.n; prev.cat = inp.cat; this.collapsed++; continue; }
      const copy = { ...inp };
      freshByKey.set(inp.key, copy);
      fresh.push(copy);
    }
    const free = Math.max(0, this.budget - this.items.length);
    if (fresh.length > free) {
      // Partial Fisher-Yates: a fair random subset of size `free`.
      for (let i = 0; i < free; i++) {
        const j = i + Math.floor(random() * (fresh.length - i));
        const tmp = fresh[i]; fresh[i] = fresh[j]; fresh[j] = tmp;
      }
      this.sampledOut += fresh.length - free;
      fresh.length = free;
    }
    for (const inp of fresh) {
      const it = place(inp, now, project);
      if (!it) continue;
      const old = this.byKey.get(inp.key);
      if (old) this.remove(old);
      this.items.push(it);
      this.byKey.set(it.key, it);
      this.drawn.add(now);
    }
  }

  /** Drops items whose life ended before `now`. */
  expire(now: number): void {
    const t = this.timing;
    let w = 0;
    for (let r = 0; r < this.items.length; r++) {
      const it = this.items[r];
      if (endOf(it, t) > now) this.items[w++] = it;
      else if (this.byKey.get(it.key) === it) this.byKey.delete(it.key);
    }
    this.items.length = w;
  }

  clear(): void { this.items = []; this.byKey.clear(); }

  private remove(it: ArcItem): void {
    const i = this.items.indexOf(it);
    if (i >= 0) this.items.splice(i, 1);
    this.byKey.delete(it.key);
  }
}

function place(inp: ArcInput, now: number, project: Project): ArcItem | null {
  const src = inp.src ? project(inp.src) : null;
  const dst = inp.dst ? project(inp.dst) : null;
  if (inp.src && !src) return null;
  if (inp.dst && !dst) return null;
  let geo: ArcGeometry | null = null;
  if (inp.kind === 'arc') {
    geo = arcGeometry(inp.src as LonLat, inp.dst as LonLat, project);
    if (!geo) return null;
  }
  return { key: inp.key, kind: inp.kind, cat: inp.cat, geo, src, dst, born: now, lastHit: now, count: inp.n };
}

// ---------------------------------------------------------------------------------------------
// build: pool + time → draw list (base map coordinates; the renderer applies pan/zoom).

/** Opacity is quantised so that all arcs of one category and level share one canvas stroke. */
export const ALPHA_LEVELS = 6;
const qa = (a: number) => Math.max(0, Math.min(ALPHA_LEVELS, Math.round(a * ALPHA_LEVELS)));

export interface StrokeBatch { cat: Category; level: number; width: number; xy: number[] }
export interface DotBatch { cat: Category; level: number; r: number; shape: 'dot' | 'diamond' | 'ring'; xy: number[] }
export interface Badge { x: number; y: number; text: string; cat: Category }
export interface ArcDrawList { strokes: StrokeBatch[]; dots: DotBatch[]; badges: Badge[] }

export interface BuildOptions {
  reducedMotion: boolean;
  /** Most ×N badges drawn (largest counts win). Default 40. */
  maxBadges?: number;
}

class Batcher {
  strokes = new Map<string, StrokeBatch>();
  dots = new Map<string, DotBatch>();
  stroke(cat: Category, alpha: number, width: number): number[] | null {
    const level = qa(alpha);
    if (level === 0) return null;
    const k = `${cat}|${level}|${width}`;
    let b = this.strokes.get(k);
    if (!b) { b = { cat, level, width, xy: [] }; this.strokes.set(k, b); }
    return b.xy;
  }
  dot(cat: Category, alpha: number, r: number, shape: DotBatch['shape'], x: number, y: number): void {
    const level = qa(alpha);
    if (level === 0) return;
    const rr = Math.round(r * 2) / 2;
    const k = `${cat}|${level}|${rr}|${shape}`;
    let b = this.dots.get(k);
    if (!b) { b = { cat, level, r: rr, shape, xy: [] }; this.dots.set(k, b); }
    b.xy.push(x, y);
  }
}

/**
 * Appends the part of polyline `g` between fractional point indices a ≤ b to `out`, with NaN,NaN
 * ending each run (pen up), so one array can hold many polylines.
 */
/** The point at fractional index f of polyline g (a pen-up gap yields its finite neighbour). */
export function pointAt(g: ArcGeometry, f: number): [number, number] {
  const xy = g.xy;
  const last = g.n - 1;
  if (last <= 0) return [xy[0], xy[1]];
  f = Math.max(0, Math.min(last, f));
  const i = Math.min(Math.floor(f), last - 1);
  const u = f - i;
  const x0 = xy[i * 2], y0 = xy[i * 2 + 1], x1 = xy[i * 2 + 2], y1 = xy[i * 2 + 3];
  if (Number.isNaN(x0)) return [x1, y1];
  if (Number.isNaN(x1)) return [x0, y0];
  return [x0 + (x1 - x0) * u, y0 + (y1 - y0) * u];
}

export function slicePolyline(g: ArcGeometry, a: number, b: number, out: number[]): void {
  const xy = g.xy;
  const last = g.n - 1;
  a = Math.max(0, Math.min(last, a));
  b = Math.max(0, Math.min(last, b));
  if (b <= a) return;
  const at = (f: number) => pointAt(g, f);
  let pen = 0; // points in the current run
  const start = at(a);
  if (!Number.isNaN(start[0])) { out.push(start[0], start[1]); pen = 1; }
  for (let i = Math.floor(a) + 1; i < b; i++) {
    const x = xy[i * 2], y = xy[i * 2 + 1];
    if (Number.isNaN(x)) { if (pen) out.push(NaN, NaN); pen = 0; continue; }
    out.push(x, y); pen++;
  }
  const end = at(b);
  if (!Number.isNaN(end[0])) { out.push(end[0], end[1]); pen++; }
  if (pen) out.push(NaN, NaN);
}

const easeOut = (u: number) => 1 - (1 - u) * (1 - u);

/** The arcs layer's draw list at time `now` (ms). Pure: reads the pool, allocates the list. */
export function buildArcs(pool: { items: readonly ArcItem[]; timing: ArcTiming }, now: number, o: BuildOptions): ArcDrawList {
  const t = pool.timing;
  const B = new Batcher();
  const badges: Badge[] = [];
  for (const it of pool.items) {
    const age = now - it.born;
    if (age < 0) continue;
    const sinceHit = now - it.lastHit;
    if (it.kind === 'source' || it.kind === 'target') {
      const p = (it.src ?? it.dst) as [number, number];
      const u = Math.min(1, sinceHit / t.markerMs);
      if (it.kind === 'source') B.dot(it.cat, 1 - u, 4, 'diamond', p[0], p[1]);
      else if (o.reducedMotion) B.dot(it.cat, 1 - u, 3, 'dot', p[0], p[1]);
      else B.dot(it.cat, 1 - u, 3 + 12 * easeOut(u), 'ring', p[0], p[1]);
      if (it.count > 1) badges.push({ x: p[0], y: p[1], text: `×${it.count}`, cat: it.cat });
      continue;
    }
    const g = it.geo as ArcGeometry;
    const last = g.n - 1;
    const src = it.src as [number, number], dst = it.dst as [number, number];
    const life = t.travelMs + t.pulseMs;
    if (it.count > 1) {
      // The standing line of a collapsed arc: faint, fading over the collapse window.
      const fade = 1 - Math.min(1, sinceHit / Math.max(life, t.collapseMs));
      const xy = B.stroke(it.cat, 0.35 * fade, 1);
      if (xy) slicePolyline(g, 0, last, xy);
      badges.push({ x: src[0], y: src[1], text: `×${it.count}`, cat: it.cat });
    }
    if (o.reducedMotion) {
      // No movement: a static line that fades, and a still dot at each end.
      const u = Math.min(1, age / life);
      const xy = B.stroke(it.cat, 0.9 * (1 - u), 1.5);
      if (xy) slicePolyline(g, 0, last, xy);
      B.dot(it.cat, 1 - u, 2.5, 'dot', dst[0], dst[1]);
      B.dot(it.cat, 0.7 * (1 - u), 2, 'dot', src[0], src[1]);
      continue;
    }
    const trail = 0.35 * last;
    B.dot(it.cat, 0.8 * (1 - Math.min(1, age / life)), 2, 'dot', src[0], src[1]);
    if (age < t.travelMs) {
      const head = easeOut(age / t.travelMs) * last;
      const xy = B.stroke(it.cat, 0.95, 2);
      if (xy) slicePolyline(g, head - trail, head, xy);
      const hp = pointAt(g, head);
      B.dot(it.cat, 1, 2.5, 'dot', hp[0], hp[1]);
    } else if (age < life) {
      const u = (age - t.travelMs) / t.pulseMs;
      const xy = B.stroke(it.cat, 0.9 * (1 - u), 2);
      if (xy) slicePolyline(g, last - trail * (1 - u), last, xy);
      B.dot(it.cat, 1 - u, 3 + 14 * easeOut(u), 'ring', dst[0], dst[1]);
      B.dot(it.cat, 1 - u, 2.5, 'dot', dst[0], dst[1]);
    }
  }
  badges.sort((a, b) => parseInt(b.text.slice(1), 10) - parseInt(a.text.slice(1), 10));
  badges.length = Math.min(badges.length, o.maxBadges ?? 40);
  return { strokes: [...B.strokes.values()], dots: [...B.dots.values()], badges };
}

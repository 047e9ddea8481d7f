/**
 * The map on screen: two stacked canvases (basemap below, arcs above), sized to the box and the
 * device pixel ratio, with wheel zoom, drag pan and double-click reset. It owns no clock: the
 * page's single animation loop calls `frame(now)`.
 */
import type { GeoProjection } from 'd3-geo';
import type { Theme } from '../palette.js';
import type { Site } from '../types.js';
import { Basemap, type World } from './basemap.js';
import { ArcPool, buildArcs, type ArcInput } from './layers/arcs.js';
import { buildChoropleth, type ChoroplethDraw } from './layers/choropleth.js';
import { drawArcs } from './render.js';
import { clampView, fitProjection, projectBase, toScreen, zoomAt, type ViewTransform } from './view.js';
import type { LonLat } from './geo.js';

export class MapController {
  readonly pool: ArcPool;
  /** performance.now() when the basemap was first painted (for the load benchmark). */
  firstPaintMs: number | undefined;
  /** Main-thread cost of the map (ms): last basemap work in a frame, and moving averages per frame of arc build and draw. */
  readonly timing = { basemapMs: 0, basemapPaints: 0, buildMs: 0, drawMs: 0 };
  private proj: GeoProjection;
  private basemap: Basemap | null = null;
  private view: ViewTransform = { k: 1, tx: 0, ty: 0 };
  private w = 1;
  private h = 1;
  private dpr = 1;
  private baseDirty = true;
  /** Only the choropleth changed: repaint spread over frames. */
  private choroDirty = false;
  private choro: ChoroplethDraw = { max: 0, classes: new Map(), signature: '' };
  private sites: Site[] = [];
  private siteXY: { site: Site; xy: [number, number] }[] = [];
  private fontPx = 13;
  /** Arcs canvas has something on it (so an idle frame can skip clearing it). */
  private painted = false;

  constructor(private box: HTMLElement, private baseCanvas: HTMLCanvasElement, private arcCanvas: HTMLCanvasElement,
    private theme: Theme, budget: number, public reducedMotion: boolean) {
    this.pool = new ArcPool(budget);
    this.proj = fitProjection(1, 1);
    this.resize();
    new ResizeObserver(() => this.resize()).observe(box);
    this.bindPointer();
  }

  /** Installs world outlines (a coarse set first, a detailed one later), projecting in slices of `sliceMs` ms; resolves when drawn-ready. */
  async setWorld(world: World, sliceMs = 12): Promise<boolean> {
    const next = new Basemap(this.baseCanvas, world);
    let proj = this.proj;
    let ok = await next.setProjection(proj, sliceMs);
    // A resize while projecting: project again for the size now on screen.
    while (ok && proj !== this.proj) { proj = this.proj; ok = await next.setProjection(proj, sliceMs); }
    if (!ok) return false;
    const first = this.basemap === null;
    this.basemap = next;
    this.baseDirty = true;
    // The first outlines are painted in this task, not a frame later: nothing else is on the map yet.
    if (first) { performance.mark('am:coarse-projected'); this.paintBase(); }
    return true;
  }

  /** Paints the basemap now if it needs it (full repaint). */
  private paintBase(): void {
    if (!this.basemap || !this.baseDirty) return;
    this.baseDirty = false;
    this.choroDirty = false;
    this.basemap.draw(this.view, this.dpr, this.theme, this.choro);
    this.firstPaintMs ??= performance.now();
    this.timing.basemapPaints++;
  }

  setTheme(t: Theme): void { this.theme = t; this.baseDirty = true; this.painted = true; }

  setSites(sites: Site[]): void { this.sites = sites; this.placeSites(); this.painted = true; }

  /** Updates the choropleth from counts by alpha-2 country; repaints only if a class changed. */
  setCountryCounts(counts: Iterable<[string, number]>): ChoroplethDraw {
    const c = buildChoropleth(counts);
    if (c.signature !== this.choro.signature) this.choroDirty = true;
    this.choro = c;
    return c;
  }

  /** Offers arcs for new events at `now` (ms, performance.now() clock). */
  offer(inputs: ArcInput[], now: number): void {
    if (inputs.length) this.pool.offer(inputs, now, (ll) => projectBase(this.proj, ll));
  }

  /** Page coordinates (CSS px) of a place: the test hook and anything positioning HTML over the map. */
  projectToPage(lon: number, lat: number): [number, number] | null {
    const b = projectBase(this.proj, [lon, lat] as LonLat);
    if (!b) return null;
    const [x, y] = toScreen(this.view, b[0], b[1]);
    const r = this.box.getBoundingClientRect();
    return [r.left + x, r.top + y];
  }

  /** One frame at `now` (ms, the animation clock). */
  frame(now: number): void {
    if (this.basemap) {
      const t = performance.now();
      if (this.baseDirty) {
        this.paintBase();
      } else if (this.choroDirty) {
        this.choroDirty = false;
        this.basemap.beginPaint(this.view, this.dpr, this.theme, this.choro);
      }
      // A choropleth update is painted a few milliseconds per frame, so it never makes a long task.
      if (this.basemap.painting && this.basemap.continuePaint(6)) this.timing.basemapPaints++;
      const dt = performance.now() - t;
      if (dt > 0.5) this.timing.basemapMs = dt;
    }
    this.pool.expire(now);
    if (this.pool.items.length === 0 && !this.painted) return;
    const t = performance.now();
    const list = buildArcs(this.pool, now, { reducedMotion: this.reducedMotion });
    const t2 = performance.now();
    drawArcs(this.arcCanvas, list, this.view, this.dpr, this.theme, this.fontPx, this.siteXY);
    const t3 = performance.now();
    this.timing.buildMs = this.timing.buildMs * 0.95 + (t2 - t) * 0.05;
    this.timing.drawMs = this.timing.drawMs * 0.95 + (t3 - t2) * 0.05;
    this.painted = this.pool.items.length > 0;
  }

  private resize(): void {
    const r = this.box.getBoundingClientRect();
    const w = Math.max(1, Math.round(r.width)), h = Math.max(1, Math.round(r.height));
    const dpr = Math.min(3, window.devicePixelRatio || 1);
    if (w === this.w && h === this.h && dpr === this.dpr) return;
    this.w = w; this.h = h; this.dpr = dpr;
    for (const c of [this.baseCanvas, this.arcCanvas]) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    this.proj = fitProjection(w, h);
    void this.basemap?.setProjection(this.proj).then((ok) => { if (ok) this.baseDirty = true; });
    this.placeSites();
    // Arcs keep base coordinates of the old projection: drop them rather than draw them misplaced.
    this.pool.clear();
    this.view = { k: 1, tx: 0, ty: 0 };
    this.fontPx = Math.max(11, Math.round(parseFloat(getComputedStyle(document.documentElement).fontSize) * 0.8));
    this.baseDirty = true;
    this.painted = true;
  }

  private placeSites(): void {
    this.siteXY = [];
    for (const s of this.sites) {
      const xy = projectBase(this.proj, [s.lon, s.lat]);
      if (xy) this.siteXY.push({ site: s, xy });
    }
  }

  private setView(v: ViewTransform): void {
    this.view = clampView(v, this.w, this.h);
    this.baseDirty = true;
    this.painted = true;
  }

  private bindPointer(): void {
    const c = this.arcCanvas;
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = c.getBoundingClientRect();
      this.setView(zoomAt(this.view, Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top));
    }, { passive: false });
    let drag: { x: number; y: number; v: ViewTransform } | null = null;
    c.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, v: this.view };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.setView({ k: drag.v.k, tx: drag.v.tx + e.clientX - drag.x, ty: drag.v.ty + e.clientY - drag.y });
    });
    const end = () => { drag = null; };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('dblclick', () => this.setView({ k: 1, tx: 0, ty: 0 }));
  }
}

/**
 * The basemap canvas: ocean, graticule, countries (coloured by choropleth class), and borders
 * (sites are drawn over the arcs, so their names stay readable). Outlines are turned into Path2D once per projection; a repaint happens only when the view,
 * the theme, the size or a choropleth class changes, never per frame.
 */
import { geoGraticule10, geoPath, type GeoProjection } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { Theme } from '../palette.js';
import type { ChoroplethDraw } from './layers/choropleth.js';
import type { ViewTransform } from './view.js';
import { projectDirect, type TopoWorld } from './direct.js';

type Countries = Topology<{ countries: GeometryCollection<{ name: string }> }>;

export interface World { topo: Countries }

/** Fetches the world outlines (world-atlas countries-50m TopoJSON, served beside the page). */
export async function loadWorld(url: string): Promise<World> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`world outlines: HTTP ${res.status}`);
  return { topo: (await res.json()) as Countries };
}

interface Projected {
  sphere: Path2D;
  graticule: Path2D;
  borders: Path2D;
  countries: { key: string; path: Path2D }[];
}

/** Milliseconds of projection work per task before yielding, so loading never makes a long task. */
const SLICE_MS = 12;
/** Countries per fill call of a spread-out repaint. */
const CHUNK = 24;
const yieldTask = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Projects the outlines into Path2D objects, a few countries per task. `cancelled` is polled
 * between slices so a resize during the build abandons the stale one. `sliceMs` Infinity
 * projects in one task with the direct projection of direct.ts (the small coarse set, which the
 * first paint waits for).
 */
async function project(world: World, proj: GeoProjection, cancelled: () => boolean, sliceMs = SLICE_MS): Promise<Projected | null> {
  if (sliceMs === Infinity) return projectDirect(world.topo as unknown as TopoWorld, proj);
  // Resampling below a pixel adds nothing at these scales and costs most of the time.
  const p = proj.precision(1);
  const make = (obj: Parameters<ReturnType<typeof geoPath>>[0]) => {
    const path = new Path2D();
    geoPath(p, path as unknown as CanvasRenderingContext2D)(obj);
    return path;
  };
  const geoms = world.topo.objects.countries.geometries;
  const countries: Projected['countries'] = [];
  let t = performance.now();
  for (const g of geoms) {
    // One geometry in gives one Feature out (a collection only comes from a GeometryCollection).
    const f = feature(world.topo, g) as unknown as { id?: string | number; properties?: { name?: string } };
    countries.push({ key: f.id !== undefined ? String(f.id) : `name:${f.properties?.name ?? ''}`, path: make(f as never) });
    if (performance.now() - t > sliceMs) {
      await yieldTask();
      if (cancelled()) return null;
      t = performance.now();
    }
  }
  await yieldTask();
  if (cancelled()) return null;
  const borders = make(mesh(world.topo, world.topo.objects.countries, (a, b) => a !== b));
  return { sphere: make({ type: 'Sphere' }), graticule: make(geoGraticule10()), borders, countries };
}

export class Basemap {
  private projected: Projected | null = null;
  private classSig = '';

  constructor(private canvas: HTMLCanvasElement, private world: World) {}

  private generation = 0;

  /**
   * Re-projects outlines for a new projection (at load and after a resize), in slices; resolves
   * true when this projection is in place (false when a newer one superseded it).
   */
  async setProjection(proj: GeoProjection, sliceMs = SLICE_MS): Promise<boolean> {
    const gen = ++this.generation;
    const done = await project(this.world, proj, () => gen !== this.generation, sliceMs);
    if (!done || gen !== this.generation) return false;
    this.projected = done;
    this.classSig = '\0';
    return true;
  }

  /**
   * Country paths sorted by class, in chunks of at most CHUNK countries (one repaint step each).
   * The projected paths are filled one by one rather than merged: merging copied every outline
   * into new Path2D objects on each choropleth change, and releasing those cost the garbage
   * collector one 20-30 ms pause per change.
   */
  private chunks: { cls: number; paths: Path2D[] }[] = [];

  private group(ch: ChoroplethDraw): void {
    if (!this.projected || ch.signature === this.classSig) return;
    const byClass = new Map<number, Path2D[]>();
    for (const c of this.projected.countries) {
      const cls = ch.classes.get(c.key) ?? 0;
      const list = byClass.get(cls);
      if (list) list.push(c.path); else byClass.set(cls, [c.path]);
    }
    this.chunks = [];
    for (const [cls, list] of [...byClass.entries()].sort((x, y) => x[0] - y[0])) {
      for (let i = 0; i < list.length; i += CHUNK) this.chunks.push({ cls, paths: list.slice(i, i + CHUNK) });
    }
    this.classSig = ch.signature;
  }

  /** The paint as a list of steps, each a few milliseconds of raster work. */
  private steps(ctx: CanvasRenderingContext2D, view: ViewTransform, dpr: number, theme: Theme): (() => void)[] {
    const p = this.projected as Projected;
    const steps: (() => void)[] = [() => {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      ctx.setTransform(dpr * view.k, 0, 0, dpr * view.k, dpr * view.tx, dpr * view.ty);
      ctx.fillStyle = theme.ocean;
      ctx.fill(p.sphere);
      ctx.strokeStyle = theme.graticule;
      ctx.lineWidth = 1 / view.k;
      ctx.stroke(p.graticule);
    }];
    for (const { cls, paths } of this.chunks) {
      steps.push(() => {
        ctx.fillStyle = cls === 0 ? theme.land : theme.ramp[Math.min(cls, theme.ramp.length) - 1];
        for (const path of paths) ctx.fill(path);
      });
    }
    steps.push(() => {
      ctx.strokeStyle = theme.border;
      ctx.lineWidth = 0.6 / view.k;
      ctx.stroke(p.borders);
    });
    return steps;
  }

  private job: { steps: (() => void)[]; i: number; spare: HTMLCanvasElement } | null = null;

  /** Paints everything now (view changes: the map must follow the pointer); sizes in CSS px. */
  draw(view: ViewTransform, dpr: number, theme: Theme, ch: ChoroplethDraw): void {
    const ctx = this.canvas.getContext('2d');
    if (!this.projected || !ctx) return;
    this.job = null;
    this.group(ch);
    for (const step of this.steps(ctx, view, dpr, theme)) step();
  }

  /**
   * Starts a repaint spread over several frames (choropleth updates): steps paint a spare canvas,
   * which is copied onto the visible one in one go when complete. Drive it with `continuePaint`.
   */
  beginPaint(view: ViewTransform, dpr: number, theme: Theme, ch: ChoroplethDraw): void {
    if (!this.projected) return;
    this.group(ch);
    const spare = this.job?.spare ?? document.createElement('canvas');
    spare.width = this.canvas.width;
    spare.height = this.canvas.height;
    const ctx = spare.getContext('2d');
    if (!ctx) return;
    this.job = { steps: this.steps(ctx, view, dpr, theme), i: 0, spare };
  }

  /** Runs repaint steps for about `budgetMs` ms; true when a repaint finished in this call. */
  continuePaint(budgetMs: number): boolean {
    const job = this.job;
    if (!job) return false;
    const ctx = job.spare.getContext('2d') as CanvasRenderingContext2D;
    const t0 = performance.now();
    while (job.i < job.steps.length && performance.now() - t0 < budgetMs) {
      job.steps[job.i++]();
      // Read one pixel so the rasteriser does this step's work now, not all at the final copy.
      ctx.getImageData(0, 0, 1, 1);
    }
    if (job.i < job.steps.length) return false;
    const vis = this.canvas.getContext('2d');
    if (vis) {
      vis.setTransform(1, 0, 0, 1, 0, 0);
      vis.clearRect(0, 0, this.canvas.width, this.canvas.height);
      vis.drawImage(job.spare, 0, 0);
    }
    this.job = null;
    return true;
  }

  /** True while a spread-out repaint is under way. */
  get painting(): boolean { return this.job !== null; }
}

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
const yieldTask = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Projects the outlines into Path2D objects, a few countries per task. `cancelled` is polled
 * between slices so a resize during the build abandons the stale one.
 */
async function project(world: World, proj: GeoProjection, cancelled: () => boolean): Promise<Projected | null> {
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
    if (performance.now() - t > SLICE_MS) {
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
  private byClass: Path2D[] = [];
  private classSig = '';

  constructor(private canvas: HTMLCanvasElement, private world: World) {}

  private generation = 0;

  /**
   * Re-projects outlines for a new projection (at load and after a resize), in slices; resolves
   * true when this projection is in place (false when a newer one superseded it).
   */
  async setProjection(proj: GeoProjection): Promise<boolean> {
    const gen = ++this.generation;
    const done = await project(this.world, proj, () => gen !== this.generation);
    if (!done || gen !== this.generation) return false;
    this.projected = done;
    this.classSig = '\0';
    return true;
  }

  private group(ch: ChoroplethDraw, classes: number): void {
    if (!this.projected || ch.signature === this.classSig) return;
    this.byClass = Array.from({ length: classes + 1 }, () => new Path2D());
    for (const c of this.projected.countries) this.byClass[ch.classes.get(c.key) ?? 0].addPath(c.path);
    this.classSig = ch.signature;
  }

  /** Paints everything; sizes in CSS px, `dpr` device pixels per CSS px. */
  draw(view: ViewTransform, dpr: number, theme: Theme, ch: ChoroplethDraw): void {
    const p = this.projected;
    const ctx = this.canvas.getContext('2d');
    if (!p || !ctx) return;
    this.group(ch, theme.ramp.length);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(dpr * view.k, 0, 0, dpr * view.k, dpr * view.tx, dpr * view.ty);
    ctx.fillStyle = theme.ocean;
    ctx.fill(p.sphere);
    ctx.strokeStyle = theme.graticule;
    ctx.lineWidth = 1 / view.k;
    ctx.stroke(p.graticule);
    for (let c = 0; c < this.byClass.length; c++) {
      ctx.fillStyle = c === 0 ? theme.land : theme.ramp[Math.min(c, theme.ramp.length) - 1];
      ctx.fill(this.byClass[c]);
    }
    ctx.strokeStyle = theme.border;
    ctx.lineWidth = 0.6 / view.k;
    ctx.stroke(p.borders);
  }
}

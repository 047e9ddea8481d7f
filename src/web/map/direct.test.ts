import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoPath } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { naturalEarthXY, projectDirect, type TopoWorld } from './direct.js';
import { fitProjection } from './view.js';

/** Node has no Path2D: this one records the points it is given, which is all the test reads. */
class RecordingPath {
  pts: [number, number][] = [];
  subpaths = 0;
  moveTo(x: number, y: number): void { this.pts.push([x, y]); this.subpaths++; }
  lineTo(x: number, y: number): void { this.pts.push([x, y]); }
  closePath(): void { /* nothing to record */ }
}

const world = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('world-atlas/countries-110m.json'), 'utf8'));

beforeAll(() => { (globalThis as Record<string, unknown>).Path2D ??= RecordingPath; });

describe('direct Natural Earth projection', () => {
  it('places points where the fitted d3 projection does', () => {
    const p = fitProjection(1103, 760);
    for (const [lon, lat] of [[0, 0], [8.68, 50.11], [-122.42, 37.77], [151.2, -33.87], [179.9, 89], [-180, -90]]) {
      const d3 = p([lon, lat]) as [number, number];
      const mine = naturalEarthXY(p.scale(), p.translate()[0], p.translate()[1], lon, lat);
      expect(mine[0]).toBeCloseTo(d3[0], 6);
      expect(mine[1]).toBeCloseTo(d3[1], 6);
    }
  });

  it('draws every country with its feature key, inside the bounds d3 computes for it', () => {
    const p = fitProjection(1103, 760);
    const out = projectDirect(world as TopoWorld, p);
    const geoms = world.objects.countries.geometries as { id?: string; properties: { name: string } }[];
    expect(out.countries.map((c) => c.key)).toEqual(geoms.map((g) => (g.id !== undefined ? String(g.id) : `name:${g.properties.name}`)));
    const path = geoPath(p.precision(1));
    for (const id of ['276', '076', '036', '840']) {
      const i = geoms.findIndex((g) => g.id === id);
      const pts = (out.countries[i].path as unknown as RecordingPath).pts;
      const [[x0, y0], [x1, y1]] = path.bounds(feature(world, world.objects.countries.geometries[i]) as never);
      const xs = pts.map((q) => q[0]), ys = pts.map((q) => q[1]);
      expect(Math.min(...xs)).toBeCloseTo(x0, 0);
      expect(Math.max(...xs)).toBeCloseTo(x1, 0);
      expect(Math.min(...ys)).toBeCloseTo(y0, 0);
      expect(Math.max(...ys)).toBeCloseTo(y1, 0);
    }
  });

  it('draws the borders between countries (the arcs two countries share), not the coast', () => {
    const p = fitProjection(1103, 760);
    const out = projectDirect(world as TopoWorld, p);
    const shared = mesh(world, world.objects.countries, (a: unknown, b: unknown) => a !== b) as unknown as { coordinates: [number, number][][] };
    const key = (q: [number, number]) => `${q[0].toFixed(3)},${q[1].toFixed(3)}`;
    const want = new Set(shared.coordinates.flat().map((ll) => key(p(ll) as [number, number])));
    const got = new Set((out.borders as unknown as RecordingPath).pts.map(key));
    expect(got.size).toBeGreaterThan(500);
    expect([...want].filter((k) => !got.has(k))).toEqual([]);
    expect([...got].filter((k) => !want.has(k))).toEqual([]);
    // The sphere's edge spans the projection's full width.
    const xs = (out.sphere as unknown as RecordingPath).pts.map((q) => q[0]);
    const [[sx0], [sx1]] = geoPath(p).bounds({ type: 'Sphere' });
    expect(Math.min(...xs)).toBeCloseTo(sx0, 0);
    expect(Math.max(...xs)).toBeCloseTo(sx1, 0);
  });
});

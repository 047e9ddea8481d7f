import { describe, expect, it } from 'vitest';
import { arcGeometry, greatCircle, splitAtAntimeridian, type LonLat } from './geo.js';
import { fitProjection, projectBase, zoomAt, clampView } from './view.js';

describe('great-circle arcs', () => {
  it('starts and ends at the two places and takes more points for longer arcs', () => {
    const short = greatCircle([8.68, 50.11], [2.35, 48.85]);
    const long = greatCircle([8.68, 50.11], [151.2, -33.87]);
    expect(short[0][0]).toBeCloseTo(8.68, 6);
    expect(short[short.length - 1][1]).toBeCloseTo(48.85, 6);
    expect(long.length).toBeGreaterThan(short.length);
  });

  it('crosses the Pacific the short way (Tokyo → San Francisco never passes lon 0)', () => {
    const pts = greatCircle([139.69, 35.69], [-122.42, 37.77]);
    for (const [lon] of pts) expect(Math.abs(lon)).toBeGreaterThan(100);
  });

  it('splits at the antimeridian with matching edge points', () => {
    const pieces = splitAtAntimeridian(greatCircle([139.69, 35.69], [-122.42, 37.77]));
    expect(pieces).toHaveLength(2);
    const endA = pieces[0][pieces[0].length - 1];
    const startB = pieces[1][0];
    expect(endA[0]).toBe(180);
    expect(startB[0]).toBe(-180);
    expect(endA[1]).toBeCloseTo(startB[1], 9);
    // No piece jumps more than a few degrees between neighbours.
    for (const p of pieces) for (let i = 1; i < p.length; i++) expect(Math.abs(p[i][0] - p[i - 1][0])).toBeLessThan(20);
  });

  it('does not split a line that stays on one side', () => {
    expect(splitAtAntimeridian(greatCircle([-74, 40.7], [-0.13, 51.5]))).toHaveLength(1);
  });

  it('projects pieces with a pen-up gap and no screen-wide jump', () => {
    const proj = fitProjection(1000, 500);
    const g = arcGeometry([139.69, 35.69], [-122.42, 37.77], (p: LonLat) => projectBase(proj, p));
    expect(g).not.toBeNull();
    const xy = g!.xy;
    let gaps = 0;
    for (let i = 1; i < g!.n; i++) {
      const x0 = xy[(i - 1) * 2], x1 = xy[i * 2];
      if (Number.isNaN(x1)) { gaps++; continue; }
      if (Number.isNaN(x0)) continue;
      expect(Math.abs(x1 - x0)).toBeLessThan(100);
    }
    expect(gaps).toBe(1);
  });
});

describe('view', () => {
  it('zooms about the pointer and clamps', () => {
    const v = zoomAt({ k: 1, tx: 0, ty: 0 }, 2, 100, 50);
    expect(v.k).toBe(2);
    expect(100 * v.k + v.tx).toBeCloseTo(200 - 100, 6); // the point under the pointer stays put: 50*2+tx = 100 → base 50
    expect(zoomAt(v, 1000, 0, 0).k).toBe(12);
    expect(clampView({ k: 2, tx: 500, ty: 500 }, 1000, 500)).toEqual({ k: 2, tx: 0, ty: 0 });
    expect(clampView({ k: 0.5, tx: 5, ty: 5 }, 1000, 500)).toEqual({ k: 1, tx: 0, ty: 0 });
  });

  it('fits the whole sphere inside the box', () => {
    const proj = fitProjection(800, 400, 8);
    for (const ll of [[-180, 0], [180, 0], [0, 90], [0, -90]] as LonLat[]) {
      const p = projectBase(proj, ll)!;
      expect(p[0]).toBeGreaterThanOrEqual(7.9);
      expect(p[0]).toBeLessThanOrEqual(792.1);
      expect(p[1]).toBeGreaterThanOrEqual(7.9);
      expect(p[1]).toBeLessThanOrEqual(392.1);
    }
  });
});

/**
 * Arc geometry: great-circle points between two places, cut where they cross the antimeridian,
 * projected once into base (unzoomed) map coordinates. Pure: testable in Node.
 */
import { geoDistance, geoInterpolate } from 'd3-geo';

export type LonLat = [number, number];
export type Project = (p: LonLat) => [number, number] | null;

/** Points along the great circle from a to b, both ends included; count grows with the distance (8–64). */
export function greatCircle(a: LonLat, b: LonLat): LonLat[] {
  const deg = (geoDistance(a, b) * 180) / Math.PI;
  const steps = Math.max(8, Math.min(64, Math.ceil(deg / 3)));
  const f = geoInterpolate(a, b);
  const out: LonLat[] = [];
  for (let i = 0; i <= steps; i++) out.push(f(i / steps) as LonLat);
  return out;
}

/**
 * Cuts a line of lon/lat points into pieces that never jump across the antimeridian: where two
 * neighbours differ by more than 180° of longitude, the crossing latitude is interpolated and the
 * piece ends at ±180 and the next starts at ∓180.
 */
export function splitAtAntimeridian(points: LonLat[]): LonLat[][] {
  const pieces: LonLat[][] = [];
  let cur: LonLat[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (i > 0) {
      const q = points[i - 1];
      const d = p[0] - q[0];
      if (Math.abs(d) > 180) {
        // Unwrap p next to q, find where the line meets the edge q is nearest.
        const edge = q[0] > 0 ? 180 : -180;
        const pu = p[0] + (d > 0 ? -360 : 360);
        const t = (edge - q[0]) / (pu - q[0]);
        const lat = q[1] + t * (p[1] - q[1]);
        cur.push([edge, lat]);
        pieces.push(cur);
        cur = [[-edge, lat]];
      }
    }
    cur.push(p);
  }
  if (cur.length) pieces.push(cur);
  return pieces;
}

/**
 * A projected polyline: x,y pairs, with NaN,NaN between pieces (pen up). `n` is the pair count.
 * Returns null when the projection cannot place an end.
 */
export interface ArcGeometry { xy: Float32Array; n: number }

export function arcGeometry(a: LonLat, b: LonLat, project: Project): ArcGeometry | null {
  const pieces = splitAtAntimeridian(greatCircle(a, b));
  let n = 0;
  for (const p of pieces) n += p.length;
  n += pieces.length - 1;
  const xy = new Float32Array(n * 2);
  let k = 0;
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) { xy[k++] = NaN; xy[k++] = NaN; }
    for (const pt of pieces[i]) {
      const s = project(pt);
      if (!s || !Number.isFinite(s[0]) || !Number.isFinite(s[1])) return null;
      xy[k++] = s[0];
      xy[k++] = s[1];
    }
  }
  return { xy, n };
}
